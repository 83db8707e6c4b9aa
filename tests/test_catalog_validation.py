"""A catalog file is checked whole before anything is written: every problem, with its path."""

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from frameworks import catalog_schema
from frameworks.catalog_io import export_catalog
from frameworks.models import Capability, Criterion, Framework, Level, Rating, UseCase

ROOT = Path(__file__).resolve().parent.parent


def refused(tmp_path, content) -> str:
    """Load ``content`` (a document or raw text); return the error message it is refused with."""
    path = tmp_path / "catalog.json"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("loadcatalog", str(path), verbosity=0)
    return str(error.value)


def nothing_written():
    return not any(
        model.objects.exists() for model in (Framework, Criterion, Level, Capability, UseCase)
    )


def _new_criterion(slug, *labels):
    return {
        "slug": slug,
        "name": slug.title(),
        "levels": [{"label": label, "value": 10 * n} for n, label in enumerate(labels)],
    }


# Each case: a change to the shipped catalog, and the lines the refusal must contain.
CASES = {
    "framework slug twice": (
        lambda d: d["frameworks"].append(d["frameworks"][0] | {"name": "Django again"}),
        ['frameworks[16].slug: slug "django" is already given at frameworks[0]'],
    ),
    "new criterion slug twice": (
        lambda d: d["criteria"].extend(
            [_new_criterion("speed", "Slow"), _new_criterion("speed", "Fast") | {"name": "S2"}]
        ),
        ['criteria[8].slug: slug "speed" is already given at criteria[7]'],
    ),
    "level label twice": (
        lambda d: d["criteria"][1]["levels"].append({"label": "Low", "value": 5}),
        ['criteria[1].levels[3].label: label "Low" is already given at criteria[1].levels[0]'],
    ),
    "name as an object": (
        lambda d: d["frameworks"][0].update(name={"a": 1}),
        ["frameworks[0].name: expected text, got an object"],
    ),
    "level value 1000": (
        lambda d: d["criteria"][1]["levels"][0].update(value=1000),
        [
            "criteria[1].levels[0].value: Ensure this value is less than or equal to 100.",
        ],
    ),
    "weights and fits out of range": (
        lambda d: (
            d["criteria"][0].update(default_weight=-1),
            d["use_cases"][0]["presets"].update(performance=6),
            d["frameworks"][2]["use_case_fits"]["real-time"].update(fit=9),
        ),
        [
            "criteria[0].default_weight: Ensure this value is greater than or equal to 0.",
            "use_cases[0].presets.performance: Ensure this value is less than or equal to 5.",
            "frameworks[2].use_case_fits.real-time.fit: Ensure this value is less than or "
            "equal to 5.",
        ],
    ),
    "true where a number belongs, a bad colour, category and date": (
        lambda d: (
            d["capabilities"][0].update(position=True),
            d["frameworks"][1].update(color="red", category="mega", last_reviewed="soon"),
        ),
        [
            "capabilities[0].position: expected a whole number, got true/false",
            "frameworks[1].color: Enter a hex colour such as #0c4b33.",
            "frameworks[1].category: Value 'mega' is not a valid choice.",
            'frameworks[1].last_reviewed: "soon" is not a date (YYYY-MM-DD)',
        ],
    ),
    "unknown references": (
        lambda d: (
            d["frameworks"][3]["ratings"].update(nope={"level": "High"}),
            d["frameworks"][3]["ratings"]["performance"].update(level="Fast"),
            d["frameworks"][4]["use_case_fits"].update(gaming={"fit": 3}),
            d["frameworks"][4]["capabilities"].update(teleport={"support": "none"}),
            d["use_cases"][1]["presets"].update(beauty=2),
        ),
        [
            'frameworks[3].ratings.nope: unknown criterion "nope"',
            'frameworks[3].ratings.performance: unknown level "Fast"',
            'frameworks[4].use_case_fits.gaming: unknown use case "gaming"',
            'frameworks[4].capabilities.teleport: unknown capability "teleport"',
            'use_cases[1].presets.beauty: unknown criterion "beauty"',
        ],
    ),
    "ratings and presets as lists": (
        lambda d: (
            d["frameworks"][0].update(ratings=[{"level": "High"}]),
            d["use_cases"][0].update(presets=[3, 4]),
        ),
        [
            "frameworks[0].ratings: expected an object, got a list",
            "use_cases[0].presets: expected an object, got a list",
        ],
    ),
    "missing and unknown keys": (
        lambda d: (
            d["frameworks"][0].pop("slug"),
            d["frameworks"][1]["ratings"]["performance"].pop("level"),
            d["frameworks"][2].update(tagLine="Typo"),
        ),
        [
            'frameworks[0]: missing "slug"',
            'frameworks[1].ratings.performance: missing "level"',
            'frameworks[2]: unknown key "tagLine"',
        ],
    ),
    "extension support without its name": (
        lambda d: d["frameworks"][1]["capabilities"]["orm"].update(extension=""),
        ["frameworks[1].capabilities.orm.extension: name the extension that provides this"],
    ),
    "a NUL character in text": (
        lambda d: d["frameworks"][1]["ratings"]["performance"].update(note="fast\x00er"),
        ["frameworks[1].ratings.performance.note: must not contain the NUL character"],
    ),
    "sections of the wrong type": (
        lambda d: d.update(frameworks={"django": {}}, criteria="all"),
        [
            "frameworks: expected a list, got an object",
            "criteria: expected a list, got text",
        ],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_bad_file_is_refused_whole_with_every_error_and_its_path(
    db, tmp_path, shipped_data, case
):
    change, expected = CASES[case]
    document = copy.deepcopy(shipped_data)
    change(document)
    message = refused(tmp_path, document)
    for line in expected:
        assert line in message
    assert f"({len(expected)} problem" in message
    assert "nothing was written" in message
    assert nothing_written()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json", "is not valid JSON: Expecting value: line 1 column 1"),
        ('{"format": 99}', "catalog.format: expected 1, got 99"),
        ("[1, 2]", "catalog: expected an object, got a list"),
        ('{"format": 1, "frameworks": []} trailing', "is not valid JSON: Extra data"),
        ("[" * 200_000 + "]" * 200_000, "is nested too deeply to be a catalog"),
        (
            '{"format": 1, "capabilities": [{"slug": "a", "name": "A", "name": "B"}]}',
            'capabilities[0]: key "name" is given more than once',
        ),
    ],
)
def test_unreadable_documents_are_refused_with_a_clear_message(db, tmp_path, content, expected):
    assert expected in refused(tmp_path, content)
    assert nothing_written()


def test_a_file_over_the_size_limit_is_refused_unread(db, tmp_path, monkeypatch):
    monkeypatch.setattr(catalog_schema, "MAX_BYTES", 1000)
    message = refused(tmp_path, '{"format": 1, "frameworks": []}' + " " * 1000)
    assert "is 1,031 bytes; a catalog file may be at most 1,000." in message


def test_a_bad_file_leaves_a_loaded_catalog_exactly_as_it_was(shipped_catalog, tmp_path):
    before = export_catalog()
    document = copy.deepcopy(shipped_catalog)
    # Valid new rows first, then one error at the very end: none of the new rows is written.
    document["criteria"].append(_new_criterion("speed", "Slow", "Fast"))
    document["frameworks"][0]["ratings"]["speed"] = {"level": "Fast"}
    document["frameworks"][-1]["use_case_fits"]["real-time"]["fit"] = "great"
    message = refused(tmp_path, document)
    assert "frameworks[15].use_case_fits.real-time.fit: expected a whole number, got text" in (
        message
    )
    assert export_catalog() == before


def test_a_clash_with_the_database_is_refused_with_its_path(shipped_catalog, tmp_path):
    # Valid as a file, but the name belongs to another framework already in the database.
    document = {"format": 1, "frameworks": [{"slug": "flask-two", "name": "Flask"}]}
    message = refused(tmp_path, document)
    assert "frameworks[0].name: Framework with this Name already exists." in message
    assert not Framework.objects.filter(slug="flask-two").exists()


def test_references_may_name_rows_already_in_the_database(shipped_catalog, tmp_path):
    document = {
        "format": 1,
        "frameworks": [
            {
                "slug": "newcomer",
                "name": "Newcomer",
                "ratings": {"performance": {"level": "High"}},
                "use_case_fits": {"real-time": {"fit": 4}},
            }
        ],
    }
    path = tmp_path / "partial.json"
    path.write_text(json.dumps(document))
    call_command("loadcatalog", str(path), verbosity=0)
    rating = Rating.objects.get(framework__slug="newcomer")
    assert rating.level.label == "High" and rating.criterion.slug == "performance"


def test_the_command_exits_non_zero_without_a_traceback(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    done = subprocess.run(
        [sys.executable, "manage.py", "loadcatalog", str(path)],
        cwd=ROOT,
        env={"DJANGO_DEBUG": "1", "SQLITE_PATH": str(tmp_path / "db.sqlite3"), "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "is nested too deeply to be a catalog" in done.stderr
