from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from frameworks.catalog_io import CatalogError, import_catalog
from frameworks.catalog_schema import read_document

SHIPPED = Path(__file__).resolve().parents[2] / "seed" / "catalog.json"


class Command(BaseCommand):
    help = (
        "Load the shipped catalog, or restore one written by exportcatalog. Idempotent: rows "
        "that already exist are left as editors left them, and rows editors deleted or renamed "
        "are not brought back, unless --overwrite is given. The file is checked whole first: "
        "if anything is wrong, every problem is listed and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(SHIPPED), help="Catalog JSON file.")
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Make the database match the file: replace existing rows with the file's "
            "values and restore rows editors deleted or renamed (their changes are lost).",
        )

    def handle(self, *args, file, overwrite, **options):
        path = Path(file)
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read the catalog file {path}: {error.strerror}.") from error
        try:
            report = import_catalog(read_document(raw, name=str(path)), overwrite=overwrite)
        except CatalogError as error:
            count = len(error.errors)
            problems = "\n".join(f"  {line}" for line in error.errors)
            raise CommandError(
                f"{path} was not loaded ({count} problem{'s' if count > 1 else ''}; "
                f"nothing was written):\n{problems}"
            ) from error
        for line in report.skipped:
            self.stdout.write(self.style.WARNING(f"Not restored: {line}"))
        if report.skipped:
            self.stdout.write("Give --overwrite to restore them from the file.")
        self.stdout.write(
            self.style.SUCCESS(f"Catalog loaded from {path.name}: {report.summary()}")
        )
