"""Optimistic locking for every form that edits a catalog row (see ``models.Versioned``).

A form remembers two things about the row as the editor opened it: its version (a hidden field)
and the value of every field (Django's ``show_hidden_initial``). On save:

- the fields the editor changed are those whose posted value differs from what they opened,
  not from what is stored now, so a row the editor did not touch is not written at all, and a
  row they did touch gets only their fields: everything else keeps the stored value;
- if the row's version moved on since it was opened, the save is refused, naming who saved last
  and when (from the row's history). The form comes back with the editor's own changes and,
  in every other field, the stored values; saving it again applies only the editor's changes;
- an inline row another editor deleted meanwhile is dropped if this editor left it alone, and
  refused with a clear message if they changed it.

The version is read under a row lock (``select_for_update``) inside the admin's transaction,
so two saves that arrive together are checked one after the other.
"""

from contextlib import suppress
from datetime import UTC

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.forms.utils import ErrorDict
from django.utils import timezone
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME

VERSION_FIELD = "loaded_version"


class _LoadedVersionField(forms.IntegerField):
    """The version the editor opened; bookkeeping, never an edit of its own."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


def _when(moment):
    return timezone.localtime(moment, UTC).strftime("%Y-%m-%d %H:%M:%S")


def last_change(model, pk, history_type=None):
    """The newest history entry of a row (who and when), or None when it has no history."""
    entries = model.history.filter(id=pk).select_related("history_user")
    if history_type:
        entries = entries.filter(history_type=history_type)
    return entries.order_by("-history_date", "-history_id").first()


def _by(entry):
    return f" by {entry.history_user}" if entry and entry.history_user else ""


class VersionedModelForm(forms.ModelForm):
    """The mixin every catalog form (admin pages, inline rows, the changelist) is built on."""

    loaded_version = _LoadedVersionField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_fields = {field.name for field in self._meta.model._meta.get_fields()}
        # The fields this form locks: those it edits on the model (the formset's id, DELETE and
        # parent key come later and are not ours).
        self.locked_fields = [name for name in self.fields if name in model_fields]
        for name in self.locked_fields:
            self.fields[name].show_hidden_initial = True
        # The history page builds this form from an old version of the row: that is a revert,
        # which writes the whole old version, still checked against the stored one.
        self.reverting = hasattr(self.instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME)
        if self.instance.pk and not self.is_bound:
            version = self.instance.version
            if self.reverting:
                # An old version of the row: a revert is checked against what is saved now.
                stored = self._stored().values_list("version", flat=True).first()
                version = stored if stored is not None else version
            self.initial[VERSION_FIELD] = version

    def _stored(self):
        model = self._meta.model
        rows = model._default_manager.filter(pk=self.instance.pk)
        using = router.db_for_write(model)
        # Lock the row until the save commits; outside a transaction (a form used on its own)
        # there is nothing to hold the lock, and PostgreSQL refuses to take one.
        if connections[using].in_atomic_block:
            rows = rows.select_for_update()
        return rows

    def edited_fields(self):
        """The model fields this editor changed, compared with what they opened."""
        if self.reverting:
            return list(self.locked_fields)
        return [name for name in self.changed_data if name in self.locked_fields]

    # --- validation ---------------------------------------------------------------------------

    def full_clean(self):
        if getattr(self, "gone_pk", None) is None:
            return super().full_clean()
        # The row was deleted after the page was opened (see VersionedInlineFormSet).
        self._errors, self.cleaned_data = ErrorDict(), {}
        deleting = bool(self.data.get(self.add_prefix(forms.formsets.DELETION_FIELD_NAME)))
        if self.edited_fields() and not deleting:
            entry = last_change(self._meta.model, self.gone_pk, history_type="-")
            when = f" at {_when(entry.history_date)} UTC" if entry else ""
            self.add_error(
                None,
                f"Another editor deleted this {self._meta.model._meta.verbose_name}"
                f"{_by(entry)}{when}, after you opened the page, so your changes to it were "
                "not saved (nothing on this page was). Tick Delete to let it go, or add it "
                "again as a new row.",
            )

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk or getattr(self, "gone_pk", None) is not None:
            return cleaned
        edited = self.edited_fields()
        if not edited:
            return cleaned
        stored = self._stored().values_list("version", flat=True).first()
        loaded = cleaned.get(VERSION_FIELD)
        if stored is not None and loaded != stored:
            self._refuse(stored, edited)
        if stored is None and self.reverting:
            # Reverting a row that was deleted since brings it back: a new row under its old id.
            self.instance._state.adding = True
        if not self.reverting:
            # Everything the editor left alone keeps its stored value, whatever the stale page
            # posted: the save writes only their own changes.
            for name in self.locked_fields:
                if name not in edited and name in cleaned:
                    cleaned[name] = getattr(self.instance, name)
        return cleaned

    def _refuse(self, stored_version, edited):
        model = self._meta.model
        stored = model._default_manager.get(pk=self.instance.pk)
        fresh = type(self)(instance=stored, prefix=self.prefix)
        data = self.data.copy()
        theirs = []
        for name in self.locked_fields:
            field, value = self.fields[name], fresh[name].value()
            opened = self[name]
            if field.has_changed(self._opened_value(opened), _as_data(field, value)):
                theirs.append(str(field.label or name))
            if name in edited:
                continue
            # Show the stored value, and count it as what the editor opened, so that saving
            # again applies only the fields they changed themselves.
            _put(data, self.add_prefix(name), field, value)
            data[self.add_initial_prefix(name)] = _as_data(field, value)
        opened_version = self.data.get(self.add_prefix(VERSION_FIELD))
        data[self.add_prefix(VERSION_FIELD)] = str(stored_version)
        self.data = data
        if not opened_version:
            raise ValidationError(
                "This form did not say which version of the %(what)s it was opened at, so it "
                "cannot be checked against other editors' saves. Nothing was saved; the form "
                "now shows the stored values next to your changes: check it and save again.",
                code="stale",
                params={"what": model._meta.verbose_name},
            )
        entry = last_change(model, self.instance.pk)
        when = entry.history_date if entry else getattr(stored, "updated_at", None)
        raise ValidationError(
            "Another editor saved this %(what)s%(by)s%(when)s, after you opened it%(fields)s. "
            "Nothing was saved and your changes are still in the form, next to theirs. Check "
            "the form, then save again to keep yours.",
            code="stale",
            params={
                "what": model._meta.verbose_name,
                "by": _by(entry),
                "when": f" at {_when(when)} UTC" if when else "",
                "fields": f" (they changed: {', '.join(theirs)})" if theirs else "",
            },
        )

    def _opened_value(self, bound_field):
        """What the editor opened in this field, as the field's Python value."""
        field = bound_field.field
        raw = self._widget_data_value(field.hidden_widget(), bound_field.html_initial_name)
        try:
            return field.to_python(raw)
        except ValidationError:
            return None


def _as_data(field, value):
    if value is None:
        return ""
    return str(value)


def _put(data, key, field, value):
    """Set a form field's posted value as a browser would send it."""
    if isinstance(field.widget, forms.CheckboxInput):
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
    else:
        data[key] = _as_data(field, value)


class VersionedInlineFormSet(forms.BaseInlineFormSet):
    """Inline rows: notices rows deleted meanwhile, and deletions of rows changed meanwhile."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.is_bound and i < self.initial_form_count() and form.instance._state.adding:
            raw = self.data.get(f"{self.add_prefix(i)}-{self.model._meta.pk.name}")
            # Not an id at all (a hand-made post) is left to Django's "select a valid choice".
            with suppress(ValidationError):
                form.gone_pk = self.model._meta.pk.to_python(raw)
        return form

    def get_queryset(self):
        if self.is_bound and "forms" in self.__dict__:
            # The admin pairs each posted row with the stored rows, in order: once a row was
            # deleted meanwhile, that would shift every row after it and drop the last one from
            # the page. Pair each row with its own instance instead (None when deleted).
            return [
                None if getattr(form, "gone_pk", None) is not None else form.instance
                for form in self.initial_forms
            ]
        return super().get_queryset()

    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if not form.instance.pk or getattr(form, "gone_pk", None) is not None:
                continue
            stored = form._stored().first()
            loaded = form.cleaned_data.get(VERSION_FIELD)
            if stored is not None and stored.version != loaded:
                entry = last_change(self.model, form.instance.pk)
                when = f" at {_when(entry.history_date)} UTC" if entry else ""
                raise ValidationError(
                    f"Another editor changed “{stored}”{_by(entry)}{when}, after you "
                    "opened the page, so it was not deleted (nothing on this page was saved). "
                    "Reload the page to see their change before deleting it."
                )
