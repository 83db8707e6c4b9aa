"""Read and write the whole catalog as one JSON document (the shipped catalog uses it too).

``import_catalog`` checks the whole document first (see ``catalog_schema``) and writes nothing
unless it is valid. It is idempotent: it creates what is missing and, unless ``overwrite`` is
set, leaves every existing row exactly as an editor left it. Nor does it bring back what
editors removed: a row the history shows under the file's natural key (a framework's slug, a
level's label within its criterion, a rating's framework and criterion...) but that no longer
exists under it was deleted or renamed in the admin, and is reported and left alone.
``export_catalog`` writes everything ``import_catalog`` reads, so an export restored into an
empty database loses nothing.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models as db
from django.db import transaction

from . import catalog, models, publishing, ratings_csv
from .catalog_schema import (
    CAPABILITY,
    CRITERION,
    FIT,
    FORMAT,
    FRAMEWORK,
    LEVEL,
    RATING,
    SUPPORT,
    USE_CASE,
    CatalogError,
    validate,
)

__all__ = ["CatalogError", "ImportReport", "export_catalog", "import_catalog"]

FRAMEWORK_FIELDS = ["name", *FRAMEWORK[1]]


@dataclass(frozen=True)
class Change:
    """One row an import updates: what it is, and each field's value before and after."""

    label: str
    fields: tuple[tuple[str, str, str], ...]


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)
    # One line for each row of the file that editors deleted or renamed, left as they left it.
    skipped: list[str] = field(default_factory=list)
    # Row by row, for the admin's preview: what is added, changed (field by field), removed,
    # and left alone (already the same, or kept as editors left it).
    added: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = []
        for label, counter in (
            ("created", self.created),
            ("updated", self.updated),
            ("left as edited", self.kept),
        ):
            if counter:
                parts.append(
                    f"{label}: " + ", ".join(f"{n} {k}" for k, n in sorted(counter.items()))
                )
        if self.skipped:
            parts.append(f"not restored: {len(self.skipped)} deleted or renamed by editors")
        return "; ".join(parts) or "nothing to do"


def known_references() -> dict:
    """What the file's references may name in the database besides the file's own rows."""
    levels = {slug: set() for slug in models.Criterion.objects.values_list("slug", flat=True)}
    for slug, label in models.Level.objects.values_list("criterion__slug", "label"):
        levels[slug].add(label)
    return {
        "criteria": levels,
        "capabilities": set(models.Capability.objects.values_list("slug", flat=True)),
        "use_cases": set(models.UseCase.objects.values_list("slug", flat=True)),
    }


def _values(model, entry: dict, keys) -> dict:
    """The entry's values for ``keys`` as the model stores them; absent keys keep defaults."""
    values = {}
    for key in keys:
        if key not in entry:
            continue
        value, model_field = entry[key], model._meta.get_field(key)
        if value is None and not model_field.null:
            if not isinstance(model_field, db.CharField | db.TextField):
                continue  # a date with a default, such as a rating's review date
            value = ""
        elif isinstance(model_field, db.DateField) and isinstance(value, str):
            value = datetime.date.fromisoformat(value)
        values[key] = value
    return values


def _shown(value) -> str:
    if value is None or value == "":
        return "(empty)"
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


class _Loader:
    def __init__(self, *, overwrite: bool, reason: str = "", user=None):
        self.overwrite = overwrite
        self.reason, self.user = reason, user
        self.report = ImportReport()
        self._history: dict[type, dict[tuple, set[int]]] = {}

    def _ids_once_known_as(self, model, lookup: dict) -> set[int]:
        """The ids of every row the history shows under this natural key, at any time."""
        names = [f"{name}_id" if isinstance(v, db.Model) else name for name, v in lookup.items()]
        if model not in self._history:
            index = {}
            for *key, pk in model.history.values_list(*names, "id"):
                index.setdefault(tuple(key), set()).add(pk)
            self._history[model] = index
        key = tuple(v.pk if isinstance(v, db.Model) else v for v in lookup.values())
        return self._history[model].get(key, set())

    def row(self, model, lookup: dict, values: dict, *, kind: str, path: str, label: str):
        """Create, update or keep one row; return it and whether it is new.

        None stands for a row editors deleted: it is not recreated unless overwriting, and
        what hangs on it is skipped too. A renamed row is returned under its new name, so that
        the file's references to it still find it.
        """
        obj = model.objects.filter(**lookup).first()
        if obj is not None:
            changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
            if not self.overwrite:
                self.report.kept[kind] += 1
                self.report.unchanged.append(
                    f"{label}: kept as editors left it" if changed else f"{label}: the same"
                )
                return obj, False
            if changed:
                self.change(obj, changed, path, label)
                self.report.updated[kind] += 1
            else:
                self.report.unchanged.append(f"{label}: the same")
            return obj, False
        earlier = self._ids_once_known_as(model, lookup)
        renamed = model.objects.filter(pk__in=earlier).first() if earlier else None
        if renamed is not None:
            if not self.overwrite:
                self.report.skipped.append(
                    f"{path}: {label} was renamed by an editor (now “{renamed}”); left as is."
                )
                return renamed, False
            self.change(renamed, lookup | values, path, label)
            self.report.updated[kind] += 1
            return renamed, False
        if earlier and not self.overwrite:
            self.report.skipped.append(f"{path}: {label} was deleted by an editor; not recreated.")
            return None, False
        obj = model(**lookup)
        self.save(obj, values, path)
        self.report.created[kind] += 1
        self.report.added.append(label)
        return obj, True

    def change(self, obj, values: dict, path: str, label: str):
        before = {key: getattr(obj, key) for key in values}
        self.save(obj, values, path)
        fields = tuple(
            (str(obj._meta.get_field(key).verbose_name), _shown(before[key]), _shown(value))
            for key, value in values.items()
            if before[key] != value
        )
        self.report.changes.append(Change(label, fields))

    def stamp(self, obj):
        """Name the import and the editor in the row's next history entry."""
        if self.reason:
            obj._change_reason = self.reason
        if self.user is not None:
            obj._history_user = self.user

    def save(self, obj, values: dict, path: str):
        self.stamp(obj)
        for key, value in values.items():
            setattr(obj, key, value)
        try:
            obj.full_clean()
        except ValidationError as error:
            # The file is valid on its own; this is a clash with rows already in the database.
            raise CatalogError(
                [
                    f"{path}{'' if name == '__all__' else '.' + name}: {message}"
                    for name, messages in error.message_dict.items()
                    for message in messages
                ]
            ) from error
        obj.save()


@transaction.atomic
def import_catalog(
    data: dict, *, overwrite: bool = False, reason: str = "", user=None
) -> ImportReport:
    """Load a catalog document (see the module's docstring); ``reason`` and ``user`` go into
    the history of every row written."""
    errors = validate(data, known=known_references())
    if errors:
        raise CatalogError(errors)
    load = _Loader(overwrite=overwrite, reason=reason, user=user)
    gate = _PublishGate(
        {
            entry["slug"]: f"frameworks[{index}] ({entry['name']})"
            for index, entry in enumerate(data.get("frameworks", []))
        }
    )
    criteria, levels, capabilities, use_cases = {}, {}, {}, {}

    for index, entry in enumerate(data.get("criteria", [])):
        path = f"criteria[{index}]"
        criterion, _ = load.row(
            models.Criterion,
            {"slug": entry["slug"]},
            _values(models.Criterion, entry, CRITERION[1] + ("name",)),
            kind="criteria",
            path=path,
            label=f"criterion “{entry['slug']}”",
        )
        criteria[entry["slug"]] = criterion
        if criterion is None:
            continue
        for position, level in enumerate(entry.get("levels", []), start=1):
            obj, _ = load.row(
                models.Level,
                {"criterion": criterion, "label": level["label"]},
                {"position": position} | _values(models.Level, level, ("value", *LEVEL[1])),
                kind="levels",
                path=f"{path}.levels[{position - 1}]",
                label=f"level “{level['label']}” of {criterion.slug}",
            )
            levels[(entry["slug"], level["label"])] = obj

    for index, entry in enumerate(data.get("capabilities", [])):
        capabilities[entry["slug"]], _ = load.row(
            models.Capability,
            {"slug": entry["slug"]},
            _values(models.Capability, entry, CAPABILITY[1] + ("name",)),
            kind="capabilities",
            path=f"capabilities[{index}]",
            label=f"capability “{entry['slug']}”",
        )

    for index, entry in enumerate(data.get("use_cases", [])):
        path = f"use_cases[{index}]"
        use_case, _ = load.row(
            models.UseCase,
            {"slug": entry["slug"]},
            _values(models.UseCase, entry, USE_CASE[1] + ("name",)),
            kind="use cases",
            path=path,
            label=f"use case “{entry['slug']}”",
        )
        use_cases[entry["slug"]] = use_case
        if use_case is None:
            continue
        for slug, weight in entry.get("presets", {}).items():
            criterion = _known(criteria, models.Criterion, slug)
            if criterion is not None:
                load.row(
                    models.UseCasePreset,
                    {"use_case": use_case, "criterion": criterion},
                    {"weight": weight},
                    kind="presets",
                    path=f"{path}.presets.{slug}",
                    label=f"the weight of {slug} in {use_case.slug}",
                )

    for index, entry in enumerate(data.get("frameworks", [])):
        path = f"frameworks[{index}]"
        framework, created = load.row(
            models.Framework,
            {"slug": entry["slug"]},
            _values(models.Framework, entry, FRAMEWORK_FIELDS),
            kind="frameworks",
            path=path,
            label=f"framework “{entry['slug']}”",
        )
        if framework is None:
            continue
        for slug, rating in entry.get("ratings", {}).items():
            criterion = _known(criteria, models.Criterion, slug)
            if criterion is None:
                continue
            level = (
                levels.get((slug, rating["level"]))
                or models.Level.objects.filter(criterion=criterion, label=rating["level"]).first()
            )
            if level is None:
                continue  # a level editors deleted: they chose what to rate instead
            load.row(
                models.Rating,
                {"framework": framework, "criterion": criterion},
                {"level": level} | _values(models.Rating, rating, RATING[1]),
                kind="ratings",
                path=f"{path}.ratings.{slug}",
                label=f"the {slug} rating of {framework.slug}",
            )
        for slug, support in entry.get("capabilities", {}).items():
            capability = _known(capabilities, models.Capability, slug)
            if capability is not None:
                load.row(
                    models.FrameworkCapability,
                    {"framework": framework, "capability": capability},
                    _values(models.FrameworkCapability, support, SUPPORT[0] + SUPPORT[1]),
                    kind="capability supports",
                    path=f"{path}.capabilities.{slug}",
                    label=f"{framework.slug}'s support for {slug}",
                )
        for slug, fit in entry.get("use_case_fits", {}).items():
            use_case = _known(use_cases, models.UseCase, slug)
            if use_case is not None:
                load.row(
                    models.UseCaseFit,
                    {"framework": framework, "use_case": use_case},
                    _values(models.UseCaseFit, fit, FIT[0] + FIT[1]),
                    kind="use-case fits",
                    path=f"{path}.use_case_fits.{slug}",
                    label=f"{framework.slug}'s fit for {slug}",
                )
        # Free-text points have no key of their own: add them to a new framework, or replace
        # them when asked to overwrite; otherwise an editor's deletions stay deleted.
        if created or overwrite:
            _points(load, framework, entry, path)
    gate.check()
    catalog.bump_version()
    return load.report


class _PublishGate:
    """The publish rule (``publishing``) for the frameworks an import writes: none may be
    published by it while incomplete, nor lose a note, source, rating or fit while published.

    Read before the import and checked on the rows as the import leaves them, inside its
    transaction, so that a refusal writes nothing.
    """

    def __init__(self, places: dict[str, str]):
        self.places = places  # framework slug -> where the file names it
        stored = dict(models.Framework.objects.filter(slug__in=places).values_list("slug", "pk"))
        published = publishing.published_ids(stored.values())
        gaps = publishing.stored_missing(published)
        self.before = {slug: (pk in published, gaps.get(pk, [])) for slug, pk in stored.items()}

    def check(self):
        now = dict(
            models.Framework.objects.filter(slug__in=self.places, is_published=True).values_list(
                "pk", "slug"
            )
        )
        gaps = publishing.stored_missing(now)
        errors = []
        for pk, slug in sorted(now.items(), key=lambda item: item[1]):
            was_published, before = self.before.get(slug, (False, []))
            refused = publishing.refusal(
                was_published=was_published, publish=True, before=before, after=gaps[pk]
            )
            state = (
                "is published, so must stay complete" if was_published else "cannot be published"
            )
            errors += [f"{self.places[slug]}: {state}, {gap}" for gap in refused]
        if errors:
            raise CatalogError(errors)


def _points(load, framework, entry, path):
    wanted = [
        (kind, key, position, point)
        for kind, key in ((models.ProCon.Kind.PRO, "pros"), (models.ProCon.Kind.CON, "cons"))
        for position, point in enumerate(entry.get(key, []), start=1)
    ]
    existing = {(p.kind, p.text): p for p in framework.procons.all()}
    for kind, key, position, point in wanted:
        obj = existing.pop((kind, point["text"]), None) or models.ProCon(
            framework=framework, kind=kind, text=point["text"]
        )
        values = {"source_url": point.get("source_url") or "", "position": position}
        where, label = f"{path}.{key}[{position - 1}]", f"{framework.slug} {kind}: {point['text']}"
        if obj.pk is None:
            load.report.created["pros and cons"] += 1
            load.report.added.append(label)
            load.save(obj, values, where)
        elif any(getattr(obj, k) != v for k, v in values.items()):
            load.change(obj, values, where, label)
        else:
            load.report.unchanged.append(f"{label}: the same")
    for stale in existing.values():
        load.report.removed.append(f"{framework.slug} {stale.kind}: {stale.text}")
        load.stamp(stale)
        stale.delete()


def _known(objects, model, slug):
    """A row the file's references name: from this file (None if editors deleted it) or the
    database."""
    if slug not in objects:
        objects[slug] = model.objects.filter(slug=slug).first()
    return objects[slug]


def _iso(day):
    return day.isoformat() if day else None


def export_catalog() -> dict:
    """Everything editors curate, published or not, in the import format."""
    presets = {}
    for preset in models.UseCasePreset.objects.select_related("criterion", "use_case"):
        presets.setdefault(preset.use_case_id, {})[preset.criterion.slug] = preset.weight
    document = {
        "format": FORMAT,
        "criteria": [
            {
                "slug": c.slug,
                "name": c.name,
                "help_text": c.help_text,
                "default_weight": c.default_weight,
                "position": c.position,
                "measure": c.measure,
                "levels": [
                    {
                        "label": lv.label,
                        "value": lv.value,
                        "position": lv.position,
                        "definition": lv.definition,
                        "threshold": lv.threshold,
                    }
                    for lv in c.levels.order_by("position", "value", "label")
                ],
            }
            for c in models.Criterion.objects.order_by("position", "slug")
        ],
        "capabilities": [
            {"slug": c.slug, "name": c.name, "description": c.description, "position": c.position}
            for c in models.Capability.objects.order_by("position", "slug")
        ],
        "use_cases": [
            {
                "slug": u.slug,
                "name": u.name,
                "description": u.description,
                "fit_weight": u.fit_weight,
                "position": u.position,
                "presets": dict(sorted(presets.get(u.id, {}).items())),
            }
            for u in models.UseCase.objects.order_by("position", "slug")
        ],
        "frameworks": [],
    }
    frameworks = models.Framework.objects.order_by("slug").prefetch_related(
        "ratings__criterion",
        "ratings__level",
        "capabilities__capability",
        "fits__use_case",
        "procons",
    )
    for framework in frameworks:
        entry = {key: getattr(framework, key) for key in FRAMEWORK_FIELDS}
        entry = {"slug": framework.slug, **entry}
        entry["last_reviewed"] = _iso(framework.last_reviewed)
        entry["flagged_on"] = _iso(framework.flagged_on)
        entry["ratings"] = {
            r.criterion.slug: {
                "level": r.level.label,
                "note": r.note,
                "internal_note": r.internal_note,
                "source_url": r.source_url,
                "source_as_of": _iso(r.source_as_of),
                "figure": r.figure,
                "figure_value": r.figure_value,
                "figure_as_of": _iso(r.figure_as_of),
                "reviewed_on": _iso(r.reviewed_on),
                "flagged_reason": r.flagged_reason,
                "flagged_on": _iso(r.flagged_on),
            }
            for r in sorted(framework.ratings.all(), key=lambda r: r.criterion.slug)
        }
        entry["capabilities"] = {
            s.capability.slug: {
                "support": s.support,
                "extension": s.extension,
                "extension_recommended": s.extension_recommended,
                "extension_url": s.extension_url,
                "detail": s.detail,
                "internal_note": s.internal_note,
                "source_url": s.source_url,
            }
            for s in sorted(framework.capabilities.all(), key=lambda s: s.capability.slug)
        }
        entry["use_case_fits"] = {
            f.use_case.slug: {"fit": f.fit, "note": f.note, "internal_note": f.internal_note}
            for f in sorted(framework.fits.all(), key=lambda f: f.use_case.slug)
        }
        points = sorted(framework.procons.all(), key=lambda p: (p.position, p.id))
        entry["pros"] = [
            {"text": p.text, "source_url": p.source_url} for p in points if p.kind == "pro"
        ]
        entry["cons"] = [
            {"text": p.text, "source_url": p.source_url} for p in points if p.kind == "con"
        ]
        document["frameworks"].append(entry)
    return document


@transaction.atomic
def import_ratings(
    rows: list[ratings_csv.CsvRating], *, overwrite: bool = False, reason: str = "", user=None
) -> ImportReport:
    """Load ratings read from a CSV file, by the same rules as a catalog document: checked
    whole first, existing ratings left as editors left them unless ``overwrite``, ratings
    editors deleted not brought back, and no published framework left incomplete."""
    errors = ratings_csv.check_ratings(rows)
    if errors:
        raise CatalogError(errors)
    load = _Loader(overwrite=overwrite, reason=reason, user=user)
    frameworks = {
        f.slug: f for f in models.Framework.objects.filter(slug__in={r.framework for r in rows})
    }
    criteria = {c.slug: c for c in models.Criterion.objects.prefetch_related("levels")}
    gate = _PublishGate({slug: f"Framework “{slug}”" for slug in frameworks})
    for row in rows:
        criterion = criteria[row.criterion]
        wanted = row.level.casefold()
        level = next(lv for lv in criterion.levels.all() if lv.label.casefold() == wanted)
        load.row(
            models.Rating,
            {"framework": frameworks[row.framework], "criterion": criterion},
            {"level": level, "note": row.note, "source_url": row.source},
            kind="ratings",
            path=f"Line {row.line}",
            label=f"the {row.criterion} rating of {row.framework}",
        )
    gate.check()
    catalog.bump_version()
    return load.report
