"""Ties and near-ties: the shipped criteria separate the frameworks people confuse, so no use
case has an exact tie at the top, and a close call names what tells the top two apart."""

import pytest

from frameworks import catalog, presentation, scoring

SEED_THREE = ("django", "flask", "fastapi")
NEW_CRITERIA = ("typing-validation", "maturity")


def _rankings(snapshot):
    """Every use case (and none) with its default weights, over every published framework and
    over the article's three."""
    subsets = {
        "all": snapshot.frameworks,
        "seed three": tuple(snapshot.framework(slug) for slug in SEED_THREE),
    }
    for name, frameworks in subsets.items():
        for use_case in (None, *snapshot.use_cases):
            spec = use_case.spec if use_case else None
            weights = scoring.resolve_weights(
                criteria=snapshot.criteria, explicit={}, use_case=spec
            )
            ranking = scoring.rank(
                criteria=snapshot.criteria, frameworks=frameworks, weights=weights, use_case=spec
            )
            yield (name, use_case.slug if use_case else "no use case"), ranking


def test_no_use_case_has_an_exact_tie_at_the_top(shipped_catalog):
    snapshot = catalog.current_snapshot()
    checked = 0
    for where, ranking in _rankings(snapshot):
        first, second = ranking.results[:2]
        # Shown scores that differ are exact scores that differ, so no name decides the order.
        assert first.score != second.score, (where, first, second)
        checked += 1
    assert checked == 2 * (len(snapshot.use_cases) + 1) and len(snapshot.frameworks) == 16


def test_the_new_criteria_rate_every_framework_with_a_source_and_todays_review(shipped_data):
    for framework in shipped_data["frameworks"]:
        for slug in NEW_CRITERIA:
            rating = framework["ratings"][slug]
            assert rating["source_url"].startswith("https://"), (framework["slug"], slug)
            assert rating["reviewed_on"] in ("2026-12-01", "2026-12-02")  # test_scales: which
            assert rating["note"].startswith(rating["level"] + "."), (framework["slug"], slug)
    criteria = {c["slug"]: c for c in shipped_data["criteria"]}
    for slug in NEW_CRITERIA:
        labels = [level["label"] for level in criteria[slug]["levels"]]
        # Each level is defined in the help text the methodology page shows.
        assert all(label in criteria[slug]["help_text"] for label in labels), slug


def test_the_new_criteria_separate_frameworks_people_confuse(shipped_data):
    ratings = {f["slug"]: f["ratings"] for f in shipped_data["frameworks"]}
    # FastAPI validates from type hints itself; Starlette, which it is built on, does not.
    assert ratings["fastapi"]["typing-validation"]["level"] == "Built in"
    assert ratings["starlette"]["typing-validation"]["level"] == "None"
    assert ratings["flask"]["typing-validation"]["level"] == "Via extension"
    # Flask (2010) has had twice FastAPI's (2018) years of releases.
    assert ratings["flask"]["maturity"]["level"] == "Mature"
    assert ratings["fastapi"]["maturity"]["level"] == "Established"


def test_the_methodology_page_defines_the_new_scales(client, shipped_catalog):
    text = client.get("/methodology/").content.decode()
    for slug in NEW_CRITERIA:
        assert f'id="criterion-{slug}"' in text
    assert "10 years or more" in text and "Via extension" in text


# "No clear winner" names what tells the two apart ------------------------------------------


CRITERIA = (
    scoring.CriterionSpec("speed", "Speed", 3),
    scoring.CriterionSpec("ease", "Ease", 3),
    scoring.CriterionSpec("docs", "Docs", 3),
)


def _framework(slug, speed, ease, docs):
    values = {"speed": speed, "ease": ease, "docs": docs}
    return scoring.FrameworkSpec(
        slug, slug.title(), {k: scoring.RatingSpec(str(v), v) for k, v in values.items()}
    )


def test_a_close_call_names_the_terms_where_the_top_two_differ_most():
    # Weights 2, 1, 4 (total 7): a = 200 + 40 + 200 = 440 / 7 = 62.9; b = 120 + 100 + 200 =
    # 420 / 7 = 60.0, a close call. Speed gives a 80 / 7 = 11.4 points more, ease gives b
    # 60 / 7 = 8.6 more; on docs they are equal, so docs are not named.
    a, b = _framework("a", 100, 40, 50), _framework("b", 60, 100, 50)
    ranking = scoring.rank(
        criteria=CRITERIA, frameworks=(a, b), weights={"speed": 2, "ease": 1, "docs": 4}
    )
    assert [r.score for r in ranking.results] == [62.9, 60.0] and ranking.close_call
    assert ranking.apart == (
        scoring.Difference("speed", "Speed", "a", "A", 11.4),
        scoring.Difference("ease", "Ease", "b", "B", 8.6),
    )
    assert presentation.apart_text(ranking) == (
        "A earns 11.4 more points on speed; B earns 8.6 more points on ease"
    )


def test_a_clear_win_names_nothing():
    a, b = _framework("a", 100, 100, 100), _framework("b", 0, 0, 0)
    weights = {"speed": 1, "ease": 1, "docs": 1}
    ranking = scoring.rank(criteria=CRITERIA, frameworks=(a, b), weights=weights)
    assert not ranking.close_call and ranking.apart == ()


def test_the_fit_term_can_be_what_tells_them_apart():
    use_case = scoring.UseCaseSpec("apis", "APIs", fit_weight=5)
    a = scoring.FrameworkSpec("a", "A", fits={"apis": scoring.FitSpec(5)})
    b = scoring.FrameworkSpec("b", "B", fits={"apis": scoring.FitSpec(4)})
    ranking = scoring.rank(
        criteria=CRITERIA,
        frameworks=(a, b),
        weights={"speed": 0, "ease": 0, "docs": 0},
        use_case=use_case,
    )
    assert ranking.close_call is False  # 100 vs 80
    apart = scoring.differences(
        criteria=CRITERIA, first=a, second=b, weights=ranking.weights, use_case=use_case
    )
    assert apart == (scoring.Difference(scoring.FIT_TERM, "Fit: APIs", "a", "A", 20.0),)


def test_the_page_names_what_tells_the_top_two_apart(client, shipped_catalog):
    query = {"frameworks": list(SEED_THREE), "w-performance": "0"}
    data = client.get("/api/compare/", query).json()
    first, second = data[0], data[1]
    assert first["score"] - second["score"] < scoring.CLOSE_MARGIN
    gaps = sorted(
        (
            (
                abs(a["points"] - b["points"]),
                a["name"],
                first if a["points"] > b["points"] else second,
            )
            for a, b in zip(first["breakdown"], second["breakdown"], strict=True)
        ),
        key=lambda gap: -gap[0],
    )
    text = client.get("/compare/", query).content.decode()
    assert "No clear winner" in text and "What tells them apart:" in text
    for points, name, leader in gaps[:2]:
        # The breakdown's rounded points may be a tenth off the exact gap.
        named = f"{leader['name']} earns "
        assert named in text and f"more points on {name.lower()}" in text
        assert points > 0
    said = text.split("What tells them apart:")[1].split("Read the breakdown")[0]
    for _, name, _ in gaps[2:]:
        assert name.lower() not in said


@pytest.mark.parametrize("slug", NEW_CRITERIA)
def test_new_criteria_take_weights_in_the_page_and_the_api(client, shipped_catalog, slug):
    response = client.get("/api/compare/", {f"w-{slug}": "5"})
    assert response.status_code == 200
    assert any(entry["criterion"] == slug for entry in response.json()[0]["breakdown"])
