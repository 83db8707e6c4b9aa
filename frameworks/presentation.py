"""Shape a ranking and the catalog snapshot into what the templates and the API show.

Plain values for the templates (no markup here but the score bar, a cell built with
format_html), the JSON text of the API, and the Jinja2 environment of the ranking list.
Imports point one way: this module reads the domain (catalog, scoring); the templates and
the template tags read this module; nothing below imports it.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from functools import cached_property
from json.encoder import encode_basestring_ascii as _quote  # json.dumps' own
from urllib.parse import urlencode

from django.template.defaultfilters import pluralize
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from jinja2 import Environment

from . import scales, scoring
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


#: The four support levels, each drawn by its own SVG in includes/support_icon.html: a glyph
#: such as "➕" needs an emoji font, and without one it shows as an empty box.
SUPPORT_KINDS = ("built_in", "partial", "extension", "none")


@functools.cache
def support_icon_svg(kind: str) -> SafeString:
    # Four fixed drawings: each is rendered once per process, not once per table cell.
    return SafeString(render_to_string("includes/support_icon.html", {"kind": kind}).strip())


def support_icon(support: scoring.SupportSpec | None) -> SafeString:
    kind = getattr(support, "support", "none")
    return support_icon_svg(kind if kind in SUPPORT_KINDS else "none")


#: Text on a mark: white, or this near-black when white would be too faint on the colour.
DARK_TEXT = "#111418"
WHITE = "#ffffff"


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#rrggbb`` colour."""
    channels = []
    for i in (1, 3, 5):
        c = int(colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours, from 1 to 21."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def mark_text_colour(background: str) -> str:
    """White or near-black, whichever reads better on ``background``."""
    return max((WHITE, DARK_TEXT), key=lambda text: contrast(text, background))


def initials(name: str) -> str:
    """One or two letters for a framework's mark: its capitals when the name has two or
    more (FastAPI: FA, BlackSheep: BS), else its first two letters (Django: Dj)."""
    letters = [ch for ch in name if ch.isalnum()]
    capitals = [ch for ch in letters if ch.isupper()]
    if len(capitals) >= 2:
        return "".join(capitals[:2])
    return (letters[0].upper() + "".join(letters[1:2]).lower()) if letters else "?"


@dataclass(frozen=True, slots=True)
class Mark:
    """A framework's badge: its initials on its catalog colour (trademarked logos are not ours)."""

    initials: str
    background: str
    foreground: str


#: The colour of a mark whose catalog colour is missing or malformed.
FALLBACK_MARK_COLOUR = "#5a6470"


def mark_for(info) -> Mark:
    colour = info.color if re.fullmatch(r"#[0-9A-Fa-f]{6}", info.color or "") else ""
    background = (colour or FALLBACK_MARK_COLOUR).lower()
    return Mark(initials(info.name), background, mark_text_colour(background))


def marks(snapshot: Snapshot) -> dict[str, SafeString]:
    """Each framework's mark as inline SVG, by slug, rendered from its template once per
    snapshot (the pages show it many times)."""

    def build():
        return {
            slug: SafeString(
                render_to_string("includes/mark.html", {"mark": mark_for(info)}).strip()
            )
            for slug, info in snapshot.info.items()
        }

    return snapshot.derived("marks", build)


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


def measure_name(measure: str) -> str:
    return scales.measure_name(measure)


def threshold_text(level: scoring.LevelSpec, measure: str) -> str:
    """A level's threshold in words: "top 1,000" for a rank, "at least 5,000" for a count."""
    if level.threshold is None:
        return ""
    if measure in scales.LOWER_IS_BETTER:
        return f"top {level.threshold:,}"
    return f"at least {level.threshold:,}"


def jinja2_environment(**options) -> Environment:
    """The Jinja2 environment of the results' repeated parts (settings.TEMPLATES says why)."""
    env = Environment(**options)
    env.globals.update(
        score_bar=score_bar,
        chart_segments=chart_segments,
        memoize=functools.cache,
        support_icon_kind=support_icon_svg,
    )
    env.filters.update(support_icon=support_icon, support_text=support_text, pluralize=pluralize)
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


@dataclass(frozen=True, slots=True)
class SuggestUrls:
    """The "suggest a correction" form's address of every cell: [framework][criterion]."""

    ratings: dict[str, dict[str, str]]
    capabilities: dict[str, dict[str, str]]


def suggest_urls(snapshot: Snapshot) -> SuggestUrls:
    """Each rating and capability cell's suggestion form, worked out once per snapshot."""

    def build():
        ratings, capabilities = {}, {}
        for spec in snapshot.frameworks:
            ratings[spec.slug] = {
                c.slug: reverse("frameworks:suggest-rating", args=[spec.slug, c.slug])
                for c in snapshot.criteria
            }
            capabilities[spec.slug] = {
                c.slug: reverse("frameworks:suggest-capability", args=[spec.slug, c.slug])
                for c in snapshot.capabilities
            }
        return SuggestUrls(ratings, capabilities)

    return snapshot.derived(("suggest-urls", get_script_prefix()), build)


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
            what = f"its fit for {scoring.mid_sentence(ranking.use_case.name)}"
        else:
            what = scoring.mid_sentence(d.name)
        parts.append(f"{d.leader_name} earns {d.points} more points on {what}")
    return "; ".join(parts)


def json_url(query: str) -> str:
    """The same results as JSON."""
    return export_url("frameworks:api-compare", query)


def export_url(name: str, query: str) -> str:
    """The same results in another format (JSON, the Markdown decision record, CSV)."""
    return path(name) + (f"?{query}" if query else "")


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
            "drafts": snapshot.drafts,
            "marks": marks(snapshot),
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
            {
                "tables": self,
                "urls": detail_urls(self.snapshot),
                "suggest": suggest_urls(self.snapshot),
                "marks": marks(self.snapshot),
            }
        )
        return SafeString(html)  # autoescaped template output, as in ranking_items()


# --- Head-to-head pages ---------------------------------------------------------------------

#: Between the two slugs of a head-to-head address: ``/compare/<a>-vs-<b>/``.
PAIR_SEPARATOR = "-vs-"


def pair_slug(first: str, second: str) -> str:
    """A head-to-head page's address part, in canonical order: the slugs alphabetically."""
    return PAIR_SEPARATOR.join(sorted((first, second)))


def split_pair(text: str, snapshot: Snapshot) -> tuple[str, str] | None:
    """The two published slugs that ``text`` ("a-vs-b") names, in the order written, or None.

    Slugs hold hyphens (``django-ninja-vs-fastapi``), so every "-vs-" is tried as the
    separator and the split whose two halves are both published frameworks wins.
    """
    start = 0
    while (at := text.find(PAIR_SEPARATOR, start)) != -1:
        first, second = text[:at], text[at + len(PAIR_SEPARATOR) :]
        if snapshot.framework(first) and snapshot.framework(second):
            return first, second
        start = at + 1
    return None


def pair_query(first: str, second: str) -> str:
    """The full form's query with both frameworks picked and every other answer left empty."""
    return urlencode([("frameworks", first), ("frameworks", second)])


def head_to_head_urls(snapshot: Snapshot, slug: str) -> list[tuple[object, str]]:
    """(info, head-to-head address) for every other published framework, by name."""
    return [
        (
            snapshot.info[spec.slug],
            reverse("frameworks:head-to-head", args=[pair_slug(slug, spec.slug)]),
        )
        for spec in snapshot.frameworks
        if spec.slug != slug and spec.slug in snapshot.info
    ]


#: Capability support from the best to none; a difference is the number of steps between two.
SUPPORT_STEPS = {"built_in": 3, "partial": 2, "extension": 1, "none": 0}


@dataclass(frozen=True, slots=True)
class CriterionDifference:
    criterion: scoring.CriterionSpec
    ratings: tuple  # (first's rating or None, second's)
    weight: int
    #: weight × difference of the two levels' values (0-100): what orders the differences.
    importance: int
    #: The gap this criterion makes between the two scores, in points (one decimal).
    points: float
    ahead: str  # the slug of the framework rated higher


@dataclass(frozen=True, slots=True)
class CapabilityDifference:
    capability: object  # catalog.CapabilityInfo
    supports: tuple  # (first's SupportSpec or None, second's)
    steps: int  # how far apart: built in, limited, via an extension, not available
    ahead: str


@dataclass(frozen=True, slots=True)
class Differences:
    criteria: tuple[CriterionDifference, ...]
    capabilities: tuple[CapabilityDifference, ...]


def differences(
    snapshot: Snapshot, first: str, second: str, *, weights: dict[str, int]
) -> Differences:
    """Where two frameworks differ, the differences that matter most first.

    Criteria are ordered by weight × the difference of the two levels' values, which is the
    gap the criterion makes between the two scores (so a criterion weighted 0 comes last,
    however far apart the two are); capabilities, which carry no weight, by how many steps
    of support lie between the two. Ties keep the catalog's order.
    """
    specs = (snapshot.framework(first), snapshot.framework(second))
    total = sum(weights.get(c.slug, 0) for c in snapshot.criteria)
    criteria = []
    for criterion in snapshot.criteria:
        ratings = tuple(spec.ratings.get(criterion.slug) for spec in specs)
        values = [rating.value if rating else 0 for rating in ratings]
        if values[0] == values[1]:
            continue
        weight = weights.get(criterion.slug, 0)
        importance = weight * abs(values[0] - values[1])
        criteria.append(
            CriterionDifference(
                criterion=criterion,
                ratings=ratings,
                weight=weight,
                importance=importance,
                points=round(importance / total, 1) if total else 0.0,
                ahead=first if values[0] > values[1] else second,
            )
        )
    capabilities = []
    for capability in snapshot.capabilities:
        supports = tuple(spec.capabilities.get(capability.slug) for spec in specs)
        steps = [SUPPORT_STEPS.get(getattr(s, "support", "none"), 0) for s in supports]
        if steps[0] != steps[1]:
            capabilities.append(
                CapabilityDifference(
                    capability=capability,
                    supports=supports,
                    steps=abs(steps[0] - steps[1]),
                    ahead=first if steps[0] > steps[1] else second,
                )
            )
    return Differences(
        criteria=tuple(sorted(criteria, key=lambda d: -d.importance)),
        capabilities=tuple(sorted(capabilities, key=lambda d: -d.steps)),
    )


# --- Structured data (JSON-LD) --------------------------------------------------------------

#: As Django's json_script escapes them: the text cannot close its element or open a comment.
_LD_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data) -> SafeString:
    """``data`` as the text of a ``application/ld+json`` data block, safe inside the element."""
    return SafeString(json.dumps(data, ensure_ascii=False).translate(_LD_ESCAPES))


def ranking_ld(snapshot: Snapshot, ranking: scoring.Ranking, *, origin: str, name: str) -> dict:
    """A ranking as a schema.org ItemList, best first, each item the framework's page."""
    urls = detail_urls(snapshot)
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": name,
        "itemListOrder": "https://schema.org/ItemListOrderDescending",
        "numberOfItems": len(ranking.results),
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": result.rank,
                "name": result.name,
                "url": origin + urls[result.slug],
            }
            for result in ranking.results
        ],
    }


def framework_ld(info, *, url: str) -> dict:
    """A framework as a schema.org SoftwareApplication."""
    data = {
        "@context": "https://schema.org",
        "@type": "SoftwareApplication",
        "name": info.name,
        "url": url,
        "description": info.overview or info.tagline,
        "applicationCategory": "DeveloperApplication",
        "applicationSubCategory": info.category_label,
        "operatingSystem": "Cross-platform",
        "programmingLanguage": "Python",
    }
    if info.latest_version:
        data["softwareVersion"] = info.latest_version
    if info.license:
        data["license"] = info.license
    same_as = [link for link in (info.website, info.repository_url) if link]
    if same_as:
        data["sameAs"] = same_as
    return data
