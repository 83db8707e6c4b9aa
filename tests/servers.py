"""Real app servers for the tests that need more than Django's test client: gunicorn processes
with production settings, their own database (a SQLite file or a PostgreSQL database) and, when
asked, a shared Redis, plus a small HTTP client that signs in to the admin like a browser.

The servers run behind no proxy, so requests say ``X-Forwarded-Proto: https`` the way the
production proxy does; that keeps the secure cookies and HTTPS-only CSRF checks switched on.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench.serving import free_port, gunicorn_command
from tests.conftest import form_data

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ADMIN_URL = os.environ.get(
    "POSTGRES_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
EDITOR_PASSWORD = "a-long-editor-passphrase-42"


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:
        return False


def redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_TEST_URL, socket_timeout=3).ping())
    except Exception:
        return False


@contextmanager
def postgres_database():
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import psycopg

    name = f"comparator_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_env(*, database_url: str = "", sqlite_path: Path | None = None, redis_url: str = ""):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # No TLS on loopback; requests say they came through an HTTPS proxy instead.
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_PLAIN_STATIC="1",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        AXES_FAILURE_LIMIT="1000",
        PYTHONPATH=str(ROOT),
    )
    if sqlite_path is not None:
        env["SQLITE_PATH"] = str(sqlite_path)
    return env


def manage(env, *args) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def prepare(env, *, editors=("edna",)) -> None:
    """Migrate, load the shipped catalog and create Editors-group staff accounts."""
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "loadcatalog", "-v", "0")
    script = (
        "from django.contrib.auth.models import Group, User\n"
        "group = Group.objects.get(name='Editors')\n"
        f"for name in {list(editors)!r}:\n"
        f"    User.objects.create_user(name, password={EDITOR_PASSWORD!r}, is_staff=True)"
        ".groups.add(group)\n"
    )
    manage(env, "shell", "--no-imports", "-c", script)


def query_json(env, code: str):
    """Run Python against the server's database and return what it prints as JSON."""
    return json.loads(manage(env, "shell", "--no-imports", "-c", code).strip().splitlines()[-1])


@contextmanager
def app_server(env, *, workers=2, threads=1):
    """Gunicorn serving the app until the block ends; yields its base URL."""
    port = free_port()
    log = open(ROOT / ".pytest-gunicorn.log", "a")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        gunicorn_command(port, workers=workers, threads=threads),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if Client(base).get("/methodology/")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"gunicorn did not start; see {log.name}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


class Client:
    """Plain HTTP with cookies, as a browser behind the site's HTTPS proxy would send them."""

    def __init__(self, base: str):
        self.base = base
        self.netloc = urlsplit(base).netloc
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection(self.netloc, timeout=60)
        headers = {
            "Host": self.netloc,
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{self.netloc}{path}",
            **(headers or {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                for key, morsel in SimpleCookie(header).items():
                    self.cookies[key] = morsel.value
            return response.status, content, response.headers
        finally:
            connection.close()

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data: dict[str, list[str]]):
        pairs = [(key, value) for key, values in data.items() for value in values]
        return self.request(
            "POST",
            path,
            body=urlencode(pairs),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def login(self, username, password=EDITOR_PASSWORD):
        status, html, _ = self.get("/admin/login/?next=/admin/")
        data = form_data(html, "login-form")
        data.update(username=[username], password=[password])
        status, html, headers = self.post("/admin/login/?next=/admin/", data)
        assert status == 302, f"login failed with {status}"

    def save_form(self, path, form_id, changes: dict[str, str]):
        """Open an admin page, change some fields and save it, as an editor would."""
        status, html, _ = self.get(path)
        assert status == 200, f"GET {path} answered {status}"
        data = form_data(html, form_id)
        data.update({key: [value] for key, value in changes.items()})
        data["_continue"] = ["Save and continue editing"]
        return self.post(path, data)[0]
