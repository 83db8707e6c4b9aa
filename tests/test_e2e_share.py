"""Head-to-head and shared pages in Debian's Chromium: no script errors, no CSP violation
(the JSON-LD data blocks are not scripts), axe-core clean, and the link into the full form."""

import json
import re

import pytest

from tests.browser import PHONE, axe_available, describe_violations, run_axe
from tests.conftest import need

pytestmark = pytest.mark.browser

HEAD_TO_HEAD = "/compare/django-vs-flask/"
#: Pages that carry JSON-LD, each of a different kind.
WITH_JSON_LD = {
    HEAD_TO_HEAD: "ItemList",
    "/compare/?use_case=real-time": "ItemList",
    "/frameworks/django/": "SoftwareApplication",
}


def _watch(page):
    """Console errors (Chromium reports a CSP refusal there) and CSP violation events."""
    problems = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    return problems


def _listen(page):
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )


def _csp_violations(page) -> list[str]:
    # Recorded by the listener that _listen() installs before any of the page's own code runs.
    return page.evaluate("() => window.__csp || []")


def test_pages_with_json_ld_run_without_errors_or_csp_violations(live_app, new_page):
    page = new_page()
    problems = _watch(page)
    _listen(page)
    for path, kind in WITH_JSON_LD.items():
        page.goto(live_app + path)
        page.wait_for_load_state("load")
        blocks = page.locator("script[type='application/ld+json']")
        assert blocks.count() == 1, path
        assert json.loads(blocks.text_content())["@type"] == kind, path
        assert _csp_violations(page) == [], path
    assert problems == [] and page.js_errors == [], problems + page.js_errors


def test_the_csp_watch_would_see_a_violation(live_app, new_page):
    """The check above can fail: an inline script, which the CSP forbids, is reported."""
    page = new_page()
    problems = _watch(page)
    _listen(page)
    page.goto(live_app + HEAD_TO_HEAD)
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';"
        " document.head.append(s); }"
    )
    page.wait_for_function("() => window.__csp.length > 0")
    assert any("script-src" in v for v in _csp_violations(page))
    assert any("Content Security Policy" in text for text in problems)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_axe_finds_nothing_on_a_head_to_head_page(live_app, new_page, viewport):
    need(axe_available(), "axe-core not found: make browser")
    options = {"viewport": PHONE, "is_mobile": True} if viewport == "phone" else {}
    report = []
    for scheme in ("light", "dark"):
        page = new_page(color_scheme=scheme, **options)
        page.goto(live_app + HEAD_TO_HEAD)
        found = run_axe(page)
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        seen = {v["id"] for v in found}
        found += [v for v in run_axe(page) if v["id"] not in seen]
        if found:
            report.append(f"== {scheme}, {viewport}\n" + describe_violations(found))
    assert not report, "axe found problems:\n" + "\n".join(report)


def test_from_a_framework_page_to_a_head_to_head_and_into_the_form(live_app, new_page):
    from playwright.sync_api import expect

    page = new_page()
    page.goto(live_app + "/frameworks/flask/")
    page.get_by_role("link", name="Flask vs Django").click()
    page.wait_for_url(re.compile(r"/compare/django-vs-flask/$"))  # the canonical order
    expect(page.locator("h1")).to_have_text("Django vs Flask")
    expect(page.locator("#verdict-heading")).to_contain_text("Django")
    page.get_by_role("link", name="Compare Django and Flask with your own weights").click()
    page.wait_for_url(re.compile(r"/compare/\?frameworks=django&frameworks=flask$"))
    for slug, checked in (("django", True), ("flask", True), ("fastapi", False)):
        box = page.locator(f"input[name='frameworks'][value='{slug}']")
        (expect(box).to_be_checked if checked else expect(box).not_to_be_checked)()
    assert page.js_errors == []
