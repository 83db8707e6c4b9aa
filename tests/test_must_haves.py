"""Honest must-haves: built in only by default, editor-marked extensions when the visitor allows
them (``extensions=1``), named wherever the result is shown; and "what to relax" when no
framework meets every must-have."""

import json

import pytest
from django.urls import reverse

from frameworks import catalog, models, presentation, scoring
from frameworks.forms import CompareForm

API = "/api/compare/"
PAGE = "/compare/"
FOUR = ["django", "flask", "fastapi", "litestar"]
WEBSOCKETS_AND_ORM = {"frameworks": FOUR, "require": ["websockets", "orm"]}


def api(client, **params):
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    return {item["framework"]: item for item in response.json()}


# The scoring rule on hand-made frameworks -------------------------------------------------


def _framework(slug, **supports):
    return scoring.FrameworkSpec(
        slug=slug,
        name=slug.title(),
        ratings={"speed": scoring.RatingSpec("Mid", 50)},
        capabilities=supports,
    )


CRITERIA = (scoring.CriterionSpec("speed", "Speed", 3),)
CHANNELS = scoring.SupportSpec("extension", "Channels", recommended=True)
UNMARKED = scoring.SupportSpec("extension", "old-plugin")
BUILT_IN = scoring.SupportSpec("built_in")


def _rank(frameworks, required, extensions=False):
    return scoring.rank(
        criteria=CRITERIA,
        frameworks=tuple(frameworks),
        weights={"speed": 3},
        required=required,
        capability_names={"websockets": "WebSockets", "orm": "ORM"},
        extensions=extensions,
    )


def test_a_marked_extension_counts_only_when_allowed_and_is_named():
    django = _framework("django", websockets=CHANNELS, orm=BUILT_IN)
    off = _rank([django], ("websockets",))
    assert off.results[0].unmet == ("websockets",) and off.results[0].via == ()
    on = _rank([django], ("websockets",), extensions=True)
    result = on.results[0]
    assert result.eligible and result.via == (("websockets", "Channels"),)
    assert "Must-haves met through extensions: WebSockets via Channels." in result.reasons
    assert on.extensions and on.relax == ()


def test_an_unmarked_extension_never_counts():
    bottle = _framework("bottle", websockets=UNMARKED)
    ranking = _rank([bottle], ("websockets",), extensions=True)
    assert ranking.results[0].unmet == ("websockets",)
    assert ranking.results[0].ways == (scoring.Way("websockets"),)
    assert "WebSockets (only via old-plugin)" in ranking.results[0].reasons[-1]


def test_partial_support_still_counts_without_extensions():
    partial = _framework("partial", websockets=scoring.SupportSpec("partial"))
    assert _rank([partial], ("websockets",)).results[0].eligible


def test_relax_suggests_extensions_first_then_each_single_drop():
    both = _framework("both", websockets=CHANNELS, orm=BUILT_IN)  # extensions let it in
    no_orm = _framework("no-orm", websockets=BUILT_IN)  # dropping the ORM lets it in
    none = _framework("none")  # nothing single lets it in
    ranking = _rank([both, no_orm, none], ("websockets", "orm"))
    assert ranking.winner is None
    assert [(r.drop, [u.slug for u in r.frameworks]) for r in ranking.relax] == [
        ("", ["both"]),
        ("websockets", ["both"]),
        ("orm", ["no-orm"]),
    ]
    assert ranking.relax[0].frameworks[0].via == (("websockets", "Channels"),)
    # As soon as something is eligible there is nothing to relax.
    assert _rank([both, no_orm], ("websockets",)).relax == ()


# The shipped catalog: WebSockets + ORM among Django, Flask, FastAPI and Litestar -----------


def test_websockets_and_orm_with_built_in_only_has_no_winner_and_a_hint(client, shipped_catalog):
    results = api(client, **WEBSOCKETS_AND_ORM)
    assert not any(item["eligible"] for item in results.values())
    assert all(item["via"] == {} for item in results.values())
    # Each framework says which single change would make it eligible.
    assert {"extensions": 1, "via": {"websockets": "Channels"}} in results["django"]["eligible_if"]
    fastapi_ways = results["fastapi"]["eligible_if"]
    assert fastapi_ways[0]["extensions"] == 1 and "SQLModel" in fastapi_ways[0]["via"]["orm"]
    assert {"drop": "orm"} in fastapi_ways and {"drop": "websockets"} in results["django"][
        "eligible_if"
    ]

    page = client.get(PAGE, WEBSOCKETS_AND_ORM)
    assert page.status_code == 200
    text = page.content.decode()
    assert "No framework meets every must-have" in text
    assert "What to relax" in text
    assert "Let well-known extensions count</a>: " in text
    assert "Django (WebSockets via Channels)" in text
    assert "FastAPI (ORM via SQLModel" in text
    assert "would then qualify" in text
    # The suggestion links to the same answers with extensions allowed.
    assert "require=websockets&amp;require=orm&amp;extensions=1" in text
    assert "Drop the must-have “ORM”</a>: " in text


def test_websockets_and_orm_with_extensions_makes_django_and_fastapi_eligible(
    client, shipped_catalog
):
    results = api(client, **WEBSOCKETS_AND_ORM, extensions="1")
    assert results["django"]["eligible"] and results["django"]["via"] == {"websockets": "Channels"}
    assert results["fastapi"]["eligible"] and "SQLModel" in results["fastapi"]["via"]["orm"]
    assert results["django"]["eligible_if"] == [] and results["django"]["unmet"] == []
    assert any("WebSockets via Channels" in reason for reason in results["django"]["reasons"])

    page = client.get(PAGE, {**WEBSOCKETS_AND_ORM, "extensions": "1"})
    text = page.content.decode()
    assert page.status_code == 200 and "No framework meets every must-have" not in text
    assert "WebSockets via Channels" in text and "ORM via SQLModel" in text
    assert 'class="badge extension-badge">counts<' in text  # the features table says so


def test_extensions_default_to_built_in_only_and_keep_old_links(client, shipped_catalog):
    assert api(client, **WEBSOCKETS_AND_ORM) == api(client, **WEBSOCKETS_AND_ORM, extensions="0")
    snapshot = catalog.current_snapshot()
    form = CompareForm({"require": ["orm"], "extensions": "0"}, snapshot=snapshot)
    assert form.is_valid() and not form.extensions_allowed()
    assert presentation.query_string(form) == "require=orm"
    form = CompareForm({"require": ["orm"], "extensions": "1"}, snapshot=snapshot)
    assert form.is_valid() and form.extensions_allowed()
    assert presentation.query_string(form) == "require=orm&extensions=1"


@pytest.mark.parametrize("value", ["2", "-1", "yes", "true", "1.0", " ", ["0", "1"]])
def test_anything_but_0_or_1_is_a_400_by_field(client, shipped_catalog, value):
    response = client.get(API, {"extensions": value})
    assert response.status_code == 400
    assert response.json()["errors"]["extensions"]
    page = client.get(PAGE, {"extensions": value})
    assert page.status_code == 400
    assert "<strong>Must-haves may come from</strong>" in page.content.decode()  # its label


def _radio(text, value):
    """The extensions radio button for ``value`` as the page renders it (crispy's markup)."""
    return text.split(f'name="extensions" value="{value}"')[1].split(">")[0]


def test_the_form_offers_the_choice_without_javascript(client, shipped_catalog):
    text = client.get(PAGE, {"require": "orm"}).content.decode()
    assert 'type="radio"' in text.split('name="extensions" value="1"')[0].rsplit("<input", 1)[1]
    # With no choice in the address the default is shown as chosen; a choice is kept.
    assert "checked" in _radio(text, "0") and "checked" not in _radio(text, "1")
    assert "The framework or a well-known extension" in text
    text = client.get(PAGE, {"require": "orm", "extensions": "1"}).content.decode()
    assert "checked" in _radio(text, "1") and "checked" not in _radio(text, "0")


def test_the_json_keeps_its_members_and_adds_via_and_eligible_if(client, shipped_catalog):
    body = client.get(API, {**WEBSOCKETS_AND_ORM, "extensions": "1"}).content.decode()
    data = json.loads(body)
    assert json.dumps(data, separators=(",", ":")) == body
    for item in data:
        assert list(item)[:8] == [
            "rank", "framework", "name", "score", "eligible", "unmet", "breakdown", "reasons",
        ]  # fmt: skip
        assert isinstance(item["via"], dict) and isinstance(item["eligible_if"], list)


def test_the_catalog_marks_the_extensions_people_use(shipped_catalog):
    marked = {
        (s.framework.slug, s.capability.slug): s.extension
        for s in models.FrameworkCapability.objects.filter(extension_recommended=True)
    }
    assert marked[("django", "websockets")] == "Channels"
    assert "SQLModel" in marked[("fastapi", "orm")]
    assert marked[("flask", "orm")] == "Flask-SQLAlchemy"
    # Unmaintained add-ons are not marked.
    assert ("bottle", "orm") not in marked and ("bottle", "websockets") not in marked
    assert not models.FrameworkCapability.objects.filter(extension_recommended=True).exclude(
        support="extension"
    )


def test_editors_cannot_mark_support_that_is_not_an_extension(shipped_catalog):
    from django.core.exceptions import ValidationError

    support = models.FrameworkCapability.objects.get(
        framework__slug="django", capability__slug="orm"
    )
    support.extension_recommended = True
    with pytest.raises(ValidationError) as caught:
        support.clean()
    assert "extension_recommended" in caught.value.message_dict


def test_the_results_page_url_is_the_public_one():
    assert reverse("frameworks:compare") == PAGE and reverse("frameworks:api-compare") == API
