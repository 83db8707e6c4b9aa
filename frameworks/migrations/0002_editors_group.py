"""Create the Editors group: staff who curate the catalog but cannot manage users or groups."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CATALOG_MODELS = [
    "framework", "criterion", "level", "capability", "usecase", "usecasepreset", "rating",
    "frameworkcapability", "procon", "usecasefit",
]
# Rows edited inline can be removed from their parent's page; top-level entries cannot be
# deleted by editors (unpublish a framework instead).
DELETABLE = ["level", "usecasepreset", "rating", "frameworkcapability", "procon", "usecasefit"]


def create_editors(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    app_config = apps.get_app_config("frameworks")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in CATALOG_MODELS for action in ("add", "change", "view")]
    codenames += [f"delete_{model}" for model in DELETABLE]
    group, _ = Group.objects.get_or_create(name="Editors")
    permissions = Permission.objects.filter(
        content_type__app_label="frameworks", codename__in=codenames
    )
    group.permissions.add(*permissions)


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
