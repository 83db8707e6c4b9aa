"""The editors' admin: every page an editor uses, what an editor may not do, saves that are
checked against each other (optimistic locking), and history that can be read and reverted."""

import pytest
from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from frameworks import catalog
from frameworks.admin import FrameworkAdmin
from frameworks.models import (
    Capability,
    Criterion,
    Framework,
    FrameworkCapability,
    ProCon,
    Rating,
    UseCase,
    UseCaseFit,
)
from tests.conftest import editors_group, form_data, with_reason

CATALOG_ADMINS = [
    Framework,
    Criterion,
    Capability,
    UseCase,
    Rating,
    FrameworkCapability,
    ProCon,
    UseCaseFit,
]


def admin_url(model, view, *args):
    return reverse(f"admin:frameworks_{model._meta.model_name}_{view}", args=args)


def test_editors_group_can_curate_the_catalog_but_not_users(db):
    group = editors_group()
    codenames = set(group.permissions.values_list("codename", flat=True))
    for model in CATALOG_ADMINS:
        name = model._meta.model_name
        assert {f"add_{name}", f"change_{name}", f"view_{name}"} <= codenames
    assert not any(code.endswith(("_user", "_group", "_permission")) for code in codenames)
    assert "delete_framework" not in codenames and "delete_criterion" not in codenames


def test_every_catalog_model_is_registered_with_history():
    for model in CATALOG_ADMINS:
        assert isinstance(admin.site._registry[model], SimpleHistoryAdmin), model


@pytest.mark.parametrize("model", CATALOG_ADMINS, ids=lambda m: m._meta.model_name)
def test_changelist_add_and_change_pages_open_for_an_editor(editor_client, small_catalog, model):
    response = editor_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == model.objects.count() > 0
    assert editor_client.get(admin_url(model, "add")).status_code == 200
    obj = model.objects.first()
    response = editor_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200
    assert editor_client.get(admin_url(model, "history", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", CATALOG_ADMINS, ids=lambda m: m._meta.model_name)
def test_changelist_search_and_filters_work(editor_client, small_catalog, model):
    model_admin = admin.site._registry[model]
    response = editor_client.get(admin_url(model, "changelist"), {"q": "flask"})
    assert response.status_code == 200
    for spec in model_admin.list_filter:
        # A field name, a (field, filter) pair, or a filter class with its own parameter.
        if isinstance(spec, str):
            field = spec
        elif isinstance(spec, type):
            field = spec.parameter_name
            response = editor_client.get(admin_url(model, "changelist"), {field: "yes"})
            assert response.status_code == 200
        else:
            field = spec[0]
        assert field, spec
    # A filter chosen from the sidebar narrows the list rather than erroring.
    if model is Framework:
        response = editor_client.get(admin_url(model, "changelist"), {"is_published__exact": "0"})
        assert [f.slug for f in response.context["cl"].result_list] == ["bottle"]


def test_framework_list_shows_completeness_and_review_date(editor_client, small_catalog):
    html = editor_client.get(admin_url(Framework, "changelist")).content.decode()
    assert "2/2" in html  # Flask rates both criteria
    assert "1/2 (incomplete)" in html  # Bottle rates one
    assert "Nov. 1, 2026" in html


def test_editor_cannot_touch_users_groups_or_delete_a_framework(editor_client, small_catalog):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_user_add")).status_code == 403
    flask = small_catalog["flask"]
    assert editor_client.get(admin_url(Framework, "delete", flask.pk)).status_code == 403
    confirmed = with_reason({"post": "yes"}, "Trying to delete it")
    assert (
        editor_client.post(admin_url(Framework, "delete", flask.pk), confirmed).status_code == 403
    )
    assert Framework.objects.filter(pk=flask.pk).exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client, small_catalog):
    response = client.get(admin_url(Framework, "changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_rating_inline_offers_only_the_criterion_levels(editor_client, small_catalog):
    flask = small_catalog["flask"]
    response = editor_client.get(admin_url(Framework, "change", flask.pk))
    inline = next(
        formset
        for formset in response.context["inline_admin_formsets"]
        if formset.formset.model is Rating
    )
    for form in inline.formset.forms:
        levels = form.fields["level"].queryset
        assert {level.criterion_id for level in levels} == {form.instance.criterion_id}


def test_framework_page_saves_everything_and_the_next_result_follows(editor_client, small_catalog):
    flask = small_catalog["flask"]
    url = admin_url(Framework, "change", flask.pk)
    data = form_data(editor_client.get(url).content.decode(), "framework_form")
    # The page posts what it shows: change the learning-curve rating from Easy to Steep.
    for key, values in data.items():
        # initial-… inputs hold what the page opened with (for the lock), not what is edited.
        if (
            key.endswith("-criterion")
            and not key.startswith("initial-")
            and values == [str(small_catalog["ease"].pk)]
        ):
            level_key = key.replace("-criterion", "-level")
    steep = small_catalog["ease"].levels.get(label="Steep")
    data[level_key] = [str(steep.pk)]
    data["overview"] = ["Edited through the admin."]
    before = editor_client.get("/api/compare/", {"w-learning-curve": "5"}).json()
    response = editor_client.post(url, with_reason(data))
    assert response.status_code == 302, response.context["errors"]
    flask.refresh_from_db()
    assert flask.overview == "Edited through the admin."
    # Nothing else on the page was lost on the way.
    assert flask.ratings.count() == 2 and flask.procons.count() == 2
    assert flask.capabilities.get().extension == "Flask-SQLAlchemy"
    after = editor_client.get("/api/compare/", {"w-learning-curve": "5"}).json()
    assert before[0]["score"] != after[0]["score"]
    assert after[0]["breakdown"][0]["level"] == "Steep"


def test_invalid_value_is_refused_with_a_clear_message(editor_client, small_catalog):
    flask = small_catalog["flask"]
    url = admin_url(Framework, "change", flask.pk)
    data = form_data(editor_client.get(url).content.decode(), "framework_form")
    data["color"] = ["green"]
    response = editor_client.post(url, with_reason(data))
    assert response.status_code == 200
    assert "Enter a hex colour such as #0c4b33." in response.content.decode()
    flask.refresh_from_db()
    assert flask.color != "green"


def test_a_level_from_another_criterion_names_the_criterion(editor_client, small_catalog):
    rating = Rating.objects.get(framework=small_catalog["flask"], criterion__slug="performance")
    url = admin_url(Rating, "change", rating.pk)
    data = form_data(editor_client.get(url).content.decode(), "rating_form")
    # The stand-alone rating page offers every level; pick one of another criterion's scale.
    data["level"] = [str(small_catalog["ease"].levels.get(label="Steep").pk)]
    response = editor_client.post(url, with_reason(data))
    assert response.status_code == 200
    assert "Choose one of the levels of “Performance”" in response.content.decode()


def test_second_of_two_concurrent_saves_is_refused_and_keeps_its_input(
    client, editor, django_user_model, small_catalog
):
    other = django_user_model.objects.create_user("omar", password="x" * 20, is_staff=True)
    other.groups.add(editors_group())
    flask = small_catalog["flask"]
    url = admin_url(Framework, "change", flask.pk)
    client.force_login(editor)
    first = form_data(client.get(url).content.decode(), "framework_form")
    client.force_login(other)
    second = form_data(client.get(url).content.decode(), "framework_form")

    first["tagline"] = ["Edna's tagline"]
    client.force_login(editor)
    assert client.post(url, with_reason(first)).status_code == 302

    second["tagline"] = ["Omar's tagline"]
    client.force_login(other)
    response = client.post(url, with_reason(second))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Another editor saved this framework by edna" in html
    assert "Omar&#x27;s tagline" in html  # their input is still in the form
    flask.refresh_from_db()
    assert flask.tagline == "Edna's tagline"

    # Saving again from that page is a deliberate choice to keep their version.
    kept = form_data(html, "framework_form")
    assert client.post(url, with_reason(kept)).status_code == 302
    flask.refresh_from_db()
    assert flask.tagline == "Omar's tagline"


def test_history_shows_who_and_what_and_can_be_reverted(editor_client, editor, small_catalog):
    flask = small_catalog["flask"]
    original = flask.tagline
    url = admin_url(Framework, "change", flask.pk)
    data = form_data(editor_client.get(url).content.decode(), "framework_form")
    data["tagline"] = ["A tagline that turned out wrong"]
    assert editor_client.post(url, with_reason(data)).status_code == 302

    response = editor_client.get(admin_url(Framework, "history", flask.pk))
    html = response.content.decode()
    assert "edna" in html and "Tagline" in html and "A tagline that turned out wrong" in html

    old = flask.history.order_by("history_date").first()
    revert_url = reverse(
        "admin:frameworks_framework_simple_history", args=[flask.pk, old.history_id]
    )
    page = editor_client.get(revert_url)
    assert page.status_code == 200
    data = form_data(page.content.decode(), "historicalframework_form")
    assert data["tagline"] == [original]
    response = editor_client.post(revert_url, with_reason(data))
    assert response.status_code == 302, response.context["errors"]
    flask.refresh_from_db()
    assert flask.tagline == original
    assert flask.history.count() == 3  # created, changed, reverted: nothing is lost


def test_rating_history_keeps_every_level(editor_client, small_catalog):
    rating = Rating.objects.get(framework=small_catalog["flask"], criterion__slug="performance")
    url = admin_url(Rating, "change", rating.pk)
    data = form_data(editor_client.get(url).content.decode(), "rating_form")
    data["level"] = [str(small_catalog["speed"].levels.get(label="High").pk)]
    assert editor_client.post(url, with_reason(data)).status_code == 302
    labels = [h.level.label for h in rating.history.order_by("history_date")]
    assert labels == ["Medium", "High"]
    html = editor_client.get(admin_url(Rating, "history", rating.pk)).content.decode()
    assert "edna" in html


def test_publish_and_unpublish_actions_bump_the_catalog(editor_client, small_catalog, rate, fit):
    url = admin_url(Framework, "changelist")
    bottle = small_catalog["bottle"]
    # Only a complete framework can be published (tests/test_publish_checks.py has the rule).
    bottle.ratings.update(note="Tiny.", source_url="https://bottlepy.org/")
    rate(bottle, small_catalog["speed"], "High", note="Fast.", source_url="https://bottlepy.org/")
    fit(bottle, UseCase.objects.get(), 4)
    before = catalog.current_version()
    response = editor_client.post(
        url,
        with_reason({"action": "publish", "_selected_action": [bottle.pk], "apply": "1"}),
        follow=True,
    )
    assert "Published 1 framework(s)." in response.content.decode()
    bottle.refresh_from_db()
    assert bottle.is_published and catalog.current_version() != before
    latest = bottle.history.latest("history_date")
    assert latest.is_published and latest.history_user.username == "edna"
    editor_client.post(
        url, with_reason({"action": "unpublish", "_selected_action": [bottle.pk], "apply": "1"})
    )
    bottle.refresh_from_db()
    assert not bottle.is_published


def test_change_page_links_to_the_public_page(editor_client, small_catalog):
    flask = small_catalog["flask"]
    html = editor_client.get(admin_url(Framework, "change", flask.pk)).content.decode()
    assert "View on site" in html
    assert (
        reverse(
            "admin:view_on_site",
            args=[
                editor_client.get(admin_url(Framework, "change", flask.pk)).context[
                    "content_type_id"
                ],
                flask.pk,
            ],
        )
        in html
    )


def test_add_a_framework_with_its_inlines(editor_client, small_catalog):
    url = admin_url(Framework, "add")
    data = form_data(editor_client.get(url).content.decode(), "framework_form")
    data.update(name=["Quart"], slug=["quart"], color=["#33691e"], category=["micro"])
    for prefix in ("ratings", "capabilities", "procons", "fits"):
        assert data[f"{prefix}-TOTAL_FORMS"] == ["0"]
    data.update(
        {
            "ratings-TOTAL_FORMS": ["1"],
            "ratings-0-criterion": [str(small_catalog["ease"].pk)],
            "ratings-0-level": [str(small_catalog["ease"].levels.get(label="Moderate").pk)],
            "ratings-0-reviewed_on": ["2026-11-20"],
            "procons-TOTAL_FORMS": ["1"],
            "procons-0-kind": ["pro"],
            "procons-0-text": ["Flask's API, async all the way"],
            "procons-0-position": ["1"],
        }
    )
    response = editor_client.post(url, with_reason(data))
    assert response.status_code == 302, response.context["errors"]
    quart = Framework.objects.get(slug="quart")
    assert quart.ratings.get().level.label == "Moderate"
    assert quart.procons.get().text == "Flask's API, async all the way"
    assert not quart.is_published  # drafts stay hidden until an editor publishes them


def test_framework_admin_declares_what_editors_need():
    model_admin = FrameworkAdmin(Framework, admin.site)
    assert {"is_published", "completeness", "last_reviewed"} <= set(model_admin.list_display)
    assert model_admin.search_fields and model_admin.list_filter
    assert {"publish", "unpublish"} <= set(model_admin.actions)
    assert model_admin.prepopulated_fields == {"slug": ["name"]}


def test_admin_is_branded_with_the_site_name(editor_client, settings):
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert f"{settings.SITE_NAME} · Editors" in html
