"""Head-to-head pages: /compare/<a>-vs-<b>/ for any two published frameworks (issue 15, item 3).

The address names the slugs alphabetically and the other order redirects permanently; the page
shows the verdict for the default weights, the differences that matter most, the side-by-side
tables and a link into the full form with both frameworks picked.
"""

import re
from html import unescape

import pytest

from frameworks import catalog, presentation, scoring
from frameworks.models import Framework

pytestmark = pytest.mark.django_db


def _verdict(html: str) -> tuple[str, str]:
    """(winner's name, score) as the verdict card shows them."""
    name = re.search(r'<h2 id="verdict-heading" class="verdict-name">(.*?)</h2>', html, re.S)
    score = re.search(r'<span class="verdict-score-value">([^<]+)</span>', html)
    # The framework's mark (a symbol or a picture) is hidden from readers: only the name counts.
    text = re.sub(r'<(span|svg)[^>]*aria-hidden="true".*?</\1>', "", name.group(1), flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "", text)).strip(), score.group(1)


def _default_ranking(snapshot, slugs):
    specs = tuple(spec for spec in snapshot.frameworks if spec.slug in slugs)
    weights = scoring.resolve_weights(criteria=snapshot.criteria, explicit={})
    return scoring.rank(criteria=snapshot.criteria, frameworks=specs, weights=weights)


def test_the_canonical_order_answers(client, shipped_catalog):
    response = client.get("/compare/django-vs-flask/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "<h1" in html and "Django vs Flask" in html


def test_the_other_order_redirects_permanently_and_keeps_the_query(client, shipped_catalog):
    response = client.get("/compare/flask-vs-django/")
    assert response.status_code == 301
    assert response["Location"] == "/compare/django-vs-flask/"
    tagged = client.get("/compare/flask-vs-django/?utm_source=chat&x=%C3%A9")
    assert tagged.status_code == 301
    assert tagged["Location"] == "/compare/django-vs-flask/?utm_source=chat&x=%C3%A9"
    assert client.get(tagged["Location"]).status_code == 200


@pytest.mark.parametrize(
    "address",
    [
        "/compare/django-vs-nope/",
        "/compare/nope-vs-django/",
        "/compare/django-vs-django/",  # one framework against itself is no comparison
        "/compare/django-flask/",
        "/compare/django-vs-/",
        "/compare/-vs-django/",
        "/compare/django-vs-flask-vs-fastapi/",
        "/compare/Django-vs-Flask/",
    ],
)
def test_unknown_or_repeated_slugs_are_not_found(client, shipped_catalog, address):
    assert client.get(address).status_code == 404


def test_an_unpublished_framework_has_no_head_to_head(client, shipped_catalog):
    Framework.objects.filter(slug="flask").update(is_published=False)
    catalog.bump_version()
    assert client.get("/compare/django-vs-flask/").status_code == 404
    assert client.get("/compare/flask-vs-django/").status_code == 404


@pytest.fixture
def ninja(shipped_catalog, make_framework):
    """A published framework whose slug holds hyphens and starts like another's."""
    return make_framework("django-ninja", name="Django Ninja", color="#4cae4f")


def test_slugs_with_hyphens(client, ninja):
    assert client.get("/compare/django-ninja-vs-fastapi/").status_code == 200
    back = client.get("/compare/fastapi-vs-django-ninja/")
    assert (back.status_code, back["Location"]) == (301, "/compare/django-ninja-vs-fastapi/")
    # "django" sorts before "django-ninja": the split must not stop at the first hyphen.
    assert client.get("/compare/django-vs-django-ninja/").status_code == 200
    back = client.get("/compare/django-ninja-vs-django/")
    assert (back.status_code, back["Location"]) == (301, "/compare/django-vs-django-ninja/")
    assert client.get("/compare/django-ninja-vs-django-ninja/").status_code == 404


def test_split_pair_tries_every_separator(ninja, make_framework, client):
    # A slug may itself hold "-vs-": the first separator is then not the right one.
    make_framework("tortoise-vs-hare", name="Tortoise vs Hare")
    snapshot = catalog.load_snapshot()
    assert presentation.split_pair("tortoise-vs-hare-vs-django", snapshot) == (
        "tortoise-vs-hare",
        "django",
    )
    back = client.get("/compare/tortoise-vs-hare-vs-django/")
    assert (back.status_code, back["Location"]) == (301, "/compare/django-vs-tortoise-vs-hare/")
    assert client.get(back["Location"]).status_code == 200
    assert presentation.split_pair("django-ninja-vs-fastapi", snapshot) == (
        "django-ninja",
        "fastapi",
    )
    assert presentation.split_pair("fastapi-vs-django-ninja", snapshot) == (
        "fastapi",
        "django-ninja",
    )
    assert presentation.split_pair("django-vs-ninja-vs-fastapi", snapshot) is None
    assert presentation.pair_slug("fastapi", "django-ninja") == "django-ninja-vs-fastapi"


@pytest.mark.parametrize("pair", [("django", "flask"), ("fastapi", "flask"), ("bottle", "robyn")])
def test_the_verdict_is_the_scoring_for_the_default_weights(client, shipped_catalog, pair):
    ranking = _default_ranking(catalog.load_snapshot(), set(pair))
    html = client.get(f"/compare/{presentation.pair_slug(*pair)}/").content.decode()
    assert _verdict(html) == (ranking.winner.name, str(ranking.winner.score))
    for result in ranking.results:  # both scores, not just the winner's
        assert f"{result.name}</a>: <strong>{result.score}</strong> out of 100" in html


def test_the_page_has_the_side_by_side_tables_in_canonical_order(client, shipped_catalog):
    html = client.get("/compare/django-vs-flask/").content.decode()
    table = html[html.index('class="table comparison-table') :]
    head = table[: table.index("</thead>")]
    assert head.index("/frameworks/django/") < head.index("/frameworks/flask/")
    assert 'id="features-heading"' in html


def test_differences_are_ordered_by_weight_times_gap(
    make_framework, make_criterion, rate, make_capability, support
):
    # Ease: weight 1 and the whole scale apart (100). Speed: weight 5, 40 apart (200), so it
    # matters more although the gap is smaller. Docs: the same level: not a difference.
    ease = make_criterion("ease", levels=(("Hard", 0), ("Easy", 100)), default_weight=1)
    speed = make_criterion("speed", levels=(("Slow", 60), ("Fast", 100)), default_weight=5)
    docs = make_criterion("docs", levels=(("Thin", 0), ("Rich", 100)), default_weight=5)
    alpha, beta = make_framework("alpha"), make_framework("beta")
    rate(alpha, ease, "Easy"), rate(beta, ease, "Hard")
    rate(alpha, speed, "Slow"), rate(beta, speed, "Fast")
    rate(alpha, docs, "Rich"), rate(beta, docs, "Rich")
    orm, admin, forms = (make_capability(slug) for slug in ("orm", "admin", "forms"))
    support(alpha, orm, "extension", extension="Alpha-ORM"), support(beta, orm, "built_in")
    support(alpha, admin, "built_in")  # beta records nothing: not available
    support(alpha, forms, "partial"), support(beta, forms, "partial")
    snapshot = catalog.load_snapshot()
    weights = scoring.resolve_weights(criteria=snapshot.criteria, explicit={})

    found = presentation.differences(snapshot, "alpha", "beta", weights=weights)

    assert [(d.criterion.slug, d.importance, d.ahead) for d in found.criteria] == [
        ("speed", 200, "beta"),
        ("ease", 100, "alpha"),
    ]
    # The gap in points is what the two scores' breakdowns differ by on that criterion.
    ranking = scoring.rank(
        criteria=snapshot.criteria, frameworks=snapshot.frameworks, weights=weights
    )
    points = {r.slug: {c.key: c.points for c in r.breakdown} for r in ranking.results}
    for difference in found.criteria:
        slug = difference.criterion.slug
        assert difference.points == pytest.approx(
            abs(points["alpha"][slug] - points["beta"][slug]), abs=0.11
        )
    assert [(d.capability.slug, d.steps, d.ahead) for d in found.capabilities] == [
        ("admin", 3, "alpha"),
        ("orm", 2, "beta"),
    ]


def test_the_page_lists_the_differences_in_that_order(client, shipped_catalog):
    snapshot = catalog.load_snapshot()
    weights = scoring.resolve_weights(criteria=snapshot.criteria, explicit={})
    expected = presentation.differences(snapshot, "django", "fastapi", weights=weights)
    assert expected.criteria and expected.capabilities
    html = client.get("/compare/django-vs-fastapi/").content.decode()
    shown = re.findall(r'<tr data-criterion="([^"]+)">', html)
    assert shown == [d.criterion.slug for d in expected.criteria]
    features = re.findall(r'<li data-capability="([^"]+)">', html)
    assert features == [d.capability.slug for d in expected.capabilities]


def test_the_link_into_the_full_form_picks_both(client, shipped_catalog):
    html = client.get("/compare/django-vs-flask/").content.decode()
    assert 'href="/compare/?frameworks=django&amp;frameworks=flask"' in html
    form = client.get("/compare/?frameworks=django&frameworks=flask").content.decode()
    for slug in ("django", "flask"):
        assert re.search(rf'<input[^>]*value="{slug}"[^>]*checked', form), slug
    assert not re.search(r'<input[^>]*value="fastapi"[^>]*checked', form)


def test_each_framework_page_links_to_its_head_to_heads(client, shipped_catalog):
    snapshot = catalog.load_snapshot()
    html = client.get("/frameworks/flask/").content.decode()
    others = [spec.slug for spec in snapshot.frameworks if spec.slug != "flask"]
    assert len(others) == 15
    for slug in others:
        assert f'href="/compare/{presentation.pair_slug("flask", slug)}/"' in html, slug
    assert 'href="/compare/flask-vs-flask/"' not in html
    assert client.get(f"/compare/{presentation.pair_slug('flask', others[0])}/").status_code == 200


def test_the_page_is_cached_and_answers_a_repeat_with_304(client, shipped_catalog, monkeypatch):
    first = client.get("/compare/django-vs-flask/")
    assert first.has_header("ETag")
    # A second visit is served from the pages cache: scoring does not run again.
    monkeypatch.setattr(scoring, "rank", lambda **kwargs: pytest.fail("ranked again"))
    again = client.get("/compare/django-vs-flask/")
    assert again.content == first.content
    repeat = client.get("/compare/django-vs-flask/", headers={"If-None-Match": first["ETag"]})
    assert repeat.status_code == 304


def test_an_editors_save_shows_on_the_page(client, shipped_catalog):
    before = client.get("/compare/django-vs-flask/")
    framework = Framework.objects.get(slug="flask")
    framework.name = "Flask (renamed)"
    framework.save()
    after = client.get("/compare/django-vs-flask/")
    assert after["ETag"] != before["ETag"]
    assert "Flask (renamed)" in after.content.decode()
