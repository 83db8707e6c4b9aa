"""The public pages and the JSON API: read the form, score, hand plain values to a template.

Every public page depends only on the catalog and its address (no user, no CSRF token), so a
page is rendered once per catalog version and kept in the ``pages`` cache, and a repeat visit
with the page's ETag gets a 304.
"""

import functools
import hashlib

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.core.cache import caches
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.encoding import iri_to_uri
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import condition, require_safe

from . import api, catalog, decision, errors, openapi, paths, presentation, preview, share_image
from .forms import CatalogForm, CompareForm
from .scoring import CLOSE_MARGIN, mid_sentence
from .sitemaps import SITEMAPS


def read_only(view):
    """GET and HEAD only. Anything else gets a 405 naming them, not the CSRF failure page: these
    views change nothing, so there is nothing for a forged request to do."""
    return csrf_exempt(require_safe(view))


def _query(request):
    """request.GET, or None when Django refuses the query itself (too many fields)."""
    try:
        return request.GET
    except SuspiciousOperation:
        return None


def _snapshot(request):
    """The catalog snapshot for this request; the version is looked up once per request."""
    if not hasattr(request, "_catalog_snapshot"):
        request._catalog_snapshot = catalog.current_snapshot()
    return request._catalog_snapshot


def _page_key(request) -> str | None:
    """A digest of what a public page depends on: the catalog version, the address, the query
    and X-Partial. The parameters may come in any order; the values of one parameter keep
    theirs (the picked frameworks are the table's columns, in the visitor's order).

    None when Django refuses the query itself (too many fields): such requests are answered
    afresh, with their error.
    """
    if not hasattr(request, "_page_key"):
        try:
            items = sorted(request.GET.lists())
        except SuspiciousOperation:
            request._page_key = None
        else:
            partial = request.headers.get("X-Partial", "")
            host = f"{request.scheme}://{request.get_host()}"
            version = _snapshot(request).version
            key = f"{version}|{host}{request.path}|{partial}|{items!r}"
            request._page_key = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
    return request._page_key


def catalog_etag(request, *args, **kwargs):
    return _page_key(request)


def cached_page(view):
    """Serve the page already rendered for this key from the ``pages`` cache.

    An editor's save changes the catalog version, hence every key: nothing is served stale.
    A refused query (400) is kept too: its answer depends on the same things.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = _page_key(request)
        if key is None:
            return view(request, *args, **kwargs)
        pages = caches["pages"]
        kept = pages.get(key)
        if kept is not None:
            status, headers, body = kept
            return HttpResponse(body, status=status, headers=headers)
        response = view(request, *args, **kwargs)
        if (
            response.status_code in (200, 400)
            and not response.streaming
            and len(response.content) <= settings.PAGE_CACHE_MAX_BYTES
        ):
            # The headers the view set (Content-Type, the API's Link); middleware adds the rest.
            pages.set(key, (response.status_code, dict(response.items()), response.content))
        return response

    return wrapper


def cacheable(view=None, *, previews=False):
    """Answer repeats with 304 until the catalog changes; the result depends on X-Partial.

    ``previews=True`` (the framework page, /compare/): a logged-in editor who names an
    unpublished framework gets a preview (``frameworks.preview``), rendered afresh, kept
    nowhere, ``private, no-store`` and without an ETag. Such a page's answers then depend on
    who asks, so they all vary by Cookie: a shared cache never hands a visitor's copy to an
    editor, nor the reverse.
    """
    if view is None:
        return functools.partial(cacheable, previews=previews)
    conditional = condition(etag_func=catalog_etag)(cached_page(view))
    vary = ["X-Partial", "Cookie"] if previews else ["X-Partial"]

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        snapshot = preview.snapshot_for(request, kwargs) if previews else None
        if snapshot is not None:
            request._catalog_snapshot = snapshot
            response = view(request, *args, **kwargs)
            response["Cache-Control"] = "private, no-store"
            patch_vary_headers(response, vary)
            return response
        response = conditional(request, *args, **kwargs)
        patch_vary_headers(response, vary)
        response.setdefault("Cache-Control", "no-cache")
        return response

    return wrapper


@read_only
@cacheable
def home(request):
    snapshot = _snapshot(request)
    form = CompareForm(snapshot=snapshot)
    return render(request, "frameworks/home.html", {"form": form, "snapshot": snapshot})


def _origin(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _results_context(request, form):
    snapshot = form.snapshot
    query = presentation.query_string(form)
    permalink = presentation.permalink(form, query)
    ranking = form.ranking(explain=presentation.EXPLAINED)
    chosen = form.cleaned_data.get("frameworks") or []
    columns = presentation.table_columns(snapshot, ranking, chosen)
    winner = ranking.winner
    first = ranking.results[0] if ranking.results else None
    return {
        "ranking": ranking,
        "winner": winner,
        "winner_info": snapshot.info.get(winner.slug) if winner else None,
        "runner_up": ranking.results[1] if len(ranking.results) > 1 else None,
        "use_case": form.chosen_use_case(),
        "close_margin": CLOSE_MARGIN,
        "legend": [part.name for part in first.breakdown] if first else [],
        "ranked": len(ranking.results),
        "explained": presentation.EXPLAINED,
        "ranking_items": presentation.ranking_items(snapshot, ranking),
        "tables": presentation.Tables(
            snapshot,
            tuple(columns),
            winner.slug if winner else None,
            tuple(ranking.required),
            len(ranking.results),
            ranking.extensions,
        ),
        "relax_hints": presentation.relax_hints(form, ranking),
        "winner_via": presentation.via_text(
            winner.via if winner else (), snapshot.capability_names
        ),
        "apart": presentation.apart_text(ranking),
        "share_url": f"{_origin(request)}{permalink}",
        "json_url": presentation.json_url(query),
        "share_image": f"{_origin(request)}{paths.path('frameworks:compare-preview')}"
        + (f"?{query}" if query else ""),
        "structured_data": presentation.json_ld(
            presentation.ranking_ld(
                snapshot, ranking, origin=_origin(request), name="Python web frameworks, ranked"
            )
        ),
        "markdown_url": presentation.export_url("frameworks:compare-markdown", query),
        "csv_url": presentation.export_url("frameworks:compare-csv", query),
    }


@read_only
@cacheable(previews=True)
def compare(request):
    snapshot = _snapshot(request)
    query = _query(request)
    if query is None:
        raise BadRequest("Too many parameters.")
    form = CompareForm(query, snapshot=snapshot)
    context = {"form": form, "snapshot": snapshot, "errors": form.errors}
    if form.is_valid():
        context.update(_results_context(request, form))
    template = "frameworks/compare.html"
    if request.headers.get("X-Partial") == "results":
        template = "frameworks/compare.html#results"
    return render(request, template, context, status=200 if form.is_valid() else 400)


@read_only
@cacheable
def api_compare(request):
    snapshot = _snapshot(request)
    query = _query(request)
    if query is None:
        return JsonResponse({"errors": {"parameters": ["Too many parameters."]}}, status=400)
    form = CompareForm(query, snapshot=snapshot)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors_by_field()}, status=400)
    ranking = form.ranking()
    response = HttpResponse(
        presentation.results_json(ranking, snapshot), content_type="application/json"
    )
    response["Link"] = f'<{presentation.permalink(form)}>; rel="alternate"; type="text/html"'
    return response


def _pair_form(request, first: str, second: str):
    """The requirements form with both frameworks picked and every weight at its default."""
    query = QueryDict(presentation.pair_query(first, second))
    return CompareForm(query, snapshot=_snapshot(request))


@read_only
@cacheable
def head_to_head(request, pair):
    """Two published frameworks side by side, for the default weights.

    The address names the slugs alphabetically; the other order answers 301 to it (with the
    query, so that a shared link's tags survive). A framework against itself is no comparison
    and, like an unknown or unpublished slug, is a 404.
    """
    snapshot = _snapshot(request)
    slugs = presentation.split_pair(pair, snapshot)
    if slugs is None or slugs[0] == slugs[1]:
        raise Http404("No pair of published frameworks has that address.")
    canonical = presentation.pair_slug(*slugs)
    if canonical != pair:
        location = reverse("frameworks:head-to-head", args=[canonical])
        if request.META.get("QUERY_STRING"):
            location += "?" + iri_to_uri(request.META["QUERY_STRING"])
        return HttpResponsePermanentRedirect(location)
    first, second = sorted(slugs)
    form = _pair_form(request, first, second)
    context = {
        "snapshot": snapshot,
        "first": snapshot.info[first],
        "second": snapshot.info[second],
        "compare_url": presentation.permalink(form, presentation.pair_query(first, second)),
    }
    if form.is_valid():  # unless editors set every default weight to 0
        context.update(_results_context(request, form))
        ranking = context["ranking"]
        own = f"{_origin(request)}{request.path}"
        context.update(
            share_url=own,
            share_image=f"{own}preview.png",
            differences=presentation.differences(
                snapshot, first, second, weights=dict(ranking.weights)
            ),
            scores={result.slug: result for result in ranking.results},
            structured_data=presentation.json_ld(
                presentation.ranking_ld(
                    snapshot,
                    ranking,
                    origin=_origin(request),
                    name=f"{context['first'].name} vs {context['second'].name}",
                )
            ),
        )
    return render(request, "frameworks/head_to_head.html", context)


def _png(picture: bytes) -> HttpResponse:
    return HttpResponse(picture, content_type="image/png")


@read_only
@cacheable
def compare_preview(request):
    """The results page's link preview: its top frameworks as bars (400 text for bad input)."""
    snapshot = _snapshot(request)
    query = _query(request)
    if query is None:
        return HttpResponseBadRequest("Too many parameters.", content_type="text/plain")
    form = CompareForm(query, snapshot=snapshot)
    if not form.is_valid():
        return HttpResponseBadRequest(
            "These requirements cannot be compared; open the results page to see why.",
            content_type="text/plain",
        )
    ranking = form.ranking(explain=0)
    use_case = form.chosen_use_case()
    winner = ranking.winner
    return _png(
        share_image.render_png(
            title=f"Our pick: {winner.name}" if winner else "No framework meets every must-have",
            subtitle=(
                f"Python web frameworks for {mid_sentence(use_case.name)}"
                if use_case
                else "Python web frameworks, scored out of 100"
            ),
            bars=share_image.bars(snapshot, ranking),
            footer=f"{settings.SITE_NAME} · {request.get_host()}",
        )
    )


def _export(request, render_export, extension: str, content_type: str):
    """The results of the query as a file to download; a query that cannot be used is a 400
    in plain text (the file's own format could hide the message)."""
    query = _query(request)
    if query is None:
        return HttpResponse(
            "Too many parameters.\n", status=400, content_type="text/plain; charset=utf-8"
        )
    form = CompareForm(query, snapshot=_snapshot(request))
    if not form.is_valid():
        lines = [
            f"{field}: {message}"
            for field, messages in form.errors_by_field().items()
            for message in messages
        ]
        body = "The query could not be used:\n" + "\n".join(lines) + "\n"
        return HttpResponse(body, status=400, content_type="text/plain; charset=utf-8")
    ranking = form.ranking()
    response = HttpResponse(render_export(form, ranking), content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{decision.filename(ranking, extension)}"'
    )
    return response


@read_only
@cacheable
def head_to_head_preview(request, pair):
    """A head-to-head page's link preview: the two scores for the default weights."""
    snapshot = _snapshot(request)
    slugs = presentation.split_pair(pair, snapshot)
    if slugs is None or slugs[0] == slugs[1] or presentation.pair_slug(*slugs) != pair:
        raise Http404("No pair of published frameworks has that address.")
    form = _pair_form(request, *slugs)
    if not form.is_valid():
        return HttpResponseBadRequest("Every weight is 0.", content_type="text/plain")
    ranking = form.ranking(explain=0)
    names = " vs ".join(snapshot.info[slug].name for slug in slugs)
    return _png(
        share_image.render_png(
            title=names,
            subtitle="Scored out of 100 with the default weights",
            bars=share_image.bars(snapshot, ranking),
            footer=f"{settings.SITE_NAME} · {request.get_host()}",
        )
    )


@read_only
@cacheable
def compare_markdown(request):
    def render_markdown(form, ranking):
        permalink = presentation.permalink(form)
        return decision.markdown(form, ranking, f"{_origin(request)}{permalink}")

    return _export(request, render_markdown, "md", "text/markdown; charset=utf-8")


@read_only
@cacheable
def compare_csv(request):
    def render_csv(form, ranking):
        return decision.csv_text(form.snapshot, ranking)

    return _export(request, render_csv, "csv", "text/csv; charset=utf-8")


def _json(text: str) -> HttpResponse:
    return HttpResponse(text, content_type="application/json")


@read_only
@cacheable
def api_frameworks(request):
    return _json(api.catalog_json(_snapshot(request)))


@read_only
@cacheable
def api_framework(request, slug):
    text = api.framework_json(_snapshot(request), slug)
    if text is None:
        return errors.json_error(404, "No published framework has that slug.")
    return _json(text)


@read_only
@cacheable
def api_schema(request):
    return _json(openapi.document_json(_snapshot(request)))


@read_only
@cacheable
def api_docs(request):
    reference = openapi.reference(_snapshot(request))
    return render(request, "frameworks/api_docs.html", {"reference": reference})


@read_only
@cacheable
def framework_list(request):
    snapshot = _snapshot(request)
    query = _query(request)
    if query is None:
        raise BadRequest("Too many parameters.")
    form = CatalogForm(query, snapshot=snapshot)
    valid = form.is_valid()
    return render(
        request,
        "frameworks/framework_list.html",
        {"snapshot": snapshot, "form": form, "found": form.find()},
        status=200 if valid else 400,
    )


@read_only
@cacheable(previews=True)
def framework_detail(request, slug):
    snapshot = _snapshot(request)
    spec = snapshot.framework(slug)
    if spec is None:
        raise Http404("No published framework has that address.")
    info = snapshot.info[slug]
    ratings = [(c, spec.ratings.get(c.slug)) for c in snapshot.criteria]
    capabilities = [(c, spec.capabilities.get(c.slug)) for c in snapshot.capabilities]
    fits = [(u, spec.fits.get(u.slug)) for u in snapshot.use_cases]
    own = f"{_origin(request)}{request.path}"
    return render(
        request,
        "frameworks/framework_detail.html",
        {
            "snapshot": snapshot,
            "info": info,
            "ratings": ratings,
            "capabilities": capabilities,
            "fits": fits,
            "rivals": presentation.head_to_head_urls(snapshot, slug),
            "structured_data": presentation.json_ld(presentation.framework_ld(info, url=own)),
        },
    )


@read_only
@cacheable
def methodology(request):
    snapshot = _snapshot(request)
    return render(request, "frameworks/methodology.html", {"snapshot": snapshot})


ROBOTS = """User-agent: *
Disallow: /admin/
Disallow: /api/
Disallow: /suggest/

Sitemap: {sitemap}
"""


@read_only
def robots_txt(request):
    """Crawlers may read every page but the editors' admin, the JSON twin of /compare/ and
    the suggestion forms (one per rating and capability cell, all alike); the sitemap lists
    the pages."""
    sitemap = request.build_absolute_uri(paths.path("frameworks:sitemap"))
    return HttpResponse(ROBOTS.format(sitemap=sitemap), content_type="text/plain; charset=utf-8")


@read_only
@cacheable
def sitemap_xml(request):
    """Every public page, from the published catalog (django.contrib.sitemaps)."""
    response = sitemap_views.sitemap(request, sitemaps=SITEMAPS)
    return response.render()  # rendered now, so that the pages cache can keep its bytes


def bad_request(request, exception=None):
    return errors.answer(request, 400, "400.html")


def permission_denied(request, exception=None):
    return errors.answer(request, 403, "403.html")


def csrf_failure(request, reason=""):
    """A form posted without its CSRF check (settings.CSRF_FAILURE_VIEW): say what to do."""
    return errors.answer(request, 403, "403_csrf.html")


def page_not_found(request, exception=None):
    return errors.answer(request, 404, "404.html")


def server_error(request):
    return errors.answer(request, 500, "500.html")
