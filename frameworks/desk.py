"""The editors' desk: the queues on the admin's front page, and the history that tells the story.

Each queue is one declarative entry (a title, what it counts, where its link goes). Branches
that add work for editors (visitor suggestions, facts flagged by syncfacts, imports) add their
entry to ``QUEUES`` and nothing else.
"""

from dataclasses import dataclass
from heapq import merge
from itertools import islice
from operator import attrgetter

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from simple_history.template_utils import HistoricalRecordContextHelper

from .models import (
    Capability,
    Criterion,
    Framework,
    FrameworkCapability,
    Level,
    ProCon,
    Rating,
    Suggestion,
    UseCase,
    UseCaseFit,
    UseCasePreset,
)

#: Every model whose changes the desk lists (the catalog editors curate).
CATALOG_MODELS = (
    Framework,
    Rating,
    FrameworkCapability,
    ProCon,
    UseCaseFit,
    Criterion,
    Level,
    Capability,
    UseCase,
    UseCasePreset,
)
#: The rows edited on a framework's own page: its History lists their changes too.
FRAMEWORK_PARTS = (Rating, FrameworkCapability, ProCon, UseCaseFit)
RECENT_CHANGES = 20
FRAMEWORK_PART_CHANGES = 200


def changelist(model, **params):
    url = reverse(f"admin:frameworks_{model._meta.model_name}_changelist")
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{url}?{query}" if query else url


@dataclass(frozen=True)
class Queue:
    """One pile of work: what it is, how many rows are in it, and the page that lists them."""

    slug: str
    title: str
    description: str
    count: object  # a callable returning an int, run when the desk is shown
    link: object  # a callable returning the URL of the filtered list or focused page
    permission: str = "frameworks.view_rating"


QUEUES = [
    Queue(
        "stale",
        "Stale ratings",
        "Last reviewed more than {days} days ago, oldest first.",
        lambda: Rating.objects.stale().count(),
        lambda: changelist(Rating, reviewed="stale"),
    ),
    Queue(
        "no-source",
        "Ratings without a source",
        "Visitors cannot check these.",
        lambda: Rating.objects.without_source().count(),
        lambda: changelist(Rating, missing="source"),
    ),
    Queue(
        "no-note",
        "Ratings without a note",
        "Visitors see a level with no explanation.",
        lambda: Rating.objects.without_note().count(),
        lambda: changelist(Rating, missing="note"),
    ),
    Queue(
        "incomplete",
        "Incomplete frameworks",
        "A criterion not rated, or a capability or use-case fit missing.",
        lambda: Framework.objects.incomplete().count(),
        lambda: changelist(Framework, completeness="incomplete"),
        permission="frameworks.view_framework",
    ),
    Queue(
        "flagged-ratings",
        "Ratings flagged by syncfacts",
        "A measured figure crossed a level's threshold: check the level.",
        lambda: Rating.objects.exclude(flagged_reason="").count(),
        lambda: changelist(Rating, flagged="yes"),
    ),
    Queue(
        "flagged-frameworks",
        "Frameworks flagged by syncfacts",
        "No release for 18 months: check the project is still maintained.",
        lambda: Framework.objects.exclude(flagged_reason="").count(),
        lambda: changelist(Framework, flagged="yes"),
        permission="frameworks.view_framework",
    ),
    Queue(
        "suggestions",
        "Suggestions waiting",
        "Corrections visitors proposed, with their evidence: accept or reject each.",
        lambda: Suggestion.objects.pending().count(),
        lambda: changelist(Suggestion, status__exact="pending"),
        permission="frameworks.view_suggestion",
    ),
]


@dataclass(frozen=True)
class QueueView:
    slug: str
    title: str
    description: str
    count: int
    url: str


def queues_for(user):
    """The queues this editor may open, each with its count and link."""
    return [
        QueueView(
            queue.slug,
            queue.title,
            queue.description.format(days=settings.CATALOG_STALE_AFTER_DAYS),
            queue.count(),
            queue.link(),
        )
        for queue in QUEUES
        if user.has_perm(queue.permission)
    ]


# --- History ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One history entry as editors read it: who, what, when, why, and what moved."""

    record: object
    model: type
    what: str
    diff: list
    history_url: str
    revert_url: str

    @property
    def when(self):
        return self.record.history_date

    @property
    def who(self):
        return self.record.history_user

    @property
    def why(self):
        return self.record.history_change_reason

    @property
    def kind(self):
        return self.record.get_history_type_display()

    @property
    def model_name(self):
        return self.model._meta.verbose_name


def _describe(record):
    # A row's name reads its related rows, which may have been deleted since.
    try:
        return str(record.instance)
    except ObjectDoesNotExist:
        return f"{record.instance._meta.verbose_name} #{record.id}"


#: Rows edited only inside their parent's page: their history is read from the parent's.
EDITED_WITHIN = {Level: ("criterion", Criterion), UseCasePreset: ("use_case", UseCase)}


def _links(model, record):
    """The history page to open for this entry, and the page that reverts to it."""
    if model in EDITED_WITHIN:
        field, parent = EDITED_WITHIN[model]
        parent_id = getattr(record, f"{field}_id")
        url = reverse(f"admin:frameworks_{parent._meta.model_name}_history", args=[parent_id])
        return url, url
    name = model._meta.model_name
    return (
        reverse(f"admin:frameworks_{name}_history", args=[record.id]),
        reverse(f"admin:frameworks_{name}_simple_history", args=[record.id, record.history_id]),
    )


def _change(model, record, previous):
    diff = []
    if previous is not None and record.history_type == "~":
        delta = record.diff_against(previous)
        diff = HistoricalRecordContextHelper(model, record).context_for_delta_changes(delta)
    history_url, revert_url = _links(model, record)
    return Change(
        record=record,
        model=model,
        what=_describe(record),
        diff=diff,
        history_url=history_url,
        revert_url=revert_url,
    )


def _related(model):
    return [
        field.name
        for field in model.history.model._meta.fields
        if field.is_relation and field.name != "history_user" and field.name != "history_relation"
    ]


def _with_previous(model, records):
    """Pair each record with the one before it for the same row (for the diff)."""
    records = list(records)
    ids = {record.id for record in records}
    oldest = min((record.history_date for record in records), default=None)
    earlier = {}
    if oldest is not None:
        # The entry just before the oldest one listed, per row, so its diff is complete too.
        history = model.history.filter(id__in=ids, history_date__lt=oldest)
        for entry in history.order_by("id", "-history_date", "-history_id").distinct():
            earlier.setdefault(entry.id, entry)
    ordered = sorted(records, key=attrgetter("history_date", "history_id"))
    last = dict(earlier)
    pairs = {}
    for record in ordered:
        pairs[record.history_id] = last.get(record.id)
        last[record.id] = record
    return [(record, pairs[record.history_id]) for record in records]


def _newest(model, records, limit):
    history = records.select_related("history_user", *_related(model))
    page = list(history.order_by("-history_date", "-history_id")[:limit])
    return [_change(model, record, previous) for record, previous in _with_previous(model, page)]


def recent_changes(limit=RECENT_CHANGES, models=CATALOG_MODELS):
    """The newest changes across the catalog, newest first."""
    streams = [_newest(model, model.history.all(), limit) for model in models]
    newest_first = merge(*streams, key=attrgetter("when"), reverse=True)
    return list(islice(newest_first, limit))


def framework_part_changes(framework_id, limit=FRAMEWORK_PART_CHANGES):
    """Changes to a framework's ratings, capabilities, fits and pros and cons, newest first."""
    streams = [
        _newest(model, model.history.filter(framework_id=framework_id), limit)
        for model in FRAMEWORK_PARTS
    ]
    return list(islice(merge(*streams, key=attrgetter("when"), reverse=True), limit))
