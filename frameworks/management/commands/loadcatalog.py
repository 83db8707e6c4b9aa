import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from frameworks.catalog_io import CatalogError, import_catalog

SHIPPED = Path(__file__).resolve().parents[2] / "seed" / "catalog.json"


class Command(BaseCommand):
    help = (
        "Load the shipped catalog, or restore one written by exportcatalog. Idempotent: rows "
        "that already exist are left as editors left them unless --overwrite is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(SHIPPED), help="Catalog JSON file.")
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Replace existing rows with the file's values (editors' changes are lost).",
        )

    def handle(self, *args, file, overwrite, **options):
        path = Path(file)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise CommandError(f"No catalog file at {path}.") from error
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CommandError(f"{path} is not valid JSON: {error}") from error
        try:
            report = import_catalog(data, overwrite=overwrite)
        except (CatalogError, KeyError, TypeError) as error:
            raise CommandError(f"{path}: {error}") from error
        except Exception as error:  # a ValidationError names the field at fault
            if error.__class__.__name__ == "ValidationError":
                raise CommandError(f"{path}: {error}") from error
            raise
        self.stdout.write(
            self.style.SUCCESS(f"Catalog loaded from {path.name}: {report.summary()}")
        )
