"""Editors' preview of unpublished frameworks: visible and marked for them, never for visitors.

A preview is rendered afresh for the editor, kept in no cache (not the ``pages`` store, not the
``fragments`` pieces, not the process's snapshot) and answered ``private, no-store`` without
an ETag. Anonymous visitors get a 404 for the draft before and after an editor viewed it.
The JSON API does not preview: it stays cookie-free, so a draft there is an unknown framework.
"""

import pickle
from unittest import mock

import pytest
from django.core.cache import caches

from frameworks import catalog
from frameworks.models import Framework

DRAFT = "/frameworks/bottle/"
DRAFT_COMPARISON = "/compare/?frameworks=bottle&frameworks=django"
BANNER = "Draft — not published"


@pytest.fixture
def draft(shipped_catalog):
    bottle = Framework.objects.get(slug="bottle")
    bottle.is_published = False
    bottle.save()
    return bottle


def kept_texts(alias):
    """Everything the named locmem cache holds, as text (its values are kept pickled)."""
    store = caches[alias]._cache
    texts = []
    for value in store.values():
        loaded = pickle.loads(value)
        if isinstance(loaded, tuple):  # a page: (status, headers, body)
            loaded = loaded[-1]
        texts.append(loaded.decode() if isinstance(loaded, bytes) else str(loaded))
    return texts


def assert_private(response):
    assert response["Cache-Control"] == "private, no-store"
    assert not response.has_header("ETag")
    assert "Cookie" in response["Vary"]


def test_an_editor_sees_the_draft_page_marked_as_a_draft(editor_client, draft):
    response = editor_client.get(DRAFT)
    assert response.status_code == 200
    html = response.content.decode()
    assert BANNER in html and 'class="badge draft-badge"' in html
    assert "<title>Draft: Bottle" in html
    assert_private(response)


def test_visitors_get_404_before_and_after_an_editor_viewed_the_draft(client, editor, draft):
    assert client.get(DRAFT).status_code == 404
    assert client.get(DRAFT_COMPARISON).status_code == 400

    editor_view = type(client)()
    editor_view.force_login(editor)
    assert editor_view.get(DRAFT).status_code == 200
    assert editor_view.get(DRAFT_COMPARISON).status_code == 200

    assert client.get(DRAFT).status_code == 404
    refused = client.get(DRAFT_COMPARISON)
    assert refused.status_code == 400 and BANNER not in refused.content.decode()
    results = client.get("/compare/").content.decode()
    assert "/frameworks/bottle/" not in results and "draft-badge" not in results
    api = client.get("/api/compare/").json()
    assert "bottle" not in {result["framework"] for result in api}
    # The process's snapshot is still the public one.
    assert "bottle" not in {f.slug for f in catalog.current_snapshot().frameworks}


def test_no_cache_ever_holds_a_preview(editor_client, client, draft):
    # Public pages first, so the caches hold something to compare with.
    client.get("/compare/?frameworks=django&frameworks=flask")
    client.get("/frameworks/django/")
    assert kept_texts("pages")
    for path in (DRAFT, DRAFT_COMPARISON, DRAFT_COMPARISON + "&w-performance=5"):
        assert editor_client.get(path).status_code == 200
        assert editor_client.get(path, headers={"x-partial": "results"}).status_code == 200
    for alias in ("pages", "fragments"):
        for text in kept_texts(alias):
            assert BANNER not in text and "draft-badge" not in text, alias
            assert "/frameworks/bottle/" not in text, alias
            assert 'value="bottle"' not in text, alias  # the picker's choice of the draft


def test_an_editor_compares_a_draft_marked_in_every_table(editor_client, draft):
    response = editor_client.get(DRAFT_COMPARISON)
    assert response.status_code == 200
    html = response.content.decode()
    assert BANNER in html and "unpublished frameworks (Bottle)" in html
    # The ranking, the ratings table and the features table each mark it.
    assert html.count('<span class="badge draft-badge">Draft</span>') >= 3
    assert 'value="bottle"' in html  # the picker keeps it, so other answers keep it too
    assert_private(response)
    partial = editor_client.get(DRAFT_COMPARISON, headers={"x-partial": "results"})
    assert partial.status_code == 200 and BANNER in partial.content.decode()
    assert_private(partial)
    # A conditional request is still answered in full: a preview has no validator to match.
    again = editor_client.get(DRAFT_COMPARISON, headers={"if-none-match": "*"})
    assert again.status_code == 200


def test_an_editor_on_published_pages_gets_the_public_answer(editor_client, draft):
    response = editor_client.get("/frameworks/django/")
    assert response.status_code == 200 and response.has_header("ETag")
    assert BANNER not in response.content.decode()


def test_the_api_does_not_preview(editor_client, draft):
    assert editor_client.get("/api/compare/?frameworks=bottle").status_code == 400


def test_a_logged_in_non_editor_gets_404(client, django_user_model, draft):
    visitor = django_user_model.objects.create_user("vic", password="a-long-passphrase-7")
    client.force_login(visitor)
    assert client.get(DRAFT).status_code == 404
    staff_without_rights = django_user_model.objects.create_user(
        "sam", password="a-long-passphrase-8", is_staff=True
    )
    client.force_login(staff_without_rights)
    assert client.get(DRAFT).status_code == 404


def test_public_pages_vary_by_cookie_and_never_load_a_session(client, draft):
    """A shared cache must not hand a visitor's copy to an editor; and serving visitors costs
    no session lookup: only a request with a session cookie can be an editor's."""
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load",
        side_effect=AssertionError("an anonymous page loaded a session"),
    ):
        for path in ("/frameworks/django/", "/compare/?frameworks=django&frameworks=flask"):
            response = client.get(path)
            assert response.status_code == 200 and response.has_header("ETag")
            assert "Cookie" in response["Vary"]
            assert "no-cache" in response["Cache-Control"]
        assert client.get(DRAFT).status_code == 404
