"""The catalog page as a tool: search, filter and sort the published frameworks.

Pure functions of a catalog snapshot (no ORM, no request): the form in forms.py reads the
query string, the view hands its cleaned values here, the template shows what comes back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .catalog import FrameworkInfo, Snapshot
from .scoring import name_key

#: Supports that count as "has the capability": built in, fully or in part. An extension is
#: something the visitor adds and maintains, so it does not count.
HAS_CAPABILITY = frozenset({"built_in", "partial"})
RECENT = timedelta(days=365)

#: The orders the page offers: (value in the query string, label).
SORTS = (
    ("name", "Name (A to Z)"),
    ("-first-release", "First release (newest first)"),
    ("first-release", "First release (oldest first)"),
    ("latest-release", "Latest release (newest first)"),
)


def license_family(text: str) -> str:
    """A licence as one filter choice: the name before any qualifier ("Apache-2.0 (bundled
    llhttp: MIT)" is Apache-2.0)."""
    return re.split(r"\s*[(;]", text or "", maxsplit=1)[0].strip()


def license_families(snapshot: Snapshot) -> list[str]:
    return snapshot.derived(
        "license-families",
        lambda: sorted(
            {license_family(i.license) for i in snapshot.info.values()} - {""}, key=str.casefold
        ),
    )


def release_date(info: FrameworkInfo) -> date | None:
    """When the framework last shipped, if the catalog knows it."""
    return info.latest_release


def any_release_dates(snapshot: Snapshot) -> bool:
    """Whether "released in the last year" can say anything about this catalog."""
    return snapshot.derived(
        "any-release-dates",
        lambda: any(release_date(i) is not None for i in snapshot.info.values()),
    )


@dataclass(frozen=True)
class Found:
    frameworks: list[FrameworkInfo]
    total: int
    #: Whether any filter narrowed the list (an order, or a parameter the page does not know,
    #: such as a campaign tag, is not a search).
    filtered: bool = False


def find(
    snapshot: Snapshot,
    *,
    q: str = "",
    category: str = "",
    license: str = "",
    capabilities: tuple[str, ...] = (),
    recent: bool = False,
    sort: str = "name",
    today: date | None = None,
) -> Found:
    """The published frameworks that match every given filter, in the asked order.

    ``q`` matches names, case- and accent-insensitively as far as casefold goes; a framework
    with no release date is never "recent" and comes last in the "latest release" order.
    """
    needle = q.strip().casefold()
    since = (today or date.today()) - RECENT
    wanted = []
    for spec in snapshot.frameworks:
        info = snapshot.info[spec.slug]
        if needle and needle not in info.name.casefold():
            continue
        if category and info.category != category:
            continue
        if license and license_family(info.license) != license:
            continue
        if any(
            getattr(spec.capabilities.get(slug), "support", "none") not in HAS_CAPABILITY
            for slug in capabilities
        ):
            continue
        if recent and not ((released := release_date(info)) and released >= since):
            continue
        wanted.append(info)
    return Found(
        sorted(wanted, key=_ORDERS.get(sort, _by_name)),
        len(snapshot.frameworks),
        filtered=bool(needle or category or license or capabilities or recent),
    )


def _by_name(info: FrameworkInfo):
    return name_key(info.name, info.slug)


def _unknown_last(value, *, newest_first: bool):
    # (is unknown, value): unknown sorts after every known value, whatever the direction.
    if value is None:
        return (1, 0)
    return (0, -value if newest_first else value)


_ORDERS = {
    "name": _by_name,
    "first-release": lambda i: (_unknown_last(i.first_release, newest_first=False), _by_name(i)),
    "-first-release": lambda i: (_unknown_last(i.first_release, newest_first=True), _by_name(i)),
    "latest-release": lambda i: (
        _unknown_last(release_date(i).toordinal() if release_date(i) else None, newest_first=True),
        _by_name(i),
    ),
}
