"""The results page's repeated parts, as escaped HTML built in Python.

A results page repeats small pieces many times: a ranking entry with a chart and a breakdown
row per criterion for every framework, a cell per framework and criterion, a cell per framework
and capability. Through the template engine each piece costs several microseconds of variable
lookups, filters and escaping; at 200 frameworks × 50 criteria that was most of a second per
page. Here the pieces that depend only on the catalog are built once per snapshot
(``Snapshot.derived``) and the ones that depend on the visitor's answers are joined from
f-strings. The markup is the same as the templates it replaces; every value is escaped.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from html import escape as _escape_html

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe

from comparator.html import ascii_html

from .scoring import CLOSE_MARGIN
from .templatetags.comparator import PALETTE, charrefs, score_bar, support_icon, support_text


def escape(value) -> str:
    """HTML-escaped and ASCII (comparator/html.py says why)."""
    return ascii_html(_escape_html(value))


# Criterion names and level labels repeat on every row of every breakdown.
_escape = lru_cache(maxsize=4096)(escape)


def detail_urls(snapshot) -> dict[str, str]:
    """Each framework's page address (reverse() costs ~30 µs; the prefix is per deployment)."""
    return snapshot.derived(
        ("detail-urls", get_script_prefix()),
        lambda: {
            f.slug: reverse("frameworks:detail", kwargs={"slug": f.slug})
            for f in snapshot.frameworks
        },
    )


class _Parts:
    """Each breakdown term's markup, built once per ranking.

    Scoring shares one Contribution among the frameworks that earn the same points on a
    criterion, so most of a 200-framework ranking's 10,000 terms reuse markup built here.
    Keyed by ``id()``: every Contribution lives as long as the ranking that holds it.
    """

    def __init__(self):
        self._built = {}

    def __call__(self, index, part):
        built = self._built.get(id(part))
        if built is None:
            name, label = _escape(part.name), _escape(part.label)
            built = self._built[id(part)] = (
                # the breakdown table's row
                f'<tr><th scope="row"><span class="swatch" aria-hidden="true" '
                f'data-index="{index}"></span>{name}</th><td>{part.weight}</td><td>{label}</td>'
                f'<td class="text-end">{part.points}</td>'
                f'<td class="text-end">{part.max_points}</td></tr>',
                # the chart's segment, after its x position
                f'y="0" width="{part.points:.2f}" height="10" '
                f'fill="{PALETTE[index % len(PALETTE)]}"><title>{name}: '
                f"{part.points} points ({label})</title></rect>",
                # the chart's text alternative
                f"{name} {part.points}",
            )
        return built


def breakdown_chart(result, parts: _Parts) -> str:
    """A stacked bar: one segment per criterion (and fit), widths equal to the points added."""
    x = 0.0
    segments, summary = [], []
    for index, part in enumerate(result.breakdown):
        _, segment, text = parts(index, part)
        summary.append(text)
        if part.points <= 0:
            continue
        segments.append(f'<rect x="{x:.2f}" {segment}')
        x += part.points
    return (
        '<svg class="breakdown-chart" viewBox="0 0 100 10" preserveAspectRatio="none" '
        f'role="img" aria-label="Points by criterion for {_escape(result.name)}: '
        f'{"; ".join(summary)}">'
        '<rect class="score-bar-track" x="0" y="0" width="100" height="10"></rect>'
        f"{''.join(segments)}</svg>"
    )


def _breakdown_rows(result, parts: _Parts) -> str:
    return "\n".join(parts(index, part)[0] for index, part in enumerate(result.breakdown))


def verdict(ranking, winner_info, use_case, share_url, json_url) -> SafeString:
    """The verdict card: the winner, its score and "choose it if", how close the race is, what
    would change the answer, and the share row."""
    winner = ranking.winner
    if winner is not None:
        info = winner_info
        eyebrow = "Our recommendation"
        if use_case is not None:
            eyebrow += f" for {escape(use_case.name.lower())}"
        symbol = (
            f'<span class="fw-symbol" aria-hidden="true">{charrefs(info.symbol)}</span> '
            if info is not None and info.symbol
            else ""
        )
        best_for = (
            f'<p class="verdict-best-for mb-2">Best for: {escape(info.best_for)}</p>'
            if info is not None and info.best_for
            else ""
        )
        choose_if = (
            '<p class="verdict-why mt-3 mb-2"><strong>Choose it if</strong> '
            f"{escape(info.choose_if)}</p>"
            if info is not None and info.choose_if
            else ""
        )
        close = ""
        if ranking.close_call:
            close = (
                '<p class="close-call mb-2" role="note"><strong>No clear winner:</strong> '
                f"{escape(ranking.results[1].name)} is within {CLOSE_MARGIN} points. Read the "
                "breakdown before you decide.</p>"
            )
        change = ranking.change
        if change is not None:
            what = (
                f"setting <strong>{escape(change.criterion_name)}</strong> from "
                f"{change.from_weight} to {change.to_weight} puts "
                f"<strong>{escape(change.new_leader_name)}</strong> first."
            )
        else:
            what = "no single weight change puts another framework first."
        what = (
            f'<p class="what-would-change mb-0 small">What would change the answer: {what}</p>'
            if change is not None or len(ranking.results) > 1
            else ""
        )
        body = (
            '<div class="verdict-main">\n<div class="verdict-text">\n'
            f'<p class="eyebrow mb-1">{eyebrow}</p>\n'
            f'<h2 id="verdict-heading" class="verdict-name">{symbol}{escape(winner.name)}</h2>\n'
            f"{best_for}\n</div>\n"
            f'<p class="verdict-score mb-0"><span class="verdict-score-value">{winner.score}'
            '</span><span class="verdict-score-unit">out of 100</span></p>\n</div>\n'
            f"{score_bar(winner.score)}\n{choose_if}\n{close}\n{what}\n"
        )
    else:
        body = (
            '<p class="eyebrow mb-1">Our recommendation</p>\n'
            '<h2 id="verdict-heading" class="h3">No framework meets every must-have</h2>\n'
            '<p class="mb-0">Each framework below misses at least one of them; they are still '
            "ranked by score so you can see which comes closest.</p>\n"
        )
    share = escape(share_url)
    return mark_safe(  # every value above is escaped
        '<section aria-labelledby="verdict-heading" class="verdict card shadow-sm mb-4'
        f'{"" if winner is not None else " verdict-none"}">\n'
        f'<div class="card-body p-3 p-md-4">\n{body}'
        f'<div class="share-row" data-permalink="{share}">\n'
        '<label for="permalink" class="share-label">Share this result</label>\n'
        '<input id="permalink" class="form-control form-control-sm permalink-input" readonly '
        f'value="{share}">\n'
        '<button type="button" class="btn btn-sm btn-outline-primary copy-link" '
        'data-copy-target="permalink" hidden>Copy link</button>\n'
        f'<a class="btn btn-sm btn-link" href="{escape(json_url)}">As JSON</a>\n'
        "</div>\n</div>\n</section>"
    )


def chart_legend(snapshot, ranking) -> SafeString:
    """The key to the score bars' colours: one entry per criterion, then the use-case fit."""
    first = ranking.results[0] if ranking.results else None
    if first is None or not first.breakdown:
        return mark_safe("")
    names = tuple(part.name for part in first.breakdown)

    def build():
        items = "".join(
            f'<li><span class="swatch" data-index="{index}" aria-hidden="true"></span>'
            f"{escape(name)}</li>"
            for index, name in enumerate(names)
        )
        return mark_safe(
            '<ul class="chart-legend list-unstyled mb-0" aria-label="Colours of the score bars">'
            f"{items}</ul>"
        )

    return snapshot.derived(("chart-legend", names), build)


def _compact_item(result, url, capability_names) -> str:
    """A ranking entry past the explained top: name, score and a plain bar."""
    missing = ""
    if result.unmet:
        names = "; ".join(escape(capability_names.get(slug, slug)) for slug in result.unmet)
        missing = f'<p class="reasons small mb-0">Missing must-haves: {names}.</p>'
    width = max(0.0, min(result.score, 100.0))
    return (
        f'<li class="ranking-item compact{"" if result.eligible else " ineligible"}">\n'
        '<div class="ranking-head">\n'
        f'<h3 class="ranking-name"><span class="rank">#{result.rank}</span> '
        f'<a href="{_escape(url)}">{_escape(result.name)}</a></h3>\n'
        f'<p class="score mb-0"><strong>{result.score}</strong>'
        '<span class="text-body-secondary"> / 100</span></p>\n'
        "</div>\n"
        '<svg class="score-bar" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" '
        f'aria-label="Score {result.score} out of 100" focusable="false">'
        '<rect class="score-bar-track" x="0" y="0" width="100" height="8" rx="2"></rect>'
        f'<rect class="score-bar-fill" x="0" y="0" width="{width:.1f}" height="8" rx="2"></rect>'
        f"</svg>\n{missing}</li>"
    )


def ranking_items(snapshot, ranking) -> SafeString:
    """Every ``<li>`` of the ranking: name, score, chart, reasons and the breakdown table.

    Results that scoring did not explain (past the top of a long ranking) get a compact entry.
    """
    urls = detail_urls(snapshot)
    parts = _Parts()
    items = []
    for position, result in enumerate(ranking.results):
        if not result.breakdown:
            items.append(_compact_item(result, urls[result.slug], snapshot.capability_names))
            continue
        best = position == 0 and result.eligible
        name = _escape(result.name)
        classes = "ranking-item"
        badges = ""
        if not result.eligible:
            classes += " ineligible"
            badges = ' <span class="badge text-bg-secondary">Misses a must-have</span>'
        if best:
            classes += " winner"
            badges = ' <span class="badge best-badge">Best match</span>'
        reasons = ""
        if result.reasons:
            reasons = (
                '<ul class="reasons small mb-0">'
                + "".join(f"<li>{escape(reason)}</li>" for reason in result.reasons)
                + "</ul>"
            )
        items.append(
            f'<li class="{classes}">\n'
            '<div class="ranking-head">\n'
            f'<h3 class="ranking-name"><span class="rank">#{result.rank}</span> '
            f'<a href="{_escape(urls[result.slug])}">{name}</a>{badges}</h3>\n'
            f'<p class="score mb-0"><strong>{result.score}</strong>'
            '<span class="text-body-secondary"> / 100</span></p>\n'
            "</div>\n"
            f"{breakdown_chart(result, parts)}\n"
            f"{reasons}\n"
            '<details class="breakdown-details">\n'
            f'<summary class="small">How {name} scored</summary>\n'
            '<div class="table-responsive">\n'
            '<table class="table table-sm breakdown-table mt-2 mb-0">\n'
            f'<caption class="visually-hidden">Points by criterion for {name}</caption>\n'
            '<thead><tr><th scope="col">Criterion</th><th scope="col">Weight</th>'
            '<th scope="col">Level</th><th scope="col" class="text-end">Points</th>'
            '<th scope="col" class="text-end">Out of</th></tr></thead>\n'
            f"<tbody>\n{_breakdown_rows(result, parts)}\n</tbody>\n"
            '<tfoot><tr><th scope="row" colspan="3">Score</th>'
            f'<td class="text-end fw-semibold">{result.score}</td>'
            '<td class="text-end">100</td></tr></tfoot>\n'
            "</table>\n"
            "</div>\n"
            "</details>\n"
            "</li>"
        )
    return mark_safe("\n".join(items))  # every value above is escaped


def _rating_cell(rating) -> str:
    if rating is None:
        return '<td><span class="cell-label">Not rated</span></td>'
    label = f'<span class="cell-label">{escape(rating.label)}</span>'
    if not (rating.note or rating.source_url):
        return f"<td>{label}</td>"
    note = f'<p class="mb-1">{escape(rating.note)}</p>' if rating.note else ""
    if rating.source_url:
        note += f'<a href="{escape(rating.source_url)}" rel="noopener nofollow">Source</a>'
    if rating.reviewed_on:
        note += f" &#183; reviewed {rating.reviewed_on:%Y-%m-%d}"
    return (
        f'<td><details class="cell-details"><summary>{label}</summary>'
        f'<div class="cell-note small">{note}</div></details></td>'
    )


def rating_cells(snapshot) -> dict[str, tuple[str, ...]]:
    """Per framework: its side-by-side cell for each criterion, then its "Best for" cell."""

    def build():
        cells = {}
        for spec in snapshot.frameworks:
            best_for = snapshot.info[spec.slug].best_for or "\u2014"
            cells[spec.slug] = (
                *(_rating_cell(spec.ratings.get(c.slug)) for c in snapshot.criteria),
                f'<td><span class="cell-label">{escape(best_for)}</span></td>',
            )
        return cells

    return snapshot.derived("rating-cells", build)


def comparison_rows(snapshot, columns) -> SafeString:
    """The side-by-side table's body: a row per criterion, then "Best for"; a cell per column."""
    cells = rating_cells(snapshot)
    columns = [cells[info.slug] for info in columns]
    names = [(c.slug, c.name) for c in snapshot.criteria] + [("best-for", "Best for")]
    return mark_safe(  # every value is escaped
        "\n".join(
            f'<tr data-row="{escape(key)}">\n<th scope="row" class="sticky-col">{escape(name)}'
            f"</th>\n{''.join(column[i] for column in columns)}\n</tr>"
            for i, (key, name) in enumerate(names)
        )
    )


def column_heads(snapshot, columns, winner) -> SafeString:
    """The side-by-side table's header cells, one per column, the winner's marked."""
    urls = detail_urls(snapshot)
    heads = []
    for info in columns:
        is_winner = winner is not None and info.slug == winner.slug
        symbol = f'<span aria-hidden="true">{charrefs(info.symbol)}</span> ' if info.symbol else ""
        heads.append(
            f'<th scope="col"{' class="is-winner"' if is_winner else ""}>'
            f'<a href="{_escape(urls[info.slug])}">{symbol}{escape(info.name)}</a>'
            f"{'<span class="d-block small fw-normal">best match</span>' if is_winner else ''}"
            "</th>"
        )
    return mark_safe("".join(heads))  # every value above is escaped


def support_cells(snapshot) -> dict[str, tuple[str, ...]]:
    """Per framework: its key-features cell for each capability."""

    def cell(support):
        kind = escape((support.support if support is not None else "") or "none")
        return (
            f'<td class="support support-{kind}"><span aria-hidden="true">'
            f"{escape(support_icon(support))}</span> {escape(support_text(support))}</td>"
        )

    return snapshot.derived(
        "support-cells",
        lambda: {
            spec.slug: tuple(cell(spec.capabilities.get(c.slug)) for c in snapshot.capabilities)
            for spec in snapshot.frameworks
        },
    )


def feature_heads(columns) -> SafeString:
    """Key features' header cells, one per column."""
    return mark_safe("".join(f'<th scope="col">{escape(info.name)}</th>' for info in columns))


def feature_rows(snapshot, columns, required) -> SafeString:
    """Key features' table body: a row per capability, must-haves first; a cell per column."""
    cells = support_cells(snapshot)
    columns = [cells[info.slug] for info in columns]
    rows = []
    for i, capability in enumerate(snapshot.capabilities):
        must = capability.slug in required
        rows.append(
            (
                not must,
                f"<tr{' class="required-row"' if must else ''}>\n"
                f'<th scope="row" class="sticky-col">{escape(capability.name)}'
                f"{' <span class="badge must-badge">must-have</span>' if must else ''}</th>\n"
                f"{''.join(column[i] for column in columns)}\n</tr>",
            )
        )
    rows.sort(key=lambda row: row[0])  # stable: must-haves first, each group in order
    return mark_safe("\n".join(html for _, html in rows))  # every value is escaped


def pros_cons_cards(snapshot, columns) -> tuple[SafeString, SafeString]:
    """The first three columns' pros-and-cons cards, and the others' (shown folded)."""
    cards = _pros_cons_cards(snapshot)
    html = [cards[info.slug] for info in columns]
    return mark_safe("".join(html[:3])), mark_safe("".join(html[3:]))


def _pros_cons_cards(snapshot) -> dict[str, str]:
    """Per framework: its pros-and-cons card, rendered once from its template."""
    return snapshot.derived(
        ("pros-cons-cards", get_script_prefix()),
        lambda: {
            slug: ascii_html(render_to_string("includes/pros_cons_card.html", {"info": info}))
            for slug, info in snapshot.info.items()
        },
    )


def tables(snapshot, columns, winner, required) -> dict[str, SafeString]:
    """The side-by-side tables and the pros-and-cons cards, for these columns.

    They depend on the columns, the winner and the must-haves, not on the scores, and many
    answers share them (the same top six, in the same order), so they are kept with the
    snapshot, keyed by just that.
    """
    key = (
        "tables",
        get_script_prefix(),
        tuple(info.slug for info in columns),
        winner.slug if winner is not None else None,
        tuple(required),
    )

    def build():
        first_cards, more_cards = pros_cons_cards(snapshot, columns)
        return {
            "column_heads": column_heads(snapshot, columns, winner),
            "comparison_rows": comparison_rows(snapshot, columns),
            "feature_heads": feature_heads(columns),
            "feature_rows": feature_rows(snapshot, columns, required),
            "first_cards": first_cards,
            "more_cards": more_cards,
        }

    built = snapshot.fragments.get(key)
    if built is None:
        built = build()
        snapshot.fragments.put(key, built, size=sum(len(html) for html in built.values()))
    return built


def results(context) -> SafeString:
    """The results: verdict, ranking, side-by-side tables, pros and cons.

    Built here rather than in a template: the pieces are already HTML, and joining them
    through the template engine (an include, its conditions and numbers) took ~70 us a page.
    ``context`` is the results page's context (views._results_context).
    """
    ranking, columns, explained = context["ranking"], context["columns"], context["explained"]
    ranked = len(ranking.results)
    more = ""
    if ranked > explained:
        more = (
            '<p class="small text-body-secondary mt-2 mb-0">The top '
            f"{explained} are explained in full; the others show their score. Every breakdown "
            f'is in <a href="{escape(context["json_url"])}">the JSON results</a>.</p>'
        )
    hidden = ""
    if context["hidden_columns"] > 0:
        hidden = (
            f" These tables show the top {len(columns)} of the {ranked} ranked; pick "
            "frameworks in step 4 to put others side by side."
        )
    musts = " Your must-haves come first and are marked." if ranking.required else ""
    more_cards = ""
    if len(columns) > 3:
        more_cards = (
            '<details class="more-pros-cons mt-3">\n'
            f"<summary>Pros and cons of the other {len(columns) - 3} frameworks</summary>\n"
            '<div class="row row-cols-1 row-cols-md-2 row-cols-xxl-3 g-3 mt-1">\n'
            f"{context['more_cards']}\n</div>\n</details>\n"
        )
    return mark_safe(  # every piece is escaped HTML, the rest is literal markup
        f"{context['verdict']}\n"
        '<section aria-labelledby="ranking-heading" class="mb-5">\n'
        '<div class="section-heading">\n'
        '<h2 id="ranking-heading" class="h4 mb-0">Ranking</h2>\n'
        f"{context['chart_legend']}\n</div>\n"
        f'<ol class="ranking list-unstyled mb-0">\n{context["ranking_items"]}\n</ol>\n'
        f"{more}\n</section>\n"
        '<section aria-labelledby="table-heading" class="mb-5">\n'
        '<h2 id="table-heading" class="h4">Side by side</h2>\n'
        '<p id="table-caption" class="small text-body-secondary">Each cell is the '
        "editors&#8217; rating; open it for the note, the source and the review date. Scroll "
        f"sideways for more frameworks.{hidden}</p>\n"
        '<div class="table-responsive comparison-wrap" tabindex="0" role="region" '
        'aria-label="Side-by-side ratings (scrollable)">\n'
        '<table class="table comparison-table align-middle mb-0" '
        'aria-describedby="table-caption">\n'
        '<caption class="visually-hidden">Ratings of each framework, criterion by criterion'
        "</caption>\n"
        '<thead>\n<tr><th scope="col" class="sticky-col">Criterion</th>'
        f"{context['column_heads']}</tr>\n</thead>\n"
        f"<tbody>\n{context['comparison_rows']}\n</tbody>\n</table>\n</div>\n</section>\n"
        '<section aria-labelledby="features-heading" class="mb-5">\n'
        '<h2 id="features-heading" class="h4">Key features</h2>\n'
        '<p id="features-caption" class="small text-body-secondary">'
        '<span aria-hidden="true">&#10004;</span> built in &#183; '
        '<span aria-hidden="true">&#9680;</span> built in, limited &#183; '
        '<span aria-hidden="true">&#10133;</span> via an extension &#183; '
        f'<span aria-hidden="true">&#10008;</span> not available.{musts}</p>\n'
        '<div class="table-responsive comparison-wrap" tabindex="0" role="region" '
        'aria-label="Key features by framework (scrollable)">\n'
        '<table class="table table-sm features-table align-middle mb-0" '
        'aria-describedby="features-caption">\n'
        '<caption class="visually-hidden">Which capabilities each framework ships</caption>\n'
        '<thead><tr><th scope="col" class="sticky-col">Capability</th>'
        f"{context['feature_heads']}</tr></thead>\n"
        f"<tbody>\n{context['feature_rows']}\n</tbody>\n</table>\n</div>\n</section>\n"
        '<section aria-labelledby="proscons-heading" class="mb-4">\n'
        '<h2 id="proscons-heading" class="h4">Pros, cons and best use cases</h2>\n'
        '<div class="row row-cols-1 row-cols-md-2 row-cols-xxl-3 g-3">\n'
        f"{context['first_cards']}\n</div>\n{more_cards}</section>\n"
    )


def render(request, template_name, context, *, status=200) -> HttpResponse:
    """Django's render(), except that the large fragments skip the template's string joins.

    Every level of a template (block, include, if, for) joins what its children rendered into
    a new string, and the page's ranking and tables are most of the page: at 200 frameworks
    they are 7 MB, copied a dozen times on the way out. So the template gets a short marker
    for each SafeString fragment in ``context`` and the response puts the fragment in its
    place once.
    """
    token = f"<!--{secrets.token_hex(8)}:"  # per response: no content can contain it
    context, pieces = dict(context), {}
    for name, value in context.items():
        if isinstance(value, SafeString) and len(value) > 4096:
            pieces[name] = value
            context[name] = mark_safe(f"{token}{name}-->")
    html = render_to_string(template_name, context, request)
    if not pieces:
        return HttpResponse(html, status=status)
    first, *others = html.split(token)
    chunks = [first]
    for other in others:
        name, _, rest = other.partition("-->")
        chunks += [pieces[name], rest]
    return HttpResponse(chunks, status=status)
