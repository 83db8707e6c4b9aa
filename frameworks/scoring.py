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
  When the visitor allows extensions, support through an extension that editors marked as well
  known and maintained meets a must-have too, and the result names it ("WebSockets via
  Channels"). Support through an unmarked extension, or none, never does.
* When no framework is eligible, the ranking says what to relax: allowing extensions (when that
  alone makes a framework eligible), or dropping a single must-have that is all some framework
  misses, each with the frameworks it would make eligible.
* When the top two eligible scores are close, the ranking names the terms that tell them apart:
  those where their points differ most.
* Order: eligible first, then the higher exact score, then the name, then the slug.

This module is pure: frozen dataclasses in, frozen dataclasses and named tuples out, no database
access. All arithmetic is done on integers so that rankings and sensitivity checks are exact. The
per-framework, per-criterion sums and the rounding run on numpy integer arrays (a 200 × 50
catalog is 10,000 terms per ranking); everything else is plain Python, which costs less on a
catalog of a few dozen frameworks.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import numpy as np

WEIGHT_MIN = 0
WEIGHT_MAX = 5
FIT_MAX = 5
VALUE_MAX = 100
#: Top two eligible scores closer than this many points are reported as "no clear winner".
CLOSE_MARGIN = 3.0
#: Support levels that satisfy a must-have, whatever the visitor allows: what ships with the
#: framework, even in a limited form ("partial", as the catalog has always counted it).
MEETS = frozenset({"built_in", "partial"})
FIT_TERM = "use-case-fit"
#: How many terms the "no clear winner" note names as what tells the top two apart.
APART_TERMS = 2


@dataclass(frozen=True, slots=True)
class LevelSpec:
    label: str
    value: int
    definition: str = ""
    threshold: int | None = None


@dataclass(frozen=True, slots=True)
class CriterionSpec:
    slug: str
    name: str
    default_weight: int
    levels: tuple[LevelSpec, ...] = ()
    help_text: str = ""
    measure: str = ""


@dataclass(frozen=True, slots=True)
class RatingSpec:
    label: str
    value: int
    note: str = ""
    source_url: str = ""
    reviewed_on: date | None = None
    source_as_of: date | None = None
    figure: str = ""
    figure_as_of: date | None = None


@dataclass(frozen=True, slots=True)
class SupportSpec:
    support: str  # built_in | partial | extension | none
    extension: str = ""
    detail: str = ""
    source_url: str = ""
    #: Editors marked the extension as well known and maintained: it counts when allowed.
    recommended: bool = False
    extension_url: str = ""

    @property
    def meets(self) -> bool:
        return self.support in MEETS

    @property
    def via(self) -> str:
        """The extension's name when it may stand in for built-in support, else ""."""
        if self.support == "extension" and self.recommended:
            return self.extension
        return ""

    def meets_with(self, extensions: bool) -> bool:
        return self.meets or (extensions and bool(self.via))


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
    #: (capability slug, extension name) for each must-have met only through an extension.
    via: tuple[tuple[str, str], ...] = ()
    #: For an ineligible framework, each single change that would make it eligible.
    ways: tuple[Way, ...] = ()


class Way(NamedTuple):
    """One change to the visitor's must-haves that makes a framework eligible.

    ``drop``: the must-have to drop; empty when the change is to allow extensions, in which
    case ``via`` names the extension that would meet each must-have the framework lacks.
    """

    drop: str
    via: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Unlocked:
    """A framework that a relaxation would make eligible."""

    slug: str
    name: str
    via: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Relaxation:
    """What to relax when no framework meets every must-have, and what it would let in.

    ``drop`` is the must-have to drop, or "" for allowing extensions. ``frameworks`` come in
    the ranking's order.
    """

    drop: str
    frameworks: tuple[Unlocked, ...]


@dataclass(frozen=True, slots=True)
class Difference:
    """A term on which the top two eligible frameworks differ: ``points`` more for ``leader``."""

    key: str
    name: str
    leader: str
    leader_name: str
    points: float


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
    #: Every distinct term of the explained results' breakdowns, once, by code: results at the
    #: same level of a criterion share one, so whatever writes each distinct term once and
    #: then only refers to it (the API's JSON) builds it once per ranking. ``codes``: each
    #: result's breakdown as keys of ``terms``, in the results' order (empty if unexplained).
    #: Codes depend on how the table numbered its cells, so rankings compare without them.
    terms: Mapping[Hashable, Contribution] = field(default_factory=dict, compare=False)
    codes: tuple[tuple[Hashable, ...], ...] = field(default=(), compare=False)
    #: Whether editor-marked extensions met must-haves in this ranking.
    extensions: bool = False
    #: When no framework is eligible: each single change that would make one eligible.
    relax: tuple[Relaxation, ...] = ()
    #: On a close call: the terms where the top two eligible frameworks differ most.
    apart: tuple[Difference, ...] = ()

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
    a cell of its own). A ranking works out what each cell is worth under the visitor's
    weights, a few hundred numbers at most; every framework's score, and the floors and
    rounding of its breakdown, are then array operations over the (frameworks × criteria)
    matrix of rows: a 200 × 50 catalog is 10,000 look-ups that numpy does in C rather than
    Python one by one.

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
        self._columns = None
        self.frameworks = tuple(frameworks)
        for framework in self.frameworks:
            self.row(framework)
        self._layout = self._lay_out(self.frameworks) if self.frameworks else None

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
            quote = f"{mid_sentence(self.criteria[position].name)} ({label})"
            self.cells.append((position, label, value, share, quote))
        return number

    def layout(self, frameworks: tuple[FrameworkSpec, ...]) -> _Layout:
        """The rows of ``frameworks`` as arrays (kept for the table's own frameworks)."""
        if frameworks is self.frameworks and self._layout is not None:
            return self._layout
        return self._lay_out(frameworks)

    def _lay_out(self, frameworks) -> _Layout:
        rows = [self.row(framework) for framework in frameworks]
        by_name = sorted(
            range(len(frameworks)),
            key=lambda i: name_key(frameworks[i].name, frameworks[i].slug),
        )
        name_order = [0] * len(frameworks)
        for place, index in enumerate(by_name):
            name_order[index] = place
        strong = {number for number, cell in enumerate(self.cells) if cell[3] >= 0.99}
        weak = {number for number, cell in enumerate(self.cells) if cell[3] <= 0.4}
        return _Layout(
            matrix=np.array(rows, dtype=np.intp).reshape(len(frameworks), len(self.criteria)),
            name_order=name_order,
            strong=[tuple(filter(strong.__contains__, row)) for row in rows],
            weak=[tuple(filter(weak.__contains__, row)) for row in rows],
        )

    def columns(self) -> _Columns:
        """Per cell: criterion position and value as arrays, positions and quotes as lists."""
        kept = self._columns
        if kept is None or len(kept.position) != len(self.cells):
            cells = self.cells[:]
            kept = self._columns = _Columns(
                position=np.array([c[0] for c in cells], dtype=np.intp),
                value=np.array([c[2] for c in cells], dtype=np.int64),
                positions=[c[0] for c in cells],
                quotes=[c[4] for c in cells],
            )
        return kept


class _Layout(NamedTuple):
    matrix: np.ndarray  # frameworks × criteria: cell numbers
    name_order: list[int]  # each framework's place in (name, slug) order
    #: Per framework: the cells where it earns top marks, and where it loses points.
    strong: list[tuple[int, ...]]
    weak: list[tuple[int, ...]]


class _Columns(NamedTuple):
    position: np.ndarray
    value: np.ndarray
    positions: list[int]
    quotes: list[str]


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
    extensions: bool = False,
) -> Ranking:
    """Score and rank ``frameworks``; ``weights`` must give every criterion a weight 0-5.

    Every result gets its score, rank and eligibility. The first ``explain`` results (all when
    None) also carry their breakdown and reasons; the others carry empty ones. A page that
    shows the top of a long ranking in detail need not pay for explaining all of it.
    ``table``: a :class:`Table` over the same criteria, kept between rankings (optional).
    ``extensions``: editor-marked extensions meet must-haves too.
    """
    capability_names = capability_names or {}
    required = tuple(dict.fromkeys(required))
    weight_of = [weights[c.slug] for c in criteria]
    for criterion, weight in zip(criteria, weight_of, strict=True):
        if not WEIGHT_MIN <= weight <= WEIGHT_MAX:
            raise ValueError(f"Weight for {criterion.slug} must be {WEIGHT_MIN}-{WEIGHT_MAX}.")
    if table is None or table.criteria is not criteria:
        table = Table(criteria)
    layout = table.layout(frameworks)
    columns = table.columns()  # after the layout: every row's cells are in by now
    fit_weight = use_case.fit_weight if use_case is not None else 0
    total_weight = sum(weight_of) + fit_weight
    # Every numerator is scaled by VALUE_MAX * FIT_MAX so that the arithmetic stays exact.
    denominator = total_weight * VALUE_MAX * FIT_MAX
    cell_weight = np.array(weight_of, dtype=np.int64)[columns.position]
    numerators = (cell_weight * columns.value * FIT_MAX)[layout.matrix].sum(axis=1, dtype=np.int64)
    fits = [None] * len(frameworks)
    if use_case is not None:
        fits = [framework.fits.get(use_case.slug) for framework in frameworks]
        fit_values = np.array([fit.fit if fit else 0 for fit in fits], dtype=np.int64)
        numerators += fit_weight * VALUE_MAX * fit_values
    unmet = vias = [()] * len(frameworks)
    if required:
        unmet = [_unmet(framework, required, extensions) for framework in frameworks]
        if extensions:
            vias = [_via(framework, required) for framework in frameworks]
    nums = numerators.tolist()
    tenths = [round(100 * n / denominator * 10) for n in nums] if denominator else [0] * len(nums)
    # Eligible first, then the higher score (exact numerators share one denominator, so they
    # order exactly as the scores do), then the name, then the slug.
    name_order = layout.name_order
    order = sorted(range(len(frameworks)), key=lambda i: (bool(unmet[i]), -nums[i], name_order[i]))
    explained = len(order) if explain is None else max(0, min(explain, len(order)))
    explanations, terms = [], {}
    if explained:
        top = order[:explained]
        explainer = _Explainer(criteria, table.cells, columns, weight_of, use_case, total_weight)
        explanations = explainer.explain(
            layout,
            top,
            np.array([tenths[i] for i in top], dtype=np.int64),
            [fits[i] for i in top],
            [
                _unmet_names(frameworks[i], unmet[i], capability_names) if unmet[i] else ()
                for i in top
            ],
            [_via_names(vias[i], capability_names) for i in top],
        )
        terms = dict(explainer.terms_by_code)
    results, codes = [], []
    for position, index in enumerate(order, start=1):
        framework = frameworks[index]
        breakdown, reasons, result_codes = (
            explanations[position - 1] if position <= explained else _NONE
        )
        codes.append(result_codes)
        results.append(
            Result(
                rank=position,
                slug=framework.slug,
                name=framework.name,
                score=tenths[index] / 10,
                eligible=not unmet[index],
                unmet=unmet[index],
                breakdown=breakdown,
                reasons=reasons,
                via=vias[index],
                ways=_ways(framework, unmet[index], extensions) if unmet[index] else (),
            )
        )
    eligible = [index for index in order if not unmet[index]]
    close_call = (
        len(eligible) >= 2
        and total_weight > 0
        and (tenths[eligible[0]] - tenths[eligible[1]]) / 10 < CLOSE_MARGIN
    )
    change = None
    if len(eligible) >= 2 and total_weight > 0:
        change = smallest_change(
            criteria=criteria,
            frameworks=tuple(frameworks[index] for index in eligible),
            numerators=tuple(nums[index] for index in eligible),
            weights=weights,
            fit_weight=fit_weight,
        )
    apart = ()
    if close_call:
        first, second = (frameworks[index] for index in eligible[:2])
        apart = differences(
            criteria=criteria,
            first=first,
            second=second,
            weights=weights,
            use_case=use_case,
        )
    return Ranking(
        results=tuple(results),
        weights=dict(weights),
        use_case=use_case,
        required=required,
        total_weight=total_weight,
        close_call=close_call,
        change=change,
        terms=terms,
        codes=tuple(codes),
        extensions=bool(extensions),
        relax=relaxations(results, required) if required and not eligible else (),
        apart=apart,
    )


_NONE = ((), (), ())  # an unexplained result's breakdown, reasons and codes


def _unmet(framework: FrameworkSpec, required, extensions: bool) -> tuple[str, ...]:
    capabilities = framework.capabilities
    return tuple(
        slug
        for slug in required
        if not (capabilities.get(slug) and capabilities[slug].meets_with(extensions))
    )


def _via(framework: FrameworkSpec, required) -> tuple[tuple[str, str], ...]:
    """The must-haves that only an allowed extension meets, with that extension's name."""
    via = []
    for slug in required:
        support = framework.capabilities.get(slug)
        if support is not None and not support.meets and support.via:
            via.append((slug, support.via))
    return tuple(via)


def _ways(framework: FrameworkSpec, unmet, extensions: bool) -> tuple[Way, ...]:
    """Each single change that makes this framework eligible: allowing extensions (when they
    are not allowed yet and cover everything it misses), or dropping the one must-have it
    misses."""
    ways = []
    if not extensions and all(
        framework.capabilities.get(slug) and framework.capabilities[slug].via for slug in unmet
    ):
        ways.append(Way("", _via(framework, unmet)))
    if len(unmet) == 1:
        ways.append(Way(unmet[0]))
    return tuple(ways)


def relaxations(results, required) -> tuple[Relaxation, ...]:
    """What to relax to get an eligible framework: allowing extensions first (it keeps every
    must-have), then each must-have in the visitor's order whose dropping lets one in."""
    found = []
    for drop in ("", *required):
        unlocked = tuple(
            Unlocked(result.slug, result.name, way.via)
            for result in results
            for way in result.ways
            if way.drop == drop
        )
        if unlocked:
            found.append(Relaxation(drop, unlocked))
    return tuple(found)


def differences(
    *,
    criteria: tuple[CriterionSpec, ...],
    first: FrameworkSpec,
    second: FrameworkSpec,
    weights: Mapping[str, int],
    use_case: UseCaseSpec | None = None,
    limit: int = APART_TERMS,
) -> tuple[Difference, ...]:
    """The terms (criteria, or the use-case fit) where ``first`` and ``second`` differ most in
    points under ``weights``, largest first (earlier terms first among equals); at most
    ``limit``, and none where they earn the same."""
    fit_weight = use_case.fit_weight if use_case is not None else 0
    total_weight = sum(weights[c.slug] for c in criteria) + fit_weight
    if total_weight == 0:
        return ()
    # Each term's gap in points, times VALUE_MAX * FIT_MAX * total_weight / 100: exact integers.
    gaps = [
        (
            c.slug,
            c.name,
            weights[c.slug] * (_value(first, c.slug) - _value(second, c.slug)) * FIT_MAX,
        )
        for c in criteria
    ]
    if use_case is not None:
        fits = [f.fits.get(use_case.slug) for f in (first, second)]
        a, b = (fit.fit if fit else 0 for fit in fits)
        gaps.append((FIT_TERM, f"Fit: {use_case.name}", fit_weight * (a - b) * VALUE_MAX))
    ordered = sorted(
        (item for item in enumerate(gaps) if item[1][2]),
        key=lambda item: (-abs(item[1][2]), item[0]),
    )
    denominator = total_weight * VALUE_MAX * FIT_MAX
    return tuple(
        Difference(
            key=key,
            name=name,
            leader=(first if gap > 0 else second).slug,
            leader_name=(first if gap > 0 else second).name,
            points=round(100 * abs(gap) / denominator, 1),
        )
        for _, (key, name, gap) in ordered[:limit]
    )


def _via_names(via, capability_names) -> tuple[str, ...]:
    return tuple(f"{capability_names.get(slug, slug)} via {name}" for slug, name in via)


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


class _Terms(dict):
    """Breakdown term code -> its Contribution in one ranking, made on first use (``map``
    reads it at C speed). A code is ``2 * cell + extra``, ``extra`` the tenth added by
    rounding (0 or 1); one immutable Contribution serves every framework at that level. The
    fit term's codes are tuples (``_Explainer._fit_code``)."""

    def __init__(self, explainer):
        super().__init__()
        self.explainer = explainer

    def __missing__(self, code):
        explainer = self.explainer
        cell, extra = divmod(code, 2)
        position, label, _, share, _ = explainer.cells[cell]
        criterion = explainer.criteria[position]
        contribution = self[code] = Contribution(
            criterion.slug,
            criterion.name,
            explainer.weight_of[position],
            label,
            share,
            (explainer.floors[cell] + extra) / 10,
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

    def __init__(self, criteria, cells, columns, weight_of, use_case, total_weight):
        self.criteria, self.cells, self.columns = criteria, cells, columns
        self.weight_of, self.use_case, self.total_weight = weight_of, use_case, total_weight
        self.fit_weight = use_case.fit_weight if use_case is not None else 0
        self.max_points = [
            round(100 * weight / total_weight, 1) if total_weight else 0.0 for weight in weight_of
        ]
        terms = self.terms = len(criteria) + (use_case is not None)
        tenths = 10 * np.array(weight_of, dtype=np.int64)[columns.position] * columns.value
        if total_weight:
            floors, remainders = np.divmod(tenths, total_weight)
        else:
            floors = remainders = np.zeros_like(tenths)
        self.floor_array = floors
        self.floors = floors.tolist()
        # A sort key for each cell's remainder that puts earlier terms first among equal
        # remainders (a cell's position is unique within a row, so keys in a row differ).
        self.keys = remainders * terms + (terms - 1 - columns.position)
        self.terms_by_code = _Terms(self)
        if use_case is not None:
            self.fit_name = f"Fit: {use_case.name}"
            self.fit_max = round(100 * self.fit_weight / total_weight, 1) if total_weight else 0.0
        # Reasons name the weighted criteria, heaviest first, then by name: each cell's place
        # in that order (past the end for an unweighted criterion).
        order = sorted(
            (position for position, weight in enumerate(weight_of) if weight > 0),
            key=lambda position: (-weight_of[position], criteria[position].name),
        )
        self.weighted = len(order)
        places = [len(criteria)] * len(criteria)
        for place, position in enumerate(order):
            places[position] = place
        self.place = [places[position] for position in columns.positions]

    def explain(self, layout, indices, score_tenths, fits, unmet_names, via_names):
        """(breakdown, reasons, codes) of the frameworks at ``indices`` of ``layout``."""
        matrix = layout.matrix[indices]
        count, width = matrix.shape
        keys = self.keys[matrix]
        floor_sums = self.floor_array[matrix].sum(axis=1, dtype=np.int64)
        if self.use_case is not None:
            # 100 * fit_weight * (fit / FIT_MAX) points; FIT_MAX divides VALUE_MAX.
            fit_tenths = (
                10
                * self.fit_weight
                * (VALUE_MAX // FIT_MAX)
                * np.array([fit.fit if fit else 0 for fit in fits], dtype=np.int64)
            )
            if self.total_weight:
                fit_floor, fit_remainder = np.divmod(fit_tenths, self.total_weight)
            else:
                fit_floor = fit_remainder = np.zeros_like(fit_tenths)
            floor_sums += fit_floor
            fit_floors = fit_floor.tolist()
            # The fit term comes last: position terms - 1.
            keys = np.column_stack([keys, fit_remainder * self.terms])
        missing = score_tenths - floor_sums if self.total_weight else np.zeros(count, np.int64)
        # The `missing` terms of a row with the largest keys get one more tenth: those whose
        # key is at least the row's `missing`-th largest (keys within a row differ).
        rounded_up = np.zeros(keys.shape, dtype=bool)
        if self.terms:
            largest = np.maximum(self.terms - missing, 0)  # missing <= terms
            threshold = np.sort(keys, axis=1)[np.arange(count), np.minimum(largest, self.terms - 1)]
            rounded_up = (keys >= threshold[:, None]) & (missing > 0)[:, None]
        codes = (2 * matrix + rounded_up[:, :width]).tolist()
        fit_up = rounded_up[:, width].tolist() if self.use_case is not None else None

        term = self.terms_by_code.__getitem__
        explanations = []
        for i, index in enumerate(indices):
            row_codes = codes[i]
            if fit_up is not None:
                row_codes.append(self._fit_code(fits[i], fit_floors[i], fit_up[i]))
            reasons = self._reasons(
                layout.strong[index], layout.weak[index], fits[i], unmet_names[i], via_names[i]
            )
            explanations.append((tuple(map(term, row_codes)), reasons, tuple(row_codes)))
        return explanations

    def _first(self, cells, limit) -> list[int]:
        """The first ``limit`` of ``cells`` in the reasons' order (unweighted ones never)."""
        place = self.place.__getitem__
        first = sorted(cells, key=place)[:limit]
        if first and place(first[-1]) >= self.weighted:
            first = [cell for cell in first if place(cell) < self.weighted]
        return first

    def _fit_code(self, fit, floor, rounded_up) -> tuple:
        """The fit term's code: one per fit value (or none) and rounding."""
        code = (FIT_TERM, fit.fit if fit else None, rounded_up)
        if code not in self.terms_by_code:
            label = f"{fit.fit}/{FIT_MAX}" if fit else "Not rated"
            self.terms_by_code[code] = Contribution(
                key=FIT_TERM,
                name=self.fit_name,
                weight=self.fit_weight,
                label=label,
                share=fit.fit / FIT_MAX if fit else 0.0,
                points=(floor + rounded_up) / 10,
                max_points=self.fit_max,
            )
        return code

    def _reasons(self, strong, weak, fit, unmet_names, via_names=()) -> tuple[str, ...]:
        """Short sentences: where the framework earns top marks, where it loses, its fit."""
        reasons = []
        quote = self.columns.quotes.__getitem__
        strong, weak = self._first(strong, 3), self._first(weak, 2)
        if strong:
            reasons.append(f"Top marks on {', '.join(map(quote, strong))}.")
        if weak:
            reasons.append(f"Loses points on {', '.join(map(quote, weak))}.")
        use_case = self.use_case
        if use_case is not None:
            if fit is None:
                reasons.append(f"No fit rated for {mid_sentence(use_case.name)}.")
            else:
                reasons.append(f"Fit for {mid_sentence(use_case.name)}: {fit.fit}/{FIT_MAX}.")
        if via_names:
            reasons.append("Must-haves met through extensions: " + "; ".join(via_names) + ".")
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
        key=lambda f: name_key(f.name, f.slug),
    )
    return WeightChange(
        criterion=criterion.slug,
        criterion_name=criterion.name,
        from_weight=weights[criterion.slug],
        to_weight=weights[criterion.slug] + delta,
        new_leader=new_leader.slug,
        new_leader_name=new_leader.name,
    )


def name_key(name: str, slug: str) -> tuple[str, str]:
    """The one order of frameworks by name: case-insensitive, then by slug (names may differ
    only in case). Ties in score break by it, and every list of frameworks follows it, whatever
    the database's collation."""
    return (name.casefold(), slug)


def mid_sentence(name: str) -> str:
    """``name`` as it reads inside a sentence: "Real-time apps (chat, IoT)" becomes "real-time
    apps (chat, IoT)", while a name whose first word has capitals past its first letter (an
    acronym or a brand: "ML and AI back ends", "OpenAPI docs") keeps them all."""
    first_word = name.split(" ", 1)[0]
    if any(letter.isupper() for letter in first_word[1:]):
        return name
    return name[:1].lower() + name[1:]


def _value(framework: FrameworkSpec, criterion_slug: str) -> int:
    rating = framework.ratings.get(criterion_slug)
    return rating.value if rating is not None else 0
