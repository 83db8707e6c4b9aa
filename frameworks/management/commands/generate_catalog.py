"""A large synthetic catalog, for benchmarks only: never run it on a real database."""

import random

from django.core.management.base import BaseCommand
from django.core.management.color import no_style
from django.db import connection, transaction

from frameworks import catalog
from frameworks.models import (
    Capability,
    Criterion,
    Framework,
    FrameworkCapability,
    FrameworkFacts,
    Level,
    ProCon,
    Rating,
    Suggestion,
    UseCase,
    UseCaseFit,
    UseCasePreset,
)

LEVELS = (("Poor", 20), ("Fair", 50), ("Good", 75), ("Excellent", 100))
SUPPORTS = ("built_in", "partial", "extension", "none")
CATALOG = (
    Framework,
    Criterion,
    Capability,
    UseCase,
    Rating,
    Level,
    FrameworkCapability,
    ProCon,
    UseCaseFit,
    UseCasePreset,
)


class Command(BaseCommand):
    help = "Replace the catalog with a synthetic one of the given size (benchmarks only)."

    def add_arguments(self, parser):
        parser.add_argument("--frameworks", type=int, default=200)
        parser.add_argument("--criteria", type=int, default=50)
        parser.add_argument("--capabilities", type=int, default=20)
        parser.add_argument("--use-cases", type=int, default=10)
        parser.add_argument("--seed", type=int, default=1)

    @transaction.atomic
    def handle(self, *args, frameworks, criteria, capabilities, use_cases, seed, **options):
        rng = random.Random(seed)
        # Empty the catalog and its history the way `manage.py flush` empties tables: no
        # signals, no history of deletions. This is a throwaway benchmark database, and a
        # history of the old catalog would make loadcatalog take its rows for editors' deletions.
        tables = [model._meta.db_table for model in CATALOG]
        tables += [model.history.model._meta.db_table for model in CATALOG]
        # Fetched facts and visitors' suggestions hang on the frameworks (PostgreSQL truncates
        # them together or not at all).
        tables += [FrameworkFacts._meta.db_table, Suggestion._meta.db_table]
        # PostgreSQL's TRUNCATE refuses tables whose deferred foreign-key checks are still
        # pending in this transaction (rows written earlier in it): run those checks first.
        connection.check_constraints()
        connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))
        crits = Criterion.objects.bulk_create(
            Criterion(
                name=f"Criterion {i:03}",
                slug=f"criterion-{i:03}",
                position=i,
                default_weight=rng.randint(1, 5),
                help_text="Synthetic criterion.",
            )
            for i in range(criteria)
        )
        levels = Level.objects.bulk_create(
            Level(criterion=c, label=label, value=value, position=p)
            for c in crits
            for p, (label, value) in enumerate(LEVELS)
        )
        by_criterion = {}
        for level in levels:
            by_criterion.setdefault(level.criterion_id, []).append(level)
        caps = Capability.objects.bulk_create(
            Capability(name=f"Capability {i:03}", slug=f"capability-{i:03}", position=i)
            for i in range(capabilities)
        )
        cases = UseCase.objects.bulk_create(
            UseCase(name=f"Use case {i:03}", slug=f"use-case-{i:03}", position=i, fit_weight=3)
            for i in range(use_cases)
        )
        UseCasePreset.objects.bulk_create(
            UseCasePreset(use_case=u, criterion=c, weight=rng.randint(0, 5))
            for u in cases
            for c in crits
        )
        fws = Framework.objects.bulk_create(
            Framework(
                name=f"Framework {i:04}",
                slug=f"framework-{i:04}",
                is_published=True,
                overview="A synthetic framework.",
                best_for="Benchmarks",
            )
            for i in range(frameworks)
        )
        Rating.objects.bulk_create(
            Rating(
                framework=f,
                criterion=c,
                level=rng.choice(by_criterion[c.id]),
                note="Synthetic.",
                source_url="https://example.org/",
            )
            for f in fws
            for c in crits
        )
        FrameworkCapability.objects.bulk_create(
            FrameworkCapability(
                framework=f, capability=cap, support=s, extension="ext" if s == "extension" else ""
            )
            for f in fws
            for cap in caps
            for s in [rng.choice(SUPPORTS)]
        )
        UseCaseFit.objects.bulk_create(
            UseCaseFit(framework=f, use_case=u, fit=rng.randint(0, 5)) for f in fws for u in cases
        )
        ProCon.objects.bulk_create(
            ProCon(framework=f, kind=k, text=f"Synthetic {k}") for f in fws for k in ("pro", "con")
        )
        catalog.bump_version()
        self.stdout.write(f"Generated {frameworks} frameworks × {criteria} criteria.")
