import copy

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import Count, IntegerField, Value
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from . import (
    desk,
    grid,
    publishing,
    suggestion_admin,  # noqa: F401 (registers the suggestions' admin)
)
from .locking import VERSION_FIELD, VersionedInlineFormSet, VersionedModelForm
from .models import (
    Capability,
    Criterion,
    Framework,
    FrameworkCapability,
    FrameworkFacts,
    Level,
    ProCon,
    Rating,
    UseCase,
    UseCaseFit,
    UseCasePreset,
)
from .reasons import REASON_FIELD, ReasonForm, ReasonMixin, deleting_for, give_reason


class LevelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.criterion.name}: {obj.label} ({obj.value})"


class RatingForm(VersionedModelForm):
    """Offers only the levels of the rating's criterion once the criterion is known."""

    level = LevelChoiceField(queryset=Level.objects.select_related("criterion"))

    class Meta:
        model = Rating
        fields = [
            "criterion",
            "level",
            "note",
            "internal_note",
            "source_url",
            "source_as_of",
            "figure",
            "figure_value",
            "figure_as_of",
            "reviewed_on",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        levels = Level.objects.select_related("criterion").order_by(
            "criterion__position", "position", "value"
        )
        # Offer only the rated criterion's levels. A submitted form accepts any level, so that
        # an editor who also changes the criterion gets the model's message naming the
        # criterion instead of a bare "select a valid choice".
        criterion_id = self.instance.criterion_id if self.instance.pk else None
        if criterion_id and not self.is_bound:
            levels = levels.filter(criterion_id=criterion_id)
        self.fields["level"].queryset = levels
        if not criterion_id and not self.is_bound:
            # A new row does not know its criterion yet: its levels come grouped by criterion.
            self.fields["level"].choices = [("", "---------"), *_grouped(levels)]


def _grouped(levels):
    groups = {}
    for level in levels:
        groups.setdefault(level.criterion.name, []).append(
            (level.pk, f"{level.label} ({level.value})")
        )
    return list(groups.items())


class ReasonedModelForm(ReasonMixin, VersionedModelForm):
    """The change page of a catalog row: locked, and asking why."""


class ReasonedRatingForm(ReasonMixin, RatingForm):
    pass


class ListRowForm(VersionedModelForm):
    """A row of a list with editable columns: the list's one reason field explains its edits."""

    def clean(self):
        cleaned = super().clean()
        if self.edited_fields():
            reason = ReasonForm(self.data)
            if not reason.is_valid():
                raise ValidationError(reason.errors[REASON_FIELD])
            cleaned[REASON_FIELD] = reason.cleaned_data[REASON_FIELD]
        return cleaned


class PublishRuleMixin:
    """Refuses to publish an incomplete framework, or to leave a published one incomplete."""

    def clean(self):
        cleaned = super().clean()
        if "is_published" not in cleaned:
            return cleaned
        stored = Framework.objects.filter(pk=self.instance.pk).values_list(
            "is_published", flat=True
        )
        was_published = bool(self.instance.pk and stored.first())
        after = self._gaps_after_save()
        if after is None:
            return cleaned  # an inline row is invalid: its own error comes first
        before = (
            publishing.stored_missing([self.instance.pk])[self.instance.pk] if was_published else []
        )
        gaps = publishing.refusal(
            was_published=was_published,
            publish=cleaned["is_published"],
            before=before,
            after=after,
        )
        if gaps:
            intro = (
                "A published framework must stay complete; after this save it would lack:"
                if was_published
                else "It cannot be published until it is complete; it still lacks:"
            )
            self.add_error("is_published", ValidationError([intro, *gaps]))
        return cleaned

    def _gaps_after_save(self):
        """The framework's gaps as they will be once this page is saved with its inline rows.

        The admin builds the inline formsets before it validates this form (they are saved
        with it), and ``FrameworkAdmin`` hands them over; the rows the page does not hold
        (added by someone else meanwhile) count as stored. None when an inline row is invalid.
        """
        formsets = {fs.model: fs for fs in getattr(self.instance, "_inline_formsets", ())}
        pk = self.instance.pk
        ratings = (
            {
                row["pk"]: row
                for row in Rating.objects.filter(framework_id=pk).values(
                    "pk", "criterion_id", "note", "source_url"
                )
            }
            if pk
            else {}
        )
        fits = (
            dict(UseCaseFit.objects.filter(framework_id=pk).values_list("pk", "use_case_id"))
            if pk
            else {}
        )
        for model, rows, read in (
            (Rating, ratings, _rating_values),
            (UseCaseFit, fits, _fit_values),
        ):
            formset = formsets.get(model)
            if formset is None:
                continue
            if not formset.is_valid():
                return None
            for index, form in enumerate(formset.forms):
                key = form.instance.pk or f"new-{index}"
                if form in formset.deleted_forms or getattr(form, "gone_pk", None) is not None:
                    rows.pop(key, None)
                elif form.instance.pk or form.has_changed():
                    rows[key] = read(form.cleaned_data)
        criteria, use_cases = publishing.catalog_axes()
        return publishing.missing(
            criteria=criteria,
            use_cases=use_cases,
            ratings={
                row["criterion_id"]: publishing.RatingState(row["note"], row["source_url"])
                for row in ratings.values()
            },
            fits=fits.values(),
        )


class FrameworkForm(PublishRuleMixin, ReasonMixin, VersionedModelForm):
    class Meta:
        model = Framework
        fields = [
            "name",
            "slug",
            "tagline",
            "category",
            "is_published",
            "overview",
            "best_for",
            "choose_if",
            "website",
            "docs_url",
            "repository_url",
            "license",
            "first_release",
            "latest_version",
            "pypi_package",
            "last_reviewed",
            "color",
            "symbol",
        ]


class FrameworkListRowForm(PublishRuleMixin, ListRowForm):
    """A row of the framework list: the list's reason, and the same publish rule."""


def _rating_values(cleaned):
    criterion = cleaned.get("criterion")
    return {
        "criterion_id": criterion.pk if criterion else None,
        "note": cleaned.get("note") or "",
        "source_url": cleaned.get("source_url") or "",
    }


def _fit_values(cleaned):
    use_case = cleaned.get("use_case")
    return use_case.pk if use_case else None


class FlaggedFilter(admin.SimpleListFilter):
    """The editors' review queue: rows ``syncfacts`` flagged and nobody has cleared yet."""

    title = "Flagged by syncfacts"
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return [("yes", "Flagged"), ("no", "Not flagged")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(flagged_reason="")
        if self.value() == "no":
            return queryset.filter(flagged_reason="")
        return queryset


class ClearFlagAction:
    """Clearing a flag says "reviewed"; it is not an edit of the row, so the row's version
    (and anyone's open page of it) is left alone."""

    @admin.action(description="Mark as reviewed: clear the syncfacts flag")
    def clear_flag(self, request, queryset):
        cleared = queryset.exclude(flagged_reason="").update(flagged_reason="", flagged_on=None)
        self.message_user(request, f"Cleared {cleared} flag(s).", messages.SUCCESS)


class VersionedFields:
    """Every catalog page (and inline) carries the version its rows were opened at."""

    form = VersionedModelForm

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if VERSION_FIELD in fields else [*fields, VERSION_FIELD]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if VERSION_FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], VERSION_FIELD]}), *rest]


class VersionedInline(VersionedFields, admin.TabularInline):
    formset = VersionedInlineFormSet
    extra = 0


def confirm_with_reason(model_admin, request, queryset, *, title, apply):
    """An action's confirmation page, asking why; ``apply(reason)`` runs once it is given."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        apply(form.cleaned_data[REASON_FIELD])
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "subtitle": None,
        "form": form,
        "queryset": queryset,
        "opts": model_admin.model._meta,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
    }
    return TemplateResponse(request, "admin/frameworks/action_reason.html", context)


class CatalogAdmin(VersionedFields, SimpleHistoryAdmin):
    """The admin of every catalog model: locked saves, history, reasons, ids checked first."""

    form = ReasonedModelForm
    actions = ["delete_selected"]

    def get_fields(self, request, obj=None):
        return [name for name in super().get_fields(request, obj) if name != REASON_FIELD]

    def get_fieldsets(self, request, obj=None):
        # The reason comes last, after everything it explains (inlines included).
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != REASON_FIELD]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        return [*fieldsets, ("Why", {"fields": [REASON_FIELD], "classes": ["change-reason"]})]

    def save_model(self, request, obj, form, change):
        give_reason(obj, form.cleaned_data.get(REASON_FIELD))
        # A page saved for its inline rows alone leaves the row itself (and its version) as it
        # is, so that nobody else's open page of it goes stale for nothing.
        if change and not form.edited_fields():
            return
        super().save_model(request, obj, form, change)

    def delete_view(self, request, object_id, extra_context=None):
        # Deleting one row asks why, as every save does. Until a reason is given, Django's
        # confirmation page comes back with the message, and nothing is deleted.
        reason = ReasonForm(request.POST if request.method == "POST" else None)
        if request.method == "POST":
            if reason.is_valid():
                request.change_reason = reason.cleaned_data[REASON_FIELD]
            else:
                # Django deletes on any POST: an unconfirmed one is answered as the first GET.
                request = copy.copy(request)
                request.method, request.POST = "GET", QueryDict()
        extra_context = {**(extra_context or {}), "reason_form": reason}
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        reason = getattr(request, "change_reason", None)  # set by delete_view once confirmed
        give_reason(obj, reason, request.user)
        with deleting_for(reason):
            super().delete_model(request, obj)

    # Named like Django's bulk delete, so that it takes its place: the same, asking why.
    @admin.action(permissions=["delete"], description="Delete selected %(verbose_name_plural)s")
    def delete_selected(self, request, queryset):
        def apply(reason):
            rows = list(queryset)
            self.log_deletions(request, rows)
            with transaction.atomic(using=router.db_for_write(self.model)), deleting_for(reason):
                for row in rows:
                    give_reason(row, reason, request.user)
                    row.delete()
            self.message_user(request, f"Deleted {len(rows)} row(s).", messages.SUCCESS)

        title = f"Delete the selected {self.model._meta.verbose_name_plural}"
        return confirm_with_reason(self, request, queryset, title=title, apply=apply)

    def save_formset(self, request, form, formset, change):
        # The page's one reason explains every row it saves or deletes.
        for row in formset.forms:
            give_reason(row.instance, form.cleaned_data.get(REASON_FIELD), request.user)
        super().save_formset(request, form, formset, change)

    def changelist_view(self, request, extra_context=None):
        # The list's editable columns check each row's version, then write it. Django opens a
        # transaction only around the write, so the row lock taken by the check would end
        # before it: one transaction keeps it from check to write, as on the change page.
        if request.method == "POST":
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().changelist_view(request, extra_context)
        return super().changelist_view(request, extra_context)

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", ListRowForm)
        return super().get_changelist_form(request, **kwargs)

    def _checked_id(self, value, field):
        try:
            return field.to_python(unquote(value))
        except ValidationError:
            raise Http404(f"No {self.model._meta.verbose_name} has the id “{value}”.") from None

    def history_view(self, request, object_id, extra_context=None):
        self._checked_id(object_id, self.model._meta.pk)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._checked_id(object_id, self.model._meta.pk)
        self._checked_id(version_id, self.model.history.model._meta.pk)
        # A revert is a save like any other: one transaction, so that its lock holds (the
        # history page opens none of its own; Django's change page does the same).
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)


class GridEditing:
    """The grid editor page of one row (a framework or a criterion); see ``frameworks.grid``."""

    grid_template = "admin/frameworks/grid.html"

    def get_urls(self):
        name = f"frameworks_{self.model._meta.model_name}_grid"
        view = self.admin_site.admin_view(self.grid_view)
        return [path("<path:object_id>/grid/", view, name=name), *super().get_urls()]

    def grid_cells(self, obj, data):
        raise NotImplementedError

    def grid_view(self, request, object_id):
        pk = self._checked_id(object_id, self.model._meta.pk)
        obj = get_object_or_404(self.model, pk=pk)
        if not request.user.has_perms(["frameworks.add_rating", "frameworks.change_rating"]):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        reason = ReasonForm(data)
        if data is None or not reason.is_valid():
            return self._render_grid(request, obj, self.grid_cells(obj, data), reason)
        with transaction.atomic(using=router.db_for_write(Rating)):
            cells = self.grid_cells(obj, data)
            saved, refused = grid.save_cells(
                cells, reason=reason.cleaned_data[REASON_FIELD], user=request.user
            )
        if saved:
            self.message_user(request, f"Saved {len(saved)} rating(s).", messages.SUCCESS)
        if not refused:
            return HttpResponseRedirect(request.path)
        self.message_user(
            request,
            f"{len(refused)} cell(s) were not saved: see the messages next to them.",
            messages.ERROR,
        )
        # The saved cells reopen at their new version; the refused ones keep what was typed.
        kept = {cell.form.prefix: cell for cell in refused}
        fresh = self.grid_cells(obj, None)
        cells = [kept.get(cell.form.prefix, cell) for cell in fresh]
        return self._render_grid(request, obj, cells, ReasonForm(), status=409)

    def _render_grid(self, request, obj, cells, reason, status=200):
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": f"Rate {obj}",
            "subtitle": None,
            "opts": opts,
            "original": obj,
            "cells": cells,
            "reason": reason,
            "row_heading": self.grid_row_heading,
            "change_url": reverse(f"admin:frameworks_{opts.model_name}_change", args=[obj.pk]),
            "today": timezone.localdate(),
        }
        return TemplateResponse(request, self.grid_template, context, status=status)


class RatingInline(VersionedInline):
    model = Rating
    form = RatingForm
    fields = ["criterion", "level", "note", "source_url", "figure", "figure_as_of", "reviewed_on"]


class FrameworkFactsInline(admin.StackedInline):
    """What syncfacts fetched, shown read-only: editors curate the catalog, not these figures."""

    model = FrameworkFacts
    can_delete = False
    readonly_fields = [f.name for f in FrameworkFacts._meta.get_fields() if f.name != "framework"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class FrameworkCapabilityInline(VersionedInline):
    model = FrameworkCapability
    fields = [
        "capability", "support", "extension", "extension_recommended", "extension_url", "detail",
        "source_url",
    ]  # fmt: skip


class ProConInline(VersionedInline):
    model = ProCon
    fields = ["kind", "text", "source_url", "position"]


class UseCaseFitInline(VersionedInline):
    model = UseCaseFit
    fields = ["use_case", "fit", "note"]


class CompletenessFilter(admin.SimpleListFilter):
    title = "completeness"
    parameter_name = "completeness"

    def lookups(self, request, model_admin):
        return [
            ("incomplete", "Incomplete (a rating, capability or fit missing)"),
            ("complete", "Complete"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "incomplete":
            return queryset.filter(pk__in=Framework.objects.incomplete().values("pk"))
        if self.value() == "complete":
            return queryset.filter(pk__in=Framework.objects.complete().values("pk"))
        return queryset


@admin.register(Framework)
class FrameworkAdmin(ClearFlagAction, GridEditing, CatalogAdmin):
    form = FrameworkForm
    grid_row_heading = "Criterion"
    object_history_template = "admin/frameworks/framework/object_history.html"
    list_display = [
        "name",
        "category",
        "is_published",
        "completeness",
        "last_reviewed",
        "flagged_reason",
        "updated_at",
    ]
    list_filter = ["is_published", CompletenessFilter, FlaggedFilter, "category", "last_reviewed"]
    search_fields = ["name", "slug", "tagline", "overview"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["publish", "unpublish", "clear_flag", "delete_selected"]
    readonly_fields = ["flagged_reason", "flagged_on"]
    save_on_top = True
    inlines = [
        FrameworkFactsInline,
        RatingInline,
        FrameworkCapabilityInline,
        ProConInline,
        UseCaseFitInline,
    ]
    fieldsets = [
        (None, {"fields": ["name", "slug", "tagline", "category", "is_published"]}),
        ("What visitors read", {"fields": ["overview", "best_for", "choose_if"]}),
        (
            "Facts",
            {
                "fields": [
                    "website",
                    "docs_url",
                    "repository_url",
                    "license",
                    "first_release",
                    "latest_version",
                    "pypi_package",
                    "last_reviewed",
                ]
            },
        ),
        ("Appearance", {"fields": ["color", "symbol"]}),
        ("Review queue", {"fields": ["flagged_reason", "flagged_on"]}),
    ]

    def get_changelist_form(self, request, **kwargs):
        # Should "published" become editable in the list, its rows are checked by the same
        # rule; a list row holds no inline rows, so what is stored is what counts.
        kwargs.setdefault("form", FrameworkListRowForm)
        return super().get_changelist_form(request, **kwargs)

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        # The admin validates the framework's form after building these and saves both
        # together: the publish check in FrameworkForm reads what the rows will hold.
        obj._inline_formsets = formsets
        return formsets, inline_instances

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                rated=Count("ratings", distinct=True),
                criteria_total=Value(Criterion.objects.count(), output_field=IntegerField()),
            )
            # A GROUP BY drops Meta.ordering; the autocomplete pages through this queryset.
            .order_by("name")
        )

    def grid_cells(self, obj, data):
        return grid.framework_cells(obj, data)

    def history_view(self, request, object_id, extra_context=None):
        pk = self._checked_id(object_id, self.model._meta.pk)
        extra = {"part_changes": desk.framework_part_changes(pk), **(extra_context or {})}
        return super().history_view(request, object_id, extra)

    @admin.display(description="Rated", ordering="rated")
    def completeness(self, obj):
        done = obj.rated == obj.criteria_total
        return format_html(
            '<span title="{} of {} criteria rated">{}/{}{}</span>',
            obj.rated,
            obj.criteria_total,
            obj.rated,
            obj.criteria_total,
            "" if done else " (incomplete)",
        )

    def _set_published(self, request, queryset, published, reason):
        # Save one by one rather than queryset.update(): each change then lands in the
        # framework's history with the editor's name, and the optimistic lock sees it.
        # The changelist's queryset is annotated (completeness, a GROUP BY), which PostgreSQL
        # cannot lock: lock the plain rows by primary key instead.
        ids = list(queryset.values_list("pk", flat=True))
        changed = 0
        with transaction.atomic():
            rows = Framework.objects.select_for_update().filter(pk__in=ids)
            for framework in rows.exclude(is_published=published).order_by("pk"):
                framework.is_published = published
                give_reason(framework, reason, request.user)
                framework.save()
                changed += 1
        return changed

    def _publish_action(self, request, queryset, published, verb):
        def apply(reason):
            changed = self._set_published(request, queryset, published, reason)
            self.message_user(request, f"{verb} {changed} framework(s).", messages.SUCCESS)

        title = f"{verb[:-2]} the selected frameworks"
        return confirm_with_reason(self, request, queryset, title=title, apply=apply)

    @admin.action(description="Publish the selected frameworks")
    def publish(self, request, queryset):
        def apply(reason):
            ids = queryset.values_list("pk", flat=True)
            done, refused = publishing.publish(ids, reason=reason, user=request.user)
            for name, gaps in refused.items():
                self.message_user(
                    request,
                    f"“{name}” was not published; it still lacks: {'; '.join(gaps)}.",
                    messages.ERROR,
                )
            if done or not refused:
                self.message_user(request, f"Published {len(done)} framework(s).", messages.SUCCESS)

        title = "Publish the selected frameworks"
        return confirm_with_reason(self, request, queryset, title=title, apply=apply)

    @admin.action(description="Unpublish the selected frameworks")
    def unpublish(self, request, queryset):
        return self._publish_action(request, queryset, False, "Unpublished")


class LevelInline(VersionedInline):
    model = Level
    fields = ["label", "value", "position", "definition", "threshold"]


@admin.register(Criterion)
class CriterionAdmin(GridEditing, CatalogAdmin):
    grid_row_heading = "Framework"
    list_display = ["name", "slug", "default_weight", "position", "level_count"]
    list_editable = ["default_weight", "position"]
    search_fields = ["name", "slug", "help_text"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [LevelInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(level_total=Count("levels"))

    @admin.display(description="Levels", ordering="level_total")
    def level_count(self, obj):
        return obj.level_total

    def grid_cells(self, obj, data):
        return grid.criterion_cells(obj, data)


@admin.register(Capability)
class CapabilityAdmin(CatalogAdmin):
    list_display = ["name", "slug", "position", "description"]
    list_editable = ["position"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


class UseCasePresetInline(VersionedInline):
    model = UseCasePreset
    fields = ["criterion", "weight"]


class UseCaseFitByUseCaseInline(VersionedInline):
    model = UseCaseFit
    fields = ["framework", "fit", "note"]
    autocomplete_fields = ["framework"]


@admin.register(UseCase)
class UseCaseAdmin(CatalogAdmin):
    list_display = ["name", "slug", "fit_weight", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [UseCasePresetInline, UseCaseFitByUseCaseInline]


class ReviewAgeFilter(admin.SimpleListFilter):
    """Ratings by how long ago they were last reviewed; the stale ones are the desk's queue."""

    title = "last reviewed"
    parameter_name = "reviewed"
    AGES = {"6m": ("6 months", 183), "1y": ("1 year", 365), "2y": ("2 years", 730)}

    def lookups(self, request, model_admin):
        days = settings.CATALOG_STALE_AFTER_DAYS
        return [
            ("stale", f"Stale (over {days} days)"),
            *((key, f"Older than {label}") for key, (label, _) in self.AGES.items()),
        ]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return queryset.stale()
        if self.value() in self.AGES:
            return queryset.reviewed_before(self.AGES[self.value()][1])
        return queryset


class MissingFilter(admin.SimpleListFilter):
    title = "missing"
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [("source", "No source"), ("note", "No note")]

    def queryset(self, request, queryset):
        if self.value() == "source":
            return queryset.without_source()
        if self.value() == "note":
            return queryset.without_note()
        return queryset


@admin.register(Rating)
class RatingAdmin(ClearFlagAction, CatalogAdmin):
    form = ReasonedRatingForm
    list_display = [
        "framework",
        "criterion",
        "level_label",
        "reviewed_on",
        "reviewed_by",
        "has_source",
        "flagged_reason",
    ]
    list_filter = [
        ReviewAgeFilter,
        MissingFilter,
        FlaggedFilter,
        "criterion",
        "framework__is_published",
    ]
    actions = ["mark_reviewed", "clear_flag", "delete_selected"]
    search_fields = ["framework__name", "criterion__name", "note"]
    list_select_related = ["framework", "criterion", "level", "reviewed_by"]
    autocomplete_fields = ["framework"]
    fields = [
        "framework",
        "criterion",
        "level",
        "note",
        "internal_note",
        "source_url",
        "source_as_of",
        "figure",
        "figure_value",
        "figure_as_of",
        "reviewed_on",
        "reviewed_by",
        "flagged_reason",
        "flagged_on",
    ]
    readonly_fields = ["reviewed_by", "flagged_reason", "flagged_on"]

    def get_ordering(self, request):
        # A list by review age is a work queue: the oldest review comes first.
        if request.GET.get(ReviewAgeFilter.parameter_name):
            return ["reviewed_on", "pk"]
        return super().get_ordering(request)

    @admin.action(description="Mark reviewed today, by me")
    def mark_reviewed(self, request, queryset):
        def apply(reason):
            marked = self._mark_reviewed(request, queryset, reason)
            self.message_user(request, f"Marked {marked} rating(s) reviewed.", messages.SUCCESS)

        title = "Mark the selected ratings reviewed"
        return confirm_with_reason(self, request, queryset, title=title, apply=apply)

    def _mark_reviewed(self, request, queryset, reason):
        # Row by row, each under its lock, in one transaction: every rating gets a history
        # entry with the reason, and its version moves on, so any page opened on it before
        # now is refused on save rather than silently undoing the review.
        ids = list(queryset.values_list("pk", flat=True))
        today = timezone.localdate()
        marked = 0
        with transaction.atomic(using=router.db_for_write(Rating)):
            rows = Rating.objects.select_for_update(of=("self",)).select_related("level")
            for rating in rows.filter(pk__in=ids).order_by("pk"):
                # A review answers any flag syncfacts raised on the rating.
                rating.reviewed_on, rating.reviewed_by = today, request.user
                rating.flagged_reason, rating.flagged_on = "", None
                give_reason(rating, reason, request.user)
                rating.save()
                marked += 1
        return marked

    @admin.display(description="Level", ordering="level__value")
    def level_label(self, obj):
        return obj.level.label

    @admin.display(description="Source", boolean=True)
    def has_source(self, obj):
        return bool(obj.source_url)


@admin.register(FrameworkCapability)
class FrameworkCapabilityAdmin(CatalogAdmin):
    list_display = ["framework", "capability", "support", "extension", "extension_recommended"]
    list_filter = ["support", "extension_recommended", "capability"]
    search_fields = ["framework__name", "capability__name", "extension", "detail"]
    list_select_related = ["framework", "capability"]
    autocomplete_fields = ["framework"]


@admin.register(ProCon)
class ProConAdmin(CatalogAdmin):
    list_display = ["framework", "kind", "text"]
    list_filter = ["kind"]
    search_fields = ["framework__name", "text"]
    list_select_related = ["framework"]
    autocomplete_fields = ["framework"]


@admin.register(UseCaseFit)
class UseCaseFitAdmin(CatalogAdmin):
    list_display = ["framework", "use_case", "fit", "note"]
    list_filter = ["use_case", "fit"]
    search_fields = ["framework__name", "use_case__name", "note"]
    list_select_related = ["framework", "use_case"]
    autocomplete_fields = ["framework"]
