"""History that tells the story: every admin save asks why, and a framework's History shows
the changes to its ratings, capabilities, fits and pros and cons, with diffs and revert."""

import pytest
from django.contrib import admin
from django.urls import reverse

from frameworks.models import Criterion, Framework, ProCon, Rating, Suggestion
from tests.conftest import complete, form_data, with_reason
from tests.test_admin import CATALOG_ADMINS, admin_url

# A field each change page can change to a valid value, to see whether the save happened.
EDITABLE = {
    "framework": ("tagline", "A tagline"),
    "criterion": ("help_text", "Some help"),
    "capability": ("description", "A description"),
    "usecase": ("description", "A description"),
    "rating": ("note", "A note"),
    "frameworkcapability": ("detail", "A detail"),
    "procon": ("text", "A new text"),
    "usecasefit": ("note", "A note"),
}


def change_page(client, obj):
    url = admin_url(type(obj), "change", obj.pk)
    form_id = f"{obj._meta.model_name}_form"
    return url, form_data(client.get(url).content.decode(), form_id)


def stored(obj, field):
    return getattr(type(obj).objects.get(pk=obj.pk), field)


@pytest.mark.parametrize("model", CATALOG_ADMINS, ids=lambda m: m._meta.model_name)
def test_every_change_page_requires_a_reason_and_stores_it(editor_client, small_catalog, model):
    obj = model.objects.first()
    field, value = EDITABLE[model._meta.model_name]
    url, data = change_page(editor_client, obj)
    assert data["change_reason"] == [""]
    data[field] = [value]
    for reason, message in (("", "Say in a few words"), ("r" * 101, "100 characters or fewer")):
        response = editor_client.post(url, {**data, "change_reason": [reason]})
        assert response.status_code == 200
        assert message in response.content.decode()
        assert stored(obj, field) != value
    response = editor_client.post(url, with_reason(data, "Tidied the wording"))
    assert response.status_code == 302, response.context["errors"]
    assert stored(obj, field) == value
    latest = obj.history.latest("history_date")
    assert latest.history_change_reason == "Tidied the wording"


def test_a_reason_of_exactly_100_characters_is_kept_whole(editor_client, small_catalog):
    flask = small_catalog["flask"]
    url, data = change_page(editor_client, flask)
    data["tagline"] = ["Exactly"]
    reason = "a" * 100
    assert editor_client.post(url, with_reason(data, reason)).status_code == 302
    assert flask.history.latest("history_date").history_change_reason == reason


def test_the_add_page_asks_for_a_reason_too(editor_client, small_catalog):
    url = admin_url(Framework, "add")
    data = form_data(editor_client.get(url).content.decode(), "framework_form")
    data.update(name=["Quart"], slug=["quart"])
    assert editor_client.post(url, data).status_code == 200
    assert not Framework.objects.filter(slug="quart").exists()
    assert editor_client.post(url, with_reason(data, "New in the catalog")).status_code == 302
    created = Framework.objects.get(slug="quart").history.get()
    assert created.history_change_reason == "New in the catalog"


def test_inline_rows_saved_or_deleted_from_the_page_keep_its_reason(editor_client, small_catalog):
    flask = small_catalog["flask"]
    url, data = change_page(editor_client, flask)
    rating = Rating.objects.get(framework=flask, criterion__slug="performance")
    pro = ProCon.objects.get(framework=flask, kind="pro")
    for key, values in list(data.items()):
        if key.startswith("ratings-") and key.endswith("-id") and values == [str(rating.pk)]:
            data[key[:-2] + "note"] = ["Benchmarked again"]
        if key.startswith("procons-") and key.endswith("-id") and values == [str(pro.pk)]:
            data[key[:-2] + "DELETE"] = ["on"]
    response = editor_client.post(url, with_reason(data, "Second look at speed"))
    assert response.status_code == 302, response.context["errors"]
    assert rating.history.latest("history_date").history_change_reason == "Second look at speed"
    deleted = ProCon.history.get(id=pro.pk, history_type="-")
    assert deleted.history_change_reason == "Second look at speed"


def list_form(client, model):
    page = client.get(admin_url(model, "changelist")).content.decode()
    return {**form_data(page, "changelist-form"), "_save": ["Save"]}


def test_a_list_save_asks_for_a_reason(editor_client, small_catalog):
    ease = small_catalog["ease"]
    data = list_form(editor_client, Criterion)
    key = next(
        k[: -len("id")] + "default_weight"
        for k, v in data.items()
        if k.startswith("form-") and k.endswith("-id") and v == [str(ease.pk)]
    )
    data[key] = ["1"]
    response = editor_client.post(admin_url(Criterion, "changelist"), data)
    assert response.status_code == 200
    assert "Say in a few words" in response.content.decode()
    assert stored(ease, "default_weight") != 1
    response = editor_client.post(
        admin_url(Criterion, "changelist"), with_reason(data, "Rebalanced")
    )
    assert response.status_code == 302
    assert stored(ease, "default_weight") == 1
    assert ease.history.latest("history_date").history_change_reason == "Rebalanced"


def test_publish_asks_for_a_reason_on_a_confirmation_page(editor_client, small_catalog, rate, fit):
    bottle = small_catalog["bottle"]
    complete(bottle, small_catalog, rate, fit)  # the publish rule is tested in test_publish_checks
    url = admin_url(Framework, "changelist")
    action = {"action": "publish", "_selected_action": [bottle.pk]}
    page = editor_client.post(url, action)
    assert page.status_code == 200 and "Reason for this change" in page.content.decode()
    assert not stored(bottle, "is_published")
    editor_client.post(url, with_reason({**action, "apply": "1"}, "Ready for visitors"))
    assert stored(bottle, "is_published")
    assert bottle.history.latest("history_date").history_change_reason == "Ready for visitors"


def test_framework_history_lists_its_rows_changes_with_diffs(editor_client, small_catalog):
    flask = small_catalog["flask"]
    rating = Rating.objects.get(framework=flask, criterion__slug="performance")
    url, data = change_page(editor_client, flask)
    for key, values in list(data.items()):
        if key.startswith("ratings-") and key.endswith("-id") and values == [str(rating.pk)]:
            data[key[:-2] + "note"] = ["Measured with wrk"]
        if key.startswith("fits-") and key.endswith("-fit"):
            data[key] = ["4"]
    assert editor_client.post(url, with_reason(data, "Fresh benchmark")).status_code == 302

    response = editor_client.get(admin_url(Framework, "history", flask.pk))
    assert response.status_code == 200
    changes = response.context["part_changes"]
    assert {c.model_name for c in changes[:2]} == {"rating", "use-case fit"}
    html = response.content.decode()
    assert "Fresh benchmark" in html and "Measured with wrk" in html
    by_model = {c.model_name: c for c in changes[:2]}
    assert {"field": "Note", "old": "", "new": "Measured with wrk"} in [
        {k: str(v) for k, v in d.items()} for d in by_model["rating"].diff
    ]
    assert any(str(d["new"]) == "4" for d in by_model["use-case fit"].diff)
    # Other frameworks' rows do not appear here.
    assert all(c.record.framework_id == flask.pk for c in changes)


def test_revert_works_from_the_framework_history(editor_client, small_catalog):
    flask = small_catalog["flask"]
    rating = Rating.objects.get(framework=flask, criterion__slug="learning-curve")
    original = rating.note
    url, data = change_page(editor_client, flask)
    for key, values in list(data.items()):
        if key.startswith("ratings-") and key.endswith("-id") and values == [str(rating.pk)]:
            data[key[:-2] + "note"] = ["A wrong note"]
    assert editor_client.post(url, with_reason(data, "Oops")).status_code == 302

    history = editor_client.get(admin_url(Framework, "history", flask.pk))
    created = next(
        c
        for c in history.context["part_changes"]
        if c.model is Rating and c.record.id == rating.pk and c.record.history_type == "+"
    )
    assert created.revert_url in history.content.decode()
    page = editor_client.get(created.revert_url)
    assert page.status_code == 200
    revert = form_data(page.content.decode(), "historicalrating_form")
    assert revert["note"] == [original]
    assert editor_client.post(created.revert_url, revert).status_code == 200  # no reason yet
    response = editor_client.post(created.revert_url, with_reason(revert, "Undo the slip"))
    assert response.status_code == 302, response.context["errors"]
    assert stored(rating, "note") == original
    assert rating.history.latest("history_date").history_change_reason == "Undo the slip"


def test_the_reason_field_is_declared_on_every_catalog_admin():
    for model in CATALOG_ADMINS:
        model_admin = admin.site._registry[model]
        assert "change_reason" in model_admin.form.declared_fields, model


def test_framework_history_of_a_bad_id_is_a_404(editor_client, small_catalog):
    assert (
        editor_client.get(reverse("admin:frameworks_framework_history", args=["x"])).status_code
        == 404
    )


def test_bulk_delete_asks_for_a_reason_and_keeps_it(editor_client, small_catalog):
    pros = list(ProCon.objects.all())
    url = admin_url(ProCon, "changelist")
    action = {"action": "delete_selected", "_selected_action": [p.pk for p in pros]}
    page = editor_client.post(url, action)
    assert page.status_code == 200 and "Reason for this change" in page.content.decode()
    assert editor_client.post(url, {**action, "apply": "1"}).status_code == 200
    assert ProCon.objects.count() == len(pros)
    editor_client.post(url, with_reason({**action, "apply": "1"}, "Duplicates of the overview"))
    assert not ProCon.objects.exists()
    for pro in pros:
        gone = ProCon.history.get(id=pro.pk, history_type="-")
        assert gone.history_change_reason == "Duplicates of the overview"
        assert gone.history_user.username == "edna"


def test_editors_get_no_bulk_delete_where_they_cannot_delete(editor_client, small_catalog):
    framework_list = editor_client.get(admin_url(Framework, "changelist")).content.decode()
    assert 'value="delete_selected"' not in framework_list
    assert 'value="publish"' in framework_list
    rating_list = editor_client.get(admin_url(Rating, "changelist")).content.decode()
    assert 'value="delete_selected"' in rating_list and 'value="mark_reviewed"' in rating_list


def test_deleting_one_row_asks_for_a_reason_and_keeps_it(editor_client, small_catalog):
    rating = Rating.objects.first()
    url = admin_url(Rating, "delete", rating.pk)
    page = editor_client.get(url).content.decode()
    assert "Are you sure you want to delete" in page and "Reason for this change" in page
    for reason, message in (("", "Say in a few words"), ("r" * 101, "100 characters or fewer")):
        response = editor_client.post(url, {"post": "yes", "change_reason": reason})
        assert response.status_code == 200
        body = response.content.decode()
        assert message in body and "Are you sure you want to delete" in body
        assert Rating.objects.filter(pk=rating.pk).exists()
        # Refused once, "No, take me back" leads to the rating, not back to this same page.
        assert f'href="{admin_url(Rating, "change", rating.pk)}"' in body
    response = editor_client.post(url, {"post": "yes", "change_reason": "Criterion retired"})
    assert response.status_code == 302
    assert not Rating.objects.filter(pk=rating.pk).exists()
    gone = Rating.history.get(id=rating.pk, history_type="-")
    assert gone.history_change_reason == "Criterion retired"
    assert gone.history_user.username == "edna"


@pytest.mark.parametrize("how", ["delete page", "bulk delete"])
def test_rows_deleted_with_a_framework_keep_its_reason(admin_client, small_catalog, how):
    flask = small_catalog["flask"]
    ratings = list(flask.ratings.values_list("pk", flat=True))
    procons = list(flask.procons.values_list("pk", flat=True))
    assert ratings and procons
    reason = {"change_reason": "Project archived upstream"}
    if how == "delete page":
        response = admin_client.post(
            admin_url(Framework, "delete", flask.pk), {"post": "yes", **reason}
        )
    else:
        action = {"action": "delete_selected", "_selected_action": [flask.pk], "apply": "1"}
        response = admin_client.post(admin_url(Framework, "changelist"), {**action, **reason})
    assert response.status_code == 302
    assert not Framework.objects.filter(pk=flask.pk).exists()
    for model, ids in ((Rating, ratings), (ProCon, procons)):
        for gone in model.history.filter(id__in=ids, history_type="-"):
            assert gone.history_change_reason == "Project archived upstream"
        assert model.history.filter(id__in=ids, history_type="-").count() == len(ids)
    # Outside a delete, nothing is filled in: a save without a reason keeps none.
    kept = Rating.objects.first()
    kept.save()
    assert kept.history.latest("history_date").history_change_reason is None


def test_suggestions_keep_djangos_own_delete_page(admin_client, small_catalog):
    flask, speed = small_catalog["flask"], small_catalog["speed"]
    suggestion = Suggestion.objects.create(
        framework=flask, criterion=speed, proposed_level=speed.levels.first(),
        evidence_url="https://example.org/benchmark",
    )  # fmt: skip
    url = admin_url(Suggestion, "delete", suggestion.pk)
    page = admin_client.get(url).content.decode()
    assert "Are you sure you want to delete" in page and "Reason for this change" not in page
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Suggestion.objects.exists()
