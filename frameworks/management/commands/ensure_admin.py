import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Make sure a local admin account exists, then print where the site is, how to log in "
        "and how to add an editor. A new account's generated password is shown only this once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--site-url", default="http://127.0.0.1:8000", help="Where `make run` serves the site."
        )

    def handle(self, *args, username, site_url, **options):
        User = get_user_model()
        site_url = site_url.rstrip("/")
        if User.objects.filter(username=username).exists():
            login = (
                f"{username} (existing account; forgot the password? make password NAME={username})"
            )
        else:
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser(username=username, email="", password=password)
            login = f"{username} / {password}   (shown only now: note it down)"
        # The last thing `make run` prints before the server starts, so that the login is not
        # lost in the migration output above it.
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "=" * 72,
                    f"  Site:        {site_url}/",
                    f"  Admin:       {site_url}/admin/",
                    f"  Login:       {login}",
                    "  Add editor:  make editor NAME=alice",
                    "=" * 72,
                    "",
                ]
            )
        )
