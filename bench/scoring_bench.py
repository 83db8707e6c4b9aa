"""Scoring micro-benchmark: `scoring.rank` alone, in memory, at 200 × 50 and 2,000 × 50.

    python bench/scoring_bench.py      # `make bench` runs it too, after the HTTP benchmark

It shows that the cost of a ranking grows linearly with the catalog: the cost per framework
should stay about the same when the catalog grows tenfold (a ratio near 1.0).
"""

from __future__ import annotations

import random
import statistics
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from frameworks import scoring  # noqa: E402

LEVELS = tuple(
    scoring.LevelSpec(label, value)
    for label, value in (("Poor", 20), ("Fair", 50), ("Good", 75), ("Excellent", 100))
)
SUPPORTS = ("built_in", "partial", "extension", "none")
SIZES = ((200, 50), (2000, 50))


def synthetic(frameworks: int, criteria: int, *, seed: int = 1):
    """A catalog shaped like `generate_catalog`'s: every framework rated on every criterion."""
    rng = random.Random(seed)
    crits = tuple(
        scoring.CriterionSpec(
            slug=f"criterion-{i:03}",
            name=f"Criterion {i:03}",
            default_weight=rng.randint(1, 5),
            levels=LEVELS,
        )
        for i in range(criteria)
    )
    use_case = scoring.UseCaseSpec(
        slug="use-case",
        name="Use case",
        fit_weight=3,
        presets={c.slug: rng.randint(0, 5) for c in crits},
    )
    specs = tuple(
        scoring.FrameworkSpec(
            slug=f"framework-{i:04}",
            name=f"Framework {i:04}",
            ratings={
                c.slug: scoring.RatingSpec(level.label, level.value)
                for c in crits
                for level in [rng.choice(LEVELS)]
            },
            capabilities={
                f"capability-{j:02}": scoring.SupportSpec(rng.choice(SUPPORTS)) for j in range(20)
            },
            fits={"use-case": scoring.FitSpec(rng.randint(0, 5))},
        )
        for i in range(frameworks)
    )
    return crits, specs, use_case


def measure(frameworks: int, criteria: int, *, repeat: int = 7) -> float:
    """Median seconds for one ranking with a use case and a must-have, as a visitor asks."""
    crits, specs, use_case = synthetic(frameworks, criteria)
    weights = scoring.resolve_weights(criteria=crits, explicit={}, use_case=use_case)

    def rank():
        scoring.rank(
            criteria=crits,
            frameworks=specs,
            weights=weights,
            use_case=use_case,
            required=("capability-00",),
        )

    number = max(1, 2000 // frameworks)
    times = timeit.repeat(rank, number=number, repeat=repeat)
    return statistics.median(times) / number


def main() -> list[tuple[int, int, float]]:
    rows = [(f, c, measure(f, c)) for f, c in SIZES]
    print("| Catalog | Ranking (median of 7) | Per framework |")
    print("| --- | ---: | ---: |")
    for frameworks, criteria, seconds in rows:
        print(
            f"| {frameworks:,} × {criteria} | {seconds * 1000:.1f} ms "
            f"| {seconds / frameworks * 1e6:.1f} µs |"
        )
    (small_f, _, small), (large_f, _, large) = rows
    ratio = (large / large_f) / (small / small_f)
    verdict = "linear" if ratio < 1.5 else "NOT linear"
    print(f"\nPer-framework cost at {large_f:,} ÷ at {small_f:,}: {ratio:.2f} ({verdict})")
    return rows


if __name__ == "__main__":
    main()
