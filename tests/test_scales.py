"""Scales that mean one thing: every level says what it measures, measured scales keep their
thresholds in data, ratings cite dated figures and sources, and all of it survives an export,
a restore and a bad file.
"""

import copy
import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frameworks import catalog, scales
from frameworks.catalog_io import export_catalog, import_catalog
from frameworks.catalog_schema import CatalogError, validate
from frameworks.models import Framework, FrameworkFacts, Rating
from tests.test_catalog_content import editorial_wording

# Words that describe a trend, not a size: a size scale must not use them.
GROWTH_WORDS = ("growing", "rising", "emerging", "declining", "trending", "shrinking")
# Ranks that sit in a higher band than the level, because most of their downloads come from
# another package's installs; each note says so.
RATED_BY_OWN_USE = {"starlette": "FastAPI install", "aiohttp": "HTTP client"}


def criteria_by_slug(data):
    return {c["slug"]: c for c in data["criteria"]}


def bands(criterion):
    return [scales.Band(lv["label"], lv.get("threshold")) for lv in criterion["levels"]]


def test_every_level_of_every_scale_says_what_it_measures(shipped_data):
    for criterion in shipped_data["criteria"]:
        for level in criterion["levels"]:
            assert len(level.get("definition", "")) > 30, (criterion["slug"], level["label"])
            assert not editorial_wording(level["definition"]), level["definition"]
        assert not editorial_wording(criterion["help_text"])


def test_no_scale_mixes_size_with_growth(shipped_data):
    community = criteria_by_slug(shipped_data)["community-ecosystem"]
    assert [lv["label"] for lv in community["levels"]] == ["Small", "Mid-sized", "Large"]
    for criterion in shipped_data["criteria"]:
        for level in criterion["levels"]:
            text = f"{level['label']} {level['definition']}".lower()
            assert not any(word in text for word in GROWTH_WORDS), (criterion["slug"], text)


def test_the_community_scale_is_measured_with_thresholds_in_data(shipped_data):
    community = criteria_by_slug(shipped_data)["community-ecosystem"]
    assert community["measure"] == "pypi_download_rank"
    assert [lv.get("threshold") for lv in community["levels"]] == [None, 5000, 1000]
    measure = community["measure"]
    assert scales.level_for(bands(community), measure, 1) == "Large"
    assert scales.level_for(bands(community), measure, 1000) == "Large"
    assert scales.level_for(bands(community), measure, 1001) == "Mid-sized"
    assert scales.level_for(bands(community), measure, 5000) == "Mid-sized"
    assert scales.level_for(bands(community), measure, 5001) == "Small"
    assert scales.level_for(bands(community), measure, None) == "Small"
    # A count (more is better) runs the other way.
    stars = [scales.Band("Few", None), scales.Band("Many", 1000)]
    assert scales.level_for(stars, "github_stars", 999) == "Few"
    assert scales.level_for(stars, "github_stars", 1000) == "Many"


def test_every_community_rating_cites_its_figure_and_sits_in_its_band(shipped_data):
    community = criteria_by_slug(shipped_data)["community-ecosystem"]
    outside = {}
    for framework in shipped_data["frameworks"]:
        rating = framework["ratings"]["community-ecosystem"]
        assert rating["figure"] and rating["figure_as_of"] == "2026-11-01", framework["slug"]
        if rating["figure_value"] is not None:
            assert f"{rating['figure_value']:,}" in rating["figure"]
        band = scales.level_for(bands(community), community["measure"], rating["figure_value"])
        if band != rating["level"]:
            outside[framework["slug"]] = rating["note"]
    assert set(outside) == set(RATED_BY_OWN_USE)
    for slug, reason in RATED_BY_OWN_USE.items():
        assert reason in outside[slug]


def test_performance_cites_the_benchmarks_that_exist(shipped_data):
    frameworks = {f["slug"]: f for f in shipped_data["frameworks"]}
    for slug in ("fastapi", "starlette"):
        rating = frameworks[slug]["ratings"]["performance"]
        assert "TechEmpower" in rating["figure"] and rating["figure_as_of"].startswith("2026")
    assert "TechEmpower" in criteria_by_slug(shipped_data)["performance"]["help_text"]


def test_at_least_90_percent_of_ratings_carry_a_figure_or_source_dated_in_2026(shipped_data):
    ratings = [
        (f["slug"], slug, r) for f in shipped_data["frameworks"] for slug, r in f["ratings"].items()
    ]
    dated = [
        (f, c)
        for f, c, r in ratings
        if (r.get("figure") and (r.get("figure_as_of") or "").startswith("2026"))
        or (r["source_url"] and (r.get("source_as_of") or "").startswith("2026"))
    ]
    assert len(ratings) >= 80
    assert len(dated) >= 0.9 * len(ratings), sorted({(f, c) for f, c, _ in ratings} - set(dated))


MEASURED_BY_FIGURE = ("community-ecosystem", "maturity")

#: The days the shipped catalog's ratings were reviewed: every rating against the facts file
#: and its sources on the first; on the second, the two criteria measured by a figure
#: (download rank, years since the first release) re-checked against their bands.
REVIEWS = {datetime.date(2026, 12, 1): None, datetime.date(2026, 12, 2): MEASURED_BY_FIGURE}


def test_review_dates_are_true(shipped_data):
    """Review dates are the days reviews happened, each rating's the last review that covered
    it; none is dated before the evidence it cites."""
    seen = set()
    for framework in shipped_data["frameworks"]:
        for slug, rating in framework["ratings"].items():
            reviewed = datetime.date.fromisoformat(rating["reviewed_on"])
            assert reviewed in REVIEWS, (framework["slug"], slug)
            last = max(day for day, only in REVIEWS.items() if only is None or slug in only)
            assert reviewed == last, (framework["slug"], slug)
            if reviewed != min(REVIEWS):
                assert f"Re-checked on {reviewed}" in rating["internal_note"]
            for key in ("figure_as_of", "source_as_of"):
                if rating.get(key):
                    assert datetime.date.fromisoformat(rating[key]) <= reviewed
            seen.add(reviewed)
    assert seen == set(REVIEWS)  # the dates vary as the reviews did


def test_the_methodology_page_defines_each_level_and_its_threshold(client, shipped_catalog):
    page = client.get(reverse("frameworks:methodology")).content.decode()
    assert "Measured by: PyPI download rank." in page
    assert "<td>top 1,000</td>" in page and "<td>top 5,000</td>" in page
    assert "Ranked between 1,001st and 5,000th among PyPI downloads." in page
    assert "Async from request to response" in page
    assert "Growing" not in page


def test_ratings_show_their_figure_and_source_date_publicly(client, shipped_catalog):
    page = client.get(reverse("frameworks:detail", kwargs={"slug": "litestar"})).content.decode()
    assert (
        "Figure: PyPI download rank 3,810 of the 15,000 most downloaded (as of November 2026)"
        in (page)
    )
    assert "Source</a> (October 2026)" in page  # docs of the 2026-10 release
    compare = client.get(
        reverse("frameworks:compare") + "?frameworks=fastapi&frameworks=starlette"
    ).content.decode()
    assert "Figure: TechEmpower results cited on FastAPI" in compare
    assert "(as of November 2026)" in compare


def test_every_new_field_round_trips_through_export_and_restore(shipped_catalog):
    rating = Rating.objects.get(framework__slug="bottle", criterion__slug="community-ecosystem")
    Rating.objects.filter(pk=rating.pk).update(
        flagged_reason="PyPI download rank now 900: in the Large band, rated Mid-sized",
        flagged_on=datetime.date(2026, 11, 30),
    )
    Framework.objects.filter(slug="pyramid").update(
        flagged_reason="No release since 2025-03", flagged_on=datetime.date(2026, 11, 30)
    )
    document = export_catalog()
    bottle = next(f for f in document["frameworks"] if f["slug"] == "bottle")
    exported = bottle["ratings"]["community-ecosystem"]
    assert exported["figure_value"] == 1303 and exported["figure_as_of"] == "2026-11-01"
    assert exported["flagged_on"] == "2026-11-30"
    assert bottle["pypi_package"] == "bottle"
    community = criteria_by_slug(document)["community-ecosystem"]
    assert community["measure"] == "pypi_download_rank"
    assert community["levels"][2]["threshold"] == 1000
    assert community["levels"][0]["definition"].startswith("Ranked below 5,000th")

    # Restore into an empty catalog: the export comes back identical.
    Rating.objects.all().delete()
    Framework.objects.all().delete()
    for model in (Framework, Rating):
        model.history.all().delete()
    import_catalog(document, overwrite=True)
    assert export_catalog() == document


BAD_VALUES = [
    (("ratings", "figure_value"), "many", "expected a whole number, got text"),
    (("ratings", "figure_value"), -3, "greater than or equal to 0"),
    (("ratings", "figure_as_of"), "2026-13-01", '"2026-13-01" is not a date (YYYY-MM-DD)'),
    (("ratings", "source_as_of"), 20261101, "expected a date as text"),
    (("ratings", "figure"), ["a list"], "expected text, got a list"),
    (("framework", "pypi_package"), "not a name!", "Enter a valid value"),
    (("criterion", "measure"), "likes", "is not a valid choice"),
    (("level", "threshold"), "1000", "expected a whole number, got text"),
]


@pytest.mark.parametrize(("where", "value", "message"), BAD_VALUES)
def test_bad_values_of_the_new_fields_are_refused_with_their_path(
    shipped_data, where, value, message
):
    data = copy.deepcopy(shipped_data)
    kind, key = where
    if kind == "ratings":
        data["frameworks"][0]["ratings"]["community-ecosystem"][key] = value
        path = f"frameworks[0].ratings.community-ecosystem.{key}"
    elif kind == "framework":
        data["frameworks"][0][key] = value
        path = f"frameworks[0].{key}"
    elif kind == "criterion":
        data["criteria"][4][key] = value
        path = f"criteria[4].{key}"
    else:
        data["criteria"][4]["levels"][2][key] = value
        path = f"criteria[4].levels[2].{key}"
    errors = validate(json.loads(json.dumps(data)))
    assert any(e.startswith(path) and message in e for e in errors), errors


def test_evidence_dated_after_its_review_is_refused(db, shipped_data):
    data = copy.deepcopy(shipped_data)
    rating = data["frameworks"][0]["ratings"]["community-ecosystem"]
    rating["figure_as_of"] = "2027-01-01"
    with pytest.raises(CatalogError) as refused:
        import_catalog(data)
    assert any(
        "ratings.community-ecosystem.figure_as_of: This date is after the review date" in e
        for e in refused.value.errors
    ), refused.value.errors
    assert not Rating.objects.exists()


def test_the_catalog_loader_reads_the_facts_without_a_query_of_their_own(shipped_catalog):
    with CaptureQueriesContext(connection) as before:
        catalog.load_snapshot("before")
    django = Framework.objects.get(slug="django")
    FrameworkFacts.objects.create(
        framework=django,
        pypi_version="6.1.4",
        pypi_released_on=datetime.date(2026, 11, 28),
        pypi_fetched_at=datetime.datetime(2026, 11, 30, 6, 0, tzinfo=datetime.UTC),
    )
    with CaptureQueriesContext(connection) as queries:
        snapshot = catalog.load_snapshot("test")
    # Joined to the frameworks' own query: the loader's fixed number of queries stays as it was.
    assert len(queries) == len(before) == 10
    info = snapshot.info["django"]
    assert info.version_shown == "6.1.4" and info.facts.released_on.day == 28
    assert info.no_release_since is None
    assert snapshot.info["flask"].facts is None
    assert snapshot.info["flask"].version_shown == "3.1.3"


def test_months_and_staleness():
    assert scales.months_between(datetime.date(2024, 3, 14), datetime.date(2025, 9, 13)) == 17
    assert scales.months_between(datetime.date(2024, 3, 14), datetime.date(2025, 9, 14)) == 18
    assert scales.stale_since(datetime.date(2024, 3, 14), datetime.date(2025, 9, 13)) is None
    assert scales.stale_since(datetime.date(2024, 3, 14), datetime.date(2025, 9, 14)) == (
        datetime.date(2024, 3, 14)
    )
    assert scales.stale_reason(datetime.date(2024, 3, 14)) == "No release since 2024-03"
