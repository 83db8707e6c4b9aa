"""A second, deliberately naive statement of the scoring rule, for the tests to check the engine
against.

It follows the rule as README's "How scoring works" and the docstrings of frameworks/scoring.py
state it, and shares no code with the engine beyond the input dataclasses: plain loops,
``fractions.Fraction`` for every quantity, no numpy, no cell tables, no integer scaling tricks.
It is slow on purpose; it only has to be obviously right.

* score = 100 × Σ(weight × value/100) ÷ Σ(weight), where a chosen use case adds the term
  fit_weight × fit/5 to the top and fit_weight to the bottom; an unrated criterion or fit is 0;
  no weight at all scores 0.
* Shown scores are rounded to a tenth, half to even (Python's ``round``; an exact half such
  as 12.25 shows as 12.2 and 12.35 as 12.4).
* Each term's points are 100 × weight × share ÷ Σ(weight), in tenths: every term gets its
  floor, then the tenths still missing to reach the shown score go one each to the terms with
  the largest remainders, the earlier term first among equal remainders (the fit term last).
* A framework lacking a must-have (support neither built in nor partial) is not eligible. With
  extensions allowed, support "extension" counts too when editors marked it recommended and
  named the extension; the framework then lists (must-have, extension) for each such must-have.
* Ways to eligibility, for an ineligible framework: allowing extensions (if they are not allowed
  and every must-have it misses has a recommended, named extension), then dropping the only
  must-have it misses (if it misses exactly one).
* Relaxations, only when no framework is eligible: allowing extensions, then each must-have in
  the visitor's order, each with the frameworks (in ranking order) that it would let in.
* Order: eligible first, then the higher exact score, then the name (case-insensitive), then
  the slug.
* Close call: at least two eligible frameworks, some weight, and the top two eligible shown
  scores less than 3 points apart.
* Change: among the eligible frameworks, the smallest |new weight − weight| of a single
  criterion (weights stay 0–5 and not all zero) after which some eligible framework scores
  strictly more than the current leader; among equal sizes the earlier criterion, then the
  direction that lets the better-ranked challenger through. The new leader is the first
  eligible framework of the ranking under the changed weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import floor

SUPPORT_THAT_MEETS = ("built_in", "partial")
MARGIN = 3


@dataclass(frozen=True)
class Term:
    key: str
    points: Fraction  # exact
    shown_tenths: int  # rounded so that a framework's terms add up to its shown score


@dataclass(frozen=True)
class Row:
    slug: str
    name: str
    exact: Fraction
    shown_tenths: int
    eligible: bool
    unmet: tuple[str, ...]
    terms: tuple[Term, ...]
    via: tuple[tuple[str, str], ...] = ()
    ways: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()


@dataclass(frozen=True)
class Answer:
    rows: tuple[Row, ...]
    total_weight: int
    close_call: bool
    change: tuple[str, int, int, str] | None  # criterion, from, to, new leader slug
    #: (must-have to drop or "" for allowing extensions, ((slug, via), ...)) per relaxation.
    relax: tuple = ()


def value_of(framework, criterion_slug) -> int:
    rating = framework.ratings.get(criterion_slug)
    if rating is None:
        return 0
    return rating.value


def fit_of(framework, use_case) -> int:
    if use_case is None:
        return 0
    fit = framework.fits.get(use_case.slug)
    if fit is None:
        return 0
    return fit.fit


def round_half_even(number: Fraction) -> int:
    below = floor(number)
    rest = number - below
    if rest > Fraction(1, 2):
        return below + 1
    if rest < Fraction(1, 2):
        return below
    if below % 2 == 0:
        return below
    return below + 1


def term_points(criteria, framework, weights, use_case):
    """(key, exact points) for each criterion in order, then the fit term if any."""
    total = 0
    for criterion in criteria:
        total += weights[criterion.slug]
    if use_case is not None:
        total += use_case.fit_weight
    points = []
    for criterion in criteria:
        weight = weights[criterion.slug]
        share = Fraction(value_of(framework, criterion.slug), 100)
        if total == 0:
            points.append((criterion.slug, Fraction(0)))
        else:
            points.append((criterion.slug, 100 * weight * share / total))
    if use_case is not None:
        share = Fraction(fit_of(framework, use_case), 5)
        if total == 0:
            points.append(("use-case-fit", Fraction(0)))
        else:
            points.append(("use-case-fit", 100 * use_case.fit_weight * share / total))
    return total, points


def extension_counts(support) -> bool:
    return (
        support is not None
        and support.support == "extension"
        and support.recommended is True
        and support.extension != ""
    )


def unmet_of(framework, required, extensions=False) -> tuple[str, ...]:
    missing = []
    for slug in required:
        if slug in missing:
            continue
        support = framework.capabilities.get(slug)
        if support is not None and support.support in SUPPORT_THAT_MEETS:
            continue
        if extensions and extension_counts(support):
            continue
        missing.append(slug)
    return tuple(missing)


def via_of(framework, required, extensions) -> tuple[tuple[str, str], ...]:
    if not extensions:
        return ()
    found = []
    for slug in required:
        if slug in [pair[0] for pair in found]:
            continue
        support = framework.capabilities.get(slug)
        built_in = support is not None and support.support in SUPPORT_THAT_MEETS
        if not built_in and extension_counts(support):
            found.append((slug, support.extension))
    return tuple(found)


def ways_of(framework, required, extensions):
    missing = unmet_of(framework, required, extensions)
    if not missing:
        return ()
    ways = []
    if not extensions and not unmet_of(framework, required, True):
        ways.append(("", via_of(framework, missing, True)))
    if len(missing) == 1:
        ways.append((missing[0], ()))
    return tuple(ways)


def score_rows(criteria, frameworks, weights, use_case, required, extensions=False):
    rows = []
    total = 0
    for framework in frameworks:
        total, points = term_points(criteria, framework, weights, use_case)
        exact = Fraction(0)
        for _, p in points:
            exact += p
        shown = round_half_even(exact * 10)
        # Largest remainders: floors first, then one more tenth to the largest remainders.
        floors = [floor(p * 10) for _, p in points]
        remainders = [p * 10 - floor(p * 10) for _, p in points]
        missing = shown - sum(floors)
        by_remainder = sorted(range(len(points)), key=lambda i: (-remainders[i], i))
        extra = [0] * len(points)
        for i in by_remainder[:missing]:
            extra[i] = 1
        terms = tuple(Term(key, p, floors[i] + extra[i]) for i, (key, p) in enumerate(points))
        unmet = unmet_of(framework, required, extensions)
        rows.append(
            Row(
                framework.slug,
                framework.name,
                exact,
                shown,
                not unmet,
                unmet,
                terms,
                via_of(framework, required, extensions),
                ways_of(framework, required, extensions),
            )
        )
    return total, rows


def in_order(rows):
    """Eligible first, then the higher exact score, then the name, then the slug."""
    result = list(rows)
    # A plain insertion sort: every comparison spelled out.
    for i in range(1, len(result)):
        j = i
        while j > 0 and comes_before(result[j], result[j - 1]):
            result[j - 1], result[j] = result[j], result[j - 1]
            j -= 1
    return result


def comes_before(a: Row, b: Row) -> bool:
    if a.eligible != b.eligible:
        return a.eligible
    if a.exact != b.exact:
        return a.exact > b.exact
    if a.name.casefold() != b.name.casefold():
        return a.name.casefold() < b.name.casefold()
    return a.slug < b.slug


def rank(*, criteria, frameworks, weights, use_case=None, required=(), extensions=False) -> Answer:
    total, rows = score_rows(criteria, frameworks, weights, use_case, required, extensions)
    ordered = in_order(rows)
    eligible = [row for row in ordered if row.eligible]
    close_call = (
        len(eligible) >= 2
        and total > 0
        and eligible[0].shown_tenths - eligible[1].shown_tenths < MARGIN * 10
    )
    change = None
    if len(eligible) >= 2 and total > 0:
        change = smallest_change(
            criteria, frameworks, weights, use_case, required, eligible, extensions
        )
    relax = []
    if required and not eligible:
        options = [""]
        for slug in required:
            if slug not in options:
                options.append(slug)
        for option in options:
            let_in = []
            for row in ordered:
                for drop, via in row.ways:
                    if drop == option:
                        let_in.append((row.slug, via))
            if let_in:
                relax.append((option, tuple(let_in)))
    return Answer(tuple(ordered), total, close_call, change, tuple(relax))


def smallest_change(criteria, frameworks, weights, use_case, required, eligible, extensions):
    leader = eligible[0].slug
    challengers = [row.slug for row in eligible[1:]]
    for size in range(1, 6):
        for criterion in criteria:
            tried = {}  # step -> exact scores under that change (None: not allowed)
            for step in (size, -size):
                new_weight = weights[criterion.slug] + step
                trial = dict(weights)
                trial[criterion.slug] = new_weight
                total, rows = score_rows(
                    criteria, frameworks, trial, use_case, required, extensions
                )
                if 0 <= new_weight <= 5 and total > 0:
                    tried[step] = rows
            for challenger in challengers:
                for step, rows in tried.items():
                    exact = {row.slug: row.exact for row in rows}
                    if exact[challenger] > exact[leader]:
                        new_leader = [row for row in in_order(rows) if row.eligible][0]
                        return (
                            criterion.slug,
                            weights[criterion.slug],
                            weights[criterion.slug] + step,
                            new_leader.slug,
                        )
    return None
