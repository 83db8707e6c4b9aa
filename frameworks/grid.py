"""The grid editor: one framework on every criterion, or one criterion across every framework.

Each cell is a rating form locked like every other catalog form (``frameworks.locking``): it
carries the version its rating was opened at. A save writes every cell the editor changed and
checked clean; a cell someone else saved meanwhile is refused alone, keeps what the editor typed
and names who saved it and when, while the other cells are saved.
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError

from .locking import VERSION_FIELD, VersionedModelForm, _by, _when, last_change
from .models import Criterion, Framework, Rating
from .reasons import give_reason


class LevelField(forms.ModelChoiceField):
    """The row already names the criterion: each choice is just the level's label."""

    def label_from_instance(self, obj):
        return obj.label


class GridCellForm(VersionedModelForm):
    """One rating in the grid: only its criterion's levels; empty means "not rated yet"."""

    level = LevelField(queryset=None, required=False)

    class Meta:
        model = Rating
        fields = ["level", "note", "source_url", "reviewed_on"]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 2, "cols": 28}),
            "source_url": forms.URLInput(attrs={"size": 24}),
            "reviewed_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        }

    def __init__(self, *args, framework=None, criterion=None, **kwargs):
        # The locking code rebuilds a form from the stored rating alone: it names both.
        if kwargs.get("instance") is None:
            kwargs["instance"] = Rating(framework=framework, criterion=criterion)
        super().__init__(*args, **kwargs)
        self.framework, self.criterion = self.instance.framework, self.instance.criterion
        level = self.fields["level"]
        level.queryset = self.criterion.levels.order_by("position", "value")
        # A rating once given is changed, not emptied, here (delete it on the framework page).
        level.required = bool(self.instance.pk)
        level.empty_label = None if self.instance.pk else "Not rated"

    def wanted(self):
        """Whether this cell holds something to save."""
        if not self.instance.pk:
            return bool(self.cleaned_data.get("level"))
        return bool(self.edited_fields())

    def clean(self):
        opened_empty = not self.data.get(self.add_prefix(VERSION_FIELD))
        try:
            cleaned = super().clean()
        except ValidationError:
            if not (opened_empty and self.instance.pk):
                raise
            # Empty when the editor opened the grid, rated by someone else since.
            entry = last_change(Rating, self.instance.pk)
            when = f" at {_when(entry.history_date)} UTC" if entry else ""
            raise ValidationError(
                f"Another editor rated this{_by(entry)}{when}, after you opened the grid, so "
                "your rating was not saved. Their values now fill the fields you left alone; "
                "save again to keep yours.",
                code="stale",
            ) from None
        if not self.instance.pk and not cleaned.get("level") and self.edited_fields():
            self.add_error("level", "Choose a level to rate this, or clear the other fields.")
        return cleaned


@dataclass
class Cell:
    heading: str  # the row's name: the criterion (framework grid) or framework (criterion grid)
    form: GridCellForm


def _cells(pairs, ratings, data):
    return [
        Cell(
            heading,
            GridCellForm(
                data,
                prefix=f"cell-{other.pk}",
                instance=ratings.get(other.pk),
                framework=framework,
                criterion=criterion,
            ),
        )
        for heading, other, framework, criterion in pairs
    ]


def framework_cells(framework, data=None):
    """One cell per criterion, in the order visitors see them."""
    ratings = {rating.criterion_id: rating for rating in framework.ratings.all()}
    pairs = [(c.name, c, framework, c) for c in Criterion.objects.all()]
    return _cells(pairs, ratings, data)


def criterion_cells(criterion, data=None):
    """One cell per framework, by name (drafts included: they are rated before publishing)."""
    ratings = {rating.framework_id: rating for rating in criterion.ratings.all()}
    pairs = [(f.name, f, f, criterion) for f in Framework.objects.all()]
    return _cells(pairs, ratings, data)


def save_cells(cells, *, reason, user):
    """Save every clean cell the editor filled or changed; return (saved, refused) cells.

    Run it inside a transaction: each cell's version is read under a row lock until the end.
    """
    saved, refused = [], []
    for cell in cells:
        if not cell.form.is_valid():
            refused.append(cell)
            continue
        if not cell.form.wanted():
            continue
        rating = cell.form.save(commit=False)
        rating.reviewed_by = user
        give_reason(rating, reason, user)
        rating.save()
        saved.append(cell)
    return saved, refused
