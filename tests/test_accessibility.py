"""axe-core on every public page, light and dark; tables and weight controls for keyboard users."""

import pytest

from tests.browser import AXE, PHONE, axe_available, describe_violations, run_axe
from tests.conftest import need

pytestmark = pytest.mark.browser

PUBLIC_PAGES = {
    "home": "/",
    "compare (defaults)": "/compare/",
    "compare (use case, must-haves)": (
        "/compare/?use_case=real-time&require=websockets&require=orm"
        "&frameworks=django&frameworks=flask&frameworks=fastapi"
    ),
    "compare (nothing eligible)": "/compare/?require=admin&require=websockets&frameworks=flask",
    "compare (errors)": "/compare/?w-performance=9&require=teleport",
    "framework list": "/frameworks/",
    "framework list (filtered)": "/frameworks/?q=a&capability=orm&sort=first-release",
    "head to head": "/compare/django-vs-flask/",
    "compare (extensions allowed)": (
        "/compare/?require=websockets&require=orm&extensions=1"
        "&frameworks=django&frameworks=flask&frameworks=fastapi&frameworks=litestar"
    ),
    "framework page": "/frameworks/django/",
    "methodology": "/methodology/",
    "not found": "/frameworks/no-such-framework/",
    "suggest a correction (rating)": "/suggest/django/performance/",
    "suggest a correction (capability)": "/suggest/flask/capability/admin/",
    "suggestion sent": "/suggest/thanks/?framework=django",
    "API": "/api/docs/",
}


@pytest.fixture
def axe():
    need(axe_available(), f"axe-core not found at {AXE}: make browser")


def audit(page, url, *, open_details=True):
    """Violations on the page as loaded, then (optionally) again with every disclosure opened."""
    page.goto(url)
    found = run_axe(page)
    if open_details and page.locator("details:not([open])").count():
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        seen = {v["id"] for v in found}
        found += [v for v in run_axe(page) if v["id"] not in seen]
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_axe_finds_nothing_on_any_public_page(live_app, new_page, axe, scheme, viewport):
    options = {"color_scheme": scheme}
    if viewport == "phone":
        options |= {"viewport": PHONE, "is_mobile": True}
    page = new_page(**options)
    report = []
    for name, path in PUBLIC_PAGES.items():
        # Opened disclosures hold the same markup at any width: check them once, on desktop.
        violations = audit(page, live_app + path, open_details=viewport == "desktop")
        if violations:
            heading = f"== {name} ({path}), {scheme}, {viewport}"
            report.append(heading + "\n" + describe_violations(violations))
        theme = page.evaluate("document.documentElement.dataset.bsTheme")
        assert theme == scheme, f"{name}: the page did not follow the system colour scheme"
    assert not report, "axe found problems:\n" + "\n".join(report)


def test_axe_finds_nothing_after_a_live_update(live_app, new_page, axe):
    page = new_page(color_scheme="dark")
    page.goto(live_app + "/compare/?frameworks=django&frameworks=flask")
    page.locator("label[for='id_w-performance_6']").click()
    page.wait_for_url("**w-performance=5**")
    violations = run_axe(page)
    assert not violations, describe_violations(violations)


def test_axe_finds_nothing_on_the_suggestion_form_with_errors(live_app, new_page, axe):
    page = new_page()
    page.goto(live_app + "/suggest/flask/capability/admin/")
    page.get_by_label("Via an extension").check()
    page.get_by_role("button", name="Send the suggestion").click()
    page.wait_for_selector(".invalid-feedback")
    violations = run_axe(page)
    assert not violations, describe_violations(violations)


def test_comparison_tables_have_scoped_headers(live_app, new_page):
    page = new_page()
    page.goto(live_app + "/compare/?use_case=content-sites")
    # Each kind of table must be there: a loop over none of them would check nothing.
    for kind in (".comparison-table", ".features-table", ".breakdown-table"):
        assert page.locator(kind).count() >= 1, f"no {kind} on the results page"
    for table in page.locator(".comparison-table, .features-table, .breakdown-table").all():
        headers = table.locator("thead th")
        assert headers.count() > 1
        assert all(scope == "col" for scope in headers.evaluate_all("hs => hs.map(h => h.scope)"))
        rows = table.locator("tbody tr")
        assert rows.count() > 0
        for row in rows.all():
            assert row.locator("th[scope='row']").count() == 1
    assert page.locator(".comparison-table caption").count() == 1


def test_weight_controls_work_from_the_keyboard_and_announce_their_value(live_app, new_page):
    from playwright.sync_api import expect

    page = new_page()
    page.goto(live_app + "/")
    page.get_by_label("Project type").focus()
    page.keyboard.press("Tab")  # the first weight control comes next in the tab order
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("type", "radio")
    name = focused.get_attribute("name")
    assert name.startswith("w-")
    group = page.locator(f"#fieldset-{name} [role='radiogroup']")
    label = page.locator(f"#fieldset-{name} legend").inner_text()
    expect(group).to_have_accessible_name(f"{label} weight")
    expect(focused).to_have_accessible_name(
        page.locator(f"label[for='{focused.get_attribute('id')}']").inner_text()
    )

    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator(f"#id_{name}_2")).to_be_checked()  # Auto → 0 → 1
    expect(page.locator(":focus")).to_have_accessible_name("1")
    ring = page.locator(f"label[for='id_{name}_2']").evaluate(
        "el => getComputedStyle(el).boxShadow + getComputedStyle(el).outlineStyle"
    )
    assert ring not in ("nonenone", ""), "the focused weight has no visible focus ring"
    page.keyboard.press("Tab")  # one tab stop per group: Tab leaves for the next criterion
    next_name = page.locator(":focus").get_attribute("name")
    assert next_name != name and next_name.startswith("w-")
