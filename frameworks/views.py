"""The public pages and the JSON API: read the form, score, hand plain values to a template.

Every public page depends only on the catalog and its address (no user, no CSRF token), so a
page is rendered once per catalog version and kept in the ``pages`` cache, and a repeat visit
with the page's ETag gets a 304.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import condition, require_safe

from . import catalog, errors, presentation
from .forms import CompareForm
from .scoring import CLOSE_MARGIN


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


def cacheable(view):
    """Answer repeats with 304 until the catalog changes; the result depends on X-Partial."""
    conditional = condition(etag_func=catalog_etag)(cached_page(view))

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = conditional(request, *args, **kwargs)
        patch_vary_headers(response, ["X-Partial"])
        response.setdefault("Cache-Control", "no-cache")
        return response

    return wrapper


@require_safe
@cacheable
def home(request):
    snapshot = _snapshot(request)
    form = CompareForm(snapshot=snapshot)
    return render(request, "frameworks/home.html", {"form": form, "snapshot": snapshot})


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
        "share_url": f"{request.scheme}://{request.get_host()}{permalink}",
        "json_url": presentation.json_url(query),
    }


@require_safe
@cacheable
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


@require_safe
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


@require_safe
@cacheable
def framework_list(request):
    snapshot = _snapshot(request)
    return render(request, "frameworks/framework_list.html", {"snapshot": snapshot})


@require_safe
@cacheable
def framework_detail(request, slug):
    snapshot = _snapshot(request)
    spec = snapshot.framework(slug)
    if spec is None:
        raise Http404("No published framework has that address.")
    info = snapshot.info[slug]
    ratings = [(c, spec.ratings.get(c.slug)) for c in snapshot.criteria]
    capabilities = [(c, spec.capabilities.get(c.slug)) for c in snapshot.capabilities]
    fits = [(u, spec.fits.get(u.slug)) for u in snapshot.use_cases]
    return render(
        request,
        "frameworks/framework_detail.html",
        {
            "snapshot": snapshot,
            "info": info,
            "ratings": ratings,
            "capabilities": capabilities,
            "fits": fits,
        },
    )


@require_safe
@cacheable
def methodology(request):
    snapshot = _snapshot(request)
    return render(request, "frameworks/methodology.html", {"snapshot": snapshot})


ROBOTS = """User-agent: *
Disallow: /admin/
Disallow: /api/
"""


@require_safe
def robots_txt(request):
    """Crawlers may read every page but the editors' admin and the JSON twin of /compare/."""
    return HttpResponse(ROBOTS, content_type="text/plain; charset=utf-8")


def bad_request(request, exception=None):
    return errors.answer(request, 400, "400.html")


def permission_denied(request, exception=None):
    return errors.answer(request, 403, "403.html")


def page_not_found(request, exception=None):
    return errors.answer(request, 404, "404.html")


def server_error(request):
    return errors.answer(request, 500, "500.html")
