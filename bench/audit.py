"""Lighthouse on the home and a results page, served the way production serves them.

    python bench/audit.py                # `make audit-pages` (part of `make audit`): the scores
    python bench/audit.py --screenshots  # also saves docs/screenshots/*.png
    python bench/audit.py --desktop      # Lighthouse's desktop preset instead of mobile

The app runs under gunicorn on 127.0.0.1 with DEBUG off, collected and compressed static files
and the shipped catalog loaded into a throwaway SQLite database. Lighthouse (npm) drives
Debian's Chromium. The exit status is 1 when the results page scores under 95 anywhere.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serving import free_port, gunicorn_command  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS, take_screenshots  # noqa: E402

LIGHTHOUSE = os.environ.get("LIGHTHOUSE_VERSION", "13.5.0")
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGET = 95
CATALOG = ROOT / "frameworks" / "seed" / "catalog.json"
PAGES = {
    "home": "/",
    "results": (
        "/compare/?frameworks=django&frameworks=flask&frameworks=fastapi"
        "&use_case=enterprise-applications&require=orm&require=admin"
    ),
}
EDITOR = "screenshot-editor"


def manage(env, *args) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def prepare(env, *, catalog: Path, editor_password: str | None) -> None:
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    if catalog.exists():
        manage(env, "loadcatalog", str(catalog))
    else:
        print(f"! {catalog} is missing: auditing a generated stand-in catalog")
        manage(env, "generate_catalog", "--frameworks", "16", "--criteria", "5")
    if editor_password:
        manage(
            env,
            "shell",
            "-c",
            "from django.contrib.auth.models import Group, User;"
            f"u = User.objects.create_user({EDITOR!r}, password={editor_password!r},"
            " is_staff=True, first_name='Edna');"
            "u.groups.add(Group.objects.get(name='Editors'))",
        )


def serve(env, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        gunicorn_command(port),
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("The app did not start within 30 seconds.")


def lighthouse(url: str, out: Path, *, desktop: bool) -> dict[str, int]:
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    command = [
        "npx",
        "--yes",
        f"lighthouse@{LIGHTHOUSE}",
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={flags}",
    ]
    if desktop:
        command.append("--preset=desktop")
    env = os.environ | {"CHROME_PATH": CHROMIUM}
    subprocess.run(command, check=True, env=env, cwd=ROOT)
    report = json.loads(out.read_text(encoding="utf-8"))
    failing = [
        audit["title"]
        for audit in report["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 0.9
        and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    ]
    for title in failing[:8]:
        print(f"    below par: {title}")
    return {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshots", action="store_true", help="save docs/screenshots/")
    parser.add_argument("--no-lighthouse", action="store_true", help="screenshots only")
    parser.add_argument("--desktop", action="store_true", help="Lighthouse desktop preset")
    parser.add_argument("--catalog", type=Path, default=CATALOG, help="catalog JSON to load")
    args = parser.parse_args(argv)
    if not args.no_lighthouse and not shutil.which("npx"):
        raise SystemExit("Lighthouse needs Node.js (npx) on the PATH.")

    workdir = Path(tempfile.mkdtemp(prefix="comparator-audit-"))
    editor_password = secrets.token_urlsafe(16) if args.screenshots else None
    env = os.environ | {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": "",
        "SQLITE_PATH": str(workdir / "audit.sqlite3"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_PLAIN_STATIC", None)
    prepare(env, catalog=args.catalog, editor_password=editor_password)
    port = free_port()
    server = serve(env, port)
    base = f"http://127.0.0.1:{port}"
    status = 0
    try:
        if args.screenshots:
            django_id = manage(
                env,
                "shell",
                "--no-imports",
                "-c",
                "from frameworks.models import Framework;"
                "f = Framework.objects.filter(slug='django').first() or Framework.objects.first();"
                "print(f.pk)",
            ).split()[-1]
            admin_path = f"/admin/frameworks/framework/{django_id}/change/"
            for path in take_screenshots(
                base, admin=(EDITOR, editor_password), admin_path=admin_path
            ):
                print(f"saved {path.relative_to(ROOT)}")
        if not args.no_lighthouse:
            mode = "desktop" if args.desktop else "mobile"
            print(f"Lighthouse {LIGHTHOUSE} ({mode}) against {base}")
            rows = {}
            for name, path in PAGES.items():
                print(f"  {name}: {path}")
                rows[name] = lighthouse(base + path, workdir / f"{name}.json", desktop=args.desktop)
            print()
            print(f"{'page':<10}" + "".join(f"{c:>16}" for c in CATEGORIES))
            for name, scores in rows.items():
                print(f"{name:<10}" + "".join(f"{scores[c]:>16}" for c in CATEGORIES))
            low = {c: s for c, s in rows["results"].items() if s < TARGET}
            if low:
                print(f"\nThe results page is under {TARGET} in: {', '.join(low)}")
                status = 1
            print(f"\nFull reports: {workdir}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    return status


if __name__ == "__main__":
    sys.exit(main())
