"""Every public page shows what it showed before issue 12 moved the markup into templates.

tests/pages/captured.json holds the pages as rendered from the shipped catalog before the
change (tests/pages/__init__.py says how a page is reduced to its elements and text). Each
difference since is deliberate and listed in ``DELIBERATE``; anything else fails here.
To capture again after a deliberate change:
``CAPTURE_PAGES=1 pytest tests/test_page_equivalence.py``.
"""

import difflib
import os

import pytest

from tests import pages

CAPTURED = pages.load() if pages.FIXTURE.exists() else {}

#: (page name, line as captured, line now): each a difference made on purpose.
DELIBERATE: list[tuple[str, str, str]] = []


def _apply_deliberate(name, lines):
    for page, before, after in DELIBERATE:
        if page in ("*", name):
            lines = [before if line == after else line for line in lines]
    return lines


if os.environ.get("CAPTURE_PAGES"):
    # Collected only when asked for, so that an ordinary run neither rewrites nor skips it.

    def test_capture_pages(client, shipped_catalog):
        pages.save(pages.capture(client))


@pytest.mark.parametrize("name", [name for name, *_ in pages.PAGES])
def test_page_shows_what_it_showed_before(client, shipped_catalog, name):
    _, path, query, headers = next(page for page in pages.PAGES if page[0] == name)
    response = pages.fetch(client, path, query, headers)
    before = CAPTURED[name]
    assert response.status_code == before["status"]
    now = _apply_deliberate(name, pages.outline(response.content.decode()))
    if now != before["outline"]:
        diff = "\n".join(difflib.unified_diff(before["outline"], now, lineterm="", n=2))
        pytest.fail(f"{name} differs from the captured page:\n{diff[:6000]}")


@pytest.mark.parametrize("name", [name for name, *_ in pages.API])
def test_api_answers_byte_for_byte_as_before(client, shipped_catalog, name):
    _, path, query = next(page for page in pages.API if page[0] == name)
    response = pages.fetch(client, path, query, {})
    assert response.status_code == CAPTURED[name]["status"]
    assert response.content.decode() == CAPTURED[name]["body"]
