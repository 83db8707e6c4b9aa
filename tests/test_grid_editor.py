"""The grid editor: one framework on every criterion, one criterion across every framework."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from frameworks.models import Framework, Level, Rating
from tests.conftest import editors_group, form_data, with_reason
from tests.test_admin import admin_url


@pytest.fixture
def omar(db, django_user_model):
    user = django_user_model.objects.create_user("omar", "omar@example.org", "x", is_staff=True)
    user.groups.add(editors_group())
    client = Client()
    client.force_login(user)
    return client


def grid_url(obj):
    return reverse(f"admin:frameworks_{obj._meta.model_name}_grid", args=[obj.pk])


def open_grid(client, obj):
    response = client.get(grid_url(obj))
    assert response.status_code == 200
    return form_data(response.content.decode(), "grid_form")


def cell(obj):
    """The form prefix of the grid row about that criterion (or framework)."""
    return f"cell-{obj.pk}"


def level(criterion, label):
    return str(Level.objects.get(criterion=criterion, label=label).pk)


def test_each_cell_offers_only_its_criterion_levels(editor_client, small_catalog):
    response = editor_client.get(grid_url(small_catalog["bottle"]))
    cells = {c.form.criterion.slug: c.form for c in response.context["cells"]}
    assert set(cells) == {"learning-curve", "performance"}
    for form in cells.values():
        choices = form.fields["level"].choices
        offered = {choice.instance.criterion_id for choice, _ in choices if choice}
        assert offered == {form.criterion.pk}
    html = response.content.decode()
    # Note, source and review date are at hand in every row.
    for name in ("note", "source_url", "reviewed_on"):
        assert html.count(f'name="cell-{small_catalog["speed"].pk}-{name}"') == 1
    # An unrated row starts at "Not rated"; a rated one has no empty choice.
    assert "Not rated" in str(cells["performance"]["level"])
    assert "Not rated" not in str(cells["learning-curve"]["level"])


def test_grid_rates_a_framework_with_history_and_reason(editor_client, editor, small_catalog):
    bottle, speed, ease = small_catalog["bottle"], small_catalog["speed"], small_catalog["ease"]
    data = open_grid(editor_client, bottle)
    data[f"{cell(speed)}-level"] = [level(speed, "High")]
    data[f"{cell(speed)}-note"] = ["Fast for a pure-Python server."]
    data[f"{cell(speed)}-source_url"] = ["https://bottlepy.org/docs/"]
    data[f"{cell(ease)}-note"] = ["One file to read."]
    response = editor_client.post(grid_url(bottle), with_reason(data, "First full rating"))
    assert response.status_code == 302
    new = Rating.objects.get(framework=bottle, criterion=speed)
    assert new.level.label == "High" and new.reviewed_by == editor
    changed = Rating.objects.get(framework=bottle, criterion=ease)
    assert changed.note == "One file to read."
    for rating in (new, changed):
        entry = rating.history.latest("history_date")
        assert entry.history_change_reason == "First full rating"
        assert entry.history_user == editor
    assert changed.history.count() == 2  # created, then changed in the grid


def test_rows_left_alone_are_not_written(editor_client, small_catalog):
    flask = small_catalog["flask"]
    versions = dict(Rating.objects.filter(framework=flask).values_list("pk", "version"))
    response = editor_client.post(grid_url(flask), with_reason(open_grid(editor_client, flask)))
    assert response.status_code == 302
    assert dict(Rating.objects.filter(framework=flask).values_list("pk", "version")) == versions


def test_grid_save_without_a_reason_saves_nothing_and_keeps_the_input(editor_client, small_catalog):
    bottle, speed = small_catalog["bottle"], small_catalog["speed"]
    data = open_grid(editor_client, bottle)
    data[f"{cell(speed)}-level"] = [level(speed, "Low")]
    data[f"{cell(speed)}-note"] = ["Typed, not yet saved"]
    for reason in ("", "y" * 101):
        response = editor_client.post(grid_url(bottle), {**data, "change_reason": [reason]})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Typed, not yet saved" in html
        assert "Say in a few words" in html or "100 characters or fewer" in html
    assert not Rating.objects.filter(framework=bottle, criterion=speed).exists()


def test_a_stale_cell_is_refused_alone_and_keeps_what_was_typed(editor_client, omar, small_catalog):
    flask, ease, speed = small_catalog["flask"], small_catalog["ease"], small_catalog["speed"]
    ednas = open_grid(editor_client, flask)
    omars = open_grid(omar, flask)
    omars[f"{cell(ease)}-note"] = ["Omar's note."]
    assert omar.post(grid_url(flask), with_reason(omars)).status_code == 302

    ednas[f"{cell(ease)}-note"] = ["Edna's note."]
    ednas[f"{cell(speed)}-note"] = ["Edna's speed note."]
    response = editor_client.post(grid_url(flask), with_reason(ednas))
    assert response.status_code == 409
    html = response.content.decode()
    assert re.search(r"Another editor saved this rating by omar at [\d-]+ [\d:]+ UTC", html)
    assert "Edna&#x27;s note." in html or "Edna's note." in html
    assert Rating.objects.get(framework=flask, criterion=ease).note == "Omar's note."
    # The other cell saved.
    assert Rating.objects.get(framework=flask, criterion=speed).note == "Edna's speed note."
    # Saving the refused page again is a deliberate choice, and applies Edna's note only.
    again = form_data(html, "grid_form")
    assert again[f"{cell(ease)}-note"] == ["Edna's note."]
    assert editor_client.post(grid_url(flask), with_reason(again)).status_code == 302
    assert Rating.objects.get(framework=flask, criterion=ease).note == "Edna's note."
    assert Rating.objects.get(framework=flask, criterion=speed).note == "Edna's speed note."


def test_a_cell_rated_by_someone_else_meanwhile_is_refused_not_a_500(
    editor_client, omar, small_catalog
):
    bottle, speed = small_catalog["bottle"], small_catalog["speed"]
    ednas = open_grid(editor_client, bottle)
    omars = open_grid(omar, bottle)
    omars[f"{cell(speed)}-level"] = [level(speed, "Low")]
    assert omar.post(grid_url(bottle), with_reason(omars)).status_code == 302
    ednas[f"{cell(speed)}-level"] = [level(speed, "High")]
    response = editor_client.post(grid_url(bottle), with_reason(ednas))
    assert response.status_code == 409
    assert "Another editor rated this by omar" in response.content.decode()
    assert Rating.objects.get(framework=bottle, criterion=speed).level.label == "Low"
    again = form_data(response.content.decode(), "grid_form")
    assert again[f"{cell(speed)}-level"] == [level(speed, "High")]
    assert editor_client.post(grid_url(bottle), with_reason(again)).status_code == 302
    assert Rating.objects.get(framework=bottle, criterion=speed).level.label == "High"


def test_a_level_of_another_criterion_is_refused(editor_client, small_catalog):
    bottle, speed, ease = small_catalog["bottle"], small_catalog["speed"], small_catalog["ease"]
    data = open_grid(editor_client, bottle)
    data[f"{cell(speed)}-level"] = [level(ease, "Easy")]
    response = editor_client.post(grid_url(bottle), with_reason(data))
    assert response.status_code == 409
    assert not Rating.objects.filter(framework=bottle, criterion=speed).exists()


def test_criterion_grid_rates_every_framework(editor_client, small_catalog, make_framework):
    speed = small_catalog["speed"]
    quart = make_framework("quart", name="Quart", is_published=False)
    response = editor_client.get(grid_url(speed))
    assert [c.heading for c in response.context["cells"]] == ["Bottle", "Flask", "Quart"]
    data = form_data(response.content.decode(), "grid_form")
    data[f"{cell(quart)}-level"] = [level(speed, "Medium")]
    data[f"{cell(small_catalog['bottle'])}-level"] = [level(speed, "Low")]
    assert editor_client.post(grid_url(speed), with_reason(data)).status_code == 302
    assert {r.framework.slug: r.level.label for r in speed.ratings.all()} == {
        "bottle": "Low",
        "flask": "Medium",
        "quart": "Medium",
    }


@pytest.mark.parametrize("bad", ["abc", "999999", "1.5"])
def test_a_bad_id_is_a_404(editor_client, small_catalog, bad):
    for model in ("framework", "criterion"):
        url = reverse(f"admin:frameworks_{model}_grid", args=[bad])
        assert editor_client.get(url).status_code == 404


def test_the_change_pages_link_to_the_grids(editor_client, small_catalog):
    for obj in (small_catalog["flask"], small_catalog["speed"]):
        html = editor_client.get(admin_url(type(obj), "change", obj.pk)).content.decode()
        assert grid_url(obj) in html


def test_framework_page_new_rating_row_groups_levels_by_criterion(editor_client, small_catalog):
    response = editor_client.get(admin_url(Framework, "change", small_catalog["bottle"].pk))
    inline = next(f for f in response.context["inline_admin_formsets"] if f.formset.model is Rating)
    empty = str(inline.formset.empty_form["level"])
    assert '<optgroup label="Learning curve">' in empty
    assert '<optgroup label="Performance">' in empty
    # Existing rows: only their criterion's levels.
    for form in inline.formset.forms:
        offered = {lvl.criterion_id for lvl in form.fields["level"].queryset}
        assert offered == {form.instance.criterion_id}
