"""Pages people find and share (issue 15, item 4): the sitemap, canonical links, OpenGraph and
Twitter card tags, JSON-LD, the PNG link previews and robots.txt."""

import io
import json
import re
import xml.etree.ElementTree as ET
from html import unescape
from itertools import combinations
from urllib.parse import urlsplit

import pytest
from PIL import Image

from frameworks import catalog, presentation, scoring, share_image
from frameworks.models import Framework

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
RESULTS = "/compare/?use_case=real-time&frameworks=django&frameworks=flask&frameworks=fastapi"
#: The public pages: address, and its canonical address.
PUBLIC = {
    "/": "/",
    "/compare/": "/compare/",
    # Parameters in another order, an unknown tag: the canonical is the normalised permalink.
    "/compare/?w-performance=5&utm_source=chat&use_case=real-time": (
        "/compare/?use_case=real-time&w-performance=5"
    ),
    "/compare/?w-performance=9": "/compare/",  # errors: the form's own address
    "/frameworks/": "/frameworks/",
    "/frameworks/django/": "/frameworks/django/",
    "/frameworks/django/?ref=x": "/frameworks/django/",
    "/methodology/": "/methodology/",
    "/compare/django-vs-flask/": "/compare/django-vs-flask/",
    "/compare/django-vs-flask/?utm_source=chat": "/compare/django-vs-flask/",
}


class Head:
    """The tags of a page's <head> this file checks."""

    def __init__(self, html: str):
        head = html[: html.index("</head>")]
        self.html = html
        self.title = unescape(re.search(r"<title>(.*?)</title>", head, re.S).group(1))
        self.meta = {}
        for _kind, key, value in re.findall(
            r'<meta (name|property)="([^"]+)" content="([^"]*)">', head
        ):
            assert key not in self.meta, f"{key} given twice"
            self.meta[key] = unescape(value)
        self.canonicals = [
            unescape(h) for h in re.findall(r'<link rel="canonical" href="([^"]*)">', head)
        ]
        self.ld = [
            json.loads(text)
            for text in re.findall(
                r'<script type="application/ld\+json">(.*?)</script>', head, re.S
            )
        ]


def _head(client, address) -> Head:
    response = client.get(address)
    assert response.status_code in (200, 400), address
    return Head(response.content.decode())


def _sitemap(client) -> list[ET.Element]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content).findall("s:url", SITEMAP_NS)


def test_the_sitemap_lists_every_public_page_and_every_pair(client, shipped_catalog):
    snapshot = catalog.load_snapshot()
    slugs = sorted(spec.slug for spec in snapshot.frameworks)
    assert len(slugs) == 16
    entries = {
        url.find("s:loc", SITEMAP_NS).text: url.find("s:lastmod", SITEMAP_NS)
        for url in _sitemap(client)
    }
    expected = {"/", "/compare/", "/frameworks/", "/methodology/"}
    expected |= {f"/frameworks/{slug}/" for slug in slugs}
    expected |= {f"/compare/{a}-vs-{b}/" for a, b in combinations(slugs, 2)}
    assert len(expected) == 4 + 16 + 120
    assert set(entries) == {ORIGIN + path for path in expected}
    # lastmod: the framework's review date; a pair's is the later of its two.
    assert entries[f"{ORIGIN}/frameworks/django/"].text == (
        snapshot.info["django"].last_reviewed.isoformat()
    )
    for loc, lastmod in entries.items():
        assert lastmod is not None and re.fullmatch(r"\d{4}-\d\d-\d\d", lastmod.text), loc
    # Every address in it answers 200, not a redirect.
    for loc in entries:
        assert client.get(urlsplit(loc).path).status_code == 200, loc


def test_the_sitemap_follows_the_catalog(client, shipped_catalog):
    Framework.objects.filter(slug="robyn").update(is_published=False)
    catalog.bump_version()
    locs = {url.find("s:loc", SITEMAP_NS).text for url in _sitemap(client)}
    assert len(locs) == 4 + 15 + 105
    assert not any("robyn" in loc for loc in locs)
    framework = Framework.objects.get(slug="bottle")
    framework.last_reviewed = "2027-01-02"
    framework.save()
    dates = {
        url.find("s:loc", SITEMAP_NS).text: url.find("s:lastmod", SITEMAP_NS).text
        for url in _sitemap(client)
    }
    assert dates[f"{ORIGIN}/frameworks/bottle/"] == "2027-01-02"
    assert dates[f"{ORIGIN}/compare/bottle-vs-django/"] == "2027-01-02"
    assert dates[f"{ORIGIN}/"] == "2027-01-02"


def test_a_bad_sitemap_page_is_not_an_error(client, shipped_catalog):
    assert client.get("/sitemap.xml?p=nope").status_code == 404
    assert client.get("/sitemap.xml?p=99").status_code == 404


def test_robots_txt_names_the_sitemap(client, shipped_catalog):
    text = client.get("/robots.txt").content.decode()
    assert f"Sitemap: {ORIGIN}/sitemap.xml" in text.splitlines()
    assert "Disallow: /admin/" in text


def test_every_public_page_has_one_absolute_canonical_link(client, shipped_catalog):
    for address, canonical in PUBLIC.items():
        head = _head(client, address)
        assert head.canonicals == [ORIGIN + canonical], address
        assert head.meta["og:url"] == ORIGIN + canonical, address


def test_error_pages_name_no_canonical_address(client, shipped_catalog):
    response = client.get("/frameworks/no-such-framework/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'rel="canonical"' not in html and "og:title" not in html


def test_each_page_has_its_own_title_and_description_in_its_card_tags(client, shipped_catalog):
    seen_titles, seen_descriptions = set(), set()
    for address in PUBLIC:
        if "?" in address and "vs" not in address and "compare" not in address:
            continue  # the same page with a tag
        head = _head(client, address)
        title = head.title.rsplit(" · ", 1)[0]
        description = head.meta["description"]
        assert title and description, address
        assert head.meta["og:title"] == head.meta["twitter:title"] == title, address
        assert head.meta["og:description"] == head.meta["twitter:description"] == description
        assert head.meta["og:site_name"] == "Framework Comparator"
        assert head.meta["og:type"] == "website"
        seen_titles.add(title)
        seen_descriptions.add(description)
    # Pages differ from each other (the compare page with a tag shares its results' title).
    assert len(seen_titles) >= 7 and len(seen_descriptions) >= 7


def test_pages_with_a_ranking_have_a_large_preview_and_others_a_summary_card(
    client, shipped_catalog
):
    head = _head(client, RESULTS)
    query = "frameworks=django&frameworks=flask&frameworks=fastapi&use_case=real-time"
    assert head.canonicals == [f"{ORIGIN}/compare/?{query}"]  # the normalised permalink's
    assert head.meta["twitter:card"] == "summary_large_image"
    assert head.meta["og:image"] == head.meta["twitter:image"]
    assert head.meta["og:image"] == f"{ORIGIN}/compare/preview.png?{query}"
    h2h = _head(client, "/compare/django-vs-flask/")
    assert h2h.meta["og:image"] == f"{ORIGIN}/compare/django-vs-flask/preview.png"
    assert h2h.meta["og:image:width"] == "1200" and h2h.meta["og:image:height"] == "630"
    for address in ("/frameworks/django/", "/methodology/", "/compare/?w-performance=9"):
        head = _head(client, address)
        assert head.meta["twitter:card"] == "summary", address
        assert "og:image" not in head.meta, address


def _png(response) -> Image.Image:
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    return image


def test_the_previews_are_pngs_of_the_size_link_previews_ask_for(client, shipped_catalog):
    for address in (
        "/compare/preview.png?" + RESULTS.split("?", 1)[1],
        "/compare/preview.png",
        "/compare/django-vs-flask/preview.png",
    ):
        image = _png(client.get(address))
        assert image.size == (share_image.WIDTH, share_image.HEIGHT) == (1200, 630), address


def test_the_preview_draws_the_top_scores_in_catalog_colours(client, shipped_catalog):
    image = _png(client.get("/compare/django-vs-flask/preview.png")).convert("RGB")
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 20)}
    for slug in ("django", "flask"):
        colour = Framework.objects.get(slug=slug).color
        assert tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5)) in colours, slug
    assert (0x05, 0x70, 0x4F) not in colours  # FastAPI's colour: not in this pair


def test_a_preview_is_cached_per_catalog_version(client, shipped_catalog, monkeypatch):
    drawn = []
    render = share_image.render_png
    monkeypatch.setattr(share_image, "render_png", lambda **kw: drawn.append(kw) or render(**kw))
    address = "/compare/django-vs-flask/preview.png"
    first = client.get(address)
    again = client.get(address)
    assert again.content == first.content and len(drawn) == 1
    assert client.get(address, headers={"If-None-Match": first["ETag"]}).status_code == 304
    # An editor's save: a new catalog version, a new picture in the new colour.
    winner = Framework.objects.get(slug="django")
    winner.color = "#ff0000"
    winner.save()
    after = client.get(address)
    assert len(drawn) == 2
    assert after["ETag"] != first["ETag"] and after.content != first.content
    image = Image.open(io.BytesIO(after.content)).convert("RGB")
    assert (255, 0, 0) in {colour for _, colour in image.getcolors(maxcolors=1 << 20)}


@pytest.mark.parametrize(
    "query",
    [
        "w-performance=9",
        "w-performance=x",
        "frameworks=nope",
        "use_case=a&use_case=b",
        "w-learning-curve=0&w-performance=0&w-async-support=0&w-built-in-tools=0"
        "&w-community-ecosystem=0&w-typing-validation=0&w-maturity=0",
        "frameworks=%FF%FE",
        "w-nope=3",
        "&".join(f"x{i}=1" for i in range(5000)),  # more fields than Django accepts
    ],
)
def test_a_bad_preview_query_is_a_400_not_an_error(client, shipped_catalog, query):
    response = client.get(f"/compare/preview.png?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    "address",
    [
        "/compare/flask-vs-django/preview.png",  # previews exist at canonical addresses only
        "/compare/django-vs-django/preview.png",
        "/compare/django-vs-nope/preview.png",
    ],
)
def test_a_preview_of_no_page_is_not_found(client, shipped_catalog, address):
    assert client.get(address).status_code == 404


def test_the_results_page_lists_its_ranking_as_json_ld(client, shipped_catalog):
    (data,) = _head(client, RESULTS).ld
    ranking = json.loads(client.get("/api/" + RESULTS.lstrip("/")).content)
    assert data["@context"] == "https://schema.org" and data["@type"] == "ItemList"
    assert data["numberOfItems"] == len(ranking)
    assert [(i["@type"], i["position"], i["name"], i["url"]) for i in data["itemListElement"]] == [
        ("ListItem", r["rank"], r["name"], ORIGIN + r["url"]) for r in ranking
    ]


def test_the_head_to_head_lists_its_two_as_json_ld(client, shipped_catalog):
    (data,) = _head(client, "/compare/django-vs-flask/").ld
    snapshot = catalog.load_snapshot()
    specs = tuple(s for s in snapshot.frameworks if s.slug in ("django", "flask"))
    weights = scoring.resolve_weights(criteria=snapshot.criteria, explicit={})
    ranking = scoring.rank(criteria=snapshot.criteria, frameworks=specs, weights=weights)
    assert data["@type"] == "ItemList"
    assert [i["name"] for i in data["itemListElement"]] == [r.name for r in ranking.results]


def test_a_framework_page_describes_it_as_a_software_application(client, shipped_catalog):
    (data,) = _head(client, "/frameworks/django/").ld
    django = Framework.objects.get(slug="django")
    assert data["@type"] == "SoftwareApplication"
    assert data["name"] == "Django"
    assert data["url"] == f"{ORIGIN}/frameworks/django/"
    assert data["softwareVersion"] == django.latest_version
    assert data["applicationCategory"] == "DeveloperApplication"
    assert django.website in data["sameAs"]


def test_pages_without_a_ranking_or_framework_carry_no_json_ld(client, shipped_catalog):
    for address in ("/", "/frameworks/", "/methodology/", "/compare/?w-performance=9"):
        assert _head(client, address).ld == [], address


def test_json_ld_cannot_close_its_element():
    text = presentation.json_ld({"a": "</script><!-- & -->", "b": "é"})
    assert not set("<>&") & set(text)
    assert json.loads(text) == {"a": "</script><!-- & -->", "b": "é"}


def test_an_editors_markup_stays_data_in_the_json_ld(client, shipped_catalog):
    framework = Framework.objects.get(slug="flask")
    framework.overview = 'Small. </script><script>alert("x")</script> & <!-- more'
    framework.save()
    html = client.get("/frameworks/flask/").content.decode()
    assert "</script><script>alert" not in html
    (data,) = Head(html).ld
    assert data["description"] == framework.overview
