import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

EDITORS_GROUP = "Editors"


class Command(BaseCommand):
    help = (
        "Create an editor: a staff account in the Editors group, who can curate the catalog "
        "but not manage users. Prints a generated password once."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    @transaction.atomic
    def handle(self, *args, username, email, **options):
        User = get_user_model()
        username = username.strip()
        if not username:
            raise CommandError("Give the new editor's username, e.g. `make editor NAME=alice`.")
        if User.objects.filter(username=username).exists():
            raise CommandError(
                f"An account named “{username}” already exists; pick another username."
            )
        try:
            group = Group.objects.get(name=EDITORS_GROUP)
        except Group.DoesNotExist:
            raise CommandError(
                "The Editors group is missing: run `manage.py migrate` first."
            ) from None
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(username, email, password, is_staff=True)
        user.groups.add(group)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created editor “{username}” with password: {password}\n"
                "Shown only now. They sign in at /admin/ and can change it there."
            )
        )
