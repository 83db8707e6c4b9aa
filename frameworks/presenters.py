"""Shape a ranking and the catalog snapshot into what the templates and the API show."""

from __future__ import annotations

from json.encoder import encode_basestring_ascii as _quote  # json.dumps' own
from urllib.parse import urlencode

from django.urls import get_script_prefix

from . import fragments, scoring
from .catalog import Snapshot
from .forms import WEIGHT_PREFIX
from .paths import path


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


def permalink(form, query: str | None = None) -> str:
    """The results page's address for the visitor's answers (``query``: their query_string)."""
    query = query_string(form) if query is None else query
    return path("frameworks:compare") + (f"?{query}" if query else "")


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
            f'"reasons":[{",".join(map(_quote, result.reasons))}],{tail}}}'
        )
    return f"[{','.join(items)}]"


def _entry(c: scoring.Contribution) -> str:
    return (
        f'{{"criterion":{_quote(c.key)},"name":{_quote(c.name)},"weight":{c.weight},'
        f'"level":{_quote(c.label)},"points":{c.points!r},"max_points":{c.max_points!r}}}'
    )


def _json_tails(snapshot: Snapshot) -> dict[str, tuple[str, str]]:
    """Per framework: its JSON members before the score, and after the reasons."""

    def build():
        urls = fragments.detail_urls(snapshot)
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
