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
import shutil
import signal
import subprocess
import sys
import threading
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
def app_process(env, *, workers=2, threads=1, ready="/methodology/"):
    """Gunicorn serving the app until the block ends; yields its base URL and master process.

    It is up once ``ready`` answers 200 (robots.txt for a server whose database is down).
    """
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
                if Client(base).get(ready)[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"gunicorn did not start; see {log.name}")
            time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextmanager
def app_server(env, *, workers=2, threads=1):
    """Gunicorn serving the app until the block ends; yields its base URL."""
    with app_process(env, workers=workers, threads=threads) as (base, _process):
        yield base


def worker_pids(master: subprocess.Popen) -> list[int]:
    """The gunicorn master's worker processes, from /proc."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The parent pid is the second field after the parenthesised command name.
            if int(stat.rsplit(")", 1)[1].split()[1]) == master.pid:
                pids.append(int(entry.name))
    return sorted(pids)


class RedisServer:
    """A private redis-server on a free port, without persistence; stopped by its own pid.

    Fault tests kill, pause and fill it; they never touch a Redis they did not start.
    """

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.paused = False

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                if self.client().ping():
                    return
            except Exception:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("redis-server did not start") from None
                time.sleep(0.05)

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=2)

    def kill(self) -> None:
        """SIGKILL, as a crash would: no shutdown, nothing saved."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def pause(self) -> None:
        self.process.send_signal(signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)
        self.paused = False

    def refuse_writes(self, refuse: bool = True) -> None:
        """``maxmemory 1``: every write is refused (out of memory); reads and deletes still work."""
        self.client().config_set("maxmemory", "1" if refuse else "0")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        if self.paused:
            self.resume()
        self.process.kill()
        self.process.wait(timeout=10)


@contextmanager
def redis_server():
    need_redis_server()
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def need_redis_server() -> None:
    from tests.conftest import need

    need(shutil.which("redis-server") is not None, "redis-server is not installed")


class Load:
    """Visitors: ``threads`` threads fetch ``paths`` in turn until stopped or ``limit`` requests.

    Counts every answer by status, a request that got no answer as lost, and its latency. An
    exception in a thread's own code is kept and raised when the load stops, so a crashed
    thread fails the test instead of quietly sending fewer requests.
    """

    def __init__(self, base, paths, *, threads=4, limit=5000):
        self.base, self.paths, self.limit = base, paths, limit
        self.statuses: dict[int, int] = {}
        self.lost: list[str] = []
        self.latencies: list[float] = []
        #: (monotonic start, latency) of each answered request.
        self.timings: list[tuple[float, float]] = []
        self.crashes: list[BaseException] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(n,)) for n in range(threads)]

    def _run(self, number):
        try:
            client = Client(self.base)
            for count in range(self.limit):
                if self._stop.is_set():
                    return
                path = self.paths[(number + count) % len(self.paths)]
                started = time.monotonic()
                try:
                    status = client.get(path)[0]
                except (OSError, http.client.HTTPException) as error:
                    with self._lock:
                        self.lost.append(f"{path}: {error!r}")
                    continue
                with self._lock:
                    self.latencies.append(time.monotonic() - started)
                    self.timings.append((started, self.latencies[-1]))
                    self.statuses[status] = self.statuses.get(status, 0) + 1
        except BaseException as error:  # noqa: BLE001 - reported by stop()
            self.crashes.append(error)

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=120)
        if self.crashes:
            raise AssertionError(f"a load thread crashed: {self.crashes[0]!r}") from self.crashes[0]

    @property
    def sent(self) -> int:
        return sum(self.statuses.values()) + len(self.lost)

    def slowest_between(self, start: float, end: float) -> float:
        """The longest wait among the requests sent between two ``time.monotonic()`` times."""
        return max((took for began, took in self.timings if start <= began < end), default=0.0)

    def count(self, predicate) -> int:
        return sum(n for status, n in self.statuses.items() if predicate(status))

    def report(self, name: str, *, edits_lost: int = 0) -> str:
        non_2xx = self.count(lambda status: not 200 <= status < 300)
        server_errors = self.count(lambda status: status >= 500)
        slowest = max(self.latencies, default=0.0)
        line = (
            f"[faults] {name}: sent={self.sent} non-2xx={non_2xx} 5xx={server_errors} "
            f"lost={len(self.lost)} edits-lost={edits_lost} slowest={slowest:.2f}s"
        )
        print(line)
        return line


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
        # Every save asks for a reason; the page offers the field empty.
        if not any(data.get("change_reason", [])):
            data["change_reason"] = ["Saved in a server test"]
        data["_continue"] = ["Save and continue editing"]
        return self.post(path, data)[0]
