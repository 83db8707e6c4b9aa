"""Hostile catalog text on every public page: autoescaping shows it as text, never as markup.

Every text field of every catalog row gets markup that would run or break out of an attribute
or element if it reached the page unescaped; then every public page is rendered and parsed.
"""

import json
from html.parser import HTMLParser

import pytest
from django.db import models as db
from django.urls import reverse

from frameworks import catalog, models
from frameworks.presentation import pair_slug

HOSTILE = '<script>alert(1)</script>"onmouseover="alert(2)\' </textarea><b>'
MEDIUM = '<script>x</script>"onmouseover=<b>'  # for fields of 40 characters
SHORT = '<b>"on='  # for the 8-character symbol

CATALOG_MODELS = [
    models.Framework,
    models.Criterion,
    models.Level,
    models.Capability,
    models.UseCase,
    models.Rating,
    models.FrameworkCapability,
    models.ProCon,
    models.UseCaseFit,
]


#: Fields a database constraint keeps to a fixed shape (a hex colour): no markup can get in.
CONSTRAINED = {"color"}


def _text_fields(model):
    for field in model._meta.get_fields():
        if (
            isinstance(field, db.CharField | db.TextField)
            and not isinstance(field, db.SlugField)
            and not field.choices
            and field.editable
            and field.name not in CONSTRAINED
        ):
            yield field


def _hostile(field, pk):
    text = f"{pk}{HOSTILE}"
    if isinstance(field, db.URLField):
        return f'https://example.org/{pk}?q="><script>alert(1)</script>'[: field.max_length]
    if field.max_length and field.max_length < len(text):
        text = f"{pk}{MEDIUM}" if field.max_length >= len(MEDIUM) + 4 else SHORT
    return text


@pytest.fixture
def hostile_catalog(shipped_catalog):
    for model in CATALOG_MODELS:
        fields = list(_text_fields(model))
        for pk in model.objects.values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(**{f.name: _hostile(f, pk) for f in fields})
    catalog.bump_version()


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []
        self.data_block = None

    def handle_starttag(self, tag, attrs):
        names = [name for name, _ in attrs]
        if tag == "script" and ("type", "application/ld+json") in attrs:
            self.data_block = []  # JSON-LD: data, never run; it must stay one JSON value
        elif tag == "script" and "src" not in names:
            self.problems.append("an inline <script>")
        if tag in ("textarea", "b"):
            self.problems.append(f"a <{tag}> element")
        self.problems.extend(f"a {name} attribute" for name in names if name.startswith("on"))

    def handle_data(self, data):
        if self.data_block is not None:
            self.data_block.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self.data_block is not None:
            try:
                json.loads("".join(self.data_block))
            except ValueError:
                self.problems.append("a JSON-LD block that is not JSON")
            self.data_block = None


def assert_no_markup_from_the_catalog(html, where):
    assert "<script>alert" not in html and "</textarea>" not in html, where
    parser = _Markup()
    parser.feed(html)
    assert parser.problems == [], where


def _pages(slugs):
    compare = reverse("frameworks:compare")
    chosen = {
        "use_case": models.UseCase.objects.values_list("slug", flat=True)[0],
        "require": list(models.Capability.objects.values_list("slug", flat=True)[:2]),
        "frameworks": slugs[:4],
    }
    yield reverse("frameworks:home"), {}, {}
    yield compare, {}, {}
    yield compare, chosen, {}
    yield compare, chosen, {"X-Partial": "results"}
    yield compare, {"frameworks": HOSTILE, "w-performance": HOSTILE}, {}
    yield compare, {"frameworks": HOSTILE}, {"X-Partial": "results"}
    yield reverse("frameworks:list"), {}, {}
    yield reverse("frameworks:methodology"), {}, {}
    yield "/frameworks/" + HOSTILE.replace("/", "") + "/", {}, {}
    for slug in slugs:
        yield reverse("frameworks:detail", args=[slug]), {}, {}
    for first, second in zip(slugs, slugs[1:4], strict=False):
        yield reverse("frameworks:head-to-head", args=[pair_slug(first, second)]), {}, {}


def test_hostile_catalog_text_is_escaped_on_every_public_page(client, hostile_catalog):
    slugs = list(models.Framework.objects.published().values_list("slug", flat=True))
    shown = 0
    for path, query, headers in _pages(slugs):
        response = client.get(path, query, headers=headers)
        assert response.status_code in (200, 400, 404), path
        html = response.content.decode()
        assert_no_markup_from_the_catalog(html, f"{path} {query} {headers}")
        shown += "&lt;script&gt;" in html
    assert shown >= len(slugs) + 6  # the hostile text was there, shown as text


def test_the_check_catches_unescaped_markup():
    for html in (
        "<p><script>alert(1)</script></p>",
        '<a href="x" onmouseover="alert(2)">x</a>',
        "<p>text</textarea></p>",
    ):
        with pytest.raises(AssertionError):
            assert_no_markup_from_the_catalog(html, "example")
