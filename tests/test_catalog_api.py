"""/api/frameworks/ and /api/frameworks/{slug}/: the published catalog as JSON, cached per
catalog version, and CORS open to any origin for reading the API (and only the API). Its order
(by name, ignoring case, then by slug, on any database) is the order of every other list of
frameworks: the form's choices, the sitemap, the catalog page and the framework page's links."""

import re
import xml.etree.ElementTree as ET
from itertools import combinations

import pytest
from django.urls import reverse

from frameworks import catalog, models, presentation
from frameworks.forms import CompareForm

LIST = "/api/frameworks/"


def test_urls_are_the_public_contract():
    assert reverse("frameworks:api-frameworks") == LIST
    assert reverse("frameworks:api-framework", kwargs={"slug": "django"}) == LIST + "django/"
    assert reverse("frameworks:api-schema") == "/api/schema/"
    assert reverse("frameworks:api-docs") == "/api/docs/"


def test_list_holds_every_published_framework_in_full(client, shipped_catalog):
    models.Framework.objects.filter(slug="bottle").update(is_published=False)
    catalog.bump_version()
    response = client.get(LIST)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    published = set(models.Framework.objects.published().values_list("slug", flat=True))
    assert {f["slug"] for f in data["frameworks"]} == published and "bottle" not in published
    django = next(f for f in data["frameworks"] if f["slug"] == "django")
    assert django == client.get(LIST + "django/").json()
    assert django["url"] == "/frameworks/django/"
    rating = next(r for r in django["ratings"] if r["criterion"] == "async-support")
    stored = models.Rating.objects.get(framework__slug="django", criterion__slug="async-support")
    assert rating == {
        "criterion": "async-support",
        "name": stored.criterion.name,
        "level": stored.level.label,
        "value": stored.level.value,
        "note": stored.note,
        "source_url": stored.source_url,
        "reviewed_on": stored.reviewed_on.isoformat(),
    }
    assert {c["capability"] for c in django["capabilities"]} == set(
        models.FrameworkCapability.objects.filter(framework__slug="django").values_list(
            "capability__slug", flat=True
        )
    )
    assert all(c["support"] in {"built_in", "partial", "extension", "none"}
               for c in django["capabilities"])  # fmt: skip
    assert {u["use_case"] for u in django["use_cases"]} == set(
        models.UseCaseFit.objects.filter(framework__slug="django").values_list(
            "use_case__slug", flat=True
        )
    )
    assert [c["slug"] for c in data["criteria"]] == [c["slug"] for c in shipped_catalog["criteria"]]


def test_unknown_or_unpublished_slug_is_a_json_404(client, shipped_catalog):
    models.Framework.objects.filter(slug="bottle").update(is_published=False)
    catalog.bump_version()
    for slug in ("nope", "bottle", "%3Cscript%3E", "a" * 300):
        response = client.get(f"{LIST}{slug}/")
        assert response.status_code == 404, slug
        assert response["Content-Type"] == "application/json"
        assert list(response.json()) == ["errors"]


def test_answers_follow_the_catalog_version(client, shipped_catalog, django_assert_num_queries):
    first = client.get(LIST + "flask/")
    with django_assert_num_queries(1):  # only the catalog version: the answer is cached
        assert client.get(LIST + "flask/").content == first.content
    assert client.get(LIST + "flask/", headers={"If-None-Match": first["ETag"]}).status_code == 304
    models.Framework.objects.filter(slug="flask").update(tagline="Renamed tagline")
    catalog.bump_version()
    again = client.get(LIST + "flask/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200 and again.json()["tagline"] == "Renamed tagline"


CORS_URLS = [LIST, LIST + "django/", "/api/compare/", "/api/schema/", "/api/frameworks/nope/",
             "/api/compare/?w-performance=9"]  # fmt: skip


def test_cors_lets_any_site_read_the_api(client, shipped_catalog):
    for url in CORS_URLS:
        response = client.get(url, headers={"Origin": "https://elsewhere.example"})
        assert response["Access-Control-Allow-Origin"] == "*", url
        assert "Access-Control-Allow-Credentials" not in response
        assert "ETag" in response["Access-Control-Expose-Headers"]


def test_cors_preflight_allows_reading_only(client, shipped_catalog):
    response = client.options(
        LIST,
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert set(response["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    post = client.post(LIST, headers={"Origin": "https://elsewhere.example"})
    assert post.status_code == 405 and post.json() == {
        "errors": {"request": ["Method Not Allowed"]}
    }


def test_pages_and_admin_send_no_cors_headers(client, shipped_catalog):
    for url in ("/", "/compare/", "/frameworks/", "/compare/decision.csv", "/admin/login/"):
        response = client.get(url, headers={"Origin": "https://elsewhere.example"})
        assert "Access-Control-Allow-Origin" not in response, url


# --- The API page -------------------------------------------------------------------------


def test_api_page_describes_every_operation_and_schema(client, shipped_catalog):
    html = client.get("/api/docs/").content.decode()
    document = client.get("/api/schema/").json()
    for path in document["paths"]:
        assert f"<code>GET {path}</code>" in html
    for name in document["components"]["schemas"]:
        assert f'id="schema-{name}"' in html
    assert "<code>w-performance</code>" in html
    assert "<script>" not in html and 'style="' not in html


@pytest.mark.browser
def test_api_page_is_accessible_and_swagger_ui_runs_under_the_csp(live_app, new_page):
    from tests import browser as helpers

    page = new_page()
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.goto(live_app + "/api/docs/")
    if helpers.axe_available():
        violations = helpers.run_axe(page)
        assert violations == [], helpers.describe_violations(violations)
    page.get_by_role("button", name="Try the API here (Swagger UI)").click()
    page.wait_for_selector(".opblock")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert [p.strip() for p in paths] == [
        "/api/compare/", "/api/frameworks/", "/api/frameworks/{slug}/", "/api/schema/"
    ]  # fmt: skip
    assert page.js_errors == []
    assert not [line for line in console if "Content Security Policy" in line], console


#: (slug, name), created in this order: names that differ in case, two that differ only in
#: case (the slug decides), one with a space (which some collations, en_US, skip over), and
#: slugs in another order than the names.
CASED = [("fw-3", "Bravo"), ("fw-1", "web py"), ("fw-6", "alpha"), ("fw-2", "Webapp"),
         ("fw-5", "Delta"), ("fw-4", "delta")]  # fmt: skip
#: By name ignoring case, then slug. A case-sensitive ORDER BY name (SQLite, or PostgreSQL with a
#: C collation) puts Bravo, Delta and Webapp first; en_US puts Webapp before "web py".
BY_NAME = ["fw-6", "fw-3", "fw-4", "fw-5", "fw-1", "fw-2"]
SITEMAP_LOC = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"


def test_every_list_of_frameworks_is_by_name_ignoring_case_then_slug(client, make_framework):
    for slug, name in CASED:
        make_framework(slug, name=name, last_reviewed="2026-11-01")
    catalog.bump_version()
    snapshot = catalog.current_snapshot()

    api = client.get(LIST).json()
    assert [f["slug"] for f in api["frameworks"]] == BY_NAME
    choices = CompareForm(snapshot=snapshot).fields["frameworks"].choices
    assert [slug for slug, _ in choices] == BY_NAME

    sitemap = ET.fromstring(client.get("/sitemap.xml").content)
    paths = [re.sub(r"^https?://[^/]+", "", loc.text) for loc in sitemap.iter(SITEMAP_LOC)]
    assert [p for p in paths if p.startswith("/frameworks/") and p != "/frameworks/"] == [
        f"/frameworks/{slug}/" for slug in BY_NAME
    ]
    assert [p for p in paths if "-vs-" in p] == [
        f"/compare/{presentation.pair_slug(a, b)}/" for a, b in combinations(BY_NAME, 2)
    ]

    catalog_page = client.get("/frameworks/").content.decode()
    shown = re.findall(r'<a href="/frameworks/([^/]+)/" class="stretched-link">', catalog_page)
    assert shown == BY_NAME
    framework_page = client.get("/frameworks/fw-2/").content.decode()
    rivals = re.findall(r'<a href="/compare/([^/]+)/">Webapp vs ', framework_page)
    assert rivals == [presentation.pair_slug("fw-2", slug) for slug in BY_NAME[:-1]]
