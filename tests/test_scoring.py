"""The scoring engine as plain functions: no database, no Django."""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from frameworks import scoring
from frameworks.scoring import (
    CriterionSpec,
    FitSpec,
    FrameworkSpec,
    RatingSpec,
    SupportSpec,
    UseCaseSpec,
)

SPEED = CriterionSpec("speed", "Speed", 3)
EASE = CriterionSpec("ease", "Ease", 3)
TOOLS = CriterionSpec("tools", "Tools", 3)
CRITERIA = (SPEED, EASE, TOOLS)


def fw(slug, speed, ease, tools, caps=None, fits=None):
    return FrameworkSpec(
        slug=slug,
        name=slug.title(),
        ratings={
            "speed": RatingSpec(str(speed), speed),
            "ease": RatingSpec(str(ease), ease),
            "tools": RatingSpec(str(tools), tools),
        },
        capabilities=caps or {},
        fits=fits or {},
    )


FAST = fw("fast", 100, 60, 65)
EASY = fw("easy", 60, 100, 30, caps={"orm": SupportSpec("extension", "SQLAlchemy")})
FULL = fw("full", 60, 60, 100, caps={"orm": SupportSpec("built_in")})
ALL = (FAST, EASY, FULL)


def rank(weights, frameworks=ALL, **kwargs):
    return scoring.rank(criteria=CRITERIA, frameworks=frameworks, weights=weights, **kwargs)


def order(ranking):
    return [r.slug for r in ranking.results]


def test_one_weighted_criterion_ranks_by_that_criterion():
    assert order(rank({"speed": 0, "ease": 0, "tools": 5}))[0] == "full"
    assert order(rank({"speed": 0, "ease": 5, "tools": 0}))[0] == "easy"
    assert order(rank({"speed": 5, "ease": 0, "tools": 0}))[0] == "fast"


def test_score_is_weighted_share_of_best_possible():
    ranking = rank({"speed": 1, "ease": 1, "tools": 2})
    full = next(r for r in ranking.results if r.slug == "full")
    # (60 + 60 + 2 * 100) / (4 * 100) = 80%
    assert full.score == 80.0
    assert [c.points for c in full.breakdown] == [15.0, 15.0, 50.0]
    assert [c.max_points for c in full.breakdown] == [25.0, 25.0, 50.0]


def test_breakdown_rounding_still_adds_up_to_the_score():
    ranking = rank({"speed": 1, "ease": 1, "tools": 1})
    for result in ranking.results:
        assert round(sum(c.points for c in result.breakdown), 1) == result.score


def test_unrated_criterion_earns_nothing_and_says_so():
    bare = FrameworkSpec(slug="bare", name="Bare", ratings={"speed": RatingSpec("High", 100)})
    ranking = rank({"speed": 1, "ease": 1, "tools": 1}, frameworks=(bare,))
    result = ranking.results[0]
    assert result.score == pytest.approx(33.3)
    assert [c.label for c in result.breakdown] == ["High", "Not rated", "Not rated"]


def test_must_have_rules_out_but_keeps_framework_listed_last():
    ranking = rank(
        {"speed": 5, "ease": 5, "tools": 0}, required=["orm"], capability_names={"orm": "ORM"}
    )
    assert order(ranking) == ["full", "easy", "fast"]
    by_slug = {r.slug: r for r in ranking.results}
    assert by_slug["full"].eligible and not by_slug["easy"].eligible
    assert by_slug["easy"].unmet == ("orm",)
    assert any("ORM (only via SQLAlchemy)" in reason for reason in by_slug["easy"].reasons)
    # The ineligible ones are still scored and ordered by score among themselves.
    assert (
        by_slug["easy"].score > by_slug["fast"].score or by_slug["easy"].rank < by_slug["fast"].rank
    )


def test_partial_support_meets_a_must_have():
    partial = fw("part", 50, 50, 50, caps={"orm": SupportSpec("partial")})
    ranking = rank({"speed": 1, "ease": 1, "tools": 1}, frameworks=(partial,), required=["orm"])
    assert ranking.results[0].eligible


def test_no_eligible_framework_means_no_winner():
    ranking = rank({"speed": 1, "ease": 1, "tools": 1}, required=["websockets"])
    assert ranking.winner is None
    assert all(not r.eligible for r in ranking.results)


def test_use_case_adds_a_fit_term_in_the_same_breakdown():
    use_case = UseCaseSpec("apis", "APIs", fit_weight=2, presets={"speed": 5})
    fast = fw("fast", 100, 60, 65, fits={"apis": FitSpec(5)})
    slow = fw("slow", 30, 100, 100, fits={"apis": FitSpec(1)})
    weights = scoring.resolve_weights(criteria=CRITERIA, explicit={"tools": 0}, use_case=use_case)
    assert weights == {"speed": 5, "ease": 3, "tools": 0}
    ranking = rank(weights, frameworks=(fast, slow), use_case=use_case)
    winner = ranking.results[0]
    assert winner.slug == "fast"
    assert winner.breakdown[-1].key == scoring.FIT_TERM
    assert winner.breakdown[-1].label == "5/5"
    assert winner.breakdown[-1].points == pytest.approx(20.0)  # 100 * 2 * 1 / 10


def test_ties_break_by_name_then_slug():
    twin_b = FrameworkSpec(slug="b", name="Beta", ratings={"speed": RatingSpec("x", 50)})
    twin_a = FrameworkSpec(slug="a", name="Alpha", ratings={"speed": RatingSpec("x", 50)})
    ranking = rank({"speed": 1, "ease": 0, "tools": 0}, frameworks=(twin_b, twin_a))
    assert order(ranking) == ["a", "b"]
    assert ranking.close_call


def test_all_zero_weights_score_zero_without_error():
    ranking = rank({"speed": 0, "ease": 0, "tools": 0})
    assert {r.score for r in ranking.results} == {0.0}
    assert ranking.winner is None and ranking.change is None


def test_out_of_range_weight_is_refused():
    with pytest.raises(ValueError):
        rank({"speed": 6, "ease": 0, "tools": 0})


def test_smallest_change_names_the_weight_and_the_new_leader():
    ranking = rank({"speed": 0, "ease": 0, "tools": 5})
    change = ranking.change
    assert ranking.results[0].slug == "full"
    assert change is not None
    # Verify the claim by applying it.
    weights = dict(ranking.weights)
    weights[change.criterion] = change.to_weight
    assert rank(weights).results[0].slug == change.new_leader != "full"
    # And no smaller single change exists.
    size = abs(change.to_weight - change.from_weight)
    for criterion in CRITERIA:
        for new in range(6):
            if 0 < abs(new - ranking.weights[criterion.slug]) < size:
                trial = dict(ranking.weights) | {criterion.slug: new}
                if sum(trial.values()):
                    assert rank(trial).results[0].slug == "full"


def test_no_single_change_reports_none():
    dominant = fw("dom", 100, 100, 100)
    weak = fw("weak", 0, 0, 0)
    ranking = rank({"speed": 3, "ease": 3, "tools": 3}, frameworks=(dominant, weak))
    assert ranking.change is None


# Property tests ------------------------------------------------------------------------------

values = st.sampled_from([0, 25, 30, 40, 60, 65, 100])
weights_st = st.fixed_dictionaries({c.slug: st.integers(0, 5) for c in CRITERIA})


@st.composite
def frameworks_st(draw):
    count = draw(st.integers(1, 6))
    result = []
    for index in range(count):
        result.append(
            FrameworkSpec(
                slug=f"f{index}",
                name=draw(st.sampled_from(["Able", "Baker", "Charlie", "Dog"])) + str(index),
                ratings={
                    c.slug: RatingSpec("l", draw(values))
                    for c in CRITERIA
                    if draw(st.booleans()) or index == 0
                },
                capabilities={
                    "orm": SupportSpec(
                        draw(st.sampled_from(["built_in", "partial", "extension", "none"]))
                    )
                },
                fits={"uc": FitSpec(draw(st.integers(0, 5)))},
            )
        )
    return tuple(result)


use_case_st = st.one_of(
    st.none(),
    st.builds(UseCaseSpec, slug=st.just("uc"), name=st.just("Use"), fit_weight=st.integers(0, 5)),
)


@settings(max_examples=300)
@given(
    frameworks=frameworks_st(),
    weights=weights_st,
    use_case=use_case_st,
    required=st.sampled_from([(), ("orm",)]),
)
def test_breakdown_always_sums_to_score(frameworks, weights, use_case, required):
    ranking = rank(weights, frameworks=frameworks, use_case=use_case, required=required)
    for result in ranking.results:
        assert 0 <= result.score <= 100
        assert round(sum(c.points for c in result.breakdown) * 10) == round(result.score * 10)
    eligible_flags = [r.eligible for r in ranking.results]
    assert eligible_flags == sorted(eligible_flags, reverse=True)
    assert [r.rank for r in ranking.results] == list(range(1, len(frameworks) + 1))


@settings(max_examples=300)
@given(
    frameworks=frameworks_st(), weights=weights_st, use_case=use_case_st, factor=st.integers(2, 5)
)
def test_scaling_every_weight_changes_nothing(frameworks, weights, use_case, factor):
    assume(all(w * factor <= 5 for w in weights.values()))
    assume(use_case is None or use_case.fit_weight * factor <= 5)
    scaled = {k: w * factor for k, w in weights.items()}
    scaled_case = (
        None
        if use_case is None
        else UseCaseSpec("uc", "Use", fit_weight=use_case.fit_weight * factor)
    )
    base = rank(weights, frameworks=frameworks, use_case=use_case)
    other = rank(scaled, frameworks=frameworks, use_case=scaled_case)
    assert [(r.slug, r.score) for r in base.results] == [(r.slug, r.score) for r in other.results]


@settings(max_examples=300)
@given(frameworks=frameworks_st(), weights=weights_st, criterion=st.sampled_from(CRITERIA))
def test_raising_a_weight_where_a_beats_b_never_lets_b_overtake(frameworks, weights, criterion):
    assume(len(frameworks) >= 2 and weights[criterion.slug] < 5)
    before = rank(weights, frameworks=frameworks)
    raised = rank(
        dict(weights) | {criterion.slug: weights[criterion.slug] + 1}, frameworks=frameworks
    )
    by_slug = {f.slug: f for f in frameworks}
    position = {r.slug: r.rank for r in raised.results}
    results = before.results
    for i, a in enumerate(results):
        for b in results[i + 1 :]:
            value_a = scoring._value(by_slug[a.slug], criterion.slug)
            value_b = scoring._value(by_slug[b.slug], criterion.slug)
            if value_a >= value_b and a.eligible == b.eligible:
                assert position[a.slug] < position[b.slug] or raised_tie(raised, a, b)


def raised_tie(ranking, a, b):
    scores = {r.slug: r.score for r in ranking.results}
    return scores[a.slug] == scores[b.slug]


@settings(max_examples=200)
@given(frameworks=frameworks_st(), weights=weights_st)
def test_reported_change_is_true_and_minimal(frameworks, weights):
    ranking = rank(weights, frameworks=frameworks)
    change = ranking.change
    if change is None:
        return
    trial = dict(ranking.weights) | {change.criterion: change.to_weight}
    assert rank(trial, frameworks=frameworks).results[0].slug == change.new_leader
    assert change.new_leader != ranking.results[0].slug


@settings(max_examples=200)
@given(
    frameworks=frameworks_st(),
    weights=weights_st,
    use_case=use_case_st,
    required=st.sampled_from([(), ("orm",)]),
    explain=st.integers(0, 6),
)
def test_explaining_only_the_top_changes_nothing_else(
    frameworks, weights, use_case, required, explain
):
    full = rank(weights, frameworks=frameworks, use_case=use_case, required=required)
    top = rank(
        weights, frameworks=frameworks, use_case=use_case, required=required, explain=explain
    )
    assert (top.close_call, top.change) == (full.close_call, full.change)
    for whole, part in zip(full.results, top.results, strict=True):
        assert (part.slug, part.score, part.eligible, part.unmet) == (
            whole.slug,
            whole.score,
            whole.eligible,
            whole.unmet,
        )
        if part.rank <= explain:
            assert (part.breakdown, part.reasons) == (whole.breakdown, whole.reasons)
        else:
            assert part.breakdown == () and part.reasons == ()
