"""The publish rule: what a framework still lacks before visitors may see it.

A framework may be published only when every criterion is rated with a note and a source, and
every use case has a fit. ``missing`` states the rule on plain values and lists each gap in
the words editors read ("Performance: no source", "Use case “Real-time apps”: no fit"), in the
order of the criteria and use cases. Every path that publishes applies it through ``refusal``:
the admin's action and framework page (``admin.py``), and the catalog files (``catalog_io``:
``loadcatalog`` and the admin's import).

``refusal`` decides when the rule stops a save. Publishing an incomplete framework is refused;
a framework that is already published may not gain a gap, but one that was published before
the rule existed (or before a criterion was added) can still be edited: the gap is not new,
and the editors' desk lists it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction

from . import models
from .reasons import give_reason
from .scoring import name_key


@dataclass(frozen=True, slots=True)
class RatingState:
    """What the rule reads of one rating."""

    note: str
    source_url: str


def missing(
    *,
    criteria: Iterable[tuple[int, str]],
    use_cases: Iterable[tuple[int, str]],
    ratings: Mapping[int, RatingState],
    fits: Iterable[int],
) -> list[str]:
    """Every gap between a framework and publication, in catalog order; empty when complete.

    ``criteria`` and ``use_cases`` are (id, name) pairs in their display order; ``ratings``
    maps a criterion id to its rating, ``fits`` holds the ids of the use cases with a fit.
    """
    gaps = []
    for criterion_id, name in criteria:
        rating = ratings.get(criterion_id)
        if rating is None:
            gaps.append(f"{name}: not rated")
            continue
        if not rating.note.strip():
            gaps.append(f"{name}: no note")
        if not rating.source_url.strip():
            gaps.append(f"{name}: no source")
    fitted = set(fits)
    gaps += [f"Use case “{name}”: no fit" for pk, name in use_cases if pk not in fitted]
    return gaps


def refusal(*, was_published: bool, publish: bool, before: list[str], after: list[str]):
    """The gaps that stop this save (all of ``after``), or an empty list when it may go on."""
    if not publish or not after:
        return []
    if not was_published or any(not _covered(gap, before) for gap in after):
        return after
    return []


def _covered(gap: str, before: list[str]) -> bool:
    """Whether ``gap`` was already there: itself, or a missing rating now rated in part."""
    subject, _, problem = gap.rpartition(": ")
    return gap in before or (
        problem in ("no note", "no source") and f"{subject}: not rated" in before
    )


def catalog_axes() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The criteria and use cases every framework is checked against, in display order."""
    return (
        list(models.Criterion.objects.order_by("position", "name").values_list("pk", "name")),
        list(models.UseCase.objects.order_by("position", "name").values_list("pk", "name")),
    )


def stored_missing(framework_ids: Iterable[int], axes=None) -> dict[int, list[str]]:
    """The gaps of each framework as stored, in a fixed number of queries."""
    ids = list(framework_ids)
    criteria, use_cases = axes or catalog_axes()
    ratings: dict[int, dict[int, RatingState]] = {pk: {} for pk in ids}
    fits: dict[int, set[int]] = {pk: set() for pk in ids}
    rows = models.Rating.objects.filter(framework_id__in=ids).values_list(
        "framework_id", "criterion_id", "note", "source_url"
    )
    for framework_id, criterion_id, note, source in rows:
        ratings[framework_id][criterion_id] = RatingState(note, source)
    pairs = models.UseCaseFit.objects.filter(framework_id__in=ids)
    for framework_id, use_case_id in pairs.values_list("framework_id", "use_case_id"):
        fits[framework_id].add(use_case_id)
    return {
        pk: missing(criteria=criteria, use_cases=use_cases, ratings=ratings[pk], fits=fits[pk])
        for pk in ids
    }


def published_ids(framework_ids: Iterable[int]) -> set[int]:
    return set(
        models.Framework.objects.filter(pk__in=list(framework_ids), is_published=True).values_list(
            "pk", flat=True
        )
    )


def publish(
    framework_ids: Iterable[int], *, reason: str | None = None, user=None
) -> tuple[list[str], dict[str, list[str]]]:
    """Publish each complete framework of ``framework_ids``; refuse the others.

    Returns the names published and, for each framework refused, its gaps. One transaction,
    with the rows locked from the check to the write; each framework is saved on its own, so
    that its history names the editor and its version moves on (an editor's page opened on
    the old version is then refused, as for any other save). ``reason`` and ``user`` go into
    that history.
    """
    ids = sorted(set(framework_ids))
    done, refused = [], {}
    with transaction.atomic():
        rows = list(
            models.Framework.objects.select_for_update()
            .filter(pk__in=ids, is_published=False)
            .order_by("pk")
        )
        gaps = stored_missing([row.pk for row in rows])
        for framework in sorted(rows, key=lambda row: name_key(row.name, row.slug)):
            if gaps[framework.pk]:
                refused[framework.name] = gaps[framework.pk]
                continue
            framework.is_published = True
            give_reason(framework, reason, user)
            framework.save()
            done.append(framework.name)
    return done, refused
