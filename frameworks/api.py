"""The published catalog as JSON: what ``/api/frameworks/`` and ``/api/frameworks/{slug}/`` say.

Plain values from the catalog snapshot, encoded once per snapshot (an editor's save makes a
new snapshot, so nothing here goes stale). The shapes are described for clients in
``frameworks/openapi.py``; a test checks the two agree.
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.urls import get_script_prefix

from .catalog import FrameworkInfo, Snapshot
from .presentation import detail_urls


def _rating(criterion, rating) -> dict:
    return {
        "criterion": criterion.slug,
        "name": criterion.name,
        "level": rating.label,
        "value": rating.value,
        "note": rating.note,
        "source_url": rating.source_url,
        "reviewed_on": rating.reviewed_on,
    }


def _framework(snapshot: Snapshot, info: FrameworkInfo, page_url: str) -> dict:
    spec = snapshot.framework(info.slug)
    return {
        "slug": info.slug,
        "name": info.name,
        "tagline": info.tagline,
        "overview": info.overview,
        "category": info.category,
        "category_label": info.category_label,
        "license": info.license,
        "first_release": info.first_release,
        "latest_version": info.latest_version,
        "website": info.website,
        "docs_url": info.docs_url,
        "repository_url": info.repository_url,
        "best_for": info.best_for,
        "choose_if": info.choose_if,
        "color": info.color,
        "last_reviewed": info.last_reviewed,
        "url": page_url,
        "ratings": [
            _rating(criterion, spec.ratings[criterion.slug])
            for criterion in snapshot.criteria
            if criterion.slug in spec.ratings
        ],
        "capabilities": [
            {
                "capability": capability.slug,
                "name": capability.name,
                "support": support.support,
                "extension": support.extension,
                "detail": support.detail,
                "source_url": support.source_url,
            }
            for capability in snapshot.capabilities
            if (support := spec.capabilities.get(capability.slug)) is not None
        ],
        "use_cases": [
            {"use_case": use_case.slug, "name": use_case.name, "fit": fit.fit, "note": fit.note}
            for use_case in snapshot.use_cases
            if (fit := spec.fits.get(use_case.slug)) is not None
        ],
        "pros": [{"text": p.text, "source_url": p.source_url} for p in info.pros],
        "cons": [{"text": c.text, "source_url": c.source_url} for c in info.cons],
    }


def _encode(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def _frameworks(snapshot: Snapshot) -> dict[str, dict]:
    """Each published framework's object, by slug, built once per snapshot."""

    def build():
        urls = detail_urls(snapshot)
        return {
            spec.slug: _framework(snapshot, snapshot.info[spec.slug], urls[spec.slug])
            for spec in snapshot.frameworks
        }

    return snapshot.derived(("api-frameworks", get_script_prefix()), build)


def catalog_json(snapshot: Snapshot) -> str:
    """Every published framework in full, with the criteria (and their scales), capabilities and
    use cases they are rated against: enough for a client to score on its own."""

    def build():
        return _encode(
            {
                "frameworks": list(_frameworks(snapshot).values()),
                "criteria": [
                    {
                        "slug": c.slug,
                        "name": c.name,
                        "default_weight": c.default_weight,
                        "help_text": c.help_text,
                        "levels": [{"label": lv.label, "value": lv.value} for lv in c.levels],
                    }
                    for c in snapshot.criteria
                ],
                "capabilities": [
                    {"slug": c.slug, "name": c.name, "description": c.description}
                    for c in snapshot.capabilities
                ],
                "use_cases": [
                    {
                        "slug": u.slug,
                        "name": u.name,
                        "description": u.description,
                        "fit_weight": u.spec.fit_weight,
                        "weights": dict(u.spec.presets),
                    }
                    for u in snapshot.use_cases
                ],
            }
        )

    return snapshot.derived(("api-catalog", get_script_prefix()), build)


def framework_json(snapshot: Snapshot, slug: str) -> str | None:
    """One published framework in full, or None when no published framework has that slug."""
    if snapshot.framework(slug) is None:
        return None
    return snapshot.derived(
        ("api-framework", get_script_prefix(), slug),
        lambda: _encode(_frameworks(snapshot)[slug]),
    )
