"""Beyond one machine: two app servers on one PostgreSQL and one Redis. An edit saved through
one server shows in the very next result from the other."""

import json

import pytest

from tests.conftest import need
from tests.servers import (
    REDIS_TEST_URL,
    Client,
    app_server,
    postgres_available,
    postgres_database,
    prepare,
    query_json,
    redis_available,
    server_env,
)

pytestmark = pytest.mark.servers

ONLY_LEARNING = (
    "/api/compare/?frameworks=django&frameworks=flask&frameworks=fastapi"
    "&w-learning-curve=5&w-performance=0&w-async-support=0&w-built-in-tools=0"
    "&w-community-ecosystem=0&w-typing-validation=0&w-maturity=0"
)


def test_an_edit_through_one_server_shows_on_the_other():
    need(postgres_available(), "PostgreSQL is not reachable on 127.0.0.1:5432")
    need(redis_available(), f"Redis is not reachable at {REDIS_TEST_URL}")
    import redis

    redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    with postgres_database() as database_url:
        env = server_env(database_url=database_url, redis_url=REDIS_TEST_URL)
        prepare(env)
        ids = query_json(
            env,
            "import json\nfrom frameworks.models import Rating, Level\n"
            "r = Rating.objects.get(framework__slug='flask', criterion__slug='learning-curve')\n"
            "steep = Level.objects.get(criterion=r.criterion, label='Steep')\n"
            "print(json.dumps([r.pk, steep.pk]))",
        )
        rating_id, steep_id = ids
        with app_server(env, workers=1) as first, app_server(env, workers=1) as second:
            reader = Client(second)
            # The second server has loaded and kept its snapshot before the edit.
            status, body, _ = reader.get(ONLY_LEARNING)
            assert status == 200 and json.loads(body)[0]["framework"] == "flask"
            assert reader.get(ONLY_LEARNING)[0] == 200

            editor = Client(first)
            editor.login("edna")
            status = editor.save_form(
                f"/admin/frameworks/rating/{rating_id}/change/",
                "rating_form",
                {"level": str(steep_id), "note": "Re-rated in the two-server test."},
            )
            assert status == 302

            status, body, _ = reader.get(ONLY_LEARNING)
            assert status == 200
            results = {r["framework"]: r for r in json.loads(body)}
            assert results["flask"]["breakdown"][0]["level"] == "Steep"
            assert json.loads(body)[0]["framework"] != "flask"
