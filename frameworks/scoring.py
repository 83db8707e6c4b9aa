"""Rank frameworks against a visitor's requirements, and explain every point.

The rule, in plain words:

* Each criterion has a scale of labelled levels. A level's value is the percent (0-100) of that
  criterion's points a framework at that level earns. An unrated criterion earns nothing.
* The visitor gives each criterion a weight from 0 to 5. A chosen use case adds one more term,
  the framework's fit for that use case (0-5, as a share of 5), with the weight editors set on
  the use case.
* A framework's score is its weighted share of the best possible result, 0 to 100:
  ``score = 100 * sum(weight * share) / sum(weight)`` over the criteria and the fit term. So
  multiplying every weight by the same factor changes nothing.
* Each term's points are ``100 * weight * share / sum(weight)``; the points add up to the score
  (both are rounded to one decimal so that the rounded points still add up).
* A framework that lacks a must-have capability (built in, even if limited) is not eligible. It
  is still scored, and listed after every eligible framework with the must-haves it misses.
* Order: eligible first, then the higher exact score, then the name, then the slug.

This module is pure: frozen dataclasses in, frozen dataclasses out, no database access. All
arithmetic is done on integers so that rankings and sensitivity checks are exact.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date

WEIGHT_MIN = 0
WEIGHT_MAX = 5
FIT_MAX = 5
VALUE_MAX = 100
#: Top two eligible scores closer than this many points are reported as "no clear winner".
CLOSE_MARGIN = 3.0
#: Support levels that satisfy a must-have.
MEETS = frozenset({"built_in", "partial"})
FIT_TERM = "use-case-fit"


@dataclass(frozen=True, slots=True)
class LevelSpec:
    label: str
    value: int


@dataclass(frozen=True, slots=True)
class CriterionSpec:
    slug: str
    name: str
    default_weight: int
    levels: tuple[LevelSpec, ...] = ()
    help_text: str = ""


@dataclass(frozen=True, slots=True)
class RatingSpec:
    label: str
    value: int
    note: str = ""
    source_url: str = ""
    reviewed_on: date | None = None


@dataclass(frozen=True, slots=True)
class SupportSpec:
    support: str  # built_in | partial | extension | none
    extension: str = ""
    detail: str = ""
    source_url: str = ""

    @property
    def meets(self) -> bool:
        return self.support in MEETS


@dataclass(frozen=True, slots=True)
class FitSpec:
    fit: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class FrameworkSpec:
    slug: str
    name: str
    ratings: Mapping[str, RatingSpec] = field(default_factory=dict)
    capabilities: Mapping[str, SupportSpec] = field(default_factory=dict)
    fits: Mapping[str, FitSpec] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class UseCaseSpec:
    slug: str
    name: str
    fit_weight: int
    presets: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one criterion (or the use-case fit) added to a framework's score."""

    key: str
    name: str
    weight: int
    label: str  # the level label, or "4/5" for fit, or "Not rated"
    share: float  # 0..1 of this term's possible points that the framework earned
    points: float  # points added to the score, one decimal
    max_points: float  # points this term could have added, one decimal


@dataclass(frozen=True, slots=True)
class Result:
    rank: int
    slug: str
    name: str
    score: float
    eligible: bool
    unmet: tuple[str, ...]
    breakdown: tuple[Contribution, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WeightChange:
    """The smallest single-weight change that would put another framework first."""

    criterion: str
    criterion_name: str
    from_weight: int
    to_weight: int
    new_leader: str
    new_leader_name: str


@dataclass(frozen=True, slots=True)
class Ranking:
    results: tuple[Result, ...]
    weights: Mapping[str, int]
    use_case: UseCaseSpec | None
    required: tuple[str, ...]
    total_weight: int
    close_call: bool
    #: None when there is no eligible winner to challenge or no single change does it.
    change: WeightChange | None

    @property
    def winner(self) -> Result | None:
        if self.results and self.results[0].eligible and self.total_weight > 0:
            return self.results[0]
        return None


def resolve_weights(
    *,
    criteria: Collection[CriterionSpec],
    explicit: Mapping[str, int],
    use_case: UseCaseSpec | None = None,
) -> dict[str, int]:
    """Each criterion's weight: the visitor's value, else the use case's preset, else default."""
    weights = {}
    for criterion in criteria:
        if criterion.slug in explicit:
            weights[criterion.slug] = explicit[criterion.slug]
        elif use_case is not None and criterion.slug in use_case.presets:
            weights[criterion.slug] = use_case.presets[criterion.slug]
        else:
            weights[criterion.slug] = criterion.default_weight
    return weights


def _split_tenths(total_tenths: int, numerators: list[int], denominator: int) -> list[int]:
    """Each part ``numerator / denominator`` in tenths, rounded so that they add up to
    ``total_tenths``: floors first, then one more tenth for the largest remainders (earlier
    terms first among equals). Integer arithmetic, so the rounding is exact."""
    floors, remainders = [], []
    for numerator in numerators:
        floor, remainder = divmod(numerator, denominator)
        floors.append(floor)
        remainders.append(remainder)
    missing = total_tenths - sum(floors)
    if missing > 0:
        order = sorted(range(len(numerators)), key=remainders.__getitem__, reverse=True)
        for i in order[:missing]:
            floors[i] += 1
    return floors


def rank(
    *,
    criteria: tuple[CriterionSpec, ...],
    frameworks: tuple[FrameworkSpec, ...],
    weights: Mapping[str, int],
    use_case: UseCaseSpec | None = None,
    required: Collection[str] = (),
    capability_names: Mapping[str, str] | None = None,
    explain: int | None = None,
) -> Ranking:
    """Score and rank ``frameworks``; ``weights`` must give every criterion a weight 0-5.

    Every result gets its score, rank and eligibility. The first ``explain`` results (all when
    None) also carry their breakdown and reasons; the others carry empty ones. A page that
    shows the top of a long ranking in detail need not pay for explaining all of it.
    """
    capability_names = capability_names or {}
    required = tuple(dict.fromkeys(required))
    for criterion in criteria:
        weight = weights[criterion.slug]
        if not WEIGHT_MIN <= weight <= WEIGHT_MAX:
            raise ValueError(f"Weight for {criterion.slug} must be {WEIGHT_MIN}-{WEIGHT_MAX}.")
    fit_weight = use_case.fit_weight if use_case is not None else 0
    total_weight = sum(weights[c.slug] for c in criteria) + fit_weight
    # Every numerator is scaled by VALUE_MAX * FIT_MAX so that the arithmetic stays exact.
    denominator = total_weight * VALUE_MAX * FIT_MAX
    # Only weighted criteria add points: the scoring loop skips the others.
    weighted = [(c.slug, weights[c.slug] * FIT_MAX) for c in criteria if weights[c.slug]]
    fit_slug = use_case.slug if use_case is not None else None
    fit_scale = fit_weight * VALUE_MAX

    scored = []
    for framework in frameworks:
        rating_of = framework.ratings.get  # this loop runs frameworks × criteria times
        numerator = 0
        for slug, scale in weighted:
            rating = rating_of(slug)
            if rating is not None:
                numerator += scale * rating.value
        if fit_slug is not None:
            fit = framework.fits.get(fit_slug)
            if fit is not None:
                numerator += fit_scale * fit.fit
        capabilities = framework.capabilities
        unmet = tuple(
            slug for slug in required if not (capabilities.get(slug) and capabilities[slug].meets)
        )
        score_tenths = round(100 * numerator / denominator * 10) if denominator else 0
        scored.append((framework, numerator, score_tenths, unmet))

    # Exact numerators share one denominator, so they order exactly as the scores do.
    scored.sort(key=lambda row: (bool(row[3]), -row[1], row[0].name.casefold(), row[0].slug))
    explainer = _Explainer(criteria, weights, use_case, total_weight)
    explained = len(scored) if explain is None else explain
    results = []
    for position, (framework, _, score_tenths, unmet) in enumerate(scored, start=1):
        breakdown, reasons = (), ()
        if position <= explained:
            breakdown = explainer.breakdown(framework, score_tenths)
            reasons = explainer.reasons(
                framework, breakdown, _unmet_names(framework, unmet, capability_names)
            )
        results.append(
            Result(
                rank=position,
                slug=framework.slug,
                name=framework.name,
                score=score_tenths / 10,
                eligible=not unmet,
                unmet=unmet,
                breakdown=breakdown,
                reasons=reasons,
            )
        )
    eligible = [row for row in scored if not row[3]]
    close_call = (
        len(eligible) >= 2
        and total_weight > 0
        and (eligible[0][2] - eligible[1][2]) / 10 < CLOSE_MARGIN
    )
    change = None
    if len(eligible) >= 2 and total_weight > 0:
        change = smallest_change(
            criteria=criteria,
            frameworks=tuple(row[0] for row in eligible),
            numerators=tuple(row[1] for row in eligible),
            weights=weights,
            fit_weight=fit_weight,
        )
    return Ranking(
        results=tuple(results),
        weights=dict(weights),
        use_case=use_case,
        required=required,
        total_weight=total_weight,
        close_call=close_call,
        change=change,
    )


def _unmet_names(framework, unmet, capability_names) -> tuple[str, ...]:
    names = []
    for slug in unmet:
        support = framework.capabilities.get(slug)
        name = capability_names.get(slug, slug)
        if support is not None and support.support == "extension" and support.extension:
            names.append(f"{name} (only via {support.extension})")
        else:
            names.append(name)
    return tuple(names)


class _Explainer:
    """Builds breakdowns for one ranking: what every framework shares is worked out once."""

    def __init__(self, criteria, weights, use_case, total_weight):
        self.use_case = use_case
        self.total_weight = total_weight
        self.fit_weight = use_case.fit_weight if use_case is not None else 0
        self.terms = [
            (
                c.slug,
                c.name,
                weights[c.slug],
                round(100 * weights[c.slug] / total_weight, 1) if total_weight else 0.0,
            )
            for c in criteria
        ]
        if use_case is not None:
            self.fit_name = f"Fit: {use_case.name}"
            self.fit_max = round(100 * self.fit_weight / total_weight, 1) if total_weight else 0.0
        # Frameworks at the same level of a criterion mostly earn the same points there: one
        # immutable Contribution serves them all.
        self.shared: dict[tuple, Contribution] = {}
        # Reasons name the weighted criteria, heaviest first, then by name.
        weighted = sorted(
            (c for c in criteria if weights[c.slug] > 0), key=lambda c: (-weights[c.slug], c.name)
        )
        self.order = {c.slug: position for position, c in enumerate(weighted)}

    def reasons(self, framework, breakdown, unmet_names) -> tuple[str, ...]:
        """Short sentences: where the framework earns top marks, where it loses, its fit."""
        order = self.order
        strong, weak = [], []
        for c in breakdown:
            position = order.get(c.key)
            if position is None:
                continue  # a criterion with weight 0, or the fit term
            if c.share >= 0.99:
                strong.append((position, c))
            elif c.share <= 0.4:
                weak.append((position, c))
        reasons = []
        if strong:
            strong.sort(key=lambda item: item[0])
            names = ", ".join(f"{c.name.lower()} ({c.label})" for _, c in strong[:3])
            reasons.append(f"Top marks on {names}.")
        if weak:
            weak.sort(key=lambda item: item[0])
            names = ", ".join(f"{c.name.lower()} ({c.label})" for _, c in weak[:2])
            reasons.append(f"Loses points on {names}.")
        use_case = self.use_case
        if use_case is not None:
            fit = framework.fits.get(use_case.slug)
            if fit is None:
                reasons.append(f"No fit rated for {use_case.name.lower()}.")
            else:
                reasons.append(f"Fit for {use_case.name.lower()}: {fit.fit}/{FIT_MAX}.")
        if unmet_names:
            reasons.append("Missing must-haves: " + "; ".join(unmet_names) + ".")
        return tuple(reasons)

    def breakdown(self, framework, score_tenths) -> tuple[Contribution, ...]:
        total_weight, use_case = self.total_weight, self.use_case
        ratings = framework.ratings
        # A term's points are 100 * weight * (value / VALUE_MAX) / total_weight, that is
        # weight * value / total_weight; in tenths, 10 * weight * value over total_weight.
        numerators, labels = [], []
        for slug, _, weight, _ in self.terms:
            rating = ratings.get(slug)
            if rating is None:
                labels.append(("Not rated", 0.0))
                numerators.append(0)
            else:
                labels.append((rating.label, rating.value / VALUE_MAX))
                numerators.append(10 * weight * rating.value)
        if use_case is not None:
            fit = framework.fits.get(use_case.slug)
            fit_share = fit.fit / FIT_MAX if fit else 0.0
            # 100 * fit_weight * (fit / FIT_MAX) points; FIT_MAX divides VALUE_MAX exactly.
            numerators.append(10 * self.fit_weight * fit.fit * (VALUE_MAX // FIT_MAX) if fit else 0)
        tenths = (
            _split_tenths(score_tenths, numerators, total_weight)
            if total_weight
            else [0] * len(numerators)
        )
        breakdown = []
        shared = self.shared
        # tenths has one more item, the fit term's, when there is a use case.
        for term, (label, share), points in zip(self.terms, labels, tenths, strict=False):
            key = (term[0], label, share, points)
            contribution = shared.get(key)
            if contribution is None:
                slug, name, weight, max_points = term
                contribution = shared[key] = Contribution(
                    key=slug,
                    name=name,
                    weight=weight,
                    label=label,
                    share=share,
                    points=points / 10,
                    max_points=max_points,
                )
            breakdown.append(contribution)
        if use_case is not None:
            label = f"{fit.fit}/{FIT_MAX}" if fit else "Not rated"
            key = (FIT_TERM, label, tenths[-1])
            contribution = shared.get(key)
            if contribution is None:
                contribution = shared[key] = Contribution(
                    key=FIT_TERM,
                    name=self.fit_name,
                    weight=self.fit_weight,
                    label=label,
                    share=fit_share,
                    points=tenths[-1] / 10,
                    max_points=self.fit_max,
                )
            breakdown.append(contribution)
        return tuple(breakdown)


def smallest_change(
    *,
    criteria: tuple[CriterionSpec, ...],
    frameworks: tuple[FrameworkSpec, ...],
    numerators: tuple[int, ...],
    weights: Mapping[str, int],
    fit_weight: int = 0,
) -> WeightChange | None:
    """The smallest change of one criterion's weight that puts another framework strictly first.

    ``frameworks`` are the eligible ones, best first, with their scaled numerators. Every
    eligible framework shares the denominator, so the order follows the numerators alone: when
    weight ``w`` of criterion ``c`` moves by ``d``, each numerator moves by ``d * value * FIT_MAX``.
    That makes the search linear in criteria times frameworks.
    """
    leader, leader_num = frameworks[0], numerators[0]
    total_weight = sum(weights[c.slug] for c in criteria) + fit_weight
    best = None  # (abs delta, criterion position, delta, criterion)
    # One weight moves by at most WEIGHT_MAX steps, and a step moves a gap by at most
    # VALUE_MAX * FIT_MAX: frameworks further behind can never be put first by it.
    reach = WEIGHT_MAX * VALUE_MAX * FIT_MAX
    others = [
        (framework, num)
        for framework, num in zip(frameworks[1:], numerators[1:], strict=True)
        if leader_num - num < reach
    ]
    for position, criterion in enumerate(criteria):
        slug = criterion.slug
        weight = weights[slug]
        leader_value = _value(leader, slug)
        for framework, num in others:
            gap = leader_num - num  # >= 0 because the leader comes first
            rating = framework.ratings.get(slug)
            slope = ((rating.value if rating is not None else 0) - leader_value) * FIT_MAX
            if slope == 0:
                continue
            # Need delta * slope > gap, with 0 <= weight + delta <= WEIGHT_MAX.
            steps = gap // abs(slope) + 1
            delta = steps if slope > 0 else -steps
            if not WEIGHT_MIN <= weight + delta <= WEIGHT_MAX:
                continue
            if total_weight + delta <= 0:
                continue
            candidate = (abs(delta), position, delta, criterion)
            if best is None or candidate[:2] < best[:2]:
                best = candidate
        if best is not None and best[0] == 1:
            break  # no later criterion can beat a one-step change
    if best is None:
        return None
    _, _, delta, criterion = best
    shifted = [
        (num + delta * _value(framework, criterion.slug) * FIT_MAX, framework)
        for framework, num in zip(frameworks, numerators, strict=True)
    ]
    top = max(num for num, _ in shifted)
    new_leader = min(
        (framework for num, framework in shifted if num == top),
        key=lambda f: (f.name.casefold(), f.slug),
    )
    return WeightChange(
        criterion=criterion.slug,
        criterion_name=criterion.name,
        from_weight=weights[criterion.slug],
        to_weight=weights[criterion.slug] + delta,
        new_leader=new_leader.slug,
        new_leader_name=new_leader.name,
    )


def _value(framework: FrameworkSpec, criterion_slug: str) -> int:
    rating = framework.ratings.get(criterion_slug)
    return rating.value if rating is not None else 0
