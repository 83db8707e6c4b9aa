import json

from django.core.management.base import BaseCommand

from frameworks.catalog_io import export_catalog


class Command(BaseCommand):
    help = "Write the whole catalog (published or not) as JSON that loadcatalog can restore."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="File to write; standard output if omitted.")

    def handle(self, *args, output=None, **options):
        text = json.dumps(export_catalog(), indent=2, ensure_ascii=False)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stderr.write(f"Catalog written to {output}.")
        else:
            self.stdout.write(text)
