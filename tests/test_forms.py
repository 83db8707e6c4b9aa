"""The requirements form as Django intends: fields per form, Django's own validation."""

import json
import re
from html import unescape

import pytest
from crispy_forms.utils import render_crispy_form

from frameworks import catalog
from frameworks.forms import CompareForm, WeightField


def test_each_form_has_its_own_fields(shipped_catalog):
    snapshot = catalog.current_snapshot()
    one, two = CompareForm(snapshot=snapshot), CompareForm(snapshot=snapshot)
    assert one.fields is not two.fields
    for name in one.fields:
        assert one.fields[name] is not two.fields[name]
        assert one.fields[name].widget is not two.fields[name].widget
    one.fields["require"].widget.attrs["data-written"] = "by one form"
    assert "data-written" not in two.fields["require"].widget.attrs
    assert "data-written" not in CompareForm(snapshot=snapshot).fields["require"].widget.attrs


def test_crispy_renders_the_whole_form_from_the_helper_layout(shipped_catalog):
    snapshot = catalog.current_snapshot()
    form = CompareForm({"w-performance": "4", "require": ["orm"]}, snapshot=snapshot)
    assert form.is_valid()
    html = render_crispy_form(form)
    assert html.count('<section class="form-step"') == 4
    assert 'id="compare-form"' in html and 'method="get"' in html
    assert 'name="w-performance" id="id_w-performance_5" value="4" checked' in html
    boxes = re.findall(r'<input type="checkbox"[^>]*>', html)
    assert [box for box in boxes if "checked" in box] == [
        next(box for box in boxes if 'value="orm"' in box)
    ]


def test_weights_are_cleaned_by_django_with_its_messages(shipped_catalog):
    snapshot = catalog.current_snapshot()
    form = CompareForm({"w-performance": "3"}, snapshot=snapshot)
    assert form.is_valid()
    assert form.cleaned_data["w-performance"] == 3
    assert isinstance(form.fields["w-performance"], WeightField)
    form = CompareForm({"w-performance": ""}, snapshot=snapshot)
    assert form.is_valid()
    assert form.cleaned_data["w-performance"] is None  # Auto
    form = CompareForm({"w-performance": "6"}, snapshot=snapshot)
    assert not form.is_valid()
    assert form.errors["w-performance"] == ["Ensure this value is less than or equal to 5."]
    form = CompareForm({"w-performance": "3.5"}, snapshot=snapshot)
    assert form.errors["w-performance"] == ["Enter a whole number from 0 to 5."]


#: Spellings int() reads (as 3, or 30 or 0) that match none of the buttons: the form rendered
#: from them would show no weight chosen, not even Auto, and lose it on the next submit.
OTHER_SPELLINGS = ["03", "+3", "3.0", " 3", "3 ", " 3 ", "\uff13", "\u0663", "3_0", "-0", "00"]


@pytest.mark.parametrize("value", OTHER_SPELLINGS)
def test_a_weight_is_only_read_as_its_button_sends_it(shipped_catalog, value):
    form = CompareForm({"w-performance": value}, snapshot=catalog.current_snapshot())
    assert not form.is_valid()
    assert form.errors["w-performance"] == ["Enter a whole number from 0 to 5."]


@pytest.mark.parametrize("value", ["", "0", "1", "2", "3", "4", "5"])
def test_every_weight_read_is_shown_chosen_on_the_form(shipped_catalog, value):
    form = CompareForm({"w-performance": value}, snapshot=catalog.current_snapshot())
    assert form.is_valid()
    html = render_crispy_form(form)
    checked = re.findall(r'<input[^>]*name="w-performance"[^>]*checked>', html)
    assert len(checked) == 1 and f'value="{value}"' in checked[0]


def auto_labels(form) -> dict[str, str]:
    html = render_crispy_form(form)
    return {
        slug: re.search(rf'<label[^>]*for="id_w-{slug}_0">([^<]*)</label>', html).group(1)
        for slug in (c.slug for c in form.snapshot.criteria)
    }


@pytest.mark.parametrize("use_case", ["", "ml-ai", "real-time", "content-sites"])
def test_auto_names_the_weight_the_project_type_gives(shipped_catalog, use_case):
    """In "Auto (N)", N is the weight the ranking uses when the visitor leaves it on Auto."""
    form = CompareForm({"use_case": use_case}, snapshot=catalog.current_snapshot())
    assert form.is_valid()
    used = dict(form.ranking().weights)
    assert auto_labels(form) == {slug: f"Auto ({weight})" for slug, weight in used.items()}
    if use_case == "ml-ai":
        assert auto_labels(form)["performance"] == "Auto (5)"  # its preset; the default is 3


def test_an_unknown_project_type_shows_the_defaults_as_its_select_does(shipped_catalog):
    snapshot = catalog.current_snapshot()
    form = CompareForm({"use_case": "spaceships"}, snapshot=snapshot)
    assert not form.is_valid()
    assert auto_labels(form) == {c.slug: f"Auto ({c.default_weight})" for c in snapshot.criteria}


def test_each_project_type_carries_its_auto_weights_for_the_script(shipped_catalog):
    """compare.js relabels "Auto" from the chosen option when the visitor picks another type."""
    snapshot = catalog.current_snapshot()
    html = render_crispy_form(CompareForm(snapshot=snapshot))
    options = re.findall(r'<option value="([^"]*)"[^>]* data-auto-weights="([^"]*)"', html)
    assert [slug for slug, _ in options] == [""] + [u.slug for u in snapshot.use_cases]
    for slug, weights in options:
        form = CompareForm({"use_case": slug}, snapshot=snapshot)
        assert form.is_valid()
        assert json.loads(unescape(weights)) == dict(form.ranking().weights)
