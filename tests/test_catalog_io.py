"""The shipped catalog loader, exportcatalog and loadcatalog FILE."""

import copy
import io
import json

import pytest
from django.core.management import CommandError, call_command

from frameworks import catalog
from frameworks.catalog_io import export_catalog
from frameworks.catalog_schema import validate
from frameworks.models import (
    Capability,
    Criterion,
    Framework,
    FrameworkCapability,
    Level,
    ProCon,
    Rating,
    UseCase,
    UseCaseFit,
    UseCasePreset,
)


def run_loadcatalog(*args, **options) -> str:
    out = io.StringIO()
    call_command("loadcatalog", *map(str, args), stdout=out, **options)
    return out.getvalue()


def test_shipped_catalog_is_complete(db):
    call_command("loadcatalog", verbosity=0)
    frameworks = Framework.objects.published()
    assert {"django", "flask", "fastapi"} <= set(frameworks.values_list("slug", flat=True))
    assert frameworks.count() >= 13
    criteria = Criterion.objects.count()
    # The article's five, and two that separate frameworks people confuse (issue 13).
    assert criteria == 7
    for framework in frameworks:
        ratings = Rating.objects.filter(framework=framework)
        assert ratings.count() == criteria, framework
        for rating in ratings:
            assert rating.note and rating.source_url.startswith("https://"), rating
        assert FrameworkCapability.objects.filter(framework=framework).count() == (
            Capability.objects.count()
        )
        assert UseCaseFit.objects.filter(framework=framework).count() == UseCase.objects.count()
        assert ProCon.objects.filter(framework=framework, kind="pro").exists()
        assert ProCon.objects.filter(framework=framework, kind="con").exists()
        assert framework.overview and framework.best_for and framework.choose_if


def test_moved_on_facts_follow_the_evidence_and_name_the_articles_label(db):
    call_command("loadcatalog", verbosity=0)
    rating = Rating.objects.get(framework__slug="django", criterion__slug="async-support")
    assert rating.level.label == "Partial"
    assert rating.note.startswith("The article rated this Limited; since")
    assert "docs.djangoproject.com" in rating.source_url


def test_loading_twice_changes_nothing(db):
    call_command("loadcatalog", verbosity=0)
    before = export_catalog()
    call_command("loadcatalog", verbosity=0)
    assert export_catalog() == before


def test_loader_never_overwrites_an_editors_change_unless_asked(db):
    call_command("loadcatalog", verbosity=0)
    flask = Framework.objects.get(slug="flask")
    flask.overview = "Edited by an editor."
    flask.save()
    con = ProCon.objects.filter(framework=flask, kind="con").first()
    con.delete()
    call_command("loadcatalog", verbosity=0)
    flask.refresh_from_db()
    assert flask.overview == "Edited by an editor."
    assert not ProCon.objects.filter(pk=con.pk).exists()
    assert not ProCon.objects.filter(framework=flask, text=con.text).exists()
    call_command("loadcatalog", overwrite=True, verbosity=0)
    flask.refresh_from_db()
    assert flask.overview != "Edited by an editor."
    assert ProCon.objects.filter(framework=flask, text=con.text).exists()


def test_export_and_restore_lose_nothing(db, tmp_path):
    call_command("loadcatalog", verbosity=0)
    # Editors' own additions must survive the round trip too.
    extra = Framework.objects.create(
        name="Draft", slug="draft", is_published=False, color="#123456"
    )
    ProCon.objects.create(framework=extra, kind="con", text="Not reviewed yet")
    path = tmp_path / "backup.json"
    call_command("exportcatalog", output=str(path), verbosity=0)
    exported = json.loads(path.read_text())
    assert validate(exported) == []
    for model in (Framework, Criterion, Capability, UseCase):
        model.objects.all().delete()
    assert export_catalog()["frameworks"] == []
    # The history remembers these rows were deleted here: a plain load leaves them deleted...
    out = run_loadcatalog(path)
    assert export_catalog()["frameworks"] == []
    assert "framework “draft” was deleted by an editor" in out
    # ...and restoring a backup over deliberate deletions is what --overwrite is for.
    call_command("loadcatalog", str(path), overwrite=True, verbosity=0)
    assert export_catalog() == exported


def test_restore_into_a_new_database_loses_nothing(db, tmp_path):
    call_command("loadcatalog", verbosity=0)
    Framework.objects.create(name="Draft", slug="draft", is_published=False, color="#123456")
    path = tmp_path / "backup.json"
    call_command("exportcatalog", output=str(path), verbosity=0)
    exported = json.loads(path.read_text())
    # A new machine: no catalog and no history of one (generate_catalog empties both).
    call_command("generate_catalog", frameworks=0, criteria=0, capabilities=0, use_cases=0)
    assert not Framework.history.exists()
    call_command("loadcatalog", str(path), verbosity=0)
    assert export_catalog() == exported


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        '{"format": 99}',
        '{"format": 1, "frameworks": '
        '[{"slug": "x", "name": "X", "ratings": {"nope": '
        '{"level": "High"}}}]}',
    ],
)
def test_bad_catalog_file_gives_a_clear_error_and_changes_nothing(db, tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CommandError):
        call_command("loadcatalog", str(path), verbosity=0)
    assert not Framework.objects.filter(slug="x").exists()


def test_loading_bumps_the_catalog_version(db):
    before = catalog.current_version()
    call_command("loadcatalog", verbosity=0)
    assert catalog.current_version() != before


def test_the_shipped_catalog_and_an_export_are_valid(shipped_catalog, shipped_data):
    assert validate(shipped_data) == []
    assert validate(export_catalog()) == []


def test_exportcatalog_writes_to_the_commands_output(shipped_catalog):
    out = io.StringIO()
    call_command("exportcatalog", stdout=out)
    assert json.loads(out.getvalue()) == export_catalog()


def _editors_remove_five_rows():
    """What issue 11 did in the admin: four deletions and a renamed level."""
    flask = Framework.objects.get(slug="flask")
    Rating.objects.get(framework=flask, criterion__slug="performance").delete()
    UseCaseFit.objects.get(framework=flask, use_case__slug="real-time").delete()
    FrameworkCapability.objects.get(framework=flask, capability__slug="orm").delete()
    UseCasePreset.objects.get(use_case__slug="ml-ai", criterion__slug="performance").delete()
    low = Level.objects.get(criterion__slug="performance", label="Low")
    low.label = "Slow"
    low.save()
    return low


def test_loading_again_never_brings_back_what_editors_deleted_or_renamed(shipped_catalog):
    low = _editors_remove_five_rows()
    before = export_catalog()
    out = run_loadcatalog()
    assert export_catalog() == before
    flask = Framework.objects.get(slug="flask")
    assert not Rating.objects.filter(framework=flask, criterion__slug="performance").exists()
    assert not UseCaseFit.objects.filter(framework=flask, use_case__slug="real-time").exists()
    assert not FrameworkCapability.objects.filter(framework=flask, capability__slug="orm").exists()
    assert not UseCasePreset.objects.filter(
        use_case__slug="ml-ai", criterion__slug="performance"
    ).exists()
    labels = set(Level.objects.filter(criterion__slug="performance").values_list("label", flat=1))
    assert labels == {"Slow", "Medium", "High"}
    # Each row left alone is named, with where it is in the file.
    for line in (
        "criteria[1].levels[0]: level “Low” of performance was renamed by an editor (now "
        "“Performance: Slow”)",
        "use_cases[8].presets.performance: the weight of performance in ml-ai was deleted",
        "frameworks[1].ratings.performance: the performance rating of flask was deleted",
        "frameworks[1].capabilities.orm: flask's support for orm was deleted",
        "frameworks[1].use_case_fits.real-time: flask's fit for real-time was deleted",
    ):
        assert line in out
    assert out.count("Not restored:") == 5

    run_loadcatalog(overwrite=True)
    assert Rating.objects.filter(framework=flask, criterion__slug="performance").exists()
    assert UseCaseFit.objects.filter(framework=flask, use_case__slug="real-time").exists()
    assert FrameworkCapability.objects.filter(framework=flask, capability__slug="orm").exists()
    assert UseCasePreset.objects.filter(
        use_case__slug="ml-ai", criterion__slug="performance"
    ).exists()
    # Overwriting renames the level back rather than adding a second one.
    low.refresh_from_db()
    assert low.label == "Low"
    labels = set(Level.objects.filter(criterion__slug="performance").values_list("label", flat=1))
    assert labels == {"Low", "Medium", "High"}


def test_a_framework_editors_deleted_stays_deleted_with_its_ratings(shipped_catalog):
    Framework.objects.get(slug="bottle").delete()
    out = run_loadcatalog()
    assert not Framework.objects.filter(slug="bottle").exists()
    assert not Rating.objects.filter(framework__slug="bottle").exists()
    assert "frameworks[10]: framework “bottle” was deleted by an editor" in out


def test_new_rows_in_the_file_are_still_added(shipped_catalog, shipped_data, tmp_path):
    low = _editors_remove_five_rows()
    document = copy.deepcopy(shipped_data)
    newcomer = copy.deepcopy(document["frameworks"][1])
    newcomer.update(slug="newcomer", name="Newcomer")
    newcomer["ratings"]["performance"]["level"] = "Low"
    document["frameworks"].append(newcomer)
    document["capabilities"].append({"slug": "graphql", "name": "GraphQL"})
    document["frameworks"][0]["capabilities"]["graphql"] = {
        "support": "extension",
        "extension": "Graphene-Django",
    }
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(document))
    run_loadcatalog(path)
    assert Framework.objects.filter(slug="newcomer").exists()
    # Rated at the level the file calls "Low": the same row, which editors now call "Slow".
    rating = Rating.objects.get(framework__slug="newcomer", criterion__slug="performance")
    assert rating.level == low and rating.level.label == "Slow"
    assert (
        FrameworkCapability.objects.get(
            framework__slug="django", capability__slug="graphql"
        ).extension
        == "Graphene-Django"
    )
    # An editor's deletion on an existing framework is still respected in the same load.
    assert not Rating.objects.filter(framework__slug="flask", criterion__slug="performance")


def test_generate_catalog_replaces_the_catalog_and_its_history(shipped_catalog):
    call_command(
        "generate_catalog",
        frameworks=3,
        criteria=2,
        capabilities=1,
        use_cases=1,
        stdout=io.StringIO(),
    )
    assert Framework.objects.count() == 3 and Criterion.objects.count() == 2
    assert not Framework.objects.filter(slug="django").exists()
    assert not Framework.history.filter(slug="django").exists()
    # So the shipped catalog loads in full afterwards, nothing taken for an editor's deletion.
    # (Its frameworks are published, so the generated criteria and use cases, which they are
    # not rated on, must go first, with what rates them: tests/test_publish_checks.py.)
    Framework.objects.all().delete()
    Criterion.objects.all().delete()
    UseCase.objects.all().delete()
    out = run_loadcatalog()
    assert "Not restored" not in out
    assert Framework.objects.filter(slug="django").exists()


@pytest.mark.parametrize("use", ["first", "again"])
def test_the_shipped_catalog_fixture_is_what_the_import_writes(shipped_catalog, shipped_data, use):
    """Later uses of the shipped_catalog fixture copy the rows of the session's first import
    (tests/conftest.py). The copy must be the same catalog with the same history as a real
    import, and new rows must still get fresh ids."""
    from django.apps import apps

    from frameworks.catalog_io import import_catalog

    models = apps.get_app_config("frameworks").get_models()
    history = [model for model in models if model.__name__.startswith("Historical")]
    given = export_catalog(), {model: model.objects.count() for model in history}
    call_command("generate_catalog", frameworks=0, criteria=0, capabilities=0, use_cases=0)
    import_catalog(shipped_data)
    assert given == (export_catalog(), {model: model.objects.count() for model in history})
    assert all(given[1].values())
    assert Framework.objects.create(name="New", slug="new").pk > 0
