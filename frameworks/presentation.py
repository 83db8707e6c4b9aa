"""Shape a ranking and the catalog snapshot into what the templates and the API show.

Plain values for the templates (no markup here but the score bar, a cell built with
format_html), the JSON text of the API, and the Jinja2 environment of the ranking list.
Imports point one way: this module reads the domain (catalog, scoring); the templates and
the template tags read this module; nothing below imports it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from functools import cached_property
from json.encoder import encode_basestring_ascii as _quote  # json.dumps' own
from urllib.parse import urlencode

from django.template.loader import get_template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from jinja2 import Environment

from . import scoring
from .catalog import Snapshot
from .paths import path

#: A criterion's weight in the query string: ``w-<criterion slug>`` (a public contract).
WEIGHT_PREFIX = "w-"

#: Distinct, colour-blind-friendly hues for the score charts' segments; each segment also has a
#: text label and a title, so colour is never the only signal.
PALETTE = ("#0b6e99", "#b35c00", "#2b7a3d", "#7b3fa0", "#a3214d", "#4d5d00", "#00616e", "#6b4e16")


def score_bar(score, label="") -> SafeString:
    """A score from 0 to 100 as an SVG bar (no inline style, so the CSP can forbid them)."""
    width = max(0.0, min(float(score), 100.0))
    return format_html(
        '<svg class="score-bar" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" '
        'aria-label="{} out of 100" focusable="false">'
        '<rect class="score-bar-track" x="0" y="0" width="100" height="8" rx="2"></rect>'
        '<rect class="score-bar-fill" x="0" y="0" width="{}" height="8" rx="2"></rect></svg>',
        label or f"Score {score}",
        f"{width:.1f}",
    )


SUPPORT_ICONS = {"built_in": "✔", "partial": "◐", "extension": "➕", "none": "✘"}


def support_icon(support: scoring.SupportSpec | None) -> str:
    return SUPPORT_ICONS.get(getattr(support, "support", "none"), "✘")


def support_text(support: scoring.SupportSpec | None) -> str:
    if support is None:
        return "Not recorded"
    texts = {
        "built_in": "Built in",
        "partial": "Built in, limited",
        "extension": f"Via {support.extension}" if support.extension else "Via an extension",
        "none": "Not available",
    }
    return texts.get(support.support, support.support)


def jinja2_environment(**options) -> Environment:
    """The Jinja2 environment of the results' repeated parts (settings.TEMPLATES says why)."""
    env = Environment(**options)
    env.globals.update(score_bar=score_bar, chart_segments=chart_segments, memoize=functools.cache)
    env.filters.update(support_icon=support_icon, support_text=support_text)
    return env


def detail_urls(snapshot: Snapshot) -> dict[str, str]:
    """Each framework's page address, by slug, for this deployment's prefix."""
    return snapshot.derived(
        ("detail-urls", get_script_prefix()),
        lambda: {
            f.slug: reverse("frameworks:detail", kwargs={"slug": f.slug})
            for f in snapshot.frameworks
        },
    )


def query_string(form, *, drop: str = "", extensions: int | None = None) -> str:
    """The normalised permalink query: only what the visitor chose, in a fixed order.

    ``drop``: leave that must-have out; ``extensions``: that value instead of the visitor's
    (the addresses of the "what to relax" suggestions).
    """
    data = form.cleaned_data
    pairs = [("frameworks", slug) for slug in data.get("frameworks") or ()]
    if data.get("use_case"):
        pairs.append(("use_case", data["use_case"]))
    for criterion in form.snapshot.criteria:
        value = data.get(WEIGHT_PREFIX + criterion.slug)
        if value is not None:
            pairs.append((WEIGHT_PREFIX + criterion.slug, str(value)))
    pairs.extend(("require", slug) for slug in data.get("require") or () if slug != drop)
    if (data.get("extensions") if extensions is None else extensions) == 1:
        # Only when on: 0 is the default, so links made before the option stay as they were.
        pairs.append(("extensions", "1"))
    return urlencode(pairs)


def permalink(form, query: str | None = None) -> str:
    """The results page's address for the visitor's answers (``query``: their query_string)."""
    query = query_string(form) if query is None else query
    return path("frameworks:compare") + (f"?{query}" if query else "")


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def via_text(via, capability_names) -> str:
    """ "WebSockets via Channels; ORM via SQLModel" for a result's (capability, extension)s."""
    return "; ".join(f"{capability_names.get(slug, slug)} via {name}" for slug, name in via)


@dataclass(frozen=True, slots=True)
class Hint:
    """One "what to relax" suggestion: what to change, its address, and who it lets in."""

    action: str
    url: str
    frameworks: str


def relax_hints(form, ranking: scoring.Ranking) -> list[Hint]:
    """The ranking's relaxations (worked out by scoring) in words, each with its address."""
    names = form.snapshot.capability_names
    hints = []
    for relaxation in ranking.relax:
        if relaxation.drop:
            action = f"Drop the must-have “{names.get(relaxation.drop, relaxation.drop)}”"
            query = query_string(form, drop=relaxation.drop)
        else:
            action = "Let well-known extensions count"
            query = query_string(form, extensions=1)
        frameworks = [
            f"{unlocked.name} ({via_text(unlocked.via, names)})" if unlocked.via else unlocked.name
            for unlocked in relaxation.frameworks
        ]
        url = path("frameworks:compare") + (f"?{query}" if query else "")
        hints.append(Hint(action, url, _and(frameworks)))
    return hints


def apart_text(ranking: scoring.Ranking) -> str:
    """What tells the top two apart on a close call, from scoring's differences."""
    parts = []
    for d in ranking.apart:
        if d.key == scoring.FIT_TERM and ranking.use_case is not None:
            what = f"its fit for {ranking.use_case.name.lower()}"
        else:
            what = d.name.lower()
        parts.append(f"{d.leader_name} earns {d.points} more points on {what}")
    return "; ".join(parts)


def json_url(query: str) -> str:
    """The same results as JSON."""
    return path("frameworks:api-compare") + (f"?{query}" if query else "")


#: The top of the ranking shown in detail (chart, reasons, breakdown); the rest are listed.
EXPLAINED = 10
#: Columns of the side-by-side tables when the visitor did not pick frameworks: the top ones
#: (a table wider than this is scrolled more than read; picked frameworks are all shown).
TABLE_COLUMNS = 6


def table_columns(snapshot: Snapshot, ranking: scoring.Ranking, chosen: list[str]):
    """Columns follow the visitor's own order when they picked frameworks, else the ranking
    (its top ``TABLE_COLUMNS``: a wider table is read by nobody)."""
    order = chosen or [r.slug for r in ranking.results[:TABLE_COLUMNS]]
    return [snapshot.info[slug] for slug in order if slug in snapshot.info]


def results_json(ranking: scoring.Ranking, snapshot: Snapshot) -> str:
    """The API's answer as compact JSON text: one object per result, best first.

    Built from pieces rather than one json.dumps of nested dicts: what depends only on a
    framework is encoded once per snapshot, and scoring shares one Contribution among the
    frameworks that earn the same points on a criterion (``ranking.terms``), so each distinct
    entry is encoded once per ranking and each result joins its entries by code. The text is
    what ``json.dumps(..., separators=(",", ":"))`` would give for the same objects (a test
    checks it); compact, because a 200-framework answer has 10,000 breakdown entries.
    """
    tails = _json_tails(snapshot)
    entries = {code: _entry(term) for code, term in ranking.terms.items()}
    items = []
    codes = ranking.codes if len(ranking.codes) == len(ranking.results) else None
    for position, result in enumerate(ranking.results):
        head, tail = tails[result.slug]
        if codes is not None and len(codes[position]) == len(result.breakdown):
            texts = ",".join(map(entries.__getitem__, codes[position]))
        else:  # a ranking made without codes
            texts = ",".join(map(_entry, result.breakdown))
        items.append(
            f'{{"rank":{result.rank},{head},"score":{result.score!r},'
            f'"eligible":{"true" if result.eligible else "false"},'
            f'"unmet":[{",".join(map(_quote, result.unmet))}],'
            f'"breakdown":[{texts}],'
            f'"reasons":[{",".join(map(_quote, result.reasons))}],'
            f'"via":{_via_json(result.via)},"eligible_if":[{",".join(map(_way, result.ways))}],'
            f"{tail}}}"
        )
    return f"[{','.join(items)}]"


def _via_json(via) -> str:
    return "{" + ",".join(f"{_quote(slug)}:{_quote(name)}" for slug, name in via) + "}"


def _way(way: scoring.Way) -> str:
    if way.drop:
        return f'{{"drop":{_quote(way.drop)}}}'
    return f'{{"extensions":1,"via":{_via_json(way.via)}}}'


def _entry(c: scoring.Contribution) -> str:
    return (
        f'{{"criterion":{_quote(c.key)},"name":{_quote(c.name)},"weight":{c.weight},'
        f'"level":{_quote(c.label)},"points":{c.points!r},"max_points":{c.max_points!r}}}'
    )


def _json_tails(snapshot: Snapshot) -> dict[str, tuple[str, str]]:
    """Per framework: its JSON members before the score, and after the reasons."""

    def build():
        urls = detail_urls(snapshot)
        members = {}
        for spec in snapshot.frameworks:
            info = snapshot.info.get(spec.slug)
            members[spec.slug] = (
                f'"framework":{_quote(spec.slug)},"name":{_quote(spec.name)}',
                f'"best_for":{_quote(info.best_for if info else "")},'
                f'"url":{_quote(urls[spec.slug])}',
            )
        return members

    return snapshot.derived(("json-tails", get_script_prefix()), build)


@dataclass(frozen=True, slots=True)
class Segment:
    """One criterion's part of a result's stacked bar: it starts where the previous one ends."""

    x: str
    width: str
    colour: str
    part: scoring.Contribution


def chart_segments(result: scoring.Result) -> list[Segment]:
    """The segments of a result's stacked bar, one per criterion (and fit) that adds points."""
    segments, x = [], 0.0
    for index, part in enumerate(result.breakdown):
        if part.points > 0:
            colour = PALETTE[index % len(PALETTE)]
            segments.append(Segment(f"{x:.2f}", f"{part.points:.2f}", colour, part))
            x += part.points
    return segments


def ranking_items(snapshot: Snapshot, ranking: scoring.Ranking) -> SafeString:
    """Every entry of the ranking list, rendered by its Jinja2 template."""
    html = get_template("frameworks/ranking_items.html", using="jinja2").render(
        {
            "results": ranking.results,
            "urls": detail_urls(snapshot),
            "capability_names": snapshot.capability_names,
            "via_text": via_text,
        }  # fmt: skip
    )
    # An autoescaped template's output is markup, as Django's own Template.render() marks it.
    return SafeString(html)


@dataclass(frozen=True)
class Tables:
    """The side-by-side tables and the pros-and-cons cards for one set of columns.

    They depend on the columns, the winner, the must-haves and how many were ranked, not on
    the scores, so many answers share them: ``key`` names them for the fragments cache, and the
    rows are worked out only when that cache misses.
    """

    snapshot: Snapshot
    columns: tuple
    winner_slug: str | None
    required: tuple[str, ...]
    ranked: int
    extensions: bool = False

    @cached_property
    def key(self) -> str:
        slugs = ",".join(info.slug for info in self.columns)
        required = ",".join(self.required)
        return (
            f"{self.snapshot.version}|{get_script_prefix()}|{slugs}|{self.winner_slug}|"
            f"{required}|{self.ranked}|{int(self.extensions)}"
        )

    @cached_property
    def heads(self):
        """(info, is the winner) per column."""
        return [(info, info.slug == self.winner_slug) for info in self.columns]

    @cached_property
    def hidden(self) -> int:
        return self.ranked - len(self.columns)

    @cached_property
    def rating_rows(self):
        """(criterion, that criterion's rating of each column) per criterion."""
        specs = [self.snapshot.framework(info.slug) for info in self.columns]
        return [
            (criterion, [spec.ratings.get(criterion.slug) for spec in specs])
            for criterion in self.snapshot.criteria
        ]

    @cached_property
    def feature_rows(self):
        """(capability, is a must-have, each column's support) per capability, must-haves first."""
        specs = [self.snapshot.framework(info.slug) for info in self.columns]
        rows = [
            (capability, capability.slug in self.required,
             [spec.capabilities.get(capability.slug) for spec in specs])
            for capability in self.snapshot.capabilities
        ]  # fmt: skip
        return sorted(rows, key=lambda row: not row[1])  # stable: each group keeps its order

    def html(self) -> SafeString:
        """The tables and the cards, rendered by their Jinja2 template."""
        html = get_template("frameworks/results_tables.html", using="jinja2").render(
            {"tables": self, "urls": detail_urls(self.snapshot)}
        )
        return SafeString(html)  # autoescaped template output, as in ranking_items()
