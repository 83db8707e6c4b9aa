from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, IntegerField, Value
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

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


class RatingForm(forms.ModelForm):
    """Offers only the levels of the rating's criterion once the criterion is known."""

    level = LevelChoiceField(queryset=Level.objects.select_related("criterion"))

    class Meta:
        model = Rating
        fields = ["criterion", "level", "note", "source_url", "reviewed_on"]

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


class FrameworkForm(forms.ModelForm):
    """Refuses to overwrite a save another editor made after this page was opened."""

    loaded_at = forms.CharField(widget=forms.HiddenInput, required=False)

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            # Read the stored row, not the instance: the history page builds this form from an
            # old version, and reverting must be checked against what is saved now.
            current = (
                Framework.objects.filter(pk=self.instance.pk)
                .values_list("updated_at", flat=True)
                .first()
            )
            self.initial["loaded_at"] = (current or self.instance.updated_at).isoformat()

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        # Lock the row so that two saves arriving together are checked one after the other.
        current = (
            Framework.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("updated_at", flat=True)
            .first()
        )
        loaded = cleaned.get("loaded_at") or ""
        if current is not None and loaded != current.isoformat():
            who = (
                Framework.history.filter(id=self.instance.pk)
                .select_related("history_user")
                .order_by("-history_date")
                .first()
            )
            by = f" by {who.history_user}" if who and who.history_user else ""
            # The next save is a deliberate choice to keep this version, so accept it then.
            self.data = self.data.copy()
            self.data["loaded_at"] = current.isoformat()
            raise forms.ValidationError(
                "Another editor saved this framework%(by)s at %(when)s UTC, after you opened "
                "it. Nothing was saved and your changes are still in the form. Open the "
                "framework in a new tab to see theirs; save again to keep yours instead.",
                code="stale",
                params={"by": by, "when": current.strftime("%Y-%m-%d %H:%M:%S")},
            )
        return cleaned


class RatingInline(admin.TabularInline):
    model = Rating
    form = RatingForm
    extra = 0
    fields = ["criterion", "level", "note", "source_url", "reviewed_on"]


class FrameworkCapabilityInline(admin.TabularInline):
    model = FrameworkCapability
    extra = 0
    fields = ["capability", "support", "extension", "detail", "source_url"]


class ProConInline(admin.TabularInline):
    model = ProCon
    extra = 0
    fields = ["kind", "text", "source_url", "position"]


class UseCaseFitInline(admin.TabularInline):
    model = UseCaseFit
    extra = 0
    fields = ["use_case", "fit", "note"]


@admin.register(Framework)
class FrameworkAdmin(SimpleHistoryAdmin):
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
        (None, {"fields": ["name", "slug", "tagline", "category", "is_published", "loaded_at"]}),
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


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0
    fields = ["label", "value", "position"]


@admin.register(Criterion)
class CriterionAdmin(SimpleHistoryAdmin):
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
class CapabilityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "position", "description"]
    list_editable = ["position"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


class UseCasePresetInline(admin.TabularInline):
    model = UseCasePreset
    extra = 0
    fields = ["criterion", "weight"]


class UseCaseFitByUseCaseInline(admin.TabularInline):
    model = UseCaseFit
    extra = 0
    fields = ["framework", "fit", "note"]
    autocomplete_fields = ["framework"]


@admin.register(UseCase)
class UseCaseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "fit_weight", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [UseCasePresetInline, UseCaseFitByUseCaseInline]


@admin.register(Rating)
class RatingAdmin(SimpleHistoryAdmin):
    form = RatingForm
    list_display = ["framework", "criterion", "level_label", "reviewed_on", "has_source"]
    list_filter = ["criterion", "reviewed_on", "framework__is_published"]
    search_fields = ["framework__name", "criterion__name", "note"]
    list_select_related = ["framework", "criterion", "level"]
    autocomplete_fields = ["framework"]
    fields = ["framework", "criterion", "level", "note", "source_url", "reviewed_on"]

    @admin.display(description="Level", ordering="level__value")
    def level_label(self, obj):
        return obj.level.label

    @admin.display(description="Source", boolean=True)
    def has_source(self, obj):
        return bool(obj.source_url)


@admin.register(FrameworkCapability)
class FrameworkCapabilityAdmin(SimpleHistoryAdmin):
    list_display = ["framework", "capability", "support", "extension"]
    list_filter = ["support", "capability"]
    search_fields = ["framework__name", "capability__name", "extension", "detail"]
    list_select_related = ["framework", "capability"]
    autocomplete_fields = ["framework"]


@admin.register(ProCon)
class ProConAdmin(SimpleHistoryAdmin):
    list_display = ["framework", "kind", "text"]
    list_filter = ["kind"]
    search_fields = ["framework__name", "text"]
    list_select_related = ["framework"]
    autocomplete_fields = ["framework"]


@admin.register(UseCaseFit)
class UseCaseFitAdmin(SimpleHistoryAdmin):
    list_display = ["framework", "use_case", "fit", "note"]
    list_filter = ["use_case", "fit"]
    search_fields = ["framework__name", "use_case__name", "note"]
    list_select_related = ["framework", "use_case"]
    autocomplete_fields = ["framework"]
