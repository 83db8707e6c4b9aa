"""Staff URLs with a malformed id or a NUL byte answer 404 or 400, never 500 (issue #11, 8).

PostgreSQL refuses a NUL byte in any text (DataError) and every database refuses "abc" as an
integer id (ValueError): both used to reach the database from the admin's history pages, its
changelist filters and its autocomplete.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from frameworks.models import Framework, Rating, Suggestion
from tests.test_admin import CATALOG_ADMINS, admin_url

MODELS = [model for model in admin.site._registry if model._meta.app_label == "frameworks"]


def test_every_catalog_model_is_covered():
    assert set(CATALOG_ADMINS) <= set(MODELS)


@pytest.fixture
def one_of_each(small_catalog):
    """small_catalog, plus a visitor's suggestion (the one admin model it does not hold)."""
    rating = Rating.objects.order_by("pk").first()
    Suggestion.objects.create(
        framework=rating.framework,
        criterion=rating.criterion,
        proposed_level=rating.level,
        evidence_url="https://example.org/evidence",
    )
    return small_catalog


def _path(model, tail):
    return f"{reverse('admin:index')}frameworks/{model._meta.model_name}/{tail}"


@pytest.mark.parametrize(
    "tail, status",
    [
        ("{pk}/history/abc/", 404),
        ("{pk}/history/%00/", 400),
        ("{pk}/history/999999999/", 404),
        ("{pk}/history/1.5/", 404),
        ("abc/history/", 404),
        ("%00/history/", 400),
        ("abc/history/1/", 404),
        ("%00/change/", 400),
        ("{pk}%00/change/", 400),
    ],
)
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_history_and_change_urls_with_a_bad_id(editor_client, one_of_each, model, tail, status):
    pk = model.objects.order_by("pk").first().pk
    response = editor_client.get(_path(model, tail.format(pk=pk)))
    if not hasattr(model, "history") and status == 404:
        # Suggestions keep no history: Django's own answer for a missing object stands, a
        # redirect to the admin's front page with "doesn't exist" (still never a 500).
        assert response.status_code == 302
    else:
        assert response.status_code == status


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_change_page_with_a_non_numeric_id_says_it_does_not_exist(
    editor_client, small_catalog, model
):
    # Django's own answer for an id that names no row: back to the index, with a message.
    response = editor_client.get(_path(model, "abc/change/"), follow=True)
    assert response.status_code == 200
    assert "doesn’t exist. Perhaps it was deleted?" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"category__exact": "\x00"},
        {"q": "\x00"},
        {"q": "flask\x00"},
        {"\x00": "1"},
        {"o": "\x00"},
    ],
    ids=["filter", "search", "search-suffix", "key", "ordering"],
)
def test_changelist_with_a_nul_byte_is_a_bad_request(editor_client, small_catalog, params):
    response = editor_client.get(admin_url(Framework, "changelist"), params)
    assert response.status_code == 400


def test_autocomplete_with_a_nul_byte_is_a_bad_request(editor_client, small_catalog):
    url = reverse("admin:autocomplete")
    query = {"app_label": "frameworks", "model_name": "rating", "field_name": "framework"}
    assert editor_client.get(url, {**query, "term": "fla"}).json()["results"]
    assert editor_client.get(url, {**query, "term": "\x00"}).status_code == 400
