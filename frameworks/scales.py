"""Which level of a measured scale a figure belongs to, and when a framework has gone quiet.

Pure functions, no database: ``syncfacts`` feeds them what it fetched and what editors rated,
and raises review flags from their answers; it never changes a rating itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

#: Measures where a smaller figure is the better one (rank 1 is the most downloaded).
LOWER_IS_BETTER = frozenset({"pypi_download_rank"})
#: A framework with no release for this many months goes to the editors' review queue.
STALE_AFTER_MONTHS = 18


class Band(NamedTuple):
    label: str
    threshold: int | None


def level_for(bands: Sequence[Band], measure: str, figure: int | None) -> str | None:
    """The best level whose threshold ``figure`` meets; the bottom level (no threshold) else.

    ``bands`` run worst first. ``None`` as the figure means "not measured at all" (a package
    outside the published rank list): it meets no threshold. Returns None when the scale has
    no bottom level to fall back on.
    """
    lower = measure in LOWER_IS_BETTER
    floor = None
    for band in reversed(bands):
        if band.threshold is None:
            floor = band.label if floor is None else floor
            continue
        if figure is not None and (figure <= band.threshold if lower else figure >= band.threshold):
            return band.label
    return floor


def crossed(
    bands: Sequence[Band],
    measure: str,
    rated_label: str,
    cited: int | None,
    new: int | None,
    *,
    cited_known: bool,
) -> str | None:
    """Why a new figure puts a rating in question, or None when the level still matches.

    With a cited figure (the one the rating rests on), only a move into another band counts:
    an editor who rated against the raw band, with reasons in the note, is not asked again
    until the figure itself moves. Without one, the new figure's band is compared with the
    level as rated.
    """
    now = level_for(bands, measure, new)
    if now is None:
        return None
    before = level_for(bands, measure, cited) if cited_known else rated_label
    if now == before:
        return None
    shown = "not ranked" if new is None else f"{new:,}"
    return f"{measure_name(measure)} now {shown}: in the {now} band, rated {rated_label}"


def measure_name(measure: str) -> str:
    return {"pypi_download_rank": "PyPI download rank", "github_stars": "GitHub stars"}.get(
        measure, measure
    )


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from ``earlier`` to ``later`` (a month is complete on its day)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (later.day < earlier.day)


def stale_since(last_release: date | None, today: date) -> date | None:
    """The last release's date when it is ``STALE_AFTER_MONTHS`` or more ago, else None."""
    if last_release is None or months_between(last_release, today) < STALE_AFTER_MONTHS:
        return None
    return last_release


STALE_PREFIX = "No release since"


def stale_reason(last_release: date) -> str:
    return f"{STALE_PREFIX} {last_release:%Y-%m}"
