"""Under load: visitors run against the results pages while editors save through the admin,
for a fixed number of seconds, on SQLite and on PostgreSQL. No answer may be a 5xx and every
save must be there afterwards."""

import random
import threading
import time
from contextlib import ExitStack

import pytest

from tests.conftest import need
from tests.servers import (
    Client,
    app_server,
    postgres_available,
    postgres_database,
    prepare,
    query_json,
    server_env,
)

pytestmark = pytest.mark.servers

SECONDS = 8
VISITORS = 6
#: Each editor owns one framework, so optimistic locking never has to refuse their saves.
EDITORS = {"edna": "flask", "omar": "django", "ines": "fastapi"}
CRITERIA = [
    "learning-curve",
    "performance",
    "async-support",
    "built-in-tools",
    "community-ecosystem",
]
USE_CASES = ["", "enterprise-applications", "real-time", "prototypes-learning", "ml-ai"]


def visitor_path(rng):
    params = [f"w-{c}={rng.randint(0, 5)}" for c in CRITERIA if rng.random() < 0.8]
    use_case = rng.choice(USE_CASES)
    if use_case:
        params.append(f"use_case={use_case}")
    if rng.random() < 0.3:
        params.append("require=orm")
    page = rng.choice(["/compare/", "/api/compare/", "/compare/", "/frameworks/flask/"])
    return page + "?" + "&".join(params)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_visitors_and_editors_at_once(tmp_path, backend):
    with ExitStack() as stack:
        if backend == "postgres":
            need(postgres_available(), "PostgreSQL is not reachable on 127.0.0.1:5432")
            env = server_env(database_url=stack.enter_context(postgres_database()))
        else:
            env = server_env(sqlite_path=tmp_path / "load.sqlite3")
        prepare(env, editors=tuple(EDITORS))
        ids = query_json(
            env,
            "import json\nfrom frameworks.models import Framework\n"
            f"print(json.dumps(dict(Framework.objects.filter(slug__in={list(EDITORS.values())!r})"
            ".values_list('slug', 'pk'))))",
        )
        base = stack.enter_context(app_server(env, workers=2, threads=4))

        statuses, saves, lock = [], {name: [] for name in EDITORS}, threading.Lock()
        crashes = []  # a visitor or editor thread that died: as much a failure as a 5xx
        stop = time.monotonic() + SECONDS

        def counted(work):
            def run(*args):
                try:
                    work(*args)
                except BaseException as error:  # whatever it was, the test reports it
                    with lock:
                        crashes.append(f"{work.__name__}{args}: {error!r}")

            return run

        @counted
        def visit(seed):
            rng, client = random.Random(seed), Client(base)
            while time.monotonic() < stop:
                status = client.get(visitor_path(rng))[0]
                with lock:
                    statuses.append(status)

        @counted
        def edit(name, slug):
            client = Client(base)
            client.login(name)
            count = 0
            while time.monotonic() < stop:
                count += 1
                tagline = f"{name} save {count}"
                status = client.save_form(
                    f"/admin/frameworks/framework/{ids[slug]}/change/",
                    "framework_form",
                    {"tagline": tagline},
                )
                with lock:
                    statuses.append(status)
                    if status == 302:
                        saves[name].append(tagline)

        threads = [threading.Thread(target=visit, args=(i,)) for i in range(VISITORS)]
        threads += [threading.Thread(target=edit, args=item) for item in EDITORS.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 120)
        assert not [t for t in threads if t.is_alive()], "a visitor or editor never finished"
        assert not crashes, f"{len(crashes)} threads crashed: {crashes}"

        counts = {name: len(done) for name, done in saves.items()}
        print(f"{backend}: {len(statuses)} answers; saves per editor: {counts}")
        server_errors = [s for s in statuses if s >= 500]
        assert not server_errors, f"{len(server_errors)} of {len(statuses)} answers were 5xx"
        assert len(statuses) > 50, "the load test barely ran"
        assert all(saves.values()), saves
        assert set(statuses) <= {200, 302}, sorted(set(statuses))

        # Every save is there afterwards: the last one is current, and history holds them all.
        stored = query_json(
            env,
            "import json\nfrom frameworks.models import Framework\n"
            "print(json.dumps({f.slug: [f.tagline, sorted(f.history.values_list('tagline', "
            f"flat=True))] for f in Framework.objects.filter(slug__in={list(EDITORS.values())!r})"
            "}))",
        )
        for name, slug in EDITORS.items():
            current, history = stored[slug]
            assert current == saves[name][-1]
            assert set(saves[name]) <= set(history), f"{name} lost saves"
