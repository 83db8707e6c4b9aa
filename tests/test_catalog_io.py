"""The shipped catalog loader, exportcatalog and loadcatalog FILE."""

import json

import pytest
from django.core.management import CommandError, call_command

from frameworks import catalog
from frameworks.catalog_io import export_catalog
from frameworks.models import (
    Capability,
    Criterion,
    Framework,
    FrameworkCapability,
    ProCon,
    Rating,
    UseCase,
    UseCaseFit,
)


def test_shipped_catalog_is_complete(db):
    call_command("loadcatalog", verbosity=0)
    frameworks = Framework.objects.published()
    assert {"django", "flask", "fastapi"} <= set(frameworks.values_list("slug", flat=True))
    assert frameworks.count() >= 13
    criteria = Criterion.objects.count()
    assert criteria == 5
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
    for model in (Framework, Criterion, Capability, UseCase):
        model.objects.all().delete()
    assert export_catalog()["frameworks"] == []
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
