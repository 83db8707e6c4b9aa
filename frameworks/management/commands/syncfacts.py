from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from frameworks import facts, models


class Command(BaseCommand):
    help = (
        "Fetch each framework's package facts from PyPI, its repository's figures from GitHub "
        "and its PyPI download rank, and store them with the time they were read. Ratings are "
        "never changed: a figure that moves a rating into another band of its scale, or 18 "
        "months without a release, raises a review flag instead. A framework whose answers "
        "fail is reported and left as it was; the exit status is then non-zero."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would change and which flags would be raised; change nothing.",
        )
        parser.add_argument(
            "--framework",
            action="append",
            default=[],
            metavar="SLUG",
            help="Only this framework (repeat for more).",
        )
        parser.add_argument(
            "--recorded",
            metavar="DIR",
            default=getattr(settings, "SYNCFACTS_RECORDED_DIR", ""),
            help="Read recorded answers from DIR (pypi/, github/, ranks/) instead of the "
            "network. Default: the SYNCFACTS_RECORDED_DIR setting, else the network.",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=facts.TIMEOUT,
            help=f"Seconds to wait for each answer (default {facts.TIMEOUT}).",
        )

    def handle(self, *args, dry_run, framework, recorded, timeout, **options):
        unknown = sorted(
            set(framework) - set(models.Framework.objects.values_list("slug", flat=True))
        )
        if unknown:
            raise CommandError(f"No framework has the slug {', '.join(unknown)}.")
        if recorded:
            if not Path(recorded).is_dir():
                raise CommandError(f"No directory of recorded answers at {recorded}.")
            source = facts.Recorded(recorded)
        else:
            if timeout <= 0:
                raise CommandError("--timeout must be a positive number of seconds.")
            source = facts.Network(timeout=timeout)
        report = facts.sync(source, slugs=framework, dry_run=dry_run)
        for line in report.lines():
            style = self.style.ERROR if "FAILED" in line or "not updated" in line else None
            self.stdout.write(style(line) if style else line)
        done = len(report.outcomes) - len(report.failed)
        verb = "would update" if dry_run else "updated"
        summary = f"{verb} {done} of {len(report.outcomes)} frameworks"
        if dry_run:
            summary += " (dry run: nothing was written)"
        if report.failed or report.errors:
            failed = ", ".join(report.failed) or "none"
            raise CommandError(f"{summary}; failed: {failed}", returncode=2)
        self.stdout.write(self.style.SUCCESS(summary[0].upper() + summary[1:] + "."))
