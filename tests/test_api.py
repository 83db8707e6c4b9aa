"""/api/compare/: the JSON contract from the brief, and 400s with errors by field."""

import dataclasses
import json

import pytest
from django.urls import reverse

URL = "/api/compare/"


def test_url_is_the_public_contract():
    assert reverse("frameworks:api-compare") == URL


def test_result_shape_and_order(client, shipped_catalog):
    response = client.get(URL, {"require": "admin"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert isinstance(data, list) and len(data) == len(shipped_catalog["frameworks"])
    members = ["rank", "framework", "name", "score", "eligible", "unmet", "breakdown", "reasons"]
    members += ["via", "eligible_if", "best_for", "url"]
    for index, item in enumerate(data, start=1):
        assert list(item) == members
        assert isinstance(item["eligible"], bool) and isinstance(item["score"], int | float)
        assert all(isinstance(reason, str) for reason in item["reasons"])
        assert item["url"] == f"/frameworks/{item['framework']}/"
        assert item["rank"] == index
        assert 0 <= item["score"] <= 100
        assert round(sum(part["points"] for part in item["breakdown"]), 1) == item["score"]
        assert item["eligible"] == (item["unmet"] == [])
    flags = [item["eligible"] for item in data]
    assert flags == sorted(flags, reverse=True), "ineligible frameworks come last"
    assert not data[-1]["eligible"] and data[-1]["unmet"] == ["admin"]
    eligible_scores = [item["score"] for item in data if item["eligible"]]
    assert eligible_scores == sorted(eligible_scores, reverse=True)


def test_text_is_what_json_dumps_gives(client, shipped_catalog):
    """The answer is assembled from pieces; it must read exactly as json.dumps writes it
    (compact: no spaces after separators)."""
    params = {"use_case": "real-time", "w-performance": "5", "require": ["admin", "orm"]}
    body = client.get(URL, params).content.decode()
    data = json.loads(body)
    assert any(item["unmet"] for item in data) and all(item["reasons"] for item in data)
    assert json.dumps(data, separators=(",", ":")) == body


def test_breakdown_entries_are_the_rankings_own(shipped_catalog):
    """Each result's entries are written once per ranking and joined by code; they must be the
    result's own breakdown terms, in order, also for a ranking that carries no codes."""
    from frameworks import presentation
    from frameworks.catalog import current_snapshot
    from frameworks.forms import CompareForm

    snapshot = current_snapshot()
    form = CompareForm({"use_case": "real-time", "w-performance": "1"}, snapshot=snapshot)
    assert form.is_valid(), form.errors
    ranking = form.ranking()

    def expected(result):
        return [
            {
                "criterion": part.key,
                "name": part.name,
                "weight": part.weight,
                "level": part.label,
                "points": part.points,
                "max_points": part.max_points,
            }
            for part in result.breakdown
        ]

    data = json.loads(presentation.results_json(ranking, snapshot))
    assert [item["breakdown"] for item in data] == [expected(r) for r in ranking.results]
    stripped = dataclasses.replace(ranking, terms={}, codes=())
    assert json.loads(presentation.results_json(stripped, snapshot)) == data


def test_breakdown_has_one_entry_per_criterion_and_fit(client, shipped_catalog):
    data = client.get(URL, {"use_case": "ml-ai", "frameworks": ["fastapi"]}).json()
    keys = [part["criterion"] for part in data[0]["breakdown"]]
    assert keys == [c["slug"] for c in shipped_catalog["criteria"]] + ["use-case-fit"]


def test_selected_frameworks_only(client, shipped_catalog):
    data = client.get(URL, {"frameworks": ["flask", "django"]}).json()
    assert sorted(item["framework"] for item in data) == ["django", "flask"]


def test_page_and_api_agree(client, shipped_catalog):
    params = {"use_case": "content-sites", "w-performance": "4", "require": "templates"}
    api = client.get(URL, params).json()
    page = client.get(reverse("frameworks:compare"), params).context["ranking"]
    assert [(i["framework"], i["score"]) for i in api] == [(r.slug, r.score) for r in page.results]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"w-performance": "6"}, "w-performance"),
        ({"w-performance": "-1"}, "w-performance"),
        ({"w-performance": "2.5"}, "w-performance"),
        ({"w-performance": "x"}, "w-performance"),
        ({"w-performance": ["1", "2"]}, "w-performance"),
        ({"use_case": ["ml-ai", "real-time"]}, "use_case"),
        ({"use_case": "nope"}, "use_case"),
        ({"frameworks": "nope"}, "frameworks"),
        ({"require": "nope"}, "require"),
        ({"w-nope": "1"}, "parameters"),
    ],
)
def test_bad_input_is_a_400_with_errors_by_field(client, shipped_catalog, params, field):
    response = client.get(URL, params)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors and errors[field]


def test_too_many_parameters(client, shipped_catalog):
    response = client.get(URL, {f"utm{i}": "x" for i in range(120)})
    assert response.status_code == 400
    assert "Too many parameters" in response.json()["errors"]["parameters"][0]
    query = "&".join(f"x{i}=1" for i in range(1500))
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert "parameters" in response.json()["errors"]


def test_bad_encoding_is_a_400_not_a_500(client, shipped_catalog):
    response = client.get(URL + "?frameworks=%ff%fe&use_case=%c3%28")
    assert response.status_code == 400
    assert "frameworks" in response.json()["errors"]


def test_unknown_extra_parameters_are_ignored(client, shipped_catalog):
    params = {"use_case": "real-time", "w-performance": "5"}
    plain = client.get(URL, params)
    tagged = client.get(URL, params | {"utm_source": "newsletter", "ref": "x"})
    assert plain.status_code == tagged.status_code == 200
    assert tagged.json() == plain.json()
    assert tagged.json()[0]["framework"] == "fastapi"  # the use case still counted


@pytest.mark.parametrize("value", ["03", "+3", "3.0", " 3", "\uff13", "\u0663"])
def test_a_weight_is_a_digit_from_0_to_5_as_the_schema_says(client, shipped_catalog, value):
    """Other spellings of 3 are refused as the page refuses them, so page, API and schema
    agree (the page could not show them chosen)."""
    response = client.get(URL, {"w-performance": value})
    assert response.status_code == 400
    assert response.json() == {"errors": {"w-performance": ["Enter a whole number from 0 to 5."]}}
    assert client.get(URL, {"w-performance": "3"}).status_code == 200
    assert client.get(URL, {"w-performance": ""}).status_code == 200  # Auto, as a form sends it
