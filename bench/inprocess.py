"""Time the public views in one process, against Django's Fortunes view in the same process.

A quick, quiet companion to `make bench` (which drives gunicorn with wrk): no server, no
sockets, one core. Each endpoint is called through Django's full handler (middleware included)
for a few seconds; the figure is requests per second and its ratio to Fortunes.

    python bench/inprocess.py [--large] [--seconds 3]
"""

import argparse
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def prepare(env, large: bool) -> None:
    def manage(*args):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                       capture_output=True)  # fmt: skip

    manage("migrate", "--run-syncdb", "--noinput", "-v", "0")
    manage("loaddata", "fortunes", "-v", "0")
    if large:
        manage("generate_catalog", "--frameworks", "200", "--criteria", "50")
    else:
        manage("loadcatalog")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--large", action="store_true", help="200 frameworks × 50 criteria")
    parser.add_argument("--seconds", type=float, default=3)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="comparator-inprocess-"))
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_PLAIN_STATIC": "1",
        "DATABASE_URL": "",
        "SQLITE_PATH": str(workdir / "bench.sqlite3"),
    }
    env.pop("REDIS_URL", None)
    prepare(env, args.large)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    client = Client()
    api = client.get("/api/compare/").json()
    framework = api[0]["framework"]
    criteria = [part["criterion"] for part in api[0]["breakdown"]]
    counter = iter(range(10**9))
    rng = random.Random(1)

    def weights(path):
        def url():
            parts = [f"w-{slug}={rng.randint(1 if i == 0 else 0, 5)}"
                     for i, slug in enumerate(criteria)]  # fmt: skip
            return f"{path}?{'&'.join(parts)}&utm_id={next(counter)}"

        return url

    endpoints = [
        ("Fortunes", lambda: "/bench/fortunes"),
        ("home", lambda: "/"),
        ("/compare/ default weights", lambda: "/compare/"),
        ("/compare/ changing weights", weights("/compare/")),
        ("/api/compare/ changing weights", weights("/api/compare/")),
        ("framework page", lambda: f"/frameworks/{framework}/"),
    ]
    rates = {}
    for name, url in endpoints:
        for _ in range(3):  # warm up
            assert client.get(url()).status_code == 200, name
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < args.seconds:
            response = client.get(url())
            if response.status_code != 200:
                raise SystemExit(f"{name}: {response.status_code}")
            count += 1
        rates[name] = count / (time.perf_counter() - started)
    label = "200 frameworks × 50 criteria" if args.large else "shipped catalog"
    print(f"{label}:")
    for name, rate in rates.items():
        print(f"  {name:34} {rate:8.1f} req/s  {rate / rates['Fortunes']:5.2f}× Fortunes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
