"""The catalog editors curate: frameworks, criteria and their scales, ratings, capabilities,
pros and cons, and use cases.

Every model that feeds results bumps the catalog version when saved or deleted (see
``frameworks.signals`` and ``catalog.bump_version``), so the next result reflects the edit.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

WEIGHT_MAX = 5
FIT_MAX = 5


def weight_field(default=3, **kwargs):
    return models.PositiveSmallIntegerField(
        default=default,
        validators=[MinValueValidator(0), MaxValueValidator(WEIGHT_MAX)],
        **kwargs,
    )


def internal_note_field():
    # Editors' working remarks (doubts, why a level was kept) live apart from the public note:
    # the catalog snapshot never loads this field, so no public page or API answer can show it.
    return models.TextField(
        blank=True,
        help_text="Editors' working remarks, shown only in the admin; never shown to visitors.",
    )


class Versioned(models.Model):
    """A row editors change: every save moves its version on, so that a form opened on an older
    version can tell that someone else saved in between (see ``frameworks.locking``)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            # Counted by the database, not from this instance, so that a stale copy saved
            # elsewhere (a script, an import) still moves the version on. Django reads the new
            # value back in the same UPDATE.
            self.version = F("version") + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)


# The review queue that ``syncfacts`` fills: it never changes what editors wrote, it says why a
# row needs their eyes. It writes these with ``QuerySet.update()``, so that raising a flag moves
# neither the row's version (no edit conflict for an editor with the page open) nor its history.
def flagged_reason_field():
    return models.CharField(
        max_length=200,
        blank=True,
        help_text="Why syncfacts asks for a review; cleared when an editor marks it reviewed.",
    )


def flagged_on_field():
    return models.DateField(null=True, blank=True)


def tracked_history():
    # The version is bookkeeping, not content: keep it out of the history and its diffs.
    return HistoricalRecords(excluded_fields=["version"])


class FrameworkQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def incomplete(self):
        """Frameworks missing a rating for some criterion, a capability row or a use-case fit."""
        framework = OuterRef(OuterRef("pk"))
        unrated = Criterion.objects.filter(
            ~Exists(Rating.objects.filter(criterion=OuterRef("pk"), framework=framework))
        )
        uncovered = Capability.objects.filter(
            ~Exists(
                FrameworkCapability.objects.filter(capability=OuterRef("pk"), framework=framework)
            )
        )
        unfitted = UseCase.objects.filter(
            ~Exists(UseCaseFit.objects.filter(use_case=OuterRef("pk"), framework=framework))
        )
        return self.filter(Exists(unrated) | Exists(uncovered) | Exists(unfitted))

    def complete(self):
        return self.exclude(pk__in=self.incomplete().values("pk"))


class Framework(Versioned):
    class Category(models.TextChoices):
        FULL_STACK = "full-stack", "Full-stack"
        MICRO = "micro", "Micro framework"
        API_FIRST = "api-first", "API-first"
        ASYNC_TOOLKIT = "async-toolkit", "Async toolkit"

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(
        max_length=80, unique=True, help_text="Used in URLs and in shared comparison links."
    )
    tagline = models.CharField(
        max_length=200, blank=True, help_text="The project's own tagline, quoted as it is."
    )
    overview = models.TextField(blank=True, help_text="A few sentences in our own words.")
    category = models.CharField(max_length=20, choices=Category, default=Category.MICRO)
    website = models.URLField(blank=True)
    docs_url = models.URLField("documentation", blank=True)
    repository_url = models.URLField("repository", blank=True)
    license = models.CharField(max_length=60, blank=True)
    first_release = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
        help_text="Year of the first public release.",
    )
    latest_version = models.CharField(max_length=40, blank=True)
    pypi_package = models.CharField(
        "PyPI package",
        max_length=100,
        blank=True,
        validators=[RegexValidator(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")],
        help_text="The package name on PyPI, as the project spells it; syncfacts reads its "
        "release facts from there. Blank: no PyPI facts.",
    )
    best_for = models.CharField(
        max_length=80, blank=True, help_text='A short summary, such as "Full apps".'
    )
    choose_if = models.TextField(
        "choose it if", blank=True, help_text="Guidance shown when this framework wins."
    )
    color = models.CharField(
        max_length=7,
        default="#0d6efd",
        validators=[RegexValidator(r"^#[0-9A-Fa-f]{6}$", "Enter a hex colour such as #0c4b33.")],
        help_text="Hex colour such as #0c4b33, used next to the symbol, never alone.",
    )
    symbol = models.CharField(max_length=8, blank=True, help_text="A short symbol or emoji.")
    is_published = models.BooleanField(
        "published", default=False, help_text="Only published frameworks appear to visitors."
    )
    last_reviewed = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    flagged_reason = flagged_reason_field()
    flagged_on = flagged_on_field()

    objects = FrameworkQuerySet.as_manager()

    history = tracked_history()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(color__regex=r"^#[0-9A-Fa-f]{6}$"), name="framework_color_hex"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("frameworks:detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.first_release and self.first_release > timezone.now().year:
            raise ValidationError({"first_release": "The first release cannot be in the future."})


class Measure(models.TextChoices):
    """Figures a scale can be measured on; ``scoring.LOWER_IS_BETTER`` says which way each runs."""

    PYPI_DOWNLOAD_RANK = "pypi_download_rank", "PyPI download rank"
    GITHUB_STARS = "github_stars", "GitHub stars"


class Criterion(Versioned):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(
        max_length=60,
        unique=True,
        help_text="Shared links weigh this criterion as w-SLUG=0…5; change it with care.",
    )
    help_text = models.CharField(
        max_length=240, blank=True, help_text="Shown to visitors next to the weight control."
    )
    default_weight = weight_field(help_text="Weight 0–5 used when a visitor sets none.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in forms and tables.")
    measure = models.CharField(
        max_length=30,
        choices=Measure,
        blank=True,
        help_text="The measured figure the levels' thresholds apply to, if the scale has one.",
    )

    history = tracked_history()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "criteria"
        constraints = [
            models.CheckConstraint(
                condition=Q(default_weight__lte=WEIGHT_MAX), name="criterion_weight_range"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("frameworks:methodology") + f"#criterion-{self.slug}"


class Level(Versioned):
    """One labelled step of a criterion's scale; its value is the share of points it earns."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels")
    label = models.CharField(max_length=40)
    value = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(100)],
        help_text="0–100: the percent of this criterion's points a framework at this level earns.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Worst first.")
    definition = models.CharField(
        max_length=300,
        blank=True,
        help_text="What a framework at this level shows, in measurable terms.",
    )
    threshold = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The figure of the criterion's measure this level needs (a rank at most, a "
        "count at least). Blank: no threshold, such as the bottom level.",
    )

    history = tracked_history()

    class Meta:
        ordering = ["criterion__position", "position", "value"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "label"], name="level_unique_label"),
            models.CheckConstraint(condition=Q(value__lte=100), name="level_value_range"),
        ]

    def __str__(self):
        return f"{self.criterion.name}: {self.label}" if self.criterion_id else self.label


class Capability(Versioned):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(
        max_length=60,
        unique=True,
        help_text="Shared links require this capability as require=SLUG.",
    )
    description = models.CharField(max_length=240, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = tracked_history()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "capabilities"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("frameworks:methodology") + f"#capability-{self.slug}"


class UseCase(Versioned):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=240, blank=True)
    fit_weight = weight_field(
        default=5, help_text="Weight 0–5 of how well a framework fits this use case."
    )
    position = models.PositiveSmallIntegerField(default=0)

    history = tracked_history()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fit_weight__lte=WEIGHT_MAX), name="usecase_fit_weight_range"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("frameworks:compare") + f"?use_case={self.slug}"


class UseCasePreset(Versioned):
    """The weight a use case gives a criterion when a visitor picks that use case."""

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="presets")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="presets")
    weight = weight_field()

    history = tracked_history()

    class Meta:
        ordering = ["use_case", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["use_case", "criterion"], name="preset_unique_pair"),
            models.CheckConstraint(condition=Q(weight__lte=WEIGHT_MAX), name="preset_weight_range"),
        ]

    def __str__(self):
        return f"{self.use_case} · {self.criterion}: {self.weight}"


def reviewed_before(days):
    """The date before which a review counts as older than that many days."""
    return timezone.localdate() - timedelta(days=days)


class RatingQuerySet(models.QuerySet):
    def reviewed_before(self, days):
        return self.filter(reviewed_on__lt=reviewed_before(days))

    def stale(self):
        """Last reviewed more than ``CATALOG_STALE_AFTER_DAYS`` ago."""
        return self.reviewed_before(settings.CATALOG_STALE_AFTER_DAYS)

    def without_source(self):
        return self.filter(source_url="")

    def without_note(self):
        return self.filter(note__regex=r"^\s*$")


class Rating(Versioned):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="ratings")
    level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        related_name="ratings",
        help_text="A level of this criterion's scale.",
    )
    note = models.TextField(
        blank=True,
        help_text="Shown to visitors: what this level means for this framework and the evidence.",
    )
    internal_note = internal_note_field()
    source_url = models.URLField("source", blank=True)
    source_as_of = models.DateField(
        "source dated",
        null=True,
        blank=True,
        help_text="The date of what the source describes (the release its docs cover, the "
        "snapshot it took). Known only to the month: the month's first day.",
    )
    figure = models.CharField(
        max_length=200,
        blank=True,
        help_text="The measured figure the level rests on, in words, shown next to the note.",
    )
    figure_value = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The same figure as a number in the criterion's measure; syncfacts compares "
        "new figures with it against the levels' thresholds.",
    )
    figure_as_of = models.DateField(
        null=True,
        blank=True,
        help_text="When the figure was measured. Known only to the month: the month's first day.",
    )
    reviewed_on = models.DateField(default=timezone.localdate)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The editor who last confirmed this rating (Mark reviewed, or a grid save).",
    )
    flagged_reason = flagged_reason_field()
    flagged_on = flagged_on_field()

    objects = RatingQuerySet.as_manager()

    history = tracked_history()

    class Meta:
        ordering = ["framework__name", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "criterion"], name="rating_unique_pair"),
        ]

    def __str__(self):
        return f"{self.framework} · {self.criterion}: {self.level.label}"

    def save(self, *args, **kwargs):
        # A rating whose level belongs to another criterion would silently score wrong.
        if self.level_id and self.criterion_id and self.level.criterion_id != self.criterion_id:
            raise ValidationError("A rating's level must belong to its criterion.")
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.level_id and self.criterion_id and self.level.criterion_id != self.criterion_id:
            errors["level"] = f"Choose one of the levels of “{self.criterion.name}”."
        for name in ("figure_as_of", "source_as_of"):
            day = getattr(self, name)
            if day and self.reviewed_on and day > self.reviewed_on:
                # Evidence cannot postdate the review that cited it.
                errors[name] = "This date is after the review date; evidence comes first."
        if self.figure_value is not None and not self.figure_as_of:
            errors["figure_as_of"] = "Give the date the figure was measured."
        if errors:
            raise ValidationError(errors)


class FrameworkCapability(Versioned):
    class Support(models.TextChoices):
        BUILT_IN = "built_in", "Built in"
        PARTIAL = "partial", "Built in, limited"
        EXTENSION = "extension", "Via an extension"
        NONE = "none", "Not available"

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="capabilities")
    capability = models.ForeignKey(Capability, on_delete=models.CASCADE, related_name="supports")
    support = models.CharField(max_length=12, choices=Support, default=Support.NONE)
    extension = models.CharField(
        max_length=120, blank=True, help_text="The extension's name when support is via one."
    )
    extension_recommended = models.BooleanField(
        "extension counts as support",
        default=False,
        help_text="Well known and maintained: counts when visitors allow extensions.",
    )
    extension_url = models.URLField(
        "extension's page", blank=True, help_text="Where the extension is documented or released."
    )
    detail = models.CharField(max_length=300, blank=True)
    internal_note = internal_note_field()
    source_url = models.URLField("source", blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["framework__name", "capability__position"]
        verbose_name = "framework capability"
        verbose_name_plural = "framework capabilities"
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "capability"], name="framework_capability_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(support="extension") | ~Q(extension=""),
                name="framework_capability_extension_named",
            ),
            models.CheckConstraint(
                condition=Q(support="extension") | Q(extension_recommended=False),
                name="framework_capability_recommended_is_extension",
            ),
        ]

    def __str__(self):
        return f"{self.framework} · {self.capability}: {self.get_support_display()}"

    @property
    def meets_requirement(self):
        return self.support in (self.Support.BUILT_IN, self.Support.PARTIAL)

    def clean(self):
        if self.support == self.Support.EXTENSION and not self.extension.strip():
            raise ValidationError({"extension": "Name the extension that provides this."})
        if self.extension_recommended and self.support != self.Support.EXTENSION:
            raise ValidationError(
                {"extension_recommended": "Only support via an extension can be marked."}
            )


class ProCon(Versioned):
    class Kind(models.TextChoices):
        PRO = "pro", "Pro"
        CON = "con", "Con"

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="procons")
    kind = models.CharField(max_length=3, choices=Kind)
    text = models.CharField(max_length=300)
    source_url = models.URLField("source", blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = tracked_history()

    class Meta:
        ordering = ["framework__name", "kind", "position", "id"]
        verbose_name = "pro or con"
        verbose_name_plural = "pros and cons"
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "kind", "text"], name="procon_unique_text"
            ),
        ]

    def __str__(self):
        return f"{self.framework} {self.get_kind_display().lower()}: {self.text}"


class UseCaseFit(Versioned):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="fits")
    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="fits")
    fit = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(FIT_MAX)], help_text="0 (poor) to 5 (excellent)."
    )
    note = models.CharField(max_length=300, blank=True)
    internal_note = internal_note_field()

    history = tracked_history()

    class Meta:
        ordering = ["framework__name", "use_case__position"]
        verbose_name = "use-case fit"
        constraints = [
            models.UniqueConstraint(fields=["framework", "use_case"], name="fit_unique_pair"),
            models.CheckConstraint(condition=Q(fit__lte=FIT_MAX), name="fit_range"),
        ]

    def __str__(self):
        return f"{self.framework} · {self.use_case}: {self.fit}/{FIT_MAX}"


class FrameworkFacts(models.Model):
    """Figures ``syncfacts`` fetches from PyPI and GitHub, each source with the time it was read.

    A row of its own rather than fields on Framework: writing it daily must not move the
    framework's version (an editor with its page open would get an edit conflict for nothing)
    nor fill the framework's history with machine writes. Saving it still bumps the catalog
    version (``frameworks.signals``), so public pages show the new figures.
    """

    framework = models.OneToOneField(
        Framework, on_delete=models.CASCADE, primary_key=True, related_name="facts"
    )
    pypi_version = models.CharField("latest version", max_length=60, blank=True)
    pypi_released_on = models.DateField("latest release date", null=True, blank=True)
    pypi_first_release_on = models.DateField("first release date", null=True, blank=True)
    pypi_release_count = models.PositiveIntegerField("releases", null=True, blank=True)
    requires_python = models.CharField(max_length=100, blank=True)
    pypi_license = models.CharField("licence (PyPI)", max_length=100, blank=True)
    pypi_fetched_at = models.DateTimeField("PyPI read at", null=True, blank=True)
    pypi_download_rank = models.PositiveIntegerField(null=True, blank=True)
    download_rank_fetched_at = models.DateTimeField("rank read at", null=True, blank=True)
    github_stars = models.PositiveIntegerField(null=True, blank=True)
    github_forks = models.PositiveIntegerField(null=True, blank=True)
    github_open_issues = models.PositiveIntegerField(null=True, blank=True)
    github_pushed_at = models.DateTimeField("last push", null=True, blank=True)
    github_fetched_at = models.DateTimeField("GitHub read at", null=True, blank=True)

    class Meta:
        verbose_name = "fetched facts"
        verbose_name_plural = "fetched facts"

    def __str__(self):
        return f"Facts about {self.framework}"


class CatalogState(models.Model):
    """A single row whose version every catalog change bumps, in the same transaction.

    Results are computed from a per-process snapshot of the catalog keyed by this version, so
    every process (and machine) sees an editor's save in its very next result.
    """

    version = models.BigIntegerField(default=1)

    class Meta:
        verbose_name = "catalog state"

    def __str__(self):
        return f"Catalog version {self.version}"


class SuggestionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Suggestion.Status.PENDING)


class Suggestion(models.Model):
    """A visitor's proposed correction to one rating or one capability cell.

    Filed without an account from the public pages; nothing in the catalog changes until an
    editor accepts it (``frameworks.suggestions.accept``), which applies it as an edit.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="suggestions")
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, null=True, blank=True, related_name="suggestions"
    )
    capability = models.ForeignKey(
        Capability, on_delete=models.CASCADE, null=True, blank=True, related_name="suggestions"
    )
    proposed_level = models.ForeignKey(
        Level, on_delete=models.CASCADE, null=True, blank=True, related_name="suggestions"
    )
    proposed_support = models.CharField(
        max_length=12, choices=FrameworkCapability.Support, blank=True
    )
    proposed_text = models.CharField(
        max_length=300,
        blank=True,
        help_text="For a capability: the extension's name, or the detail visitors read.",
    )
    was = models.CharField(
        "value when filed", max_length=160, blank=True, help_text="What the cell said then."
    )
    #: The version of the rating or capability row when the suggestion was filed (None: the
    #: cell was empty). Accepting refuses if the row moved on since, like a stale admin page.
    based_on_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    evidence_url = models.URLField("evidence", max_length=500)
    comment = models.TextField(max_length=2000, blank=True)
    contact_email = models.EmailField("contact address", blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING, db_index=True)
    decision_note = models.TextField(
        max_length=2000,
        blank=True,
        help_text="Why it was accepted or rejected (required to reject). Never shown to visitors.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(criterion__isnull=False, capability__isnull=True)
                | Q(criterion__isnull=True, capability__isnull=False),
                name="suggestion_one_target",
            ),
        ]

    def __str__(self):
        return f"Suggestion #{self.pk}: {self.framework} · {self.target_name}"

    @property
    def target_name(self) -> str:
        target = self.criterion if self.criterion_id else self.capability
        return str(target) if target else ""

    @property
    def proposal(self) -> str:
        if self.criterion_id:
            return self.proposed_level.label if self.proposed_level_id else ""
        label = FrameworkCapability.Support(self.proposed_support).label
        return f"{label}: {self.proposed_text}" if self.proposed_text else label
