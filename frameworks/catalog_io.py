"""Read and write the whole catalog as one JSON document (the shipped catalog uses it too).

``import_catalog`` is idempotent: it creates what is missing and, unless ``overwrite`` is set,
leaves every existing row exactly as an editor left it. ``export_catalog`` writes everything
``import_catalog`` reads, so an export restored into an empty database loses nothing.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from . import catalog, models

FORMAT = 1

FRAMEWORK_FIELDS = [
    "name",
    "tagline",
    "overview",
    "category",
    "website",
    "docs_url",
    "repository_url",
    "license",
    "first_release",
    "latest_version",
    "best_for",
    "choose_if",
    "color",
    "symbol",
    "is_published",
    "last_reviewed",
]


class CatalogError(ValueError):
    """The document is not a catalog this version can read."""


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)

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
        return "; ".join(parts) or "nothing to do"


def _date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CatalogError(f"“{value}” is not a date (YYYY-MM-DD).") from error


def _upsert(model, lookup, values, *, overwrite, report, kind):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        report.created[kind] += 1
        return obj, True
    if overwrite:
        changed = False
        for key, value in values.items():
            if getattr(obj, key) != value:
                setattr(obj, key, value)
                changed = True
        if changed:
            obj.full_clean()
            obj.save()
            report.updated[kind] += 1
        return obj, False
    report.kept[kind] += 1
    return obj, False


@transaction.atomic
def import_catalog(data: dict, *, overwrite: bool = False) -> ImportReport:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CatalogError(f'Expected a catalog document with "format": {FORMAT}.')
    report = ImportReport()
    criteria, levels, capabilities, use_cases = {}, {}, {}, {}

    for entry in data.get("criteria", []):
        criterion, _ = _upsert(
            models.Criterion,
            {"slug": entry["slug"]},
            {
                "name": entry["name"],
                "help_text": entry.get("help_text", ""),
                "default_weight": entry.get("default_weight", 3),
                "position": entry.get("position", 0),
            },
            overwrite=overwrite,
            report=report,
            kind="criteria",
        )
        criteria[criterion.slug] = criterion
        for position, level in enumerate(entry.get("levels", []), start=1):
            obj, _ = _upsert(
                models.Level,
                {"criterion": criterion, "label": level["label"]},
                {"value": level["value"], "position": level.get("position", position)},
                overwrite=overwrite,
                report=report,
                kind="levels",
            )
            levels[(criterion.slug, obj.label)] = obj

    for entry in data.get("capabilities", []):
        capability, _ = _upsert(
            models.Capability,
            {"slug": entry["slug"]},
            {
                "name": entry["name"],
                "description": entry.get("description", ""),
                "position": entry.get("position", 0),
            },
            overwrite=overwrite,
            report=report,
            kind="capabilities",
        )
        capabilities[capability.slug] = capability

    for entry in data.get("use_cases", []):
        use_case, _ = _upsert(
            models.UseCase,
            {"slug": entry["slug"]},
            {
                "name": entry["name"],
                "description": entry.get("description", ""),
                "fit_weight": entry.get("fit_weight", 5),
                "position": entry.get("position", 0),
            },
            overwrite=overwrite,
            report=report,
            kind="use cases",
        )
        use_cases[use_case.slug] = use_case
        for slug, weight in entry.get("presets", {}).items():
            _upsert(
                models.UseCasePreset,
                {"use_case": use_case, "criterion": _known(criteria, slug, "criterion")},
                {"weight": weight},
                overwrite=overwrite,
                report=report,
                kind="presets",
            )

    for entry in data.get("frameworks", []):
        values = {key: entry[key] for key in FRAMEWORK_FIELDS if key in entry}
        if "last_reviewed" in values:
            values["last_reviewed"] = _date(values["last_reviewed"])
        framework, created = _upsert(
            models.Framework,
            {"slug": entry["slug"]},
            values,
            overwrite=overwrite,
            report=report,
            kind="frameworks",
        )
        for slug, rating in entry.get("ratings", {}).items():
            level = levels.get((slug, rating["level"]))
            if level is None:
                level = models.Level.objects.filter(
                    criterion__slug=slug, label=rating["level"]
                ).first()
            if level is None:
                raise CatalogError(
                    f"{framework.slug}: “{rating['level']}” is not a level of {slug}."
                )
            _upsert(
                models.Rating,
                {"framework": framework, "criterion": _known(criteria, slug, "criterion")},
                {
                    "level": level,
                    "note": rating.get("note", ""),
                    "internal_note": rating.get("internal_note", ""),
                    "source_url": rating.get("source_url", ""),
                    "reviewed_on": _date(rating.get("reviewed_on")) or datetime.date.today(),
                },
                overwrite=overwrite,
                report=report,
                kind="ratings",
            )
        for slug, support in entry.get("capabilities", {}).items():
            _upsert(
                models.FrameworkCapability,
                {"framework": framework, "capability": _known(capabilities, slug, "capability")},
                {
                    "support": support["support"],
                    "extension": support.get("extension") or "",
                    "detail": support.get("detail") or "",
                    "internal_note": support.get("internal_note") or "",
                    "source_url": support.get("source_url") or "",
                },
                overwrite=overwrite,
                report=report,
                kind="capability supports",
            )
        for slug, fit in entry.get("use_case_fits", {}).items():
            _upsert(
                models.UseCaseFit,
                {"framework": framework, "use_case": _known(use_cases, slug, "use case")},
                {
                    "fit": fit["fit"],
                    "note": fit.get("note", ""),
                    "internal_note": fit.get("internal_note", ""),
                },
                overwrite=overwrite,
                report=report,
                kind="use-case fits",
            )
        # Free-text points have no key of their own: add them to a new framework, or replace
        # them when asked to overwrite; otherwise an editor's deletions stay deleted.
        if created or overwrite:
            wanted = [
                (kind, position, point)
                for kind, key in (
                    (models.ProCon.Kind.PRO, "pros"),
                    (models.ProCon.Kind.CON, "cons"),
                )
                for position, point in enumerate(entry.get(key, []), start=1)
            ]
            existing = {(p.kind, p.text): p for p in framework.procons.all()}
            for kind, position, point in wanted:
                _upsert(
                    models.ProCon,
                    {"framework": framework, "kind": kind, "text": point["text"]},
                    {"source_url": point.get("source_url") or "", "position": position},
                    overwrite=True,
                    report=report,
                    kind="pros and cons",
                )
                existing.pop((kind, point["text"]), None)
            if overwrite:
                for stale in existing.values():
                    stale.delete()
    catalog.bump_version()
    return report


def _known(objects, slug, kind):
    if slug in objects:
        return objects[slug]
    model = {
        "criterion": models.Criterion,
        "capability": models.Capability,
        "use case": models.UseCase,
    }[kind]
    obj = model.objects.filter(slug=slug).first()
    if obj is None:
        raise CatalogError(f"Unknown {kind} “{slug}”.")
    objects[slug] = obj
    return obj


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
                "levels": [
                    {"label": lv.label, "value": lv.value, "position": lv.position}
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
        entry["last_reviewed"] = (
            framework.last_reviewed.isoformat() if framework.last_reviewed else None
        )
        entry["ratings"] = {
            r.criterion.slug: {
                "level": r.level.label,
                "note": r.note,
                "internal_note": r.internal_note,
                "source_url": r.source_url,
                "reviewed_on": r.reviewed_on.isoformat() if r.reviewed_on else None,
            }
            for r in sorted(framework.ratings.all(), key=lambda r: r.criterion.slug)
        }
        entry["capabilities"] = {
            s.capability.slug: {
                "support": s.support,
                "extension": s.extension,
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
