"""The one place that reads the catalog from the database for scoring and display.

``load_snapshot()`` reads the whole published catalog in a fixed number of queries as plain
values and returns frozen dataclasses: the domain model that scoring and the pages read.
``current_snapshot()`` keeps one snapshot per process, keyed by the catalog version that every
editor save bumps. Rendered HTML is not kept here: it goes through Django's cache framework
(the ``pages`` and ``fragments`` aliases in settings), under keys that hold the version.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import models, scales, scoring

VERSION_CACHE_KEY = "catalog-version"
#: Seconds Redis may answer for the database's catalog version: the longest an edit can take
#: to reach every process when Redis missed its announcement (down, hung or refusing writes).
VERSION_TIMEOUT = 5
BEST_USE_FIT = 4


@dataclass(frozen=True, slots=True)
class CapabilityInfo:
    slug: str
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class UseCaseInfo:
    slug: str
    name: str
    description: str
    spec: scoring.UseCaseSpec


@dataclass(frozen=True, slots=True)
class PointInfo:
    text: str
    source_url: str


@dataclass(frozen=True, slots=True)
class FactsInfo:
    """What ``syncfacts`` last read from PyPI and GitHub, each with the time it was read."""

    version: str = ""
    released_on: date | None = None
    first_release_on: date | None = None
    release_count: int | None = None
    requires_python: str = ""
    license: str = ""
    pypi_fetched_at: datetime | None = None
    download_rank: int | None = None
    rank_fetched_at: datetime | None = None
    stars: int | None = None
    forks: int | None = None
    open_issues: int | None = None
    pushed_at: datetime | None = None
    github_fetched_at: datetime | None = None


FACT_COLUMNS = {
    "version": "facts__pypi_version",
    "released_on": "facts__pypi_released_on",
    "first_release_on": "facts__pypi_first_release_on",
    "release_count": "facts__pypi_release_count",
    "requires_python": "facts__requires_python",
    "license": "facts__pypi_license",
    "pypi_fetched_at": "facts__pypi_fetched_at",
    "download_rank": "facts__pypi_download_rank",
    "rank_fetched_at": "facts__download_rank_fetched_at",
    "stars": "facts__github_stars",
    "forks": "facts__github_forks",
    "open_issues": "facts__github_open_issues",
    "pushed_at": "facts__github_pushed_at",
    "github_fetched_at": "facts__github_fetched_at",
}


def _facts(row) -> FactsInfo | None:
    # The facts row is LEFT JOINed: without one (or before any fetch) there is nothing to show.
    if not (row["facts__pypi_fetched_at"] or row["facts__github_fetched_at"]):
        return None
    return FactsInfo(**{name: row[column] for name, column in FACT_COLUMNS.items()})


@dataclass(frozen=True, slots=True)
class FrameworkInfo:
    slug: str
    name: str
    tagline: str
    overview: str
    category: str
    category_label: str
    website: str
    docs_url: str
    repository_url: str
    license: str
    first_release: int | None
    latest_version: str
    best_for: str
    choose_if: str
    color: str
    symbol: str
    last_reviewed: date | None
    pros: tuple[PointInfo, ...] = ()
    cons: tuple[PointInfo, ...] = ()
    #: Names of the use cases this framework fits best (fit 4 or 5), best first.
    best_uses: tuple[str, ...] = ()
    #: Unpublished: only in an editor's preview snapshot, and marked as a draft there.
    draft: bool = False
    #: Fetched facts (joined to the framework row, no query of their own); None before any.
    facts: FactsInfo | None = None

    @property
    def version_shown(self) -> str:
        """The fetched latest version when there is one, else the one editors typed."""
        return (self.facts.version if self.facts else "") or self.latest_version

    @property
    def latest_release(self) -> date | None:
        """The latest release's date as syncfacts last read it: the catalog page's "released
        in the last year" filter and its "latest release" order read it."""
        return self.facts.released_on if self.facts else None

    @property
    def no_release_since(self) -> date | None:
        """The last release's date when it is long enough ago to warn visitors, else None."""
        if self.facts is None:
            return None
        return scales.stale_since(self.facts.released_on, timezone.localdate())


@dataclass(frozen=True, slots=True)
class Snapshot:
    version: str
    criteria: tuple[scoring.CriterionSpec, ...]
    capabilities: tuple[CapabilityInfo, ...]
    use_cases: tuple[UseCaseInfo, ...]
    frameworks: tuple[scoring.FrameworkSpec, ...]
    info: dict[str, FrameworkInfo] = field(default_factory=dict)
    #: The unpublished frameworks an editor's preview snapshot holds; always empty in the
    #: snapshot every visitor is served (``current_snapshot``).
    drafts: frozenset[str] = frozenset()
    # Values that follow from this snapshot alone (the score table, lookups by slug) are
    # worked out once, not per request, and go away with the snapshot when an editor's save
    # changes the version: nothing to invalidate.
    _derived: dict = field(default_factory=dict, repr=False, compare=False)

    def derived(self, key, build: Callable[[], object]):
        """``build()``, computed on first use for this snapshot; ``key`` names what it is."""
        try:
            return self._derived[key]
        except KeyError:
            value = self._derived[key] = build()  # two threads may both build it: same value
            return value

    @property
    def capability_names(self) -> dict[str, str]:
        return self.derived("capability-names", lambda: {c.slug: c.name for c in self.capabilities})

    @property
    def score_table(self) -> scoring.Table:
        """The frameworks' ratings laid out for scoring, built once per snapshot."""
        return self.derived("score-table", lambda: scoring.Table(self.criteria, self.frameworks))

    def framework(self, slug: str) -> scoring.FrameworkSpec | None:
        by_slug = self.derived("frameworks-by-slug", lambda: {f.slug: f for f in self.frameworks})
        return by_slug.get(slug)

    @property
    def draft_names(self) -> list[str]:
        drafts = sorted(self.drafts, key=lambda slug: scoring.name_key(self.info[slug].name, slug))
        return [self.info[slug].name for slug in drafts]

    def use_case(self, slug: str) -> UseCaseInfo | None:
        return next((u for u in self.use_cases if u.slug == slug), None)


def load_snapshot(version: str = "", drafts: frozenset[str] = frozenset()) -> Snapshot:
    """Read every published framework and what scores it: ten queries, whatever the size
    (the fetched facts are joined to the frameworks' query).

    ``drafts``: slugs of unpublished frameworks to read as well, for an editor's preview only
    (such a snapshot is built per request and never kept, see ``frameworks.preview``).
    """
    category_labels = dict(models.Framework.Category.choices)
    shown = Q(is_published=True) | Q(slug__in=drafts) if drafts else Q(is_published=True)
    via_framework = (
        Q(framework__is_published=True) | Q(framework__slug__in=drafts)
        if drafts
        else Q(framework__is_published=True)
    )
    framework_rows = sorted(
        models.Framework.objects.filter(shown).values(
            "id",
            "slug",
            "name",
            "tagline",
            "overview",
            "category",
            "website",
            "docs_url",
            "repository_url",
            "license",
            "first_release",
            "latest_version",
            "best_for",
            "choose_if",
            "color",
            "symbol",
            "last_reviewed",
            "is_published",
            *FACT_COLUMNS.values(),
        ),
        # Sorted here, not by the database: ORDER BY name follows the column's collation
        # (case-sensitive on SQLite and on a C collation, ignoring spaces and punctuation on
        # en_US), and every list built from the snapshot must match the ranking's tie-break.
        key=lambda row: scoring.name_key(row["name"], row["slug"]),
    )

    levels = defaultdict(list)
    for row in models.Level.objects.order_by("position", "value").values(
        "criterion_id", "label", "value", "definition", "threshold"
    ):
        levels[row["criterion_id"]].append(
            scoring.LevelSpec(row["label"], row["value"], row["definition"], row["threshold"])
        )
    criterion_rows = list(
        models.Criterion.objects.order_by("position", "name").values(
            "id", "slug", "name", "default_weight", "help_text", "measure"
        )
    )
    criteria = tuple(
        scoring.CriterionSpec(
            slug=row["slug"],
            name=row["name"],
            default_weight=row["default_weight"],
            levels=tuple(levels[row["id"]]),
            help_text=row["help_text"],
            measure=row["measure"],
        )
        for row in criterion_rows
    )
    criterion_slugs = {row["id"]: row["slug"] for row in criterion_rows}

    ratings = defaultdict(dict)
    for row in models.Rating.objects.filter(via_framework).values(
        "framework_id",
        "criterion_id",
        "level__label",
        "level__value",
        "note",
        "source_url",
        "reviewed_on",
        "source_as_of",
        "figure",
        "figure_as_of",
    ):
        ratings[row["framework_id"]][criterion_slugs[row["criterion_id"]]] = scoring.RatingSpec(
            label=row["level__label"],
            value=row["level__value"],
            note=row["note"],
            source_url=row["source_url"],
            reviewed_on=row["reviewed_on"],
            source_as_of=row["source_as_of"],
            figure=row["figure"],
            figure_as_of=row["figure_as_of"],
        )

    capability_rows = list(
        models.Capability.objects.order_by("position", "name").values(
            "id", "slug", "name", "description"
        )
    )
    capability_slugs = {row["id"]: row["slug"] for row in capability_rows}
    supports = defaultdict(dict)
    for row in models.FrameworkCapability.objects.filter(via_framework).values(
        "framework_id",
        "capability_id",
        "support",
        "extension",
        "extension_recommended",
        "extension_url",
        "detail",
        "source_url",
    ):
        supports[row["framework_id"]][capability_slugs[row["capability_id"]]] = scoring.SupportSpec(
            support=row["support"],
            extension=row["extension"],
            recommended=row["extension_recommended"],
            extension_url=row["extension_url"],
            detail=row["detail"],
            source_url=row["source_url"],
        )

    use_case_rows = list(
        models.UseCase.objects.order_by("position", "name").values(
            "id", "slug", "name", "description", "fit_weight"
        )
    )
    use_case_slugs = {row["id"]: row["slug"] for row in use_case_rows}
    presets = defaultdict(dict)
    for row in models.UseCasePreset.objects.values("use_case_id", "criterion_id", "weight"):
        presets[row["use_case_id"]][criterion_slugs[row["criterion_id"]]] = row["weight"]
    fits = defaultdict(dict)
    for row in models.UseCaseFit.objects.filter(via_framework).values(
        "framework_id", "use_case_id", "fit", "note"
    ):
        fits[row["framework_id"]][use_case_slugs[row["use_case_id"]]] = scoring.FitSpec(
            fit=row["fit"], note=row["note"]
        )

    points = defaultdict(lambda: {"pro": [], "con": []})
    for row in (
        models.ProCon.objects.filter(via_framework)
        .order_by("position", "id")
        .values("framework_id", "kind", "text", "source_url")
    ):
        points[row["framework_id"]][row["kind"]].append(
            PointInfo(text=row["text"], source_url=row["source_url"])
        )

    frameworks = tuple(
        scoring.FrameworkSpec(
            slug=row["slug"],
            name=row["name"],
            ratings=ratings[row["id"]],
            capabilities=supports[row["id"]],
            fits=fits[row["id"]],
        )
        for row in framework_rows
    )
    use_case_names = {row["slug"]: row["name"] for row in use_case_rows}
    info = {}
    for row in framework_rows:
        info[row["slug"]] = FrameworkInfo(
            slug=row["slug"],
            name=row["name"],
            tagline=row["tagline"],
            overview=row["overview"],
            category=row["category"],
            category_label=category_labels.get(row["category"], row["category"]),
            website=row["website"],
            docs_url=row["docs_url"],
            repository_url=row["repository_url"],
            license=row["license"],
            first_release=row["first_release"],
            latest_version=row["latest_version"],
            best_for=row["best_for"],
            choose_if=row["choose_if"],
            color=row["color"],
            symbol=row["symbol"],
            last_reviewed=row["last_reviewed"],
            pros=tuple(points[row["id"]]["pro"]),
            cons=tuple(points[row["id"]]["con"]),
            best_uses=tuple(
                use_case_names[slug]
                for slug, fit in sorted(
                    fits[row["id"]].items(), key=lambda item: (-item[1].fit, item[0])
                )
                if fit.fit >= BEST_USE_FIT
            ),
            draft=not row["is_published"],
            facts=_facts(row),
        )
    return Snapshot(
        version=version,
        criteria=criteria,
        capabilities=tuple(
            CapabilityInfo(row["slug"], row["name"], row["description"]) for row in capability_rows
        ),
        use_cases=tuple(
            UseCaseInfo(
                slug=row["slug"],
                name=row["name"],
                description=row["description"],
                spec=scoring.UseCaseSpec(
                    slug=row["slug"],
                    name=row["name"],
                    fit_weight=row["fit_weight"],
                    presets=presets[row["id"]],
                ),
            )
            for row in use_case_rows
        ),
        frameworks=frameworks,
        info=info,
        drafts=frozenset(row["slug"] for row in framework_rows if not row["is_published"]),
    )


def _shared_cache() -> bool:
    # A per-process cache (locmem) cannot tell other processes about an edit; the database can.
    return bool(getattr(settings, "REDIS_URL", ""))


def _database_version() -> int:
    # Every request asks this when Redis cannot answer, so it is one plain SELECT rather than
    # the ORM's queryset machinery, which costs many times the query itself.
    table = connection.ops.quote_name(models.CatalogState._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


#: The newest version this process knows of: the database's last answer, or a newer copy.
_newest = 0


def current_version() -> str:
    """The catalog's version: a counter in the database that every committed change bumps.

    With Redis, Redis holds a copy for ``VERSION_TIMEOUT`` seconds so that requests need not
    ask the database; on a miss, or when Redis fails (the cache backend turns its errors into
    misses), the database answers. A copy older than what this process last read from the
    database (Redis missed an edit while it was unreachable) is dropped, not trusted. So a
    process never goes back to an older catalog, and Redis can keep any process behind the
    database for at most ``VERSION_TIMEOUT`` seconds, whatever happened to it.
    """
    global _newest
    if _shared_cache():
        copy = cache.get(VERSION_CACHE_KEY)
        if type(copy) is int and copy >= _newest:
            _newest = copy
            return str(copy)
        if copy is not None:
            # Stale, or an older release's token. Deleted, not replaced: a delete can never
            # hide a newer version that an edit published meanwhile.
            cache.delete(VERSION_CACHE_KEY)
        version = _newest = _database_version()
        # add, not set: a reader that read the database just before an edit committed must
        # not overwrite the newer version the edit published.
        cache.add(VERSION_CACHE_KEY, version, timeout=VERSION_TIMEOUT)
        return str(version)
    return str(_database_version())


def _publish_version() -> None:
    # Delete first: a Redis that refuses writes (out of memory) still accepts a delete, and
    # then readers go to the database instead of trusting the old copy. The version is read
    # after the commit, so two saves committing close together both publish the later one.
    cache.delete(VERSION_CACHE_KEY)
    cache.set(VERSION_CACHE_KEY, _database_version(), timeout=VERSION_TIMEOUT)


def _publish_pending() -> bool:
    """Whether this transaction already publishes the version (a save bumps it once per row)."""
    return any(func is _publish_version for _, func, _ in connection.run_on_commit)


def bump_version() -> None:
    """Mark the catalog as changed, inside the caller's transaction.

    The database counter is the truth and commits with the edit. With Redis, the new value
    is published once the transaction commits, so that every process sees it on its next
    request; if Redis misses it, the copy Redis holds expires within ``VERSION_TIMEOUT``.
    """
    updated = models.CatalogState.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        models.CatalogState.objects.get_or_create(pk=1, defaults={"version": 2})
    if _shared_cache() and not _publish_pending():
        # robust: the edit is committed whatever happens to its announcement.
        transaction.on_commit(_publish_version, robust=True)


_lock = threading.Lock()
_snapshot: Snapshot | None = None


def current_snapshot() -> Snapshot:
    """The catalog as of the latest committed edit, loaded at most once per version and process."""
    global _snapshot
    version = current_version()
    snapshot = _snapshot
    if snapshot is not None and snapshot.version == version:
        return snapshot
    with _lock:
        if _snapshot is None or _snapshot.version != version:
            _snapshot = load_snapshot(version)
        return _snapshot


def forget_snapshot() -> None:
    global _snapshot, _newest
    with _lock:
        _snapshot = None
        _newest = 0
