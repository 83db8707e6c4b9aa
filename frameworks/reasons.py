"""The short reason every admin save asks for, stored as the history's change reason.

simple_history keeps at most 100 characters of reason (``history_change_reason``); a longer
one is refused with a message that says so, rather than cut short in the history.
"""

import contextlib
import contextvars

from django import forms

REASON_FIELD = "change_reason"
REASON_MAX = 100


class ReasonField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Reason for this change")
        kwargs.setdefault(
            "help_text",
            "A few words kept in the history, such as “Checked the 5.1 release notes”.",
        )
        super().__init__(
            max_length=REASON_MAX,
            required=True,
            strip=True,
            error_messages={
                "required": "Say in a few words why you make this change; the history keeps it.",
                "max_length": (
                    "Keep the reason to %(limit_value)d characters or fewer (it has "
                    "%(show_value)d): the history stores no more."
                ),
            },
            **kwargs,
        )


class ReasonMixin(forms.Form):
    """Adds the required reason to a form (the change pages, the grid, the bulk actions)."""

    change_reason = ReasonField()


class ReasonForm(ReasonMixin, forms.Form):
    """The reason alone: the grid editor's and the bulk actions' confirmation field."""


def give_reason(instance, reason, user=None):
    """Mark an instance so that its next save or delete records this reason (and editor)."""
    instance._change_reason = reason
    if user is not None:
        instance._history_user = user
    return instance


_deleting_for = contextvars.ContextVar("deleting_for", default=None)


@contextlib.contextmanager
def deleting_for(reason):
    """Within this block, rows deleted along with another (a framework's ratings, say) keep the
    same reason in the history: Django's cascade deletes instances nobody could mark."""
    token = _deleting_for.set(reason)
    try:
        yield
    finally:
        _deleting_for.reset(token)


def fill_in_reason(sender, history_instance, **kwargs):
    """simple_history's ``pre_create_historical_record``: the reason of the delete in progress
    for a history row that has none of its own."""
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = _deleting_for.get()
