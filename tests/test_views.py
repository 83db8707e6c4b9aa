"""Public pages: what they show, their status codes, and their query budget."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frameworks import catalog, presentation, urls


def test_home_shows_the_form_with_real_labels(client, shipped_catalog):
    response = client.get(reverse("frameworks:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="use_case"' in html and 'name="require"' in html
    assert "<legend" in html and "Learning curve" in html
    assert '<label for="id_use_case"' in html


def test_compare_with_defaults_shows_ranking_table_and_permalink(client, shipped_catalog):
    response = client.get(reverse("frameworks:compare"))
    assert response.status_code == 200
    ranking = response.context["ranking"]
    assert len(ranking.results) == len(shipped_catalog["frameworks"])
    html = response.content.decode()
    assert "Our recommendation" in html
    assert 'id="permalink"' in html and "comparison-table" in html
    assert "Key features" in html and "Pros" in html and "Cons" in html


def test_compare_shows_winner_guidance_and_what_would_change(client, shipped_catalog):
    response = client.get(
        reverse("frameworks:compare"),
        {
            "frameworks": ["django", "flask", "fastapi"],
            "w-built-in-tools": "5",
            "w-learning-curve": "0",
            "w-performance": "0",
            "w-async-support": "0",
            "w-community-ecosystem": "0",
        },
    )
    assert response.status_code == 200
    winner_info = response.context["winner_info"]
    assert winner_info.slug == "django"
    html = response.content.decode()
    assert winner_info.choose_if[:40] in html
    assert "What would change the answer" in html


@pytest.mark.parametrize(
    "query",
    [{}, {"require": "orm", "use_case": "rest-apis-microservices"}],
    ids=["defaults", "a must-have that rules out higher scores"],
)
def test_no_weight_change_is_claimed_only_when_none_exists(client, shipped_catalog, query):
    # Tried by brute force through the API: every weight of every criterion, one at a time.
    html = client.get(reverse("frameworks:compare"), query).content.decode()
    claim = "no single weight change gives another framework"
    assert claim in html  # both queries are ones where the search finds nothing
    assert ("that meets your must-haves a higher score" in html) == bool(query)
    answer = client.get(reverse("frameworks:api-compare"), query).json()
    winner = answer[0]["framework"]
    for criterion in shipped_catalog["criteria"]:
        for weight in range(6):
            changed = client.get(
                reverse("frameworks:api-compare"), {**query, f"w-{criterion['slug']}": weight}
            ).json()
            eligible = {r["framework"]: r["score"] for r in changed if r["eligible"]}
            ahead = [slug for slug, score in eligible.items() if score > eligible[winner]]
            assert not ahead, (criterion["slug"], weight, ahead)


def test_invalid_weight_re_renders_with_field_errors_not_500(client, shipped_catalog):
    response = client.get(reverse("frameworks:compare"), {"w-performance": "9"})
    assert response.status_code == 400
    assert "less than or equal to 5" in response.content.decode()
    response = client.get(reverse("frameworks:compare"), {"w-performance": "lots"})
    assert response.status_code == 400
    assert "whole number" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"frameworks": "nope"},
        {"require": "teleport"},
        {"use_case": "spaceships"},
        {"w-unknown": "3"},
        {"use_case": ["real-time", "ml-ai"]},
    ],
)
def test_bad_parameters_give_clear_errors(client, shipped_catalog, params):
    response = client.get(reverse("frameworks:compare"), params)
    assert response.status_code == 400
    assert "Please check your requirements" in response.content.decode()


@pytest.mark.parametrize("value", ["03", "+3", "3.0", " 3", "\uff13", "\u0663"])
def test_a_weight_spelled_otherwise_is_refused_not_dropped(client, shipped_catalog, value):
    """int() reads these as 3, but no button shows them: the page would score 3, show nothing
    chosen and lose the weight on the next submit. Refused, with the message other bad
    weights get."""
    response = client.get(reverse("frameworks:compare"), {"w-performance": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<strong>Performance</strong>: Enter a whole number from 0 to 5." in html
    assert 'id="fieldset-w-performance" aria-describedby' in html and "has-error" in html


def test_the_error_summary_names_fields_by_their_labels(client, shipped_catalog):
    params = {"use_case": "spaceships", "w-performance": "9", "frameworks": "nope", "w-x": "1"}
    response = client.get(reverse("frameworks:compare"), params)
    assert response.status_code == 400
    html = response.content.decode()
    summary = html[html.index("errors-summary") : html.index("</ul>", html.index("errors-summary"))]
    items = [item.split("</li>")[0] for item in summary.split("<li>")[1:]]
    assert items == [
        "<strong>Project type</strong>: “spaceships” is not a known use case.",
        "<strong>Frameworks to compare</strong>: “nope” is not a published framework.",
        "<strong>Performance</strong>: Ensure this value is less than or equal to 5.",
        "“w-x” is not a known criterion weight.",
    ]
    # The API keeps the parameters' names: they are its contract.
    api = client.get(reverse("frameworks:api-compare"), params).json()["errors"]
    assert set(api) == {"use_case", "w-performance", "frameworks", "parameters"}


def test_all_zero_weights_explain_themselves(client, shipped_catalog):
    params = {f"w-{c['slug']}": "0" for c in shipped_catalog["criteria"]}
    response = client.get(reverse("frameworks:compare"), params)
    assert response.status_code == 400
    assert "at least one criterion" in response.content.decode()


def test_partial_results_render_only_the_results(client, shipped_catalog):
    response = client.get(reverse("frameworks:compare"), headers={"X-Partial": "results"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Our recommendation" in html and "<html" not in html


def test_framework_pages(client, shipped_catalog):
    response = client.get(reverse("frameworks:list"))
    assert response.status_code == 200
    assert "FastAPI" in response.content.decode()
    response = client.get(reverse("frameworks:detail", args=["django"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "last reviewed" in html and "Source" in html and "Async support" in html
    assert client.get(reverse("frameworks:detail", args=["cobol-on-wheels"])).status_code == 404


def test_unpublished_framework_is_hidden(client, shipped_catalog):
    from frameworks.models import Framework

    Framework.objects.filter(slug="bottle").update(is_published=False)
    catalog.bump_version()
    assert client.get(reverse("frameworks:detail", args=["bottle"])).status_code == 404
    response = client.get(reverse("frameworks:compare"), {"frameworks": "bottle"})
    assert response.status_code == 400


def test_methodology_lists_scales_and_formula(client, shipped_catalog):
    response = client.get(reverse("frameworks:methodology"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Native" in html and "100%" in html and "score = 100" in html


def test_editor_save_shows_in_the_next_result(client, shipped_catalog):
    from frameworks.models import Level, Rating

    url = reverse("frameworks:api-compare")
    params = {
        "frameworks": ["django", "flask"],
        "w-learning-curve": "5",
        "w-performance": "0",
        "w-async-support": "0",
        "w-built-in-tools": "0",
        "w-community-ecosystem": "0",
    }
    assert client.get(url, params).json()[0]["framework"] == "flask"
    rating = Rating.objects.get(framework__slug="flask", criterion__slug="learning-curve")
    rating.level = Level.objects.get(criterion__slug="learning-curve", label="Steep")
    rating.save()
    assert client.get(url, params).json()[0]["framework"] == "django"


def _grow_catalog(factor):
    """Add published frameworks, each fully rated, until the catalog is `factor` times larger."""
    from frameworks.models import (
        Capability,
        Criterion,
        Framework,
        FrameworkCapability,
        ProCon,
        Rating,
        UseCase,
        UseCaseFit,
    )

    criteria = list(Criterion.objects.prefetch_related("levels"))
    capabilities = list(Capability.objects.all())
    use_cases = list(UseCase.objects.all())
    count = Framework.objects.count() * (factor - 1)
    for i in range(count):
        framework = Framework.objects.create(
            name=f"Synthetic {i}", slug=f"synthetic-{i}", is_published=True
        )
        Rating.objects.bulk_create(
            Rating(framework=framework, criterion=c, level=c.levels.all()[i % c.levels.count()])
            for c in criteria
        )
        FrameworkCapability.objects.bulk_create(
            FrameworkCapability(framework=framework, capability=cap, support="built_in")
            for cap in capabilities
        )
        UseCaseFit.objects.bulk_create(
            UseCaseFit(framework=framework, use_case=u, fit=i % 6) for u in use_cases
        )
        ProCon.objects.create(framework=framework, kind="pro", text="Synthetic")
    catalog.bump_version()


@pytest.mark.parametrize("path", ["frameworks:compare", "frameworks:api-compare"])
def test_queries_per_request_do_not_grow_with_the_catalog(client, shipped_catalog, path):
    url = reverse(path)
    params = {"use_case": "real-time", "require": "websockets"}

    def queries():
        catalog.forget_snapshot()  # a cold process: the snapshot has to be loaded
        with CaptureQueriesContext(connection) as cold:
            assert client.get(url, params).status_code == 200
        with CaptureQueriesContext(connection) as warm:
            assert client.get(url, params).status_code == 200
        return len(cold), len(warm)

    small = queries()
    _grow_catalog(10)
    large = queries()
    assert small == large
    assert small[1] <= 1  # a warm process asks only for the catalog version


def test_robots_txt_keeps_crawlers_out_of_admin_and_api(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines and "Disallow: /api/" in lines
    assert "Disallow: /suggest/" in lines  # a form per cell: nothing to index
    assert "Disallow: /" not in lines  # the public pages stay crawlable


def _comparison_table(html):
    start = html.index('class="table comparison-table')
    return html[start : html.index("</table>", start)]


def test_a_long_ranking_explains_its_top_and_lists_the_rest(client, shipped_catalog):
    _grow_catalog(2)  # 32 published frameworks
    html = client.get(reverse("frameworks:compare"), {"require": "websockets"}).content.decode()
    ranking = html[html.index('<ol class="ranking') : html.index("</ol>")]
    assert ranking.count('<li class="ranking-item') == 32
    assert ranking.count('class="breakdown-details"') == presentation.EXPLAINED
    assert ranking.count("ranking-item compact") == 32 - presentation.EXPLAINED
    assert "Missing must-haves: WebSockets" in ranking  # compact entries still say what misses
    table = _comparison_table(html)
    assert table.count('<th scope="col"') == 1 + presentation.TABLE_COLUMNS
    assert f"show the top {presentation.TABLE_COLUMNS} of the 32 ranked" in html
    # Frameworks the visitor picks are all compared, however many.
    picked = [f"synthetic-{i}" for i in range(16)]
    picked += ["django", "flask", "fastapi", "litestar", "sanic", "bottle"]
    assert len(picked) > presentation.TABLE_COLUMNS
    html = client.get(reverse("frameworks:compare"), {"frameworks": picked}).content.decode()
    table = _comparison_table(html)
    assert table.count('<th scope="col"') == 1 + len(picked)


READ_ONLY = [
    "/", "/compare/", "/compare/preview.png", "/compare/django-vs-flask/",
    "/compare/django-vs-flask/preview.png", "/compare/decision.md", "/compare/decision.csv",
    "/frameworks/", "/frameworks/django/", "/methodology/", "/robots.txt", "/sitemap.xml",
    "/api/compare/", "/api/frameworks/", "/api/frameworks/django/", "/api/schema/", "/api/docs/",
]  # fmt: skip


def test_every_public_address_but_the_suggestion_forms_is_read_only():
    # So that READ_ONLY below cannot miss a new page: every route outside the suggestion forms
    # (which take a POST, with its CSRF check) is wrapped by views.read_only.
    routes = [p for p in urls.urlpatterns if not str(p.pattern).startswith("suggest/")]
    assert len(routes) == len(READ_ONLY)
    for route in routes:
        assert getattr(route.callback, "csrf_exempt", False), route.pattern


@pytest.mark.parametrize("method", ["post", "put", "delete"])
@pytest.mark.parametrize("path", READ_ONLY)
def test_a_write_to_a_read_only_address_is_refused_with_405(shipped_catalog, path, method):
    # With CSRF checks on, as a browser meets them: the answer names the methods allowed
    # rather than blaming a missing CSRF token.
    response = getattr(Client(enforce_csrf_checks=True), method)(path)
    assert response.status_code == 405, path
    assert response["Allow"] == "GET, HEAD"
