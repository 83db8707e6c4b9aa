"""The catalog page as a tool (issue #15, item 5): search by name, filter by category, licence,
capability and "released in the last year", sort by name, first or latest release. All of it
GET parameters on a plain form, so it works without JavaScript; bad values get a message and
a 400, never a 500; each query's page is cached like every other public page.
"""

import dataclasses
import re
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frameworks import catalog, finder
from frameworks.forms import CatalogForm

LIST = "/frameworks/"


def names(html):
    """The framework names in the results list, in order."""
    results = html[html.index('class="row row-cols-1') :] if "catalog-results" in html else ""
    return re.findall(r'class="stretched-link">([^<]+)</a>', results)


def count_line(html):
    return re.search(r'<p class="catalog-count"[^>]*>(.*?)</p>', html, re.S).group(1)


def with_release_dates(snapshot, dates):
    """The snapshot with these release dates, as syncfacts records them (and none for the
    frameworks not named)."""
    info = {
        slug: dataclasses.replace(
            item, facts=catalog.FactsInfo(released_on=dates[slug]) if slug in dates else None
        )
        for slug, item in snapshot.info.items()
    }
    return dataclasses.replace(snapshot, info=info, _derived={})


# --- finder: the pure search ------------------------------------------------------------------


def test_search_matches_part_of_a_name_in_any_case(shipped_catalog):
    snapshot = catalog.current_snapshot()
    found = finder.find(snapshot, q="  FA ")
    assert [i.name for i in found.frameworks] == ["Falcon", "FastAPI"]
    assert found.total == 16


def test_filters_combine(shipped_catalog):
    snapshot = catalog.current_snapshot()
    api_first = finder.find(snapshot, category="api-first")
    assert {i.slug for i in api_first.frameworks} == {"fastapi", "litestar", "falcon", "blacksheep"}
    mit_api = finder.find(snapshot, category="api-first", license="MIT")
    assert {i.slug for i in mit_api.frameworks} == {"fastapi", "litestar", "blacksheep"}
    with_admin_and_orm = finder.find(snapshot, capabilities=("admin", "orm"))
    assert "django" in {i.slug for i in with_admin_and_orm.frameworks}
    assert "flask" not in {i.slug for i in with_admin_and_orm.frameworks}  # via extensions only


def test_a_licence_with_a_qualifier_is_filed_under_its_main_licence(shipped_catalog):
    snapshot = catalog.current_snapshot()
    assert finder.license_family("Apache-2.0 (bundled llhttp: MIT)") == "Apache-2.0"
    families = finder.license_families(snapshot)
    assert "Apache-2.0" in families and "MIT" in families
    assert not any("(" in family for family in families)
    apache = {i.slug for i in finder.find(snapshot, license="Apache-2.0").frameworks}
    assert {"aiohttp", "tornado", "falcon"} <= apache


def test_sorts_by_name_and_by_first_release_either_way(shipped_catalog):
    snapshot = catalog.current_snapshot()
    by_name = [i.name for i in finder.find(snapshot).frameworks]
    assert by_name == sorted(by_name, key=str.casefold)
    oldest = finder.find(snapshot, sort="first-release").frameworks
    assert oldest[0].slug == "django"  # 2005
    years = [i.first_release for i in oldest]
    assert years == sorted(years)
    newest = [i.first_release for i in finder.find(snapshot, sort="-first-release").frameworks]
    assert newest == sorted(newest, reverse=True)


def test_recent_and_latest_release_read_release_dates_and_put_unknown_last(shipped_catalog):
    today = date(2026, 12, 1)
    snapshot = with_release_dates(
        catalog.current_snapshot(),
        {"flask": today - timedelta(days=20), "django": today - timedelta(days=200),
         "bottle": today - timedelta(days=400)},
    )  # fmt: skip
    recent = finder.find(snapshot, recent=True, today=today).frameworks
    assert [i.slug for i in recent] == ["django", "flask"]  # by name; Bottle is too old
    latest = [i.slug for i in finder.find(snapshot, sort="latest-release", today=today).frameworks]
    assert latest[:3] == ["flask", "django", "bottle"]
    assert len(latest) == 16  # the undated ones still listed, after


def test_only_a_filter_makes_a_search(shipped_catalog):
    snapshot = catalog.current_snapshot()
    assert not finder.find(snapshot).filtered
    assert not finder.find(snapshot, q="  ", sort="-first-release").filtered
    for asked in ({"q": "fa"}, {"category": "api-first"}, {"license": "MIT"},
                  {"capabilities": ("orm",)}, {"recent": True}):  # fmt: skip
        assert finder.find(snapshot, **asked).filtered, asked


def test_without_release_dates_recent_matches_nothing_and_says_why(shipped_catalog):
    snapshot = catalog.current_snapshot()
    assert not finder.any_release_dates(snapshot)
    assert finder.find(snapshot, recent=True).frameworks == []
    form = CatalogForm({}, snapshot=snapshot)
    assert "No release dates" in form.fields["recent"].help_text


# --- the page ---------------------------------------------------------------------------------


def test_the_plain_page_lists_every_framework_with_its_count(client, shipped_catalog):
    response = client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert len(names(html)) == 16
    assert "16 of 16 frameworks" in count_line(html)
    assert '<form method="get" action="/frameworks/"' in html  # works without JavaScript
    assert "Clear</a>" not in html


def test_query_parameters_filter_sort_and_count(client, shipped_catalog):
    response = client.get(
        LIST, {"category": "api-first", "capability": ["openapi-docs"], "sort": "-first-release"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    found = names(html)
    assert found[0] == "Litestar" and set(found) >= {"FastAPI", "Litestar"}
    assert f"{len(found)} of 16 frameworks" in count_line(html)
    assert "match" in count_line(html)
    # The form shows what was asked, so the next change starts from it.
    assert re.search(r'<option value="api-first" selected>', html)
    assert re.search(r'value="openapi-docs"[^>]*checked', html)
    assert "Clear</a>" in html


def test_search_by_name_and_an_empty_result(client, shipped_catalog):
    html = client.get(LIST, {"q": "flask"}).content.decode()
    assert names(html) == ["Flask"]
    assert "1 of 16 frameworks</strong> matches" in count_line(html)
    html = client.get(LIST, {"q": "cobol"}).content.decode()
    assert names(html) == [] and "0 of 16" in count_line(html)
    assert "No framework matches" in html


@pytest.mark.parametrize(
    "params, field",
    [
        ({"category": "enterprise"}, "Category"),
        ({"license": "GPL-3.0"}, "Licence"),
        ({"capability": ["orm", "teleport"]}, "Has built in"),
        ({"sort": "popularity"}, "Sort by"),
        ({"q": "x" * 200}, "Name"),
    ],
)
def test_bad_values_get_a_clear_message_and_a_400(client, shipped_catalog, params, field):
    response = client.get(LIST, params)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Some filters could not be used" in html and f"<strong>{field}</strong>" in html
    assert len(names(html)) == 16  # every framework, rather than an empty page
    assert '<meta name="robots" content="noindex">' in html


def test_too_many_parameters_is_a_400_not_a_500(client, shipped_catalog, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    query = "&".join(f"capability=orm&x{i}=1" for i in range(10))
    assert client.get(f"{LIST}?{query}").status_code == 400


CATALOG_KEYS = ["q", "category", "license", "capability", "recent", "sort", "x"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pairs=st.lists(
        st.tuples(
            st.sampled_from(CATALOG_KEYS), st.one_of(st.text(max_size=30), st.binary(max_size=30))
        ),
        max_size=8,
    )
)
def test_hostile_parameters_never_500(client, shipped_catalog, pairs):
    query = "&".join(
        f"{key}="
        + ("".join(f"%{b:02x}" for b in value) if isinstance(value, bytes) else quote(value))
        for key, value in pairs
    )
    assert client.get(f"{LIST}?{query}").status_code in (200, 400)


def test_unknown_parameters_are_ignored_and_are_not_a_search(client, shipped_catalog):
    for query in ({"utm_source": "newsletter"}, {"utm_source": "x", "q": "  "}):
        response = client.get(LIST, query)
        html = response.content.decode()
        assert response.status_code == 200 and len(names(html)) == 16
        assert count_line(html) == "<strong>16 of 16 frameworks</strong>."
        assert "Clear</a>" not in html


def test_an_order_alone_is_not_a_search(client, shipped_catalog):
    html = client.get(LIST, {"sort": "-first-release"}).content.decode()
    assert count_line(html) == "<strong>16 of 16 frameworks</strong>."
    assert "Clear</a>" not in html


def test_bad_values_keep_the_clear_link(client, shipped_catalog):
    html = client.get(LIST, {"category": "enterprise", "utm_source": "x"}).content.decode()
    assert "Clear</a>" in html  # the way back from an address the form refuses
    assert "match" not in count_line(html)  # every framework is listed, not a search


def recent_box(html):
    return re.search(r'<input type="checkbox" name="recent"[^>]*>', html).group(0)


@pytest.mark.parametrize("value", ["1", "on", "true", "True", " ON "])
def test_recent_is_on_for_1_on_and_true(client, shipped_catalog, monkeypatch, value):
    dated = with_release_dates(
        catalog.current_snapshot(), {"flask": date.today() - timedelta(days=30)}
    )
    monkeypatch.setattr(catalog, "current_snapshot", lambda: dated)
    response = client.get(LIST, {"recent": value})
    html = response.content.decode()
    assert response.status_code == 200
    assert names(html) == ["Flask"] and "1 of 16 frameworks</strong> matches" in count_line(html)
    assert " checked" in recent_box(html)


# Garbage is off, as unticked, rather than an error: the filter only narrows the list, so a
# value that means nothing shows every framework (forms.AddressCheckbox says why).
@pytest.mark.parametrize("value", ["0", "", "false", "FALSE", "off", "no", "zzz", "%ff", "2"])
def test_recent_is_off_for_0_blank_false_off_and_garbage(
    client, shipped_catalog, monkeypatch, value
):
    dated = with_release_dates(
        catalog.current_snapshot(), {"flask": date.today() - timedelta(days=30)}
    )
    monkeypatch.setattr(catalog, "current_snapshot", lambda: dated)
    response = client.get(f"{LIST}?recent={value}")
    html = response.content.decode()
    assert response.status_code == 200
    assert len(names(html)) == 16
    assert count_line(html) == "<strong>16 of 16 frameworks</strong>."
    assert " checked" not in recent_box(html)
    assert "Clear</a>" not in html


def test_the_last_recent_value_counts_as_for_every_field(client, shipped_catalog, monkeypatch):
    dated = with_release_dates(
        catalog.current_snapshot(), {"flask": date.today() - timedelta(days=30)}
    )
    monkeypatch.setattr(catalog, "current_snapshot", lambda: dated)
    assert count_line(client.get(f"{LIST}?recent=1&recent=0").content.decode()) == (
        "<strong>16 of 16 frameworks</strong>."
    )
    assert names(client.get(f"{LIST}?recent=0&recent=1").content.decode()) == ["Flask"]


def test_recent_filter_uses_release_dates_once_the_catalog_has_them(
    client, shipped_catalog, monkeypatch
):
    dated = with_release_dates(
        catalog.current_snapshot(), {"flask": date.today() - timedelta(days=30)}
    )
    monkeypatch.setattr(catalog, "current_snapshot", lambda: dated)
    html = client.get(LIST, {"recent": "1"}).content.decode()
    assert names(html) == ["Flask"]
    assert "No release dates" not in html


def test_each_query_is_cached_and_an_edit_refreshes_it(client, shipped_catalog):
    first = client.get(LIST, {"q": "fla"})
    assert first.templates
    again = client.get(LIST, {"q": "fla"})
    assert not again.templates and again.content == first.content  # from the pages cache
    other = client.get(LIST, {"q": "djan"})
    assert other.templates and names(other.content.decode()) == ["Django"]
    etag = first["ETag"]
    assert client.get(LIST, {"q": "fla"}, headers={"If-None-Match": etag}).status_code == 304
    catalog.bump_version()
    assert client.get(LIST, {"q": "fla"}).templates  # a new catalog version: rendered afresh


# --- in Chromium, without JavaScript ----------------------------------------------------------


@pytest.mark.browser
def test_filters_work_in_a_browser_without_javascript(live_app, new_page):
    from playwright.sync_api import expect

    page = new_page(java_script_enabled=False)
    page.goto(live_app + LIST)
    expect(page.locator(".catalog-count")).to_contain_text("16 of 16 frameworks")
    page.get_by_label("Category").select_option("api-first")
    page.get_by_label("Licence").select_option("MIT")
    page.get_by_label("Sort by").select_option("first-release")
    page.get_by_role("button", name="Show frameworks").click()
    page.wait_for_url(re.compile(r"/frameworks/\?.*category=api-first"))
    assert "license=MIT" in page.url and "sort=first-release" in page.url
    expect(page.locator(".catalog-count")).to_contain_text("3 of 16 frameworks")
    cards = page.locator(".catalog-results .card-title a").all_inner_texts()
    assert cards == ["BlackSheep", "FastAPI", "Litestar"]  # 2018, 2018 (then by name), 2021

    page.get_by_label("Name").fill("star")
    page.get_by_role("button", name="Show frameworks").click()
    page.wait_for_url(re.compile(r"q=star"))
    assert page.locator(".catalog-results .card-title a").all_inner_texts() == ["Litestar"]
    page.get_by_role("link", name="Clear").click()
    expect(page.locator(".catalog-count")).to_contain_text("16 of 16 frameworks")
