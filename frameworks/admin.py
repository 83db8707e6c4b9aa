from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import Count, IntegerField, Value
from django.http import Http404
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from .locking import VERSION_FIELD, VersionedInlineFormSet, VersionedModelForm
from .models import (
    Capability,
    Criterion,
    Framework,
    FrameworkCapability,
    Level,
    ProCon,
    Rating,
    UseCase,
    UseCaseFit,
    UseCasePreset,
)


class LevelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.criterion.name}: {obj.label} ({obj.value})"


class RatingForm(VersionedModelForm):
    """Offers only the levels of the rating's criterion once the criterion is known."""

    level = LevelChoiceField(queryset=Level.objects.select_related("criterion"))

    class Meta:
        model = Rating
        fields = ["criterion", "level", "note", "internal_note", "source_url", "reviewed_on"]

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


class FrameworkForm(VersionedModelForm):
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
            "last_reviewed",
            "color",
            "symbol",
        ]


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


class CatalogAdmin(VersionedFields, SimpleHistoryAdmin):
    """The admin of every catalog model: locked saves, history, and ids checked before use."""

    def save_model(self, request, obj, form, change):
        # A page saved for its inline rows alone leaves the row itself (and its version) as it
        # is, so that nobody else's open page of it goes stale for nothing.
        if change and not form.edited_fields():
            return
        super().save_model(request, obj, form, change)

    def changelist_view(self, request, extra_context=None):
        # The list's editable columns check each row's version, then write it. Django opens a
        # transaction only around the write, so the row lock taken by the check would end
        # before it: one transaction keeps it from check to write, as on the change page.
        if request.method == "POST":
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().changelist_view(request, extra_context)
        return super().changelist_view(request, extra_context)

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", VersionedModelForm)
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


class RatingInline(VersionedInline):
    model = Rating
    form = RatingForm
    fields = ["criterion", "level", "note", "source_url", "reviewed_on"]


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


@admin.register(Framework)
class FrameworkAdmin(CatalogAdmin):
    form = FrameworkForm
    list_display = [
        "name",
        "category",
        "is_published",
        "completeness",
        "last_reviewed",
        "updated_at",
    ]
    list_filter = ["is_published", "category", "last_reviewed"]
    search_fields = ["name", "slug", "tagline", "overview"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["publish", "unpublish"]
    save_on_top = True
    inlines = [RatingInline, FrameworkCapabilityInline, ProConInline, UseCaseFitInline]
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
                    "last_reviewed",
                ]
            },
        ),
        ("Appearance", {"fields": ["color", "symbol"]}),
    ]

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

    def _set_published(self, queryset, published):
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
                framework.save()
                changed += 1
        return changed

    @admin.action(description="Publish the selected frameworks")
    def publish(self, request, queryset):
        changed = self._set_published(queryset, True)
        self.message_user(request, f"Published {changed} framework(s).", messages.SUCCESS)

    @admin.action(description="Unpublish the selected frameworks")
    def unpublish(self, request, queryset):
        changed = self._set_published(queryset, False)
        self.message_user(request, f"Unpublished {changed} framework(s).", messages.SUCCESS)


class LevelInline(VersionedInline):
    model = Level
    fields = ["label", "value", "position"]


@admin.register(Criterion)
class CriterionAdmin(CatalogAdmin):
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


@admin.register(Rating)
class RatingAdmin(CatalogAdmin):
    form = RatingForm
    list_display = ["framework", "criterion", "level_label", "reviewed_on", "has_source"]
    list_filter = ["criterion", "reviewed_on", "framework__is_published"]
    search_fields = ["framework__name", "criterion__name", "note"]
    list_select_related = ["framework", "criterion", "level"]
    autocomplete_fields = ["framework"]
    fields = [
        "framework",
        "criterion",
        "level",
        "note",
        "internal_note",
        "source_url",
        "reviewed_on",
    ]

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
