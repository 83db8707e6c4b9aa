"""Visitors' suggested corrections: the form, its abuse limits, and the editors' decision.

The form lives at its own address (the public pages stay cached) and needs no account; a
suggestion is stored pending. An editor accepts it in the admin (applied as an edit, with
history naming the suggestion and a catalog version bump) or rejects it with a note; a cell
edited since the suggestion was filed is never silently overwritten.
"""

import re
import shutil

import pytest
from django.core.cache import caches
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st

import comparator.cache
import comparator.settings
from frameworks import catalog
from frameworks.models import (
    CatalogState,
    FrameworkCapability,
    Level,
    Rating,
    Suggestion,
)
from frameworks.suggestion_views import SUGGESTIONS_PER_HOUR
from tests.conftest import need

RATING_FORM = "/suggest/flask/performance/"
CAPABILITY_FORM = "/suggest/flask/capability/admin/"
EVIDENCE = "https://example.org/benchmarks/flask-3"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    caches["default"].clear()
    yield
    caches["default"].clear()


def level(criterion, label):
    return Level.objects.get(criterion__slug=criterion, label=label)


def rating(framework="flask", criterion="performance"):
    return Rating.objects.select_related("level").get(
        framework__slug=framework, criterion__slug=criterion
    )


def other_level(framework="flask", criterion="performance"):
    current = rating(framework, criterion).level
    return Level.objects.filter(criterion=current.criterion).exclude(pk=current.pk).first()


def suggest(client, path=RATING_FORM, extra=None, **fields):
    data = {"evidence_url": EVIDENCE, "comment": "", "contact_email": "", "website": ""}
    if "capability" not in path:
        data["proposed_level"] = str(other_level().pk)
    data |= fields
    return client.post(path, data, **(extra or {}))


# --- The form ------------------------------------------------------------------------------------


def test_the_form_offers_only_that_criterions_levels_and_is_never_cached(client, shipped_catalog):
    response = client.get(RATING_FORM)
    assert response.status_code == 200
    html = response.content.decode()
    offered = set(re.findall(r'name="proposed_level" value="(\d+)"', html))
    expected = {
        str(pk)
        for pk in Level.objects.filter(criterion__slug="performance").values_list("pk", flat=True)
    }
    assert offered == expected
    assert "csrfmiddlewaretoken" in html
    assert "no-store" in response["Cache-Control"] and not response.has_header("ETag")
    assert f"we say <strong>{rating().level.label}</strong>" in html


def test_a_suggestion_is_stored_pending_then_thanked_post_redirect_get(client, shipped_catalog):
    proposed = other_level()
    response = suggest(client, comment="Faster since 3.0.", contact_email="ann@example.org")
    assert response.status_code == 302
    assert response["Location"] == "/suggest/thanks/?framework=flask"
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and "Back to Flask" in thanks.content.decode()
    suggestion = Suggestion.objects.get()
    assert suggestion.status == Suggestion.Status.PENDING
    assert suggestion.proposed_level == proposed
    assert suggestion.was == rating().level.label
    assert suggestion.based_on_version == rating().version
    assert suggestion.comment == "Faster since 3.0."


def test_filing_leaves_the_public_pages_cached(client, shipped_catalog):
    """A pending suggestion changes nothing visitors see: no version bump, same ETag."""
    page = client.get("/frameworks/flask/")
    version = CatalogState.objects.get().version
    filed(client)
    assert CatalogState.objects.get().version == version
    repeat = client.get("/frameworks/flask/", headers={"if-none-match": page["ETag"]})
    assert repeat.status_code == 304


def test_every_rating_and_capability_cell_links_to_its_form(client, shipped_catalog):
    page = client.get("/frameworks/flask/").content.decode()
    assert 'href="/suggest/flask/performance/"' in page
    assert 'href="/suggest/flask/capability/admin/"' in page
    results = client.get("/compare/?frameworks=flask&frameworks=django").content.decode()
    for criterion in shipped_catalog["criteria"]:
        for slug in ("flask", "django"):
            assert f'href="/suggest/{slug}/{criterion["slug"]}/"' in results
    for capability in shipped_catalog["capabilities"]:
        assert f'href="/suggest/django/capability/{capability["slug"]}/"' in results
    for href in set(re.findall(r'href="(/suggest/[^"]+)"', results)):
        assert client.get(href).status_code == 200, href


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"evidence_url": ""}, "evidence_url"),
        ({"evidence_url": "not a link"}, "evidence_url"),
        ({"proposed_level": ""}, "proposed_level"),
        ({"contact_email": "nobody"}, "contact_email"),
    ],
)
def test_invalid_answers_are_refused_with_field_errors(client, shipped_catalog, fields, field):
    response = suggest(client, **fields)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Suggestion.objects.exists()


def test_a_level_of_another_criterion_is_refused(client, shipped_catalog):
    response = suggest(client, proposed_level=str(level("learning-curve", "Easy").pk))
    assert response.status_code == 400
    assert "proposed_level" in response.context["form"].errors
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"evidence_url": "https://example.org/" + "a" * 500},
        {"comment": "x" * 2001},
        {"contact_email": "a" * 250 + "@example.org"},
        {"website": "x" * 300},
    ],
    ids=["evidence", "comment", "email", "honeypot"],
)
def test_every_field_has_a_size_limit(client, shipped_catalog, fields):
    response = suggest(client, **fields)
    assert response.status_code == 400
    assert not Suggestion.objects.exists()


def test_a_huge_post_is_refused_not_a_500(client, shipped_catalog):
    response = suggest(client, comment="x" * 3_000_000)
    assert response.status_code == 400
    assert not Suggestion.objects.exists()


HOSTILE = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["", "\x00", "%ff", "<script>", "https://example.org/\x00", "a" * 5000, "-1"]),
)


@fuzz_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    path=st.sampled_from([RATING_FORM, CAPABILITY_FORM]),
    fields=st.dictionaries(
        st.sampled_from(
            ["proposed_level", "proposed_support", "proposed_text", "evidence_url", "comment",
             "contact_email"]
        ),
        HOSTILE,
    ),
)  # fmt: skip
def test_hostile_answers_never_500(client, shipped_catalog, path, fields):
    caches["default"].clear()
    response = suggest(client, path, **fields)
    assert response.status_code in (302, 400), response.status_code


def test_the_honeypot_refuses_robots_with_a_clear_message(client, shipped_catalog):
    response = suggest(client, website="https://spam.example")
    assert response.status_code == 400
    assert "“Leave this empty”" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_the_honeypot_is_hidden_from_people(client, shipped_catalog):
    html = client.get(RATING_FORM).content.decode()
    assert re.search(r'<div class="d-none"><label for="id_website">', html)


def test_csrf_is_enforced(shipped_catalog):
    browser = Client(enforce_csrf_checks=True)
    refused = suggest(browser)
    assert refused.status_code == 403
    assert "reload the form and send it again" in refused.content.decode()
    assert not Suggestion.objects.exists()
    page = browser.get(RATING_FORM).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert suggest(browser, csrfmiddlewaretoken=token).status_code == 302
    assert Suggestion.objects.count() == 1


def test_five_an_hour_per_address_then_refused_with_a_clear_message(client, shipped_catalog):
    for _ in range(SUGGESTIONS_PER_HOUR):
        assert suggest(client).status_code == 302
    refused = suggest(client)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 3000
    assert "sent 5 suggestions in the past hour" in refused.content.decode()
    assert EVIDENCE in refused.content.decode()  # what they typed is kept
    assert Suggestion.objects.count() == SUGGESTIONS_PER_HOUR
    # A forged X-Forwarded-For does not make a new address without a trusted proxy...
    assert suggest(client, extra={"HTTP_X_FORWARDED_FOR": "203.0.113.9"}).status_code == 429
    # ...but another client is another address.
    assert suggest(client, extra={"REMOTE_ADDR": "198.51.100.7"}).status_code == 302


def test_behind_a_proxy_the_limit_counts_the_forwarded_client(client, shipped_catalog, settings):
    options = comparator.settings.client_address_settings(1)
    for name, value in options.items():
        setattr(settings, name, value)
    for _ in range(SUGGESTIONS_PER_HOUR):
        assert suggest(client, extra={"HTTP_X_FORWARDED_FOR": "203.0.113.1"}).status_code == 302
    assert suggest(client, extra={"HTTP_X_FORWARDED_FOR": "203.0.113.1"}).status_code == 429
    assert suggest(client, extra={"HTTP_X_FORWARDED_FOR": "203.0.113.2"}).status_code == 302


def test_with_redis_down_suggestions_fail_closed_with_a_clear_message(
    client, shipped_catalog, settings
):
    """The rate limit cannot count without its cache: refused (503), not unlimited, not 500."""
    need(shutil.which("redis-server") is not None, "redis-server is not installed")
    from tests.servers import redis_server

    with redis_server() as server:
        comparator.cache._breakers.clear()
        settings.CACHES = settings.CACHES | {
            "default": comparator.settings.redis_cache(server.url, retry_after=0.5)
        }
        assert suggest(client).status_code == 302  # counted in Redis
        server.kill()
        refused = suggest(client)
    comparator.cache._breakers.clear()
    assert refused.status_code == 503 and refused.has_header("Retry-After")
    assert "cannot be taken for a moment" in refused.content.decode()
    assert Suggestion.objects.count() == 1


def test_unknown_or_unpublished_targets_are_404(client, shipped_catalog):
    from frameworks.models import Framework

    Framework.objects.filter(slug="bottle").update(is_published=False)
    for path in (
        "/suggest/nope/performance/",
        "/suggest/flask/nope/",
        "/suggest/flask/capability/nope/",
        "/suggest/bottle/performance/",
    ):
        assert client.get(path).status_code == 404, path


def test_a_capability_suggestion_via_an_extension_names_it(client, shipped_catalog):
    response = suggest(client, CAPABILITY_FORM, proposed_support="extension")
    assert response.status_code == 400
    assert "proposed_text" in response.context["form"].errors
    response = suggest(
        client, CAPABILITY_FORM, proposed_support="extension", proposed_text="Flask-AppBuilder"
    )
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert (suggestion.capability.slug, suggestion.proposed_text) == ("admin", "Flask-AppBuilder")


# --- The editors' decision -----------------------------------------------------------------------


def filed(client, path=RATING_FORM, **fields):
    assert suggest(client, path, **fields).status_code == 302
    return Suggestion.objects.latest("pk")


def decide(editor_client, suggestion, button, note=""):
    url = f"/admin/frameworks/suggestion/{suggestion.pk}/change/"
    return editor_client.post(url, {"decision_note": note, button: "1"}, follow=True)


def test_the_pending_queue_is_a_filtered_changelist(client, editor_client, shipped_catalog):
    first = filed(client)
    second = filed(client)
    Suggestion.objects.filter(pk=second.pk).update(status=Suggestion.Status.REJECTED)
    response = editor_client.get("/admin/frameworks/suggestion/?status__exact=pending")
    assert response.status_code == 200
    shown = [row.pk for row in response.context["cl"].result_list]
    assert shown == [first.pk]
    assert editor_client.get(f"/admin/frameworks/suggestion/{first.pk}/change/").status_code == 200


def test_accepting_applies_it_as_an_edit_with_history_and_a_version_bump(
    client, editor, editor_client, shipped_catalog
):
    suggestion = filed(client)
    before = CatalogState.objects.get().version
    old_label = rating().level.label
    assert f">{old_label}<" in client.get("/frameworks/flask/").content.decode()

    response = decide(editor_client, suggestion, "_accept", note="Checked the benchmark.")
    assert response.status_code == 200
    assert f"Suggestion #{suggestion.pk} accepted" in response.content.decode()

    stored = rating()
    assert stored.level == suggestion.proposed_level
    entry = stored.history.order_by("-history_date", "-history_id").first()
    assert entry.history_change_reason == f"Suggestion #{suggestion.pk} accepted"
    assert entry.history_user == editor
    assert CatalogState.objects.get().version > before
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.ACCEPTED
    assert (suggestion.decided_by, suggestion.decision_note) == (editor, "Checked the benchmark.")
    # The public page shows the new level at once.
    catalog.forget_snapshot()
    page = client.get("/frameworks/flask/").content.decode()
    assert f"<td>{stored.level.label}</td>" in page


def test_accepting_a_capability_suggestion(client, editor_client, shipped_catalog):
    suggestion = filed(
        client, CAPABILITY_FORM, proposed_support="extension", proposed_text="Flask-AppBuilder"
    )
    decide(editor_client, suggestion, "_accept")
    row = FrameworkCapability.objects.get(framework__slug="flask", capability__slug="admin")
    assert (row.support, row.extension) == ("extension", "Flask-AppBuilder")
    entry = row.history.order_by("-history_date", "-history_id").first()
    assert entry.history_change_reason == f"Suggestion #{suggestion.pk} accepted"


def test_rejecting_needs_a_note_and_changes_nothing_in_the_catalog(
    client, editor_client, shipped_catalog
):
    suggestion = filed(client)
    before = (rating().level, CatalogState.objects.get().version)
    response = decide(editor_client, suggestion, "_reject")
    assert "Say why in the decision note" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.PENDING

    decide(editor_client, suggestion, "_reject", note="The benchmark is of another framework.")
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.REJECTED
    assert suggestion.decision_note == "The benchmark is of another framework."
    assert (rating().level, CatalogState.objects.get().version) == before
    # A decision is final.
    decide(editor_client, suggestion, "_accept")
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.REJECTED


def test_a_stale_accept_is_refused_and_the_editor_decides(client, editor_client, shipped_catalog):
    suggestion = filed(client)
    newer = rating()
    newest_level = (
        Level.objects.filter(criterion=newer.criterion)
        .exclude(pk__in=[newer.level_id, suggestion.proposed_level_id])
        .first()
    )
    newer.level = newest_level
    newer.save()  # another editor's edit, after the suggestion was filed

    response = decide(editor_client, suggestion, "_accept")
    text = response.content.decode()
    assert "changed after suggestion" in text and "Nothing was applied" in text
    assert rating().level == newest_level
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.PENDING
    page = editor_client.get(f"/admin/frameworks/suggestion/{suggestion.pk}/change/")
    assert 'name="_accept_anyway"' in page.content.decode()

    decide(editor_client, suggestion, "_accept_anyway", note="Newer edit was wrong.")
    assert rating().level == suggestion.proposed_level
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.ACCEPTED
