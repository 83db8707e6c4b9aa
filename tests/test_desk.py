"""The editors' desk: queues with counts and links, Mark reviewed, and the review-age filter."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frameworks.models import Framework, Rating, Suggestion
from tests.conftest import with_reason
from tests.test_admin import admin_url

TODAY = timezone.localdate()


def days_ago(days):
    return TODAY - timedelta(days=days)


@pytest.fixture
def desk_catalog(small_catalog):
    """Flask complete (rated, every capability and fit); Bottle missing pieces; ages spread."""
    ratings = {
        (r.framework.slug, r.criterion.slug): r
        for r in Rating.objects.select_related("framework", "criterion")
    }
    ages = {
        ("flask", "learning-curve"): 800,  # older than 2 years
        ("flask", "performance"): 400,  # older than 1 year
        ("bottle", "learning-curve"): 10,  # fresh
    }
    for key, age in ages.items():
        Rating.objects.filter(pk=ratings[key].pk).update(reviewed_on=days_ago(age))
    # What syncfacts and visitors add to the desk: one flagged rating, one flagged framework,
    # one pending suggestion and one already decided (not waiting).
    Rating.objects.filter(pk=ratings[("flask", "performance")].pk).update(
        flagged_reason="Figure crossed a threshold", flagged_on=TODAY
    )
    Framework.objects.filter(slug="bottle").update(
        flagged_reason="No release since 2024-03", flagged_on=TODAY
    )
    for status in (Suggestion.Status.PENDING, Suggestion.Status.REJECTED):
        Suggestion.objects.create(
            framework=ratings[("flask", "performance")].framework,
            criterion=ratings[("flask", "performance")].criterion,
            proposed_level=ratings[("flask", "performance")].level,
            evidence_url="https://example.org/evidence",
            status=status,
        )
    return small_catalog


def desk_queues(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response, {queue.slug: queue for queue in response.context["desk"]["queues"]}


def test_desk_shows_each_queue_with_its_count_and_link(editor_client, desk_catalog):
    response, queues = desk_queues(editor_client)
    # Stale: over 365 days (two of Flask's). No source: Flask performance, Bottle learning
    # curve. No note: the same two. Incomplete: Bottle (one criterion, no capability or fit).
    assert {slug: q.count for slug, q in queues.items()} == {
        "stale": 2,
        "no-source": 2,
        "no-note": 2,
        "incomplete": 1,
        "flagged-ratings": 1,
        "flagged-frameworks": 1,
        "suggestions": 1,
    }
    html = response.content.decode()
    for queue in queues.values():
        assert f'href="{queue.url}"' in html.replace("&amp;", "&")
        assert queue.title in html
    # Each link opens a list holding exactly the rows counted.
    for slug, queue in queues.items():
        listed = editor_client.get(queue.url)
        assert listed.status_code == 200, slug
        assert listed.context["cl"].result_count == queue.count, slug


def test_stale_queue_lists_the_oldest_first(editor_client, desk_catalog):
    _, queues = desk_queues(editor_client)
    rows = editor_client.get(queues["stale"].url).context["cl"].result_list
    assert [r.reviewed_on for r in rows] == [days_ago(800), days_ago(400)]


def test_stale_follows_the_setting(editor_client, desk_catalog, settings):
    settings.CATALOG_STALE_AFTER_DAYS = 500
    _, queues = desk_queues(editor_client)
    assert queues["stale"].count == 1
    assert "500 days" in queues["stale"].description


def test_incomplete_filter_names_frameworks_missing_a_piece(
    editor_client, desk_catalog, make_framework
):
    make_framework("empty", name="Empty")
    url = admin_url(Framework, "changelist")
    incomplete = editor_client.get(url, {"completeness": "incomplete"}).context["cl"]
    assert sorted(f.slug for f in incomplete.result_list) == ["bottle", "empty"]
    complete = editor_client.get(url, {"completeness": "complete"}).context["cl"]
    assert [f.slug for f in complete.result_list] == ["flask"]
    # Flask loses its only fit: now incomplete too.
    desk_catalog["flask"].fits.all().delete()
    incomplete = editor_client.get(url, {"completeness": "incomplete"}).context["cl"]
    assert "flask" in {f.slug for f in incomplete.result_list}


@pytest.mark.parametrize(
    ("choice", "expected"), [("6m", {800, 400}), ("1y", {800, 400}), ("2y", {800}), ("x", None)]
)
def test_review_age_filter_offers_older_than(editor_client, desk_catalog, choice, expected):
    url = admin_url(Rating, "changelist")
    page = editor_client.get(url)
    html = page.content.decode()
    for label in ("Older than 6 months", "Older than 1 year", "Older than 2 years"):
        assert label in html
    response = editor_client.get(url, {"reviewed": choice})
    assert response.status_code == 200
    ages = {(TODAY - r.reviewed_on).days for r in response.context["cl"].result_list}
    assert ages == (expected if expected is not None else {800, 400, 10})


def mark(client, ratings, reason="Re-read the docs", apply=True):
    data = {"action": "mark_reviewed", "_selected_action": [r.pk for r in ratings]}
    if apply:
        data = with_reason({**data, "apply": "1"}, reason)
    return client.post(admin_url(Rating, "changelist"), data)


def test_mark_reviewed_asks_for_a_reason_then_records_today_and_the_editor(
    editor_client, editor, desk_catalog
):
    stale = list(Rating.objects.stale())
    versions = {r.pk: r.version for r in stale}
    confirm = mark(editor_client, stale, apply=False)
    assert confirm.status_code == 200
    assert "Reason for this change" in confirm.content.decode()
    assert Rating.objects.stale().count() == 2  # nothing done before the reason is given

    refused = mark(editor_client, stale, reason="")
    assert refused.status_code == 200 and "Say in a few words" in refused.content.decode()
    assert Rating.objects.stale().count() == 2

    response = mark(editor_client, stale)
    assert response.status_code == 302
    assert not Rating.objects.stale().exists()
    for rating in Rating.objects.filter(pk__in=versions):
        assert rating.reviewed_on == TODAY and rating.reviewed_by == editor
        assert rating.version == versions[rating.pk] + 1  # open pages of it are now stale
        latest = rating.history.latest("history_date")
        assert latest.history_change_reason == "Re-read the docs"
        assert latest.history_user == editor


def test_mark_reviewed_refuses_a_reason_over_100_characters(editor_client, desk_catalog):
    stale = list(Rating.objects.stale())
    response = mark(editor_client, stale, reason="x" * 101)
    assert response.status_code == 200
    assert "100 characters or fewer" in response.content.decode()
    assert Rating.objects.stale().count() == 2


def test_recent_changes_say_who_what_when_and_why(editor_client, editor, desk_catalog):
    mark(editor_client, list(Rating.objects.stale()), reason="Annual review")
    response = editor_client.get(reverse("admin:index"))
    changes = response.context["desk"]["changes"]
    assert changes[0].why == "Annual review" and changes[0].who == editor
    dates = [change.when for change in changes]
    assert dates == sorted(dates, reverse=True)
    html = response.content.decode()
    assert "Annual review" in html and "edna" in html
    rating = Rating.objects.get(pk=changes[0].record.id)
    assert admin_url(Rating, "history", rating.pk) in html
    assert changes[0].diff and "→" in html  # the field-by-field diff
    assert any("reviewed by" in str(d["field"]).lower() for d in changes[0].diff)


def test_anonymous_visitors_never_see_the_desk(client, desk_catalog):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
