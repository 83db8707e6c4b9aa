"""Visitors' suggested corrections: filing one, and an editor's decision on it.

Accepting a suggestion is an edit like any other: the rating (or capability row) is saved
through a ``VersionedModelForm`` opened at the version the visitor saw, so the model's own
validation runs, the optimistic lock refuses a row that another editor changed since the
suggestion was filed, simple_history records the save with a reason naming the suggestion,
and the catalog version bumps (``frameworks.signals``) so every page shows the new value.
"""

from __future__ import annotations

from django.db import router, transaction
from django.utils import timezone

from .locking import VERSION_FIELD, VersionedModelForm, _when, last_change
from .models import FrameworkCapability, Rating, Suggestion


class Refused(Exception):
    """The decision could not be applied; the message says why and what the editor can do."""


class Stale(Refused):
    """The cell changed after the suggestion was filed: accepting would overwrite that edit."""


class _RatingEdit(VersionedModelForm):
    class Meta:
        model = Rating
        fields = ["criterion", "level", "note", "source_url", "reviewed_on"]


class _CapabilityEdit(VersionedModelForm):
    class Meta:
        model = FrameworkCapability
        fields = ["capability", "support", "extension", "detail", "source_url"]


def reason(suggestion: Suggestion) -> str:
    """The history's change reason for an accepted suggestion."""
    return f"Suggestion #{suggestion.pk} accepted"


def current_row(suggestion: Suggestion):
    """The rating or capability row the suggestion is about, as stored now (None: no row)."""
    if suggestion.criterion_id:
        rows = Rating.objects.filter(criterion_id=suggestion.criterion_id)
    else:
        rows = FrameworkCapability.objects.filter(capability_id=suggestion.capability_id)
    return rows.filter(framework_id=suggestion.framework_id).first()


def describe(row) -> str:
    """What a rating or capability cell says, in the words of the public pages."""
    if row is None:
        return "Not rated"
    if isinstance(row, Rating):
        return row.level.label
    label = row.get_support_display()
    text = row.extension if row.support == FrameworkCapability.Support.EXTENSION else row.detail
    return f"{label}: {text}" if text else label


def is_stale(suggestion: Suggestion, row=None) -> bool:
    """Whether the cell changed (or was first filled) after the visitor filed the suggestion."""
    row = current_row(suggestion) if row is None else row
    stored = row.version if row is not None else None
    return stored != suggestion.based_on_version


def _changes(suggestion: Suggestion, row) -> dict:
    if suggestion.criterion_id:
        changes = {"level": suggestion.proposed_level_id, "reviewed_on": timezone.localdate()}
        if row is None:
            # A first rating starts from the visitor's evidence; an existing one keeps the
            # editors' own note and source.
            changes |= {"criterion": suggestion.criterion_id, "source_url": suggestion.evidence_url}
        return changes
    changes = {"support": suggestion.proposed_support}
    if suggestion.proposed_support == FrameworkCapability.Support.EXTENSION:
        changes["extension"] = suggestion.proposed_text
    elif suggestion.proposed_text:
        changes["detail"] = suggestion.proposed_text
    if row is None:
        changes |= {"capability": suggestion.capability_id, "source_url": suggestion.evidence_url}
    return changes


def _as_posted(value) -> str:
    return "" if value is None else str(value)


def _edit_form(suggestion: Suggestion, row, loaded_version):
    """The edit form as an editor would post it: opened at ``loaded_version``, with only the
    suggested fields changed."""
    form_class = _RatingEdit if suggestion.criterion_id else _CapabilityEdit
    model = form_class._meta.model
    instance = row if row is not None else model(framework_id=suggestion.framework_id)
    opened = form_class(instance=instance)
    data = {}
    for name in opened.locked_fields:
        value = _as_posted(opened[name].value())
        data[name] = value
        data[opened.add_initial_prefix(name)] = value
    data |= {name: _as_posted(value) for name, value in _changes(suggestion, row).items()}
    data[VERSION_FIELD] = _as_posted(loaded_version)
    return form_class(data=data, instance=instance)


def _stale_message(suggestion: Suggestion, row) -> str:
    if row is None:
        return (
            f"Suggestion #{suggestion.pk} was filed against a rating that has since been "
            "deleted. Nothing was applied: reject it, or use “Accept anyway” to add it."
        )
    entry = last_change(type(row), row.pk)
    who = f" by {entry.history_user}" if entry and entry.history_user else ""
    when = f" at {_when(entry.history_date)} UTC" if entry else ""
    return (
        f"This {row._meta.verbose_name} changed after suggestion #{suggestion.pk} was filed"
        f"{who}{when}: it now says “{describe(row)}” (it said “{suggestion.was}” then). "
        "Nothing was applied, so that newer edit is not overwritten. Compare them, then reject "
        "the suggestion, or use “Accept anyway” to replace the newer edit with it."
    )


def _locked_pending(suggestion: Suggestion) -> Suggestion:
    locked = Suggestion.objects.select_for_update().filter(pk=suggestion.pk).first()
    if locked is None or locked.status != Suggestion.Status.PENDING:
        state = locked.get_status_display().lower() if locked else "deleted"
        raise Refused(f"Suggestion #{suggestion.pk} was already {state}; nothing was changed.")
    return locked


def accept(suggestion: Suggestion, *, user, note: str = "", replace_newer: bool = False) -> None:
    """Apply the suggestion as an edit by ``user`` and mark it accepted, in one transaction.

    Refused (``Stale``) when the cell changed since the suggestion was filed, unless the editor
    chose ``replace_newer`` after seeing both.
    """
    using = router.db_for_write(Suggestion)
    with transaction.atomic(using=using):
        suggestion = _locked_pending(suggestion)
        row = current_row(suggestion)
        if is_stale(suggestion, row) and not replace_newer:
            raise Stale(_stale_message(suggestion, row))
        # Forced: checked against the version the editor has just seen; otherwise against
        # the one the visitor saw, so an edit saved in between is refused by the lock itself.
        loaded = row.version if replace_newer and row is not None else suggestion.based_on_version
        form = _edit_form(suggestion, row, loaded)
        if not form.is_valid():
            problems = "; ".join(
                message for messages in form.errors.values() for message in messages
            )
            raise Refused(f"Suggestion #{suggestion.pk} cannot be applied: {problems}")
        edited = form.save(commit=False)
        edited._change_reason = reason(suggestion)
        edited._history_user = user
        edited.save()
        suggestion.status = Suggestion.Status.ACCEPTED
        suggestion.decision_note = note
        suggestion.decided_by = user
        suggestion.decided_at = timezone.now()
        suggestion.save()


def reject(suggestion: Suggestion, *, user, note: str) -> None:
    """Mark the suggestion rejected with the editor's reason; the catalog is left as it is."""
    if not note.strip():
        raise Refused("Say why in the decision note before rejecting a suggestion.")
    with transaction.atomic(using=router.db_for_write(Suggestion)):
        suggestion = _locked_pending(suggestion)
        suggestion.status = Suggestion.Status.REJECTED
        suggestion.decision_note = note
        suggestion.decided_by = user
        suggestion.decided_at = timezone.now()
        suggestion.save()


def file(*, framework, criterion=None, capability=None, **proposal) -> Suggestion:
    """Store a visitor's suggestion as pending, noting the cell's value and version now."""
    suggestion = Suggestion(
        framework=framework, criterion=criterion, capability=capability, **proposal
    )
    row = current_row(suggestion)
    suggestion.was = describe(row)[:160]
    suggestion.based_on_version = row.version if row is not None else None
    suggestion.save()
    return suggestion
