"""Shape a ranking and the catalog snapshot into what the templates and the API show."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from . import scoring
from .catalog import Snapshot
from .forms import WEIGHT_PREFIX


@dataclass(frozen=True, slots=True)
class Cell:
    label: str
    note: str = ""
    source_url: str = ""
    reviewed_on: object = None


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    name: str
    cells: tuple[Cell, ...]


def query_string(form) -> str:
    """The normalised permalink query: only what the visitor chose, in a fixed order."""
    data = form.cleaned_data
    pairs = [("frameworks", slug) for slug in data.get("frameworks") or ()]
    if data.get("use_case"):
        pairs.append(("use_case", data["use_case"]))
    for criterion in form.snapshot.criteria:
        value = data.get(WEIGHT_PREFIX + criterion.slug)
        if value is not None:
            pairs.append((WEIGHT_PREFIX + criterion.slug, str(value)))
    pairs.extend(("require", slug) for slug in data.get("require") or ())
    return urlencode(pairs)


def permalink(form) -> str:
    query = query_string(form)
    return reverse("frameworks:compare") + (f"?{query}" if query else "")


def table_columns(snapshot: Snapshot, ranking: scoring.Ranking, chosen: list[str]):
    """Columns follow the visitor's own order when they picked frameworks, else the ranking."""
    order = chosen or [r.slug for r in ranking.results]
    return [snapshot.info[slug] for slug in order if slug in snapshot.info]


def comparison_rows(snapshot: Snapshot, columns) -> list[Row]:
    specs = {f.slug: f for f in snapshot.frameworks}
    rows = []
    for criterion in snapshot.criteria:
        cells = []
        for info in columns:
            rating = specs[info.slug].ratings.get(criterion.slug)
            if rating is None:
                cells.append(Cell(label="Not rated"))
            else:
                cells.append(
                    Cell(
                        label=rating.label,
                        note=rating.note,
                        source_url=rating.source_url,
                        reviewed_on=rating.reviewed_on,
                    )
                )
        rows.append(Row(key=criterion.slug, name=criterion.name, cells=tuple(cells)))
    rows.append(
        Row(
            key="best-for",
            name="Best for",
            cells=tuple(Cell(label=info.best_for or "—") for info in columns),
        )
    )
    return rows


def capability_rows(snapshot: Snapshot, columns, required=()):
    specs = {f.slug: f for f in snapshot.frameworks}
    rows = []
    for capability in snapshot.capabilities:
        cells = []
        for info in columns:
            support = specs[info.slug].capabilities.get(capability.slug)
            cells.append(support)
        rows.append(
            {"capability": capability, "cells": cells, "required": capability.slug in required}
        )
    return rows


def result_json(result: scoring.Result, snapshot: Snapshot) -> dict:
    info = snapshot.info.get(result.slug)
    return {
        "rank": result.rank,
        "framework": result.slug,
        "name": result.name,
        "score": result.score,
        "eligible": result.eligible,
        "unmet": list(result.unmet),
        "breakdown": [
            {
                "criterion": c.key,
                "name": c.name,
                "weight": c.weight,
                "level": c.label,
                "points": c.points,
                "max_points": c.max_points,
            }
            for c in result.breakdown
        ],
        "reasons": list(result.reasons),
        "best_for": info.best_for if info else "",
        "url": reverse("frameworks:detail", kwargs={"slug": result.slug}),
    }
