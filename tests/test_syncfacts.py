"""``syncfacts`` against recorded answers (tests/recorded/): it stores the facts with the time
read, raises review flags and never changes a rating; failed or malformed answers are reported
per framework and change nothing; ``--dry-run`` writes nothing; and the network is never used.
"""

import datetime
import io
import shutil
import socket
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from frameworks import facts
from frameworks.models import (
    CatalogState,
    Framework,
    FrameworkFacts,
    Level,
    Measure,
    Rating,
)
from tests.conftest import form_data, with_reason

RECORDED = Path(__file__).resolve().parent / "recorded"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Every connection to a host other than this machine (the test database) fails loudly."""
    real_connect = socket.socket.connect
    attempts = []

    def guarded(sock, address, *args):
        host = address[0] if isinstance(address, tuple) else None
        if host is not None and host not in LOOPBACK:
            attempts.append(address)
            raise AssertionError(f"a test tried to reach {address}")
        return real_connect(sock, address, *args)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    yield attempts
    assert not attempts, attempts


def test_the_network_guard_holds(no_network):
    # The guard is what lets the other tests claim they never use the network.
    with pytest.raises(AssertionError, match="tried to reach"):
        socket.create_connection(("pypi.org", 443), timeout=1)
    assert len(no_network) == 1
    no_network.clear()


def run(*args, **options):
    out = io.StringIO()
    call_command("syncfacts", *args, recorded=str(RECORDED), stdout=out, **options)
    return out.getvalue()


def run_failing(*args, recorded=RECORDED, **options):
    out = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("syncfacts", *args, recorded=str(recorded), stdout=out, **options)
    assert failure.value.returncode != 0
    return out.getvalue(), str(failure.value)


def catalog_version():
    return CatalogState.objects.get(pk=1).version


def rating_state():
    return list(
        Rating.objects.order_by("pk").values_list(
            "pk",
            "level_id",
            "note",
            "source_url",
            "figure",
            "figure_value",
            "reviewed_on",
            "version",
        )
    )


@pytest.fixture
def quiet(make_framework):
    """A framework whose last release was in March 2024 (a later one was yanked)."""
    return make_framework(
        "quiet",
        pypi_package="quiet-framework",
        repository_url="https://github.com/example/quiet-framework",
        is_published=True,
    )


@pytest.fixture
def community(make_criterion):
    criterion = make_criterion(
        "community-size",
        levels=(("Small", 25), ("Mid-sized", 60), ("Large", 100)),
        measure=Measure.PYPI_DOWNLOAD_RANK,
    )
    Level.objects.filter(criterion=criterion, label="Mid-sized").update(threshold=5000)
    Level.objects.filter(criterion=criterion, label="Large").update(threshold=1000)
    return criterion


def test_recorded_run_stores_every_framework_facts_and_leaves_ratings_alone(shipped_catalog):
    ratings = rating_state()
    framework_versions = dict(Framework.objects.values_list("slug", "version"))
    before = catalog_version()

    output = run()

    assert "Updated 16 of 16 frameworks." in output
    assert FrameworkFacts.objects.count() == 16
    django = FrameworkFacts.objects.get(framework__slug="django")
    assert django.pypi_version == "6.1.3"
    assert django.pypi_released_on == datetime.date(2026, 11, 10)
    assert django.pypi_first_release_on.year == 2005
    assert django.pypi_release_count == 2
    assert django.requires_python == ">=3.12"
    assert django.pypi_license == "BSD-3-Clause"
    assert django.pypi_download_rank == 528
    assert (django.github_stars, django.github_forks, django.github_open_issues) == (
        86214,
        32906,
        388,
    )
    assert django.github_pushed_at == datetime.datetime(
        2026, 11, 28, 16, 2, 11, tzinfo=datetime.UTC
    )
    fetched = timezone.now() - django.pypi_fetched_at
    assert datetime.timedelta(0) <= fetched < datetime.timedelta(minutes=5)
    assert django.github_fetched_at == django.pypi_fetched_at == django.download_rank_fetched_at
    # Outside the published list: fetched, and stored as "not ranked".
    emmett = FrameworkFacts.objects.get(framework__slug="emmett")
    assert emmett.pypi_download_rank is None and emmett.download_rank_fetched_at
    # The licence falls back to the field, then to the classifier.
    assert FrameworkFacts.objects.get(framework__slug="pyramid").pypi_license == (
        "BSD-derived (Repoze)"
    )

    # Nothing editors wrote moved: ratings (levels, notes, versions) and frameworks.
    assert rating_state() == ratings
    assert dict(Framework.objects.values_list("slug", "version")) == framework_versions
    # Every cited figure still sits in its band, and every framework has released lately.
    assert not Rating.objects.exclude(flagged_reason="").exists()
    assert not Framework.objects.exclude(flagged_reason="").exists()
    # Public pages are rebuilt from a new catalog version.
    assert catalog_version() > before

    # A second run finds nothing new but the time read.
    assert "django: no change" in run("--framework", "django")


def test_public_pages_show_the_figures_with_their_dates(client, shipped_catalog):
    run("--framework", "django", "--framework", "starlette")
    page = client.get(reverse("frameworks:detail", kwargs={"slug": "django"})).content.decode()
    today = timezone.localdate()
    as_of = f"as of {today.day} {today:%B %Y}"
    assert f"latest 6.1.3 ({as_of})" in page
    assert "6.1.3, released 10 November 2026" in page
    assert "86214 stars, 32906 forks, 388 open issues and pull requests" in page
    assert "528 of the 15,000 most downloaded" in page
    assert page.count(as_of) >= 3
    # The rating cites its figure and the figure's date next to the note.
    assert "Figure: PyPI download rank 528 of the 15,000 most downloaded (as of November 2026)" in (
        page
    )
    assert "No release since" not in page
    listing = client.get(reverse("frameworks:list")).content.decode()
    assert "Full-stack · 6.1.3" in listing


def test_dry_run_shows_what_would_change_and_changes_nothing(quiet, no_network):
    before = catalog_version() if CatalogState.objects.filter(pk=1).exists() else None

    output = run("--dry-run")

    assert "quiet: latest version none → 1.4.2" in output
    assert "quiet: flag: No release since 2024-03" in output
    assert "stars none → 312" in output
    assert "(dry run: nothing was written)" in output
    assert not FrameworkFacts.objects.exists()
    quiet.refresh_from_db()
    assert quiet.flagged_reason == "" and quiet.flagged_on is None
    after = catalog_version() if CatalogState.objects.filter(pk=1).exists() else None
    assert after == before


def test_a_framework_without_a_release_for_18_months_is_flagged(client, quiet):
    history = quiet.history.count()
    version = Framework.objects.get(pk=quiet.pk).version

    run()

    quiet.refresh_from_db()
    assert quiet.flagged_reason == "No release since 2024-03"
    assert quiet.flagged_on == timezone.localdate()
    # A flag is a request for review, not an edit: no new version, no history entry.
    assert quiet.version == version and quiet.history.count() == history
    stored = quiet.facts
    # 1.5.0 was yanked and 2.0.0a1 has no files: neither is a release anyone can install.
    assert (stored.pypi_version, stored.pypi_released_on) == ("1.4.2", datetime.date(2024, 3, 14))
    assert stored.pypi_release_count == 3
    assert stored.pypi_first_release_on == datetime.date(2019, 5, 2)

    page = client.get(reverse("frameworks:detail", kwargs={"slug": "quiet"})).content.decode()
    assert "No release since March 2024" in page
    listing = client.get(reverse("frameworks:list")).content.decode()
    assert "No release since March 2024" in listing

    # Flagged once: the next run neither re-dates nor repeats it.
    Framework.objects.filter(pk=quiet.pk).update(flagged_on=datetime.date(2026, 1, 2))
    assert "flag" not in run("--framework", "quiet")
    quiet.refresh_from_db()
    assert quiet.flagged_on == datetime.date(2026, 1, 2)


FAILURES = [
    # (PyPI package, repository, words the report must contain)
    ("truncated-answer", "", "PyPI sent malformed JSON"),
    ("wrong-shape", "", "PyPI sent an answer of an unexpected shape (no info object)"),
    ("bad-timestamp", "", "not a timestamp: 'yesterday'"),
    ("rate-limited", "", "PyPI rate limit reached (HTTP 429, retry after 60)"),
    ("server-error", "", "PyPI failed on its side (HTTP 503)"),
    ("unreachable", "", "PyPI could not be reached"),
    ("never-recorded", "", "PyPI has no such project (HTTP 404"),
    (
        "quiet-framework",
        "https://github.com/example/rate-limited",
        "GitHub rate limit reached (HTTP 403, retry after 1796112000)",
    ),
    (
        "quiet-framework",
        "https://github.com/example/malformed",
        "GitHub sent an answer of an unexpected shape (stargazers_count is 'many')",
    ),
]


@pytest.mark.parametrize(("package", "repository", "message"), FAILURES)
def test_a_failed_answer_is_reported_and_changes_nothing_for_that_framework(
    make_framework, quiet, package, repository, message
):
    broken = make_framework("broken", pypi_package=package, repository_url=repository)
    earlier = timezone.now() - datetime.timedelta(days=3)
    FrameworkFacts.objects.create(
        framework=broken, pypi_version="0.9", github_stars=7, pypi_fetched_at=earlier
    )

    output, error = run_failing()

    line = next(line for line in output.splitlines() if line.startswith("broken:"))
    assert line.startswith("broken: FAILED, nothing changed: ") and message in line, line
    assert "failed: broken" in error and "updated 1 of 2 frameworks" in error
    stored = FrameworkFacts.objects.get(framework=broken)
    assert (stored.pypi_version, stored.github_stars, stored.pypi_fetched_at) == (
        "0.9",
        7,
        earlier,
    )
    # The other framework still updated.
    assert FrameworkFacts.objects.get(framework=quiet).pypi_version == "1.4.2"


def test_a_failed_ranks_list_is_reported_once_and_the_rest_still_updates(quiet, tmp_path):
    recorded = tmp_path / "recorded"
    shutil.copytree(RECORDED, recorded)
    (recorded / "ranks" / "top-pypi-packages.json").write_text('{"rows": [')

    output, error = run_failing(recorded=recorded)

    assert "all frameworks: download ranks not updated: the download ranks sent malformed JSON" in (
        output
    )
    stored = FrameworkFacts.objects.get(framework=quiet)
    assert stored.pypi_version == "1.4.2" and stored.download_rank_fetched_at is None


def test_a_figure_crossing_a_threshold_flags_the_rating_and_leaves_it_alone(
    make_framework, community, rate, client
):
    # The recorded ranks put Django 528th: inside the Large band (top 1,000).
    django = make_framework("django", pypi_package="Django", is_published=True)
    cited = datetime.date(2026, 5, 1)
    rating = rate(
        django, community, "Mid-sized", figure_value=3000, figure_as_of=cited, note="Mid-sized."
    )
    flask = make_framework("flask", pypi_package="Flask")
    # Rated below its band on purpose (the note gives the reason): the figure has not moved
    # out of the band it was rated against, so nobody is asked again.
    kept = rate(flask, community, "Mid-sized", figure_value=200, figure_as_of=cited)
    # No figure cited: the band is compared with the level as rated.
    starlette = make_framework("starlette", pypi_package="starlette")
    unbacked = rate(starlette, community, "Small")
    versions = {r.pk: Rating.objects.get(pk=r.pk).version for r in (rating, kept, unbacked)}

    output = run()

    rating.refresh_from_db()
    assert rating.flagged_reason == "PyPI download rank now 528: in the Large band, rated Mid-sized"
    assert rating.flagged_on == timezone.localdate()
    assert "django: flag: community-size rating: PyPI download rank now 528" in output
    # The rating is exactly as the editor left it.
    assert (rating.level.label, rating.note, rating.figure_value) == (
        "Mid-sized",
        "Mid-sized.",
        3000,
    )
    kept.refresh_from_db()
    assert kept.flagged_reason == ""
    unbacked.refresh_from_db()
    assert unbacked.flagged_reason == "PyPI download rank now 53: in the Large band, rated Small"
    assert {r.pk: Rating.objects.get(pk=r.pk).version for r in (rating, kept, unbacked)} == versions


def test_writing_facts_never_puts_an_editor_into_an_edit_conflict(editor_client, quiet):
    url = reverse("admin:frameworks_framework_change", args=[quiet.pk])
    response = editor_client.get(url)
    assert response.status_code == 200
    data = form_data(response.content.decode(), "framework_form")

    run()  # stores facts and flags the framework while the editor has its page open

    data["tagline"] = ["Quiet, but still here."]
    response = editor_client.post(url, with_reason(data))
    assert response.status_code == 302, response.content.decode()[:2000]
    quiet.refresh_from_db()
    assert quiet.tagline == "Quiet, but still here."
    # The editor's save keeps the flag: it was not on the form they posted.
    assert quiet.flagged_reason == "No release since 2024-03"


def test_the_admin_lists_flagged_rows_and_shows_the_reason_read_only(
    editor_client, quiet, make_framework, community, rate
):
    django = make_framework("django", pypi_package="Django")
    rating = rate(django, community, "Small")
    run()
    frameworks = reverse("admin:frameworks_framework_changelist")
    page = editor_client.get(frameworks).content.decode()
    assert "Flagged by syncfacts" in page
    flagged = editor_client.get(frameworks + "?flagged=yes").content.decode()
    assert "No release since 2024-03" in flagged and ">Django<" not in flagged
    ratings = reverse("admin:frameworks_rating_changelist")
    flagged = editor_client.get(ratings + "?flagged=yes").content.decode()
    assert "Flagged by syncfacts" in flagged and "rated Small" in flagged

    change = editor_client.get(reverse("admin:frameworks_rating_change", args=[rating.pk]))
    body = change.content.decode()
    assert "PyPI download rank now 528: in the Large band, rated Small" in body
    assert 'name="flagged_reason"' not in body  # shown, not editable

    # Marking it reviewed clears the flag and leaves the rating's version alone.
    version = Rating.objects.get(pk=rating.pk).version
    editor_client.post(ratings, {"action": "clear_flag", "_selected_action": [str(rating.pk)]})
    rating.refresh_from_db()
    assert rating.flagged_reason == "" and rating.version == version


def test_options_are_checked(quiet, tmp_path):
    with pytest.raises(CommandError, match="No framework has the slug nope"):
        run("--framework", "nope")
    with pytest.raises(CommandError, match="No directory of recorded answers"):
        call_command("syncfacts", recorded=str(tmp_path / "missing"), stdout=io.StringIO())
    output = run("--framework", "quiet")
    assert output.startswith("quiet: ") and "of 1 frameworks" in output


def test_the_network_source_reports_http_failures_in_one_line(monkeypatch):
    """The live client maps the same failures as the recorded one, without any connection."""
    import urllib.error
    import urllib.request

    def answer(status, headers):
        def fake(request, timeout):
            assert timeout == 7
            raise urllib.error.HTTPError(request.full_url, status, "x", headers, None)

        return fake

    source = facts.Network(timeout=7)
    request = facts.pypi_request("Django")
    assert request.url == "https://pypi.org/pypi/Django/json"
    for status, headers, words in [
        (429, {"Retry-After": "30"}, "PyPI rate limit reached (HTTP 429, retry after 30)"),
        (404, {}, "PyPI has no such project (HTTP 404 for https://pypi.org/pypi/Django/json)"),
        (502, {}, "PyPI failed on its side (HTTP 502)"),
    ]:
        monkeypatch.setattr(urllib.request, "urlopen", answer(status, headers))
        with pytest.raises(facts.FetchError, match=words.replace("(", r"\(").replace(")", r"\)")):
            source.get(request)

    def timeout(request, timeout):
        raise TimeoutError("timed out")

    monkeypatch.setattr(urllib.request, "urlopen", timeout)
    with pytest.raises(facts.FetchError, match=r"PyPI could not be reached \(timed out\)"):
        source.get(request)
    assert facts.github_repository("https://github.com/Kludex/starlette") == ("Kludex", "starlette")
    assert facts.github_repository("https://gitlab.com/a/b") is None
