"""The decision to take away: a results page as a Markdown decision record, or as CSV.

Both are built from the same ranking the page shows (every result explained in full) and the
catalog snapshot. The Markdown comes from a Django template, with autoescaping off (it is not
HTML) and every piece of catalog text passed through ``markdown_text``, so that what editors
wrote is shown as text and can never become a link, an image or raw HTML in a Markdown viewer.
The CSV is written by the csv module, with spreadsheet formulas defused (``csv_cell``).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, urlsplit

from django.template.loader import render_to_string

from . import scoring
from .catalog import Snapshot
from .presentation import support_text

#: Characters that start Markdown syntax inline (emphasis, code, links, images, raw HTML,
#: autolinks, entities, table cells, strikethrough); a backslash makes each literal text.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&!])")


def markdown_text(value) -> str:
    """Catalog text as literal Markdown text, on one line (no new block can start in it)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def markdown_url(value) -> str:
    """An http(s) URL as a Markdown autolink; anything else as plain text."""
    url = str(value).strip()
    if urlsplit(url).scheme not in ("http", "https"):
        return markdown_text(url)
    # An autolink ends at the first space or angle bracket: those are percent-encoded.
    return "<" + quote(url, safe="/:?#[]@!$&'()*+,;=%~-._") + ">"


#: A spreadsheet treats a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


@dataclass(frozen=True)
class Source:
    what: str
    detail: str
    url: str
    reviewed: date | None = None


def _sources(snapshot: Snapshot, slug: str) -> list[Source]:
    """Every source the catalog records for a framework: ratings, capabilities (and their
    extensions' pages), pros, cons."""
    spec, info = snapshot.framework(slug), snapshot.info[slug]
    found = [
        Source(criterion.name, rating.label, rating.source_url, rating.reviewed_on)
        for criterion in snapshot.criteria
        if (rating := spec.ratings.get(criterion.slug)) is not None and rating.source_url
    ]
    found += [
        Source(capability.name, support_text(support), support.source_url)
        for capability in snapshot.capabilities
        if (support := spec.capabilities.get(capability.slug)) is not None and support.source_url
    ]
    # The extensions' own pages, which the results page links from the features table.
    found += [
        Source(capability.name, support_text(support), support.extension_url)
        for capability in snapshot.capabilities
        if (support := spec.capabilities.get(capability.slug)) is not None and support.extension_url
    ]
    for kind, points in (("Pro", info.pros), ("Con", info.cons)):
        found += [Source(kind, p.text, p.source_url) for p in points if p.source_url]
    return found


def _weights(form, ranking: scoring.Ranking) -> list[tuple[str, int, str]]:
    """(criterion name, weight, where the weight came from) per criterion."""
    explicit = form.explicit_weights()
    presets = ranking.use_case.presets if ranking.use_case else {}
    rows = []
    for criterion in form.snapshot.criteria:
        if criterion.slug in explicit:
            origin = "yours"
        elif criterion.slug in presets:
            origin = "the project type's"
        else:
            origin = "default"
        rows.append((criterion.name, ranking.weights[criterion.slug], origin))
    return rows


def markdown(form, ranking: scoring.Ranking, permalink: str) -> str:
    """The decision record for a valid form, ``ranking`` explained in full."""
    snapshot = form.snapshot
    results = [(result, snapshot.info[result.slug]) for result in ranking.results]
    winner = ranking.winner
    reviewed = [info.last_reviewed for _, info in results if info.last_reviewed]
    text = render_to_string(
        "frameworks/decision.md",
        {
            "use_case": form.chosen_use_case(),
            "chosen": [snapshot.info[s].name for s in form.cleaned_data.get("frameworks") or ()],
            "weights": _weights(form, ranking),
            "required": [snapshot.capability_names.get(s, s) for s in ranking.required],
            "capability_names": snapshot.capability_names,
            "results": results,
            "winner": winner,
            "winner_info": snapshot.info[winner.slug] if winner else None,
            "runner_up": ranking.results[1] if len(ranking.results) > 1 else None,
            "ranking": ranking,
            "close_margin": scoring.CLOSE_MARGIN,
            "sources": [(info, _sources(snapshot, info.slug)) for _, info in results],
            "latest_review": max(reviewed) if reviewed else None,
            "permalink": permalink,
        },
    )
    # The template's tags leave blank lines behind; Markdown needs at most one between blocks.
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


CSV_HEADER = ("rank", "framework", "criterion", "level", "weight", "points", "max_points",
              "source", "reviewed")  # fmt: skip


def csv_text(snapshot: Snapshot, ranking: scoring.Ranking) -> str:
    """One row per framework and breakdown term (each criterion, and the use-case fit): the
    points of a framework's rows add up to its score, as in the JSON API."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for result in ranking.results:
        spec = snapshot.framework(result.slug)
        for part in result.breakdown:
            rating = spec.ratings.get(part.key)
            row = (
                result.rank,
                result.name,
                part.name,
                part.label,
                part.weight,
                part.points,
                part.max_points,
                rating.source_url if rating else "",
                rating.reviewed_on.isoformat() if rating and rating.reviewed_on else "",
            )
            writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


def filename(ranking: scoring.Ranking, extension: str) -> str:
    """``decision-{winner slug}.{extension}``; slugs are safe in a header."""
    winner = ranking.winner
    return f"decision-{winner.slug if winner else 'none'}.{extension}"
