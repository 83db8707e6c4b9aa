import hashlib

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import condition, require_safe

from . import catalog, errors, fragments, presenters
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


def _page_key(request) -> str | None:
    """Same catalog version, address, query and X-Partial: the same page. The parameters may
    come in any order; the values of one parameter keep theirs (the picked frameworks are
    the table's columns, in the visitor's order).

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
            request._page_key = f"{version}|{host}{request.path}|{partial}|{items!r}"
    return request._page_key


def catalog_etag(request, *args, **kwargs):
    key = _page_key(request)
    if key is None:
        return None
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def _remembered(view):
    """Serve a page already rendered for this snapshot and key instead of rendering it again.

    Public pages depend only on the catalog and the address (no user, no CSRF token), so the
    body of a page is kept with the snapshot, in its size-bounded store: the default results,
    a shared link or a framework page are rendered once per catalog version and process. An
    editor's save starts a new snapshot, so nothing is ever served stale.
    """

    def wrapper(request, *args, **kwargs):
        key = _page_key(request)
        if key is None:
            return view(request, *args, **kwargs)
        store = _snapshot(request).pages
        kept = store.get(key)
        if kept is not None:
            status, headers, body = kept
            return HttpResponse(body, status=status, headers=headers)
        response = view(request, *args, **kwargs)
        if response.status_code in (200, 400) and not response.streaming:
            # The headers the view set (Content-Type, the API's Link); middleware adds the rest.
            kept = (response.status_code, dict(response.items()), response.content)
            store.put(key, kept, size=len(kept[2]))
        return response

    return wrapper


def cacheable(view):
    """Answer repeats with 304 until the catalog changes; the result depends on X-Partial."""
    conditional = condition(etag_func=catalog_etag)(_remembered(view))

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


def _results_context(request, form):
    snapshot = form.snapshot
    query = presenters.query_string(form)
    permalink = presenters.permalink(form, query)
    ranking = form.ranking(explain=presenters.EXPLAINED)
    chosen = form.cleaned_data.get("frameworks") or []
    columns = presenters.table_columns(snapshot, ranking, chosen)
    hidden_columns = len(ranking.results) - len(columns)
    winner = ranking.winner
    winner_info = snapshot.info.get(winner.slug) if winner else None
    use_case = form.chosen_use_case()
    share_url = f"{request.scheme}://{request.get_host()}{permalink}"
    json_url = presenters.json_url(query)
    tables = fragments.tables(snapshot, columns, winner, ranking.required)
    return {
        "ranking": ranking,
        "winner": winner,
        "winner_info": winner_info,
        "columns": columns,
        "hidden_columns": hidden_columns,
        "explained": presenters.EXPLAINED,
        "ranking_items": fragments.ranking_items(snapshot, ranking),
        **tables,
        "chart_legend": fragments.chart_legend(snapshot, ranking),
        "verdict": fragments.verdict(ranking, winner_info, use_case, share_url, json_url),
        "share_url": share_url,
        "json_url": json_url,
    }


@require_safe
@cacheable
def compare(request):
    snapshot = _snapshot(request)
    query = _query(request)
    if query is None:
        raise BadRequest("Too many parameters.")
    form = CompareForm(query, snapshot=snapshot)
    valid = form.is_valid()
    # Given to the templates as plain values: ``form.errors`` in a template first tries
    # form["errors"], a field lookup that fails slowly, on every page.
    context = {
        "form": form,
        "snapshot": snapshot,
        "errors": form.errors,
        "non_field_errors": form.non_field_errors(),
    }
    if valid:
        context.update(_results_context(request, form))
        context["results"] = fragments.results(context)
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
    response = HttpResponse(
        presenters.results_json(ranking, snapshot), content_type="application/json"
    )
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
    return errors.answer(request, 400, "400.html")


def permission_denied(request, exception=None):
    return errors.answer(request, 403, "403.html")


def page_not_found(request, exception=None):
    return errors.answer(request, 404, "404.html")


def server_error(request):
    return errors.answer(request, 500, "500.html")
