"""Faults: the cache is an optimisation, never a dependency; a database outage is a clean 503.

The first tests run in this process with Django's test client against a real redis-server of
their own (started on a free port, killed, paused or filled, stopped by its pid), on SQLite and
on PostgreSQL. The ``faults`` tests start gunicorn servers and drive load at them while the
fault happens; each prints one line: requests sent, non-2xx, 5xx, requests lost, edits lost.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import time

import pytest
from django.db.models import F
from django.test import RequestFactory

import comparator.cache
import comparator.settings
from frameworks import catalog, views
from frameworks.models import CatalogState, Level, Rating
from tests.conftest import form_data, need, with_reason
from tests.servers import (
    Client,
    Load,
    RedisServer,
    app_process,
    postgres_available,
    postgres_database,
    prepare,
    query_json,
    redis_server,
    server_env,
    worker_pids,
)

LEARNING = (
    "/api/compare/?w-learning-curve=5&w-performance=0&w-async-support=0"
    "&w-built-in-tools=0&w-community-ecosystem=0&w-typing-validation=0&w-maturity=0"
)
PUBLIC_PAGES = (
    "/",
    "/compare/?use_case=rest-apis-microservices",
    LEARNING,
    "/frameworks/",
    "/frameworks/flask/",
    "/methodology/",
)


def learning_levels(body: str) -> dict[str, str]:
    """Each framework's learning-curve level, from the API's answer to LEARNING."""
    levels = {}
    for result in json.loads(body):
        for entry in result["breakdown"]:
            if entry["criterion"] == "learning-curve":
                levels[result["framework"]] = entry["level"]
    return levels


# --- In this process, on SQLite and PostgreSQL --------------------------------------------------


@pytest.fixture
def private_redis(settings):
    """The default cache on a redis-server of this test's own, configured as in production
    except for a shorter breaker period, so that the tests can wait it out quickly."""
    with redis_server() as server:
        comparator.cache._breakers.clear()
        settings.REDIS_URL = server.url
        settings.CACHES = settings.CACHES | {
            "default": comparator.settings.redis_cache(server.url, retry_after=0.5)
        }
        yield server
    comparator.cache._breakers.clear()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def save_level(client, framework, label, capture):
    """An editor sets a framework's learning-curve level on the rating's admin page."""
    rating = Rating.objects.get(framework__slug=framework, criterion__slug="learning-curve")
    level = Level.objects.get(criterion=rating.criterion, label=label)
    url = f"/admin/frameworks/rating/{rating.pk}/change/"
    data = form_data(client.get(url).content.decode(), "rating_form")
    data.update(level=[str(level.pk)], note=[f"Set to {label} in a fault test."])
    # Runs the transaction's on-commit hooks (the version's publication), as a commit would.
    with capture(execute=True):
        return client.post(url, with_reason(data)).status_code


def shown_level(client, framework):
    response = client.get(LEARNING)
    assert response.status_code == 200
    return learning_levels(response.content.decode())[framework]


def test_with_redis_healthy_the_next_result_shows_the_edit_and_redis_holds_the_db_version(
    shipped_catalog, editor_client, private_redis, django_capture_on_commit_callbacks
):
    assert shown_level(editor_client, "flask") != "Steep"
    assert save_level(editor_client, "flask", "Steep", django_capture_on_commit_callbacks) == 302
    assert shown_level(editor_client, "flask") == "Steep"
    redis = private_redis.client()
    keys = redis.keys("*catalog-version*")
    assert len(keys) == 1
    # Redis holds a copy of the database's counter, never for longer than the stated bound.
    assert 0 < redis.ttl(keys[0]) <= catalog.VERSION_TIMEOUT
    assert catalog.current_version() == str(CatalogState.objects.get(pk=1).version)


def test_redis_killed_pages_answer_and_saves_succeed(
    shipped_catalog, editor_client, private_redis, django_capture_on_commit_callbacks
):
    for path in PUBLIC_PAGES:
        assert editor_client.get(path).status_code == 200
    private_redis.kill()
    for path in PUBLIC_PAGES:
        assert editor_client.get(path).status_code == 200, path
    assert save_level(editor_client, "flask", "Steep", django_capture_on_commit_callbacks) == 302
    assert shown_level(editor_client, "flask") == "Steep"


def test_redis_paused_requests_do_not_hang(
    shipped_catalog, editor_client, private_redis, django_capture_on_commit_callbacks
):
    assert editor_client.get(LEARNING).status_code == 200
    private_redis.pause()
    started = time.monotonic()
    for path in PUBLIC_PAGES * 3:
        begun = time.monotonic()
        assert editor_client.get(path).status_code == 200, path
        # One socket timeout at most, then the breaker sends requests to the database.
        assert time.monotonic() - begun < 1.5, path
    assert save_level(editor_client, "flask", "Steep", django_capture_on_commit_callbacks) == 302
    assert shown_level(editor_client, "flask") == "Steep"
    assert time.monotonic() - started < 6


def test_redis_refusing_writes_save_succeeds_and_the_edit_stays_visible(
    shipped_catalog, editor_client, private_redis, django_capture_on_commit_callbacks
):
    assert shown_level(editor_client, "flask") != "Steep"  # Redis now holds the version
    private_redis.refuse_writes()
    with pytest.raises(Exception, match="maxmemory"):
        private_redis.client().set("probe", "x")
    assert save_level(editor_client, "flask", "Steep", django_capture_on_commit_callbacks) == 302
    # Visible at once, and across several breaker periods: never the old page again.
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:
        assert shown_level(editor_client, "flask") == "Steep"
        time.sleep(0.1)
    private_redis.refuse_writes(False)
    time.sleep(0.6)  # the breaker's period in this test
    assert shown_level(editor_client, "flask") == "Steep"


def test_a_version_redis_missed_reaches_readers_within_the_bound(
    shipped_catalog, private_redis, monkeypatch
):
    """The worst case: a commit whose announcement Redis never got (it was hung or restarted
    from an old copy). Readers trust Redis's copy only until it expires."""
    monkeypatch.setattr(catalog, "VERSION_TIMEOUT", 1)
    before = catalog.current_version()
    CatalogState.objects.filter(pk=1).update(version=F("version") + 1)  # published nowhere
    assert catalog.current_version() == before
    deadline = time.monotonic() + 3
    while catalog.current_version() == before:
        assert time.monotonic() < deadline, "Redis kept a stale version past its timeout"
        time.sleep(0.1)
    assert catalog.current_version() == str(CatalogState.objects.get(pk=1).version)


def test_a_process_never_goes_back_to_an_older_version_from_redis(shipped_catalog, private_redis):
    """Redis was unreachable while an edit committed, then came back with its old copy: the
    process that already read the newer version from the database keeps it."""
    from django.core.cache import cache

    old = catalog.current_version()
    CatalogState.objects.filter(pk=1).update(version=F("version") + 1)
    private_redis.pause()
    newer = catalog.current_version()  # Redis times out: the database answers
    assert int(newer) == int(old) + 1
    private_redis.resume()
    for breaker in comparator.cache._breakers.values():
        breaker.open_until = 0  # Redis is back; do not wait out the breaker's period
    assert cache.get(catalog.VERSION_CACHE_KEY) == int(old)  # the stale copy is still there
    assert catalog.current_version() == newer
    assert cache.get(catalog.VERSION_CACHE_KEY) in (None, int(newer))


def test_a_token_left_by_an_older_release_is_replaced(shipped_catalog, private_redis):
    from django.core.cache import cache

    cache.set(catalog.VERSION_CACHE_KEY, "4f2c0d9e8b7a", timeout=None)
    assert catalog.current_version() == str(CatalogState.objects.get(pk=1).version)
    assert cache.get(catalog.VERSION_CACHE_KEY) == CatalogState.objects.get(pk=1).version


def test_cache_failures_are_logged_as_warnings_not_raised(shipped_catalog, private_redis, caplog):
    private_redis.kill()
    catalog.current_version()
    catalog.current_version()
    warnings = [r for r in caplog.records if r.name == "comparator.cache"]
    assert len(warnings) == 1  # one per breaker period, not one per call
    assert warnings[0].levelname == "WARNING" and "ConnectionError" in warnings[0].getMessage()


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/no-such-thing/", 404),
        ("post", "/api/compare/", 405),
        ("put", "/api/compare/", 405),
        ("get", "/api/compare/?" + "&".join(f"x{i}=1" for i in range(5000)), 400),
    ],
)
def test_api_errors_are_json_whatever_the_status(client, shipped_catalog, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"]
    if status == 405:
        assert response["Allow"] == "GET, HEAD"


def test_api_500_is_json_and_pages_keep_the_template():
    request = RequestFactory().get("/api/compare/")
    response = views.server_error(request)
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert "logged" in json.loads(response.content)["errors"]["request"][0]
    response = views.server_error(RequestFactory().get("/compare/"))
    assert response.status_code == 500 and b"Something went wrong" in response.content


def test_html_pages_keep_their_error_templates(client, shipped_catalog):
    response = client.get("/frameworks/no-such-thing/")
    assert response.status_code == 404 and b"Page not found" in response.content
    assert response["Content-Type"].startswith("text/html")


# --- Real servers under load (run once, on SQLite's pass) --------------------------------------

faults = pytest.mark.faults


@pytest.fixture(scope="module")
def template_database(tmp_path_factory):
    """One migrated SQLite database with the shipped catalog and two editors, copied per test."""
    path = tmp_path_factory.mktemp("faults") / "template.sqlite3"
    prepare(server_env(sqlite_path=path), editors=("edna", "ed2"))
    return path


@pytest.fixture
def sqlite_env(template_database, tmp_path):
    def make(redis_url=""):
        path = tmp_path / "db.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            source = template_database.with_name(template_database.name + suffix)
            if source.exists():
                shutil.copy(source, path.with_name(path.name + suffix))
        return server_env(sqlite_path=path, redis_url=redis_url)

    return make


RATING_IDS = (
    "import json\nfrom frameworks.models import Rating, Level\n"
    "ratings = {r.framework.slug: r.pk for r in Rating.objects.filter("
    "criterion__slug='learning-curve').select_related('framework')}\n"
    "levels = {l.label: l.pk for l in Level.objects.filter(criterion__slug='learning-curve')}\n"
    "print(json.dumps([ratings, levels]))"
)


class Editor:
    """An editor signed in to one server, who records what each save should have changed."""

    def __init__(self, env, base):
        self.ratings, self.levels = query_json(env, RATING_IDS)
        self.client = Client(base)
        self.client.login("edna")
        self.expected: dict[str, str] = {}
        self.failed_saves: list[int] = []

    def save(self, framework, label):
        rating = self.ratings[framework]
        started = time.monotonic()
        status = self.client.save_form(
            f"/admin/frameworks/rating/{rating}/change/",
            "rating_form",
            {"level": str(self.levels[label]), "note": f"{label}, saved during a fault test."},
        )
        if status == 302:
            self.expected[framework] = label
        else:
            self.failed_saves.append(status)
        return time.monotonic() - started

    def edits_lost(self, base, *, within: float, streak: int = 8) -> int:
        """Saved edits that the API does not show in ``streak`` consecutive answers (which
        come from both workers) within ``within`` seconds."""
        reader = Client(base)
        deadline = time.monotonic() + within
        seen = 0
        while True:
            status, body, _ = reader.get(LEARNING)
            shown = learning_levels(body) if status == 200 else {}
            missing = {f for f, label in self.expected.items() if shown.get(f) != label}
            seen = 0 if missing else seen + 1
            if seen >= streak:
                return 0
            if time.monotonic() > deadline:
                return len(missing) or 1
            time.sleep(0.05)


def redis_fault_run(env, name, fault, recover, *, hold=2.0):
    """Load on two workers; the fault; an editor's saves during it; recovery; then the count.

    Returns the slowest request sent while Redis was faulty and before the saves (which make
    every process load the catalog afresh, whatever Redis does).
    """
    with app_process(env, workers=2) as (base, _master):
        editor = Editor(env, base)
        with Load(base, PUBLIC_PAGES, threads=2) as load:
            time.sleep(1)
            fault()
            faulty = time.monotonic()
            time.sleep(hold)
            slowest = load.slowest_between(faulty, time.monotonic())
            save_times = [editor.save(slug, "Steep") for slug in ("flask", "bottle")]
            time.sleep(1)
            recover()
            time.sleep(1)
        lost = editor.edits_lost(base, within=catalog.VERSION_TIMEOUT + 2)
        load.report(name, edits_lost=lost)
        print(f"[faults] {name}: slowest request while Redis was faulty: {slowest:.2f}s")
        assert load.sent > 50 and not load.lost
        assert load.count(lambda status: status >= 500) == 0
        assert load.count(lambda status: status != 200) == 0
        assert not editor.failed_saves and lost == 0
        # The saves went through without waiting on Redis for long.
        assert max(save_times) < 5
        # And with Redis back, the very next result shows an edit again.
        editor.save("flask", "Easy")
        assert learning_levels(Client(base).get(LEARNING)[1])["flask"] == "Easy"
        # A request waits on Redis for one socket timeout at most, once per breaker period.
        assert slowest < 1.5
        return load


@faults
def test_redis_killed_under_load(sqlite_env):
    with redis_server() as redis:
        # Restarted empty on the same port, as after a crash.
        redis_fault_run(sqlite_env(redis.url), "redis killed", redis.kill, redis.start)


@faults
def test_redis_paused_under_load(sqlite_env):
    with redis_server() as redis:
        redis_fault_run(sqlite_env(redis.url), "redis paused", redis.pause, redis.resume, hold=3)


@faults
def test_redis_refusing_writes_under_load(sqlite_env):
    with redis_server() as redis:
        redis_fault_run(
            sqlite_env(redis.url),
            "redis refusing writes",
            redis.refuse_writes,
            lambda: None,  # no recovery: the edits must show without it
        )
        redis.refuse_writes(False)


def assert_clean_outage_pages(base):
    """During a database outage: the 503 template, JSON for the API, no traceback anywhere."""
    visitor = Client(base)
    for path in PUBLIC_PAGES:
        status, body, headers = visitor.get(path)
        assert status == 503, (path, status)
        assert headers["Retry-After"] == "5"
        assert "Traceback" not in body and "OperationalError" not in body
        if path.startswith("/api/"):
            assert headers["Content-Type"] == "application/json"
            assert json.loads(body)["errors"]
        else:
            assert "Back in a moment" in body, path
    editor = Client(base)
    status, html, _ = editor.get("/admin/login/?next=/admin/")
    assert status == 200
    data = form_data(html, "login-form")
    data.update(username=["edna"], password=["a-long-editor-passphrase-42"])
    status, body, _ = editor.post("/admin/login/?next=/admin/", data)
    assert status == 503 and "Back in a moment" in body and "Traceback" not in body


@faults
def test_database_connection_refused_gives_clean_503s():
    closed = RedisServer().port  # a free port that nothing listens on
    env = server_env(database_url=f"postgres://postgres@127.0.0.1:{closed}/comparator")
    with app_process(env, workers=1, ready="/robots.txt") as (base, _master):
        with Load(base, PUBLIC_PAGES, threads=2, limit=30) as load:
            assert_clean_outage_pages(base)
        load.report("database refused")
        assert load.sent and set(load.statuses) == {503} and not load.lost


@faults
def test_postgresql_outage_and_recovery_under_load():
    need(postgres_available(), "PostgreSQL is not reachable on 127.0.0.1:5432")
    import psycopg

    from tests.servers import POSTGRES_ADMIN_URL

    with postgres_database() as database_url:
        env = server_env(database_url=database_url)
        prepare(env)
        name = database_url.rsplit("/", 1)[1]

        def allow(allowed: bool):
            with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}')
                if not allowed:
                    admin.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                        [name],
                    )

        with app_process(env, workers=2) as (base, _master):
            with Load(base, PUBLIC_PAGES, threads=4) as load:
                time.sleep(1)
                allow(False)
                try:
                    time.sleep(0.5)
                    assert_clean_outage_pages(base)
                finally:
                    allow(True)
                time.sleep(1)
            load.report("postgresql outage")
            # Either served (before and after) or a clean 503 (during): never a 500.
            assert set(load.statuses) <= {200, 503} and load.statuses.get(503)
            assert not load.lost
            for path in PUBLIC_PAGES:
                assert Client(base).get(path)[0] == 200, path


@faults
def test_a_killed_worker_loses_only_its_in_flight_request(sqlite_env):
    env = sqlite_env()
    with app_process(env, workers=2) as (base, master):
        with Load(base, PUBLIC_PAGES, threads=4) as load:
            time.sleep(1)
            victim = worker_pids(master)[0]
            os.kill(victim, signal.SIGKILL)
            time.sleep(2)
            assert len(worker_pids(master)) == 2  # the master started a new one
            served_before = load.sent
            time.sleep(1)
            assert load.sent > served_before
        load.report("worker killed")
        assert len(load.lost) <= 1, load.lost
        assert load.count(lambda status: status != 200) == 0
