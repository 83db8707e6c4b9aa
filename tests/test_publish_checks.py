"""The publish rule (frameworks/publishing.py) and every path that applies it: the admin's
publish action, the framework page (with the inline rows it saves), the catalog files
(loadcatalog; the admin's import in tests/test_admin_import.py) and the shipped catalog."""

import copy
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from frameworks import catalog, publishing
from frameworks.admin import FrameworkAdmin
from frameworks.models import Criterion, Framework, Level, Rating, UseCase, UseCaseFit
from frameworks.publishing import RatingState
from tests.conftest import complete, form_data, with_reason

BOTTLE_GAPS = [
    "Learning curve: no note",
    "Learning curve: no source",
    "Performance: not rated",
    "Use case “Small APIs”: no fit",
]


def change_url(framework):
    return reverse("admin:frameworks_framework_change", args=[framework.pk])


# --- The rule itself ------------------------------------------------------------------------


def test_the_rule_names_every_gap_in_catalog_order():
    gaps = publishing.missing(
        criteria=[(1, "Performance"), (2, "Async support"), (3, "Learning curve")],
        use_cases=[(7, "Real-time apps"), (8, "Content sites")],
        ratings={2: RatingState(note="Native.", source_url=""), 3: RatingState(" ", "https://x")},
        fits=[8],
    )
    assert gaps == [
        "Performance: not rated",
        "Async support: no source",
        "Learning curve: no note",
        "Use case “Real-time apps”: no fit",
    ]
    complete = {1: RatingState("a", "https://a"), 2: RatingState("b", "https://b")}
    assert (
        publishing.missing(criteria=[(1, "A"), (2, "B")], use_cases=[], ratings=complete, fits=())
        == []
    )
    assert not publishing.missing(
        criteria=[(1, "A"), (2, "B")], use_cases=[(5, "U")], ratings=complete, fits=[5]
    )


def test_refusal_stops_publishing_and_new_gaps_but_not_old_ones():
    gaps = ["Performance: no source"]
    assert publishing.refusal(was_published=False, publish=True, before=[], after=gaps) == gaps
    assert publishing.refusal(was_published=False, publish=False, before=[], after=gaps) == []
    # Already published with this gap (published before the rule): other edits may go on.
    assert publishing.refusal(was_published=True, publish=True, before=gaps, after=gaps) == []
    more = [*gaps, "Learning curve: no note"]
    assert publishing.refusal(was_published=True, publish=True, before=gaps, after=more) == more
    assert publishing.refusal(was_published=True, publish=True, before=[], after=[]) == []
    # Rating an unrated criterion without a note yet is progress, not a new gap.
    unrated = ["Performance: not rated"]
    partly = ["Performance: no note", "Performance: no source"]
    assert publishing.refusal(was_published=True, publish=True, before=unrated, after=partly) == []


def test_stored_gaps_match_the_small_catalog(small_catalog):
    bottle, flask = small_catalog["bottle"], small_catalog["flask"]
    gaps = publishing.stored_missing([bottle.pk, flask.pk])
    assert gaps[bottle.pk] == BOTTLE_GAPS
    assert gaps[flask.pk] == ["Performance: no note", "Performance: no source"]


def test_the_shipped_catalog_passes_the_rule(db):
    call_command("loadcatalog", verbosity=0)
    published = list(Framework.objects.published().values_list("pk", flat=True))
    assert len(published) >= 13
    assert publishing.stored_missing(published) == {pk: [] for pk in published}


# --- The publish action ---------------------------------------------------------------------


def test_publish_action_refuses_the_incomplete_and_publishes_the_rest(
    editor_client, small_catalog, make_framework, rate, fit
):
    bottle = small_catalog["bottle"]
    pyramid = make_framework("pyramid", name="Pyramid", is_published=False)
    complete(pyramid, small_catalog, rate, fit)
    version, catalog_version = (
        Framework.objects.get(pk=pyramid.pk).version,
        catalog.current_version(),
    )
    response = editor_client.post(
        reverse("admin:frameworks_framework_changelist"),
        with_reason(
            {"action": "publish", "_selected_action": [bottle.pk, pyramid.pk], "apply": "1"},
            "Rated on every criterion",
        ),
        follow=True,
    )
    shown = [str(message) for message in response.context["messages"]]
    assert shown == [
        f"“Bottle” was not published; it still lacks: {'; '.join(BOTTLE_GAPS)}.",
        "Published 1 framework(s).",
    ]
    bottle.refresh_from_db()
    pyramid.refresh_from_db()
    assert not bottle.is_published and pyramid.is_published
    assert pyramid.version == version + 1 and catalog.current_version() != catalog_version
    latest = pyramid.history.latest("history_date")
    assert latest.is_published and latest.history_user.username == "edna"
    assert latest.history_change_reason == "Rated on every criterion"
    assert not bottle.history.filter(is_published=True).exists()


def test_publish_action_on_only_incomplete_frameworks_publishes_nothing(
    editor_client, small_catalog
):
    before = catalog.current_version()
    response = editor_client.post(
        reverse("admin:frameworks_framework_changelist"),
        with_reason(
            {"action": "publish", "_selected_action": [small_catalog["bottle"].pk], "apply": "1"},
            "Rated on every criterion",
        ),
        follow=True,
    )
    shown = [str(message) for message in response.context["messages"]]
    assert len(shown) == 1 and shown[0].startswith("“Bottle” was not published")
    assert catalog.current_version() == before


def test_a_page_opened_before_the_publish_action_is_refused_as_stale(
    editor_client, small_catalog, rate, fit
):
    bottle = small_catalog["bottle"]
    complete(bottle, small_catalog, rate, fit)
    data = form_data(editor_client.get(change_url(bottle)).content.decode(), "framework_form")
    editor_client.post(
        reverse("admin:frameworks_framework_changelist"),
        with_reason(
            {"action": "publish", "_selected_action": [bottle.pk], "apply": "1"},
            "Rated on every criterion",
        ),
    )
    data["overview"] = ["Written on a page opened before the publish action."]
    response = editor_client.post(change_url(bottle), with_reason(data))
    assert response.status_code == 200
    assert "Another editor saved this framework" in response.content.decode()
    bottle.refresh_from_db()
    assert bottle.is_published and bottle.overview == ""


# --- The framework page ---------------------------------------------------------------------


def _errors(response):
    errors = response.context["adminform"].form.errors.get("is_published")
    return [message for error in errors.as_data() for message in error] if errors else []


def test_ticking_published_on_an_incomplete_framework_lists_what_is_missing(
    editor_client, small_catalog
):
    bottle = small_catalog["bottle"]
    data = form_data(editor_client.get(change_url(bottle)).content.decode(), "framework_form")
    data["is_published"] = ["on"]
    before = catalog.current_version()
    response = editor_client.post(change_url(bottle), with_reason(data))
    assert response.status_code == 200
    assert _errors(response) == [
        "It cannot be published until it is complete; it still lacks:",
        *BOTTLE_GAPS,
    ]
    html = response.content.decode()
    assert "Use case “Small APIs”: no fit" in html
    bottle.refresh_from_db()
    assert not bottle.is_published and catalog.current_version() == before


def test_the_rows_saved_with_the_page_count_not_just_what_is_stored(editor_client, small_catalog):
    bottle, ease, speed = small_catalog["bottle"], small_catalog["ease"], small_catalog["speed"]
    data = form_data(editor_client.get(change_url(bottle)).content.decode(), "framework_form")
    high = Level.objects.get(criterion=speed, label="High")
    data |= {
        "is_published": ["on"],
        # The stored learning-curve row gets its note and source on this page...
        "ratings-0-note": ["One file, no dependencies."],
        "ratings-0-source_url": ["https://bottlepy.org/docs/dev/"],
        # ...a performance row and a fit are added on it too.
        "ratings-TOTAL_FORMS": ["2"],
        "ratings-1-criterion": [str(speed.pk)],
        "ratings-1-level": [str(high.pk)],
        "ratings-1-note": ["Fast for a pure-Python framework."],
        "ratings-1-source_url": ["https://bottlepy.org/"],
        "ratings-1-reviewed_on": ["2026-11-20"],
        "fits-TOTAL_FORMS": ["1"],
        "fits-0-use_case": [str(UseCase.objects.get().pk)],
        "fits-0-fit": ["3"],
    }
    assert data["ratings-0-criterion"] == [str(ease.pk)]
    partial = {key: value for key, value in data.items() if not key.startswith("fits-0")}
    partial["fits-TOTAL_FORMS"] = ["0"]
    response = editor_client.post(change_url(bottle), with_reason(partial))
    assert _errors(response)[1:] == ["Use case “Small APIs”: no fit"]
    assert not Rating.objects.filter(framework=bottle, criterion=speed).exists()

    response = editor_client.post(change_url(bottle), with_reason(data))
    assert response.status_code == 302, response.context["errors"]
    bottle.refresh_from_db()
    assert bottle.is_published and publishing.stored_missing([bottle.pk])[bottle.pk] == []


def test_a_published_framework_cannot_lose_a_fit_or_a_source_on_its_page(
    editor_client, small_catalog, rate, fit
):
    flask = small_catalog["flask"]
    complete(flask, small_catalog, rate, fit)
    data = form_data(editor_client.get(change_url(flask)).content.decode(), "framework_form")
    data["fits-0-DELETE"] = ["on"]
    response = editor_client.post(change_url(flask), with_reason(data))
    assert _errors(response) == [
        "A published framework must stay complete; after this save it would lack:",
        "Use case “Small APIs”: no fit",
    ]
    assert UseCaseFit.objects.filter(framework=flask).exists()

    data = form_data(editor_client.get(change_url(flask)).content.decode(), "framework_form")
    data["ratings-1-source_url"] = [""]
    response = editor_client.post(change_url(flask), with_reason(data))
    assert _errors(response)[1:] == ["Performance: no source"]
    # Unpublishing in the same save lets the gap through: drafts may be incomplete.
    del data["is_published"]
    response = editor_client.post(change_url(flask), with_reason(data))
    assert response.status_code == 302, response.context["errors"]
    assert Rating.objects.get(framework=flask, criterion=small_catalog["speed"]).source_url == ""


def test_a_framework_published_with_old_gaps_can_still_be_edited(editor_client, small_catalog):
    flask = small_catalog["flask"]  # published, performance rated without note or source
    data = form_data(editor_client.get(change_url(flask)).content.decode(), "framework_form")
    data["overview"] = ["Edited while the performance note is still being written."]
    response = editor_client.post(change_url(flask), with_reason(data))
    assert response.status_code == 302, response.context["errors"]
    flask.refresh_from_db()
    assert flask.is_published and flask.overview.startswith("Edited")


def test_adding_a_published_framework_without_its_ratings_is_refused(editor_client, small_catalog):
    url = reverse("admin:frameworks_framework_add")
    data = form_data(editor_client.get(url).content.decode(), "framework_form")
    data |= {
        "name": ["Quart"],
        "slug": ["quart"],
        "color": ["#33691e"],
        "category": ["micro"],
        "is_published": ["on"],
    }
    response = editor_client.post(url, with_reason(data))
    assert _errors(response)[1:] == [
        "Learning curve: not rated",
        "Performance: not rated",
        "Use case “Small APIs”: no fit",
    ]
    assert not Framework.objects.filter(slug="quart").exists()


# --- Catalog files --------------------------------------------------------------------------


def _with_an_incomplete_framework(shipped_data):
    data = copy.deepcopy(shipped_data)
    draft = copy.deepcopy(data["frameworks"][0])
    draft |= {"slug": "newcomer", "name": "Newcomer", "is_published": True}
    del draft["ratings"]["performance"]
    draft["ratings"]["async-support"]["source_url"] = ""
    del draft["use_case_fits"]["real-time"]
    draft["pros"] = draft["cons"] = []
    data["frameworks"].append(draft)
    return data, len(data["frameworks"]) - 1


@pytest.mark.parametrize("database", ["empty", "shipped catalog loaded"])
def test_loadcatalog_refuses_an_incomplete_published_framework(
    db, shipped_data, tmp_path, database
):
    if database != "empty":
        call_command("loadcatalog", verbosity=0)
    data, index = _with_an_incomplete_framework(shipped_data)
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    frameworks, version = Framework.objects.count(), catalog.current_version()
    with pytest.raises(CommandError) as refused:
        call_command("loadcatalog", str(path), verbosity=0)
    place = f"frameworks[{index}] (Newcomer): cannot be published"
    assert str(refused.value).splitlines()[1:] == [
        f"  {place}, Performance: not rated",
        f"  {place}, Async support: no source",
        f"  {place}, Use case “Real-time apps (chat, IoT)”: no fit",
    ]
    assert Framework.objects.count() == frameworks and catalog.current_version() == version
    # The same framework as a draft loads: drafts may be incomplete.
    data["frameworks"][index]["is_published"] = False
    path.write_text(json.dumps(data), encoding="utf-8")
    call_command("loadcatalog", str(path), verbosity=0)
    assert not Framework.objects.get(slug="newcomer").is_published


def test_loadcatalog_leaves_a_published_frameworks_old_gaps_alone(shipped_catalog, tmp_path):
    # Editors added a criterion that nobody is rated on yet: loading the catalog again (as
    # `make run` does) must still work, since it publishes nothing new.
    Criterion.objects.create(slug="security", name="Security")
    call_command("loadcatalog", verbosity=0)
    with pytest.raises(CommandError, match="Security: not rated"):
        export = tmp_path / "export.json"
        call_command("exportcatalog", output=str(export))
        document = json.loads(export.read_text(encoding="utf-8"))
        document["frameworks"][0] |= {"slug": "copy", "name": "Copy"}
        export.write_text(json.dumps(document), encoding="utf-8")
        call_command("loadcatalog", str(export), verbosity=0)


def test_an_editable_published_column_in_the_list_applies_the_rule(
    editor_client, small_catalog, monkeypatch, rate, fit
):
    monkeypatch.setattr(FrameworkAdmin, "list_editable", ["is_published"])
    bottle, flask = small_catalog["bottle"], small_catalog["flask"]
    url = reverse("admin:frameworks_framework_changelist")
    data = form_data(editor_client.get(url).content.decode(), "changelist-form")
    rows = {data[f"form-{i}-id"][0]: i for i in range(int(data["form-TOTAL_FORMS"][0]))}
    data[f"form-{rows[str(bottle.pk)]}-is_published"] = ["on"]
    data["_save"] = ["Save"]
    response = editor_client.post(url, with_reason(data))
    assert response.status_code == 200
    errors = response.context["cl"].formset.forms[rows[str(bottle.pk)]].errors.as_data()
    assert [m for e in errors["is_published"] for m in e][1:] == BOTTLE_GAPS
    bottle.refresh_from_db()
    assert not bottle.is_published
    complete(bottle, small_catalog, rate, fit)
    data = form_data(editor_client.get(url).content.decode(), "changelist-form")
    data[f"form-{rows[str(bottle.pk)]}-is_published"] = ["on"]
    data["_save"] = ["Save"]
    assert editor_client.post(url, with_reason(data)).status_code == 302
    bottle.refresh_from_db()
    flask.refresh_from_db()
    assert bottle.is_published and flask.is_published
