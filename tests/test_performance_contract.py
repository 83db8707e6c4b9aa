"""What the caches must never cost: fresh results after an edit, escaping, the right page.

Whole pages are kept in the ``pages`` cache and shared pieces (form fields, the side-by-side
tables) in ``fragments``, under keys that hold the catalog version. These tests hold those
shortcuts to the page's promises. The query budget per request is asserted in test_views.py
(test_queries_per_request_do_not_grow_with_the_catalog).
"""

import re

from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.urls import reverse

from frameworks import catalog
from frameworks.models import Capability, Criterion, Framework, Level, ProCon, Rating

COMPARE = reverse("frameworks:compare")
SEED_THREE = {"frameworks": ["django", "flask", "fastapi"]}


def test_editor_save_shows_in_the_very_next_page(client, shipped_catalog):
    # Render every memoised piece once: home form, compare form, cells, cards, header.
    assert client.get(reverse("frameworks:home")).status_code == 200
    html = client.get(COMPARE, SEED_THREE).content.decode()
    assert "Learning curve" in html and "Easy" in html

    criterion = Criterion.objects.get(slug="learning-curve")
    criterion.name = "Time to first app"
    criterion.save()
    rating = Rating.objects.get(framework__slug="flask", criterion=criterion)
    rating.level = Level.objects.get(criterion=criterion, label="Steep")
    rating.note = "Re-rated by an editor today."
    rating.save()
    flask = Framework.objects.get(slug="flask")
    ProCon.objects.create(framework=flask, kind="pro", text="A pro an editor just added.")

    html = client.get(COMPARE, SEED_THREE).content.decode()
    assert "Time to first app" in html and "Learning curve" not in html  # form and tables
    assert "Re-rated by an editor today." in html  # the side-by-side cell
    assert "A pro an editor just added." in html  # the pros-and-cons card
    home = client.get(reverse("frameworks:home")).content.decode()
    assert "Time to first app" in home  # the home page's form


def test_what_editors_write_is_escaped_everywhere_it_shows(client, shipped_catalog):
    Framework.objects.filter(slug="flask").update(name='Fl<b>ask</b> & "Co"', symbol="<i>")
    Rating.objects.filter(framework__slug="flask").update(
        note="<script>alert(1)</script>", source_url='https://example.org/?a=1&b="2"'
    )
    Capability.objects.filter(slug="admin").update(name="Admin <panel>")
    Criterion.objects.filter(slug="performance").update(name="Speed & <more>")
    catalog.bump_version()

    response = client.get(COMPARE, SEED_THREE | {"require": "admin"})
    html = response.content.decode()
    assert response.status_code == 200
    for raw in ("<b>ask</b>", "<script>alert", "<panel>", "<more>", "<i>", 'b="2"'):
        assert raw not in html
    assert "Fl&lt;b&gt;ask&lt;/b&gt; &amp; &quot;Co&quot;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Admin &lt;panel&gt;" in html and "Speed &amp; &lt;more&gt;" in html
    assert "<!--" not in html  # no placeholder of the page's assembly is left behind


def test_partial_and_full_page_carry_the_same_results(client, shipped_catalog):
    params = {"use_case": "real-time", "w-performance": "5"}
    full = client.get(COMPARE, params).content.decode()
    partial = client.get(COMPARE, params, headers={"X-Partial": "results"}).content.decode()

    def section(html, heading):
        start = html.index(f'<section aria-labelledby="{heading}"')
        return html[start : html.index("</section>", start)]

    for heading in ("ranking-heading", "table-heading", "features-heading", "proscons-heading"):
        assert section(partial, heading) == section(full, heading)


def test_a_repeated_page_is_served_as_rendered_and_keeps_its_own_address(client, shipped_catalog):
    first = client.get(COMPARE, SEED_THREE | {"w-performance": "4"})
    assert first.templates  # rendered
    # The same parameters in another order: the same page, served from the pages cache.
    query = "w-performance=4&frameworks=django&frameworks=flask&frameworks=fastapi"
    again = client.get(f"{COMPARE}?{query}")
    assert again.status_code == 200 and again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert not again.templates  # served as kept, nothing rendered
    assert len(caches["pages"]._cache) == 1
    # The picked frameworks in another order are the columns in that order: another page.
    other = f"{COMPARE}?frameworks=fastapi&frameworks=flask&frameworks=django&w-performance=4"
    assert client.get(other).templates
    assert len(caches["pages"]._cache) == 2
    # The share link names the host the visitor used: another host is another page.
    other = client.get(COMPARE, SEED_THREE, HTTP_HOST="localhost").content.decode()
    assert "http://localhost/compare/?" in other and "http://testserver/" not in other


def test_a_refused_query_is_remembered_with_its_status(client, shipped_catalog):
    params = {"w-performance": "9"}
    assert client.get(COMPARE, params).status_code == 400
    assert client.get(COMPARE, params).status_code == 400
    assert client.get(reverse("frameworks:api-compare"), params).status_code == 400


def test_a_remembered_answer_keeps_the_headers_its_view_set(client, shipped_catalog):
    api = reverse("frameworks:api-compare")
    first = client.get(api, SEED_THREE)
    again = client.get(api, SEED_THREE)
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"] == "application/json"
    assert again["Link"] == first["Link"] and 'rel="alternate"' in again["Link"]


def test_tables_follow_the_columns_of_each_answer(client, shipped_catalog):
    """The side-by-side tables are kept per set of columns: another order is another table."""

    def columns(picked):
        html = client.get(COMPARE, {"frameworks": picked}).content.decode()
        start = html.index('<section aria-labelledby="table-heading"')
        head = html[start : html.index("</thead>", start)]
        return sorted(picked, key=lambda slug: head.index(f"/frameworks/{slug}/"))

    assert columns(["django", "flask", "fastapi"]) == ["django", "flask", "fastapi"]
    assert columns(["fastapi", "flask", "django"]) == ["fastapi", "flask", "django"]
    must = client.get(COMPARE, SEED_THREE | {"require": "admin"}).content.decode()
    plain = client.get(COMPARE, SEED_THREE).content.decode()
    assert "must-have</span>" in must and "must-have</span>" not in plain


def test_answers_with_the_same_columns_share_the_side_by_side_tables(client, shipped_catalog):
    """The tables follow the columns, the winner and the must-haves, not the scores: another
    weight that keeps them takes the tables from the fragments cache, without working out a
    single row."""
    first = client.get(COMPARE, SEED_THREE | {"w-built-in-tools": "5"})
    key = make_template_fragment_key("results_tables", [first.context["tables"].key])
    assert caches["fragments"].get(key) is not None
    assert "rating_rows" in vars(first.context["tables"])  # rendered
    second = client.get(COMPARE, SEED_THREE | {"w-built-in-tools": "4"})
    assert second.context["tables"].key == first.context["tables"].key
    assert "rating_rows" not in vars(second.context["tables"])  # taken as kept
    assert second.content.decode().count("comparison-table") == 1
    third = client.get(COMPARE, SEED_THREE | {"require": "admin"})
    assert "rating_rows" in vars(third.context["tables"])  # must-haves: other tables


def test_form_fields_are_rendered_once_per_value(client, shipped_catalog):
    """Each field's markup is kept by catalog version and value: a new answer to one weight
    renders that weight alone."""
    weight = "includes/fields/weight.html"

    def rendered(params):
        response = client.get(COMPARE, params)
        return [t.name for t in response.templates].count(weight)

    assert rendered({"w-performance": "4"}) == 7  # one per criterion, the first time
    assert rendered({"w-performance": "2"}) == 1
    assert rendered({"w-performance": "2", "frameworks": "flask"}) == 0


def test_kept_weight_fields_follow_the_project_type_their_auto_names(client, shipped_catalog):
    """A weight's "Auto (N)" is the project type's weight: the same value under another type
    is other markup, kept apart; a type that leaves a weight's Auto alone shares it."""
    weight = "includes/fields/weight.html"

    def shown(params):
        response = client.get(COMPARE, params)
        html = response.content.decode()
        label = re.search(r'<label[^>]*for="id_w-performance_0">([^<]*)</label>', html)[1]
        return label, [t.name for t in response.templates].count(weight)

    assert shown({}) == ("Auto (3)", 7)
    # ml-ai gives performance 5 and keeps the default (3) of one criterion alone.
    assert shown({"use_case": "ml-ai"}) == ("Auto (5)", 6)
    # Other answers (not the same page, so not the pages cache) take each type's own markup.
    assert shown({"frameworks": "flask"}) == ("Auto (3)", 0)
    assert shown({"use_case": "ml-ai", "frameworks": "flask"}) == ("Auto (5)", 0)


def test_a_page_larger_than_the_bound_is_served_but_not_kept(client, shipped_catalog, settings):
    api = reverse("frameworks:api-compare")
    settings.PAGE_CACHE_MAX_BYTES = 1000  # the API's answer is about 14 kB
    first = client.get(api)
    assert first.status_code == 200 and len(first.content) > 1000
    assert len(caches["pages"]._cache) == 0
    settings.PAGE_CACHE_MAX_BYTES = 1_000_000
    assert client.get(api).content == first.content
    assert len(caches["pages"]._cache) == 1


def test_a_kept_page_is_compressed_for_browsers_that_ask_and_still_revalidates(
    client, shipped_catalog
):
    import gzip

    plain = client.get(COMPARE, SEED_THREE)
    assert "Content-Encoding" not in plain
    packed = client.get(COMPARE, SEED_THREE, headers={"accept-encoding": "gzip, br"})
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) * 4 < len(plain.content)
    assert gzip.decompress(packed.content) == plain.content
    # A compressed body has its own bytes, so its validator is a weak one that still matches.
    assert packed["ETag"].startswith('W/"') and packed["ETag"][2:] == plain["ETag"]
    repeat = client.get(
        COMPARE, SEED_THREE, headers={"accept-encoding": "gzip", "if-none-match": packed["ETag"]}
    )
    assert repeat.status_code == 304
