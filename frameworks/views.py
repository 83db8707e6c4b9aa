import hashlib

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import condition, require_safe

from . import catalog, fragments, presenters, scoring
from .forms import CompareForm


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


def catalog_etag(request, *args, **kwargs):
    """Same catalog version, same address, same query (in any order): same answer."""
    try:
        items = sorted((key, sorted(values)) for key, values in request.GET.lists())
    except SuspiciousOperation:
        return None
    partial = request.headers.get("X-Partial", "")
    key = f"{_snapshot(request).version}|{request.get_host()}{request.path}|{partial}|{items!r}"
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def cacheable(view):
    """Answer repeats with 304 until the catalog changes; the result depends on X-Partial."""
    conditional = condition(etag_func=catalog_etag)(view)

    def wrapper(request, *args, **kwargs):
        response = conditional(request, *args, **kwargs)
        patch_vary_headers(response, ["X-Partial"])
        response.setdefault("Cache-Control", "no-cache")
        return response

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@require_safe
@cacheable
def home(request):
    snapshot = _snapshot(request)
    form = CompareForm(snapshot=snapshot)
    return render(request, "frameworks/home.html", {"form": form, "snapshot": snapshot})


def _results_context(form):
    snapshot = form.snapshot
    ranking = form.ranking()
    chosen = form.cleaned_data.get("frameworks") or []
    columns = presenters.table_columns(snapshot, ranking, chosen)
    winner = ranking.winner
    first_cards, more_cards = fragments.pros_cons_cards(snapshot, columns)
    return {
        "ranking": ranking,
        "winner": winner,
        "winner_info": snapshot.info.get(winner.slug) if winner else None,
        "columns": columns,
        "ranking_items": fragments.ranking_items(snapshot, ranking),
        "column_heads": fragments.column_heads(snapshot, columns, winner),
        "comparison_rows": fragments.comparison_rows(snapshot, columns),
        "feature_heads": fragments.feature_heads(columns),
        "feature_rows": fragments.feature_rows(snapshot, columns, ranking.required),
        "first_cards": first_cards,
        "more_cards": more_cards,
        "permalink": presenters.permalink(form),
        "query": presenters.query_string(form),
        "close_margin": scoring.CLOSE_MARGIN,
        "use_case": form.chosen_use_case(),
    }


@require_safe
@cacheable
def compare(request):
    snapshot = _snapshot(request)
    query = _query(request)
    if query is None:
        raise BadRequest("Too many parameters.")
    form = CompareForm(query, snapshot=snapshot)
    context = {"form": form, "snapshot": snapshot}
    if form.is_valid():
        context.update(_results_context(form))
        status = 200
    else:
        status = 400
    template = "frameworks/compare.html"
    if request.headers.get("X-Partial") == "results":
        template = "frameworks/compare.html#results"
    return fragments.render(request, template, context, status=status)


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
    response = JsonResponse(presenters.results_json(ranking, snapshot), safe=False)
    response["Link"] = f'<{presenters.permalink(form)}>; rel="alternate"; type="text/html"'
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
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
