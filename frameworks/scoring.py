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

This module is pure: frozen dataclasses in, frozen dataclasses and named tuples out, no database
access. All arithmetic is done on integers so that rankings and sensitivity checks are exact.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import NamedTuple

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


class Contribution(NamedTuple):
    """What one criterion (or the use-case fit) added to a framework's score.

    Named tuples rather than frozen dataclasses: as immutable, and a ranking makes hundreds of
    them per request, at under half the cost each.
    """

    key: str
    name: str
    weight: int
    label: str  # the level label, or "4/5" for fit, or "Not rated"
    share: float  # 0..1 of this term's possible points that the framework earned
    points: float  # points added to the score, one decimal
    max_points: float  # points this term could have added, one decimal


class Result(NamedTuple):
    """A framework's place in a ranking; ``breakdown`` and ``reasons`` may be left empty."""

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


class Table:
    """The catalog laid out for the scoring loops, once per catalog rather than per request.

    Every (criterion, level) pair a framework can be at is a numbered *cell*; a framework's
    *row* holds its cell for each criterion, in the criteria's order (an unrated criterion has
    a cell of its own). A ranking then works out what each cell is worth under the visitor's
    weights, a few hundred numbers at most, and each framework's score and breakdown are
    look-ups of its row's cells rather than a walk through its ratings.

    Rows are kept for the frameworks seen (by identity: specs are immutable), so a table kept
    with a catalog snapshot serves every ranking over that snapshot.
    """

    def __init__(self, criteria: tuple[CriterionSpec, ...], frameworks=()):
        self.criteria = criteria
        #: Per cell: (criterion position, label, value, share of the criterion's points,
        #: "criterion name (level)" as reasons quote it).
        self.cells: list[tuple[int, str, int, float, str]] = []
        self._numbers: dict[tuple[int, str, int, bool], int] = {}
        self._rows: dict[int, tuple[FrameworkSpec, tuple[int, ...]]] = {}
        self._lock = threading.Lock()
        for framework in frameworks:
            self.row(framework)

    def row(self, framework: FrameworkSpec) -> tuple[int, ...]:
        kept = self._rows.get(id(framework))
        if kept is not None and kept[0] is framework:
            return kept[1]
        with self._lock:
            ratings = framework.ratings
            row = tuple(
                self._cell(position, ratings.get(criterion.slug))
                for position, criterion in enumerate(self.criteria)
            )
            self._rows[id(framework)] = (framework, row)
        return row

    def _cell(self, position: int, rating: RatingSpec | None) -> int:
        if rating is None:
            key = (position, "Not rated", 0, False)
        else:
            key = (position, rating.label, rating.value, True)
        number = self._numbers.get(key)
        if number is None:
            number = self._numbers[key] = len(self.cells)
            _, label, value, rated = key
            share = value / VALUE_MAX if rated else 0.0
            quote = f"{self.criteria[position].name.lower()} ({label})"
            self.cells.append((position, label, value, share, quote))
        return number


def rank(
    *,
    criteria: tuple[CriterionSpec, ...],
    frameworks: tuple[FrameworkSpec, ...],
    weights: Mapping[str, int],
    use_case: UseCaseSpec | None = None,
    required: Collection[str] = (),
    capability_names: Mapping[str, str] | None = None,
    explain: int | None = None,
    table: Table | None = None,
) -> Ranking:
    """Score and rank ``frameworks``; ``weights`` must give every criterion a weight 0-5.

    Every result gets its score, rank and eligibility. The first ``explain`` results (all when
    None) also carry their breakdown and reasons; the others carry empty ones. A page that
    shows the top of a long ranking in detail need not pay for explaining all of it.
    ``table``: a :class:`Table` over the same criteria, kept between rankings (optional).
    """
    capability_names = capability_names or {}
    required = tuple(dict.fromkeys(required))
    weight_of = [weights[c.slug] for c in criteria]
    for criterion, weight in zip(criteria, weight_of, strict=True):
        if not WEIGHT_MIN <= weight <= WEIGHT_MAX:
            raise ValueError(f"Weight for {criterion.slug} must be {WEIGHT_MIN}-{WEIGHT_MAX}.")
    if table is None or table.criteria is not criteria:
        table = Table(criteria)
    rows = [table.row(framework) for framework in frameworks]
    cells = table.cells[:]  # every row's cells are in by now
    fit_weight = use_case.fit_weight if use_case is not None else 0
    total_weight = sum(weight_of) + fit_weight
    # Every numerator is scaled by VALUE_MAX * FIT_MAX so that the arithmetic stays exact.
    denominator = total_weight * VALUE_MAX * FIT_MAX
    earns = [weight_of[position] * FIT_MAX * value for position, _, value, _, _ in cells]
    fit_slug = use_case.slug if use_case is not None else None
    fit_scale = fit_weight * VALUE_MAX

    scored = []
    for framework, row in zip(frameworks, rows, strict=True):
        numerator = sum(map(earns.__getitem__, row))
        if fit_slug is not None:
            fit = framework.fits.get(fit_slug)
            if fit is not None:
                numerator += fit_scale * fit.fit
        unmet = ()
        if required:
            capabilities = framework.capabilities
            unmet = tuple(
                slug
                for slug in required
                if not (capabilities.get(slug) and capabilities[slug].meets)
            )
        score_tenths = round(100 * numerator / denominator * 10) if denominator else 0
        scored.append((framework, numerator, score_tenths, unmet, row))

    # Exact numerators share one denominator, so they order exactly as the scores do.
    scored.sort(key=lambda item: (bool(item[3]), -item[1], item[0].name.casefold(), item[0].slug))
    explained = len(scored) if explain is None else explain
    explainer = (
        _Explainer(criteria, cells, weight_of, use_case, total_weight) if explained > 0 else None
    )
    results = []
    for position, (framework, _, score_tenths, unmet, row) in enumerate(scored, start=1):
        breakdown, reasons = (), ()
        if position <= explained:
            breakdown, reasons = explainer.explain(
                framework,
                row,
                score_tenths,
                _unmet_names(framework, unmet, capability_names) if unmet else (),
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
    eligible = [item for item in scored if not item[3]]
    close_call = (
        len(eligible) >= 2
        and total_weight > 0
        and (eligible[0][2] - eligible[1][2]) / 10 < CLOSE_MARGIN
    )
    change = None
    if len(eligible) >= 2 and total_weight > 0:
        change = smallest_change(
            criteria=criteria,
            frameworks=tuple(item[0] for item in eligible),
            numerators=tuple(item[1] for item in eligible),
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


class _Contributions(dict):
    """Cell number -> its Contribution in one ranking, made on first use (``map`` reads it at
    C speed). ``extra``: tenths added by rounding (0 or 1)."""

    def __init__(self, explainer, extra):
        super().__init__()
        self.explainer = explainer
        self.extra = extra

    def __missing__(self, cell):
        explainer = self.explainer
        position, label, _, share, _ = explainer.cells[cell]
        criterion = explainer.criteria[position]
        contribution = self[cell] = Contribution(
            criterion.slug,
            criterion.name,
            explainer.weight_of[position],
            label,
            share,
            (explainer.floors[cell] + self.extra) / 10,
            explainer.max_points[position],
        )
        return contribution


class _Explainer:
    """Breakdowns and reasons for one ranking: what every framework shares is worked out once.

    A term's points are ``100 * weight * (value / VALUE_MAX) / total_weight``, that is
    ``weight * value / total_weight``; in tenths, ``10 * weight * value`` over the total
    weight. They are rounded so that they add up to the rounded score: each term gets its
    floor, then one more tenth goes to the largest remainders (earlier terms first among
    equals). The arithmetic is on integers, so the rounding is exact.
    """

    def __init__(self, criteria, cells, weight_of, use_case, total_weight):
        self.use_case = use_case
        self.total_weight = total_weight
        self.fit_weight = use_case.fit_weight if use_case is not None else 0
        terms = self.terms = len(criteria) + (use_case is not None)
        self.max_points = [
            round(100 * weight / total_weight, 1) if total_weight else 0.0 for weight in weight_of
        ]
        # Per cell: its floor in tenths, and a sort key for its remainder that puts earlier
        # terms first among equal remainders (a cell's position is unique within a row).
        self.floors, self.keys = [], []
        for position, _, value, _, _ in cells:
            if total_weight:
                floor, remainder = divmod(10 * weight_of[position] * value, total_weight)
            else:
                floor = remainder = 0
            self.floors.append(floor)
            self.keys.append(remainder * terms + terms - 1 - position)

        self.criteria, self.cells, self.weight_of = criteria, cells, weight_of
        self.positions = [cell[0] for cell in cells]
        # One immutable Contribution per cell serves every framework at that level.
        self.plain = _Contributions(self, 0)
        self.rounded_up = _Contributions(self, 1)
        self.fit_terms: dict[tuple[str, int], Contribution] = {}
        if use_case is not None:
            self.fit_name = f"Fit: {use_case.name}"
            self.fit_max = round(100 * self.fit_weight / total_weight, 1) if total_weight else 0.0
        # Reasons name the weighted criteria, heaviest first, then by name; a cell earns a
        # framework "top marks" or "loses points" by its share.
        order = sorted(
            (position for position, weight in enumerate(weight_of) if weight > 0),
            key=lambda position: (-weight_of[position], criteria[position].name),
        )
        self.order = order
        # Cells that earn "top marks" or "loses points" (named only if weighted: `order`).
        self.quotes = [cell[4] for cell in cells]
        self.strong = {cell for cell, (_, _, _, share, _) in enumerate(cells) if share >= 0.99}
        self.weak = {cell for cell, (_, _, _, share, _) in enumerate(cells) if share <= 0.4}

    def explain(self, framework, row, score_tenths, unmet_names):
        """(breakdown, reasons) of one framework."""
        breakdown = list(map(self.plain.__getitem__, row))
        use_case, total_weight, terms = self.use_case, self.total_weight, self.terms
        floors = sum(map(self.floors.__getitem__, row))
        fit = fit_key = None
        if use_case is not None:
            fit = framework.fits.get(use_case.slug)
            fit_floor = fit_remainder = 0
            if fit is not None and total_weight:
                # 100 * fit_weight * (fit / FIT_MAX) points; FIT_MAX divides VALUE_MAX.
                fit_floor, fit_remainder = divmod(
                    10 * self.fit_weight * fit.fit * (VALUE_MAX // FIT_MAX), total_weight
                )
            floors += fit_floor
            fit_key = fit_remainder * terms  # the last term: position terms - 1
        missing = score_tenths - floors if total_weight else 0
        fit_tenths = fit_floor if use_case is not None else 0
        if missing > 0:
            # The `missing` terms with the largest keys get one more tenth (keys are distinct
            # within a row). The row's cells, largest key first:
            top = sorted(row, key=self.keys.__getitem__, reverse=True)
            if fit_key is not None and (
                missing > len(top) or fit_key > self.keys[top[missing - 1]]
            ):
                fit_tenths += 1  # the fit term's key is among the largest
                missing -= 1
            positions, rounded_up = self.positions, self.rounded_up
            for cell in top[:missing]:
                breakdown[positions[cell]] = rounded_up[cell]
        if use_case is not None:
            breakdown.append(self._fit_term(fit, fit_tenths))
        return tuple(breakdown), self._reasons(framework, row, fit, unmet_names)

    def _fit_term(self, fit, tenths) -> Contribution:
        label = f"{fit.fit}/{FIT_MAX}" if fit else "Not rated"
        contribution = self.fit_terms.get((label, tenths))
        if contribution is None:
            contribution = self.fit_terms[label, tenths] = Contribution(
                key=FIT_TERM,
                name=self.fit_name,
                weight=self.fit_weight,
                label=label,
                share=fit.fit / FIT_MAX if fit else 0.0,
                points=tenths / 10,
                max_points=self.fit_max,
            )
        return contribution

    def _reasons(self, framework, row, fit, unmet_names) -> tuple[str, ...]:
        """Short sentences: where the framework earns top marks, where it loses, its fit."""
        reasons = []
        # The framework's cells of the weighted criteria, heaviest first; the first few strong
        # and weak ones are all a reason names (the scan stops there, in C).
        in_order = list(map(row.__getitem__, self.order))
        quote = self.quotes.__getitem__
        strong = list(islice(filter(self.strong.__contains__, in_order), 3))
        if strong:
            reasons.append(f"Top marks on {', '.join(map(quote, strong))}.")
        weak = list(islice(filter(self.weak.__contains__, in_order), 2))
        if weak:
            reasons.append(f"Loses points on {', '.join(map(quote, weak))}.")
        use_case = self.use_case
        if use_case is not None:
            if fit is None:
                reasons.append(f"No fit rated for {use_case.name.lower()}.")
            else:
                reasons.append(f"Fit for {use_case.name.lower()}: {fit.fit}/{FIT_MAX}.")
        if unmet_names:
            reasons.append("Missing must-haves: " + "; ".join(unmet_names) + ".")
        return tuple(reasons)


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
