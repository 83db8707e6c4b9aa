"""End to end in Debian's Chromium: visitors with and without JavaScript, editors, phones."""

import re

import pytest
from django.contrib.auth.models import User

from frameworks.models import Framework
from tests.browser import PHONE, login, overflow
from tests.conftest import editors_group

pytestmark = pytest.mark.browser

SEED_THREE = ["django", "flask", "fastapi"]
OTHER_CRITERIA = ["learning-curve", "performance", "async-support", "community-ecosystem"]
ONLY_LEARNING = (
    "/compare/?frameworks=django&frameworks=flask&frameworks=fastapi"
    "&w-learning-curve=5&w-performance=0&w-async-support=0&w-built-in-tools=0"
    "&w-community-ecosystem=0&w-typing-validation=0&w-maturity=0"
)


def expect():
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


def ranking_names(page):
    return page.locator(".ranking-name a").all_inner_texts()


def test_visitor_sets_weights_and_must_haves_by_mouse_and_keyboard(live_app, new_page):
    page = new_page()
    page.goto(live_app + "/")
    # Mouse: pick the three frameworks and make built-in tools count most.
    for slug in SEED_THREE:
        page.locator(f"input[name='frameworks'][value='{slug}']").click()
    page.locator("label[for='id_w-built-in-tools_6']").click()
    expect()(page.locator("#id_w-built-in-tools_6")).to_be_checked()
    # Keyboard: from "Auto", one arrow press moves to 0 and checks it, as a radio group should.
    for slug in OTHER_CRITERIA:
        page.locator(f"#id_w-{slug}_0").focus()
        page.keyboard.press("ArrowRight")
        expect()(page.locator(f"#id_w-{slug}_1")).to_be_checked()
    admin = page.locator("input[name='require'][value='admin']")
    admin.focus()
    page.keyboard.press("Space")
    expect()(admin).to_be_checked()
    page.get_by_role("button", name="Compare frameworks").focus()
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/compare/\?"))
    assert "w-built-in-tools=5" in page.url and "require=admin" in page.url
    expect()(page.locator("#verdict-heading")).to_contain_text("Django")
    first = ranking_names(page)
    assert first[0] == "Django"
    assert sorted(first) == ["Django", "FastAPI", "Flask"]

    permalink = page.locator("#permalink").input_value()
    assert permalink.startswith(live_app + "/compare/?")
    shared = new_page()  # a fresh context: no history, no cookies, nothing carried over
    shared.goto(permalink)
    expect()(shared.locator("#verdict-heading")).to_contain_text("Django")
    assert ranking_names(shared) == first
    assert shared.locator("#permalink").input_value() == permalink
    assert not page.js_errors and not shared.js_errors


def test_live_results_update_without_reload_and_keep_the_permalink(live_app, new_page):
    page = new_page()
    page.goto(live_app + ONLY_LEARNING)
    expect()(page.locator("#verdict-heading")).to_contain_text("Flask")
    expect()(page.locator("#form-panel")).to_have_attribute("open", "")  # wide screen
    page.evaluate("window.__stillHere = true")

    page.locator("label[for='id_w-learning-curve_1']").click()  # 0
    page.locator("label[for='id_w-built-in-tools_6']").click()  # 5

    expect()(page.locator("#verdict-heading")).to_contain_text("Django")
    assert page.evaluate("window.__stillHere") is True, "the page reloaded"
    expect()(page).to_have_url(re.compile(r"w-built-in-tools=5"))
    assert page.url == page.locator("#permalink").input_value()
    assert "Django" in page.locator("#results-status").inner_text()
    # Keyboard works on the live page too: one arrow press is one new result.
    page.locator("#id_w-built-in-tools_6").focus()
    page.keyboard.press("ArrowLeft")
    expect()(page).to_have_url(re.compile(r"w-built-in-tools=4"))
    assert page.url == page.locator("#permalink").input_value()
    assert not page.js_errors


def test_visitor_without_javascript_submits_the_form(live_app, new_page):
    page = new_page(java_script_enabled=False)
    page.goto(live_app + "/")
    page.get_by_label("Project type").select_option("real-time")
    page.locator("input[name='require'][value='websockets']").check()
    page.locator("label[for='id_w-performance_6']").click()
    page.get_by_role("button", name="Compare frameworks").click()

    page.wait_for_url(re.compile(r"/compare/\?"))
    assert "use_case=real-time" in page.url and "require=websockets" in page.url
    expect()(page.locator("#verdict-heading")).to_be_visible()
    assert page.locator(".ranking-item").count() >= 3
    assert page.locator(".comparison-table tr[data-row]").count() >= 5
    # The requirements stay one click away, and the share link is there to copy by hand.
    assert page.locator("#form-panel > summary").is_visible()
    assert "/compare/?" in page.locator("#permalink").input_value()


def test_auto_follows_the_project_type_the_visitor_picks(live_app, new_page):
    """Live results leave the form as it is, so compare.js relabels each weight's "Auto"."""
    page = new_page()
    page.goto(live_app + "/compare/?use_case=ml-ai")
    auto = page.locator("label[for='id_w-performance_0']")
    expect()(auto).to_have_text("Auto (5)")  # ml-ai's preset
    page.get_by_label("Project type").select_option("")
    expect()(auto).to_have_text("Auto (3)")  # the default
    expect()(page).to_have_url(re.compile(r"/compare/$"))  # the results followed too
    page.goto(live_app + "/")  # the home page's form has no live results
    page.get_by_label("Project type").select_option("ml-ai")
    expect()(auto).to_have_text("Auto (5)")
    assert not page.js_errors


@pytest.fixture
def editor(live_app):
    password = "a-long-editor-passphrase-42"
    user = User.objects.create_user("edna", "edna@example.org", password, is_staff=True)
    user.groups.add(editors_group())
    return "edna", password


def open_framework_in_admin(page, live_app, name):
    page.goto(live_app + "/admin/frameworks/framework/")
    page.get_by_role("link", name=name, exact=True).click()
    page.wait_for_url(re.compile(r"/admin/frameworks/framework/\d+/change/"))


def rating_row_prefix(page, criterion_name):
    """The inline form prefix (ratings-N) of the rating for that criterion."""
    for select in page.locator("select[name$='-criterion'][name^='ratings-']").all():
        if select.locator("option:checked").inner_text().strip() == criterion_name:
            return select.get_attribute("name").rsplit("-", 1)[0]
    raise AssertionError(f"No rating row for {criterion_name}")


def save_with_reason(page, reason="Checked the project's docs"):
    """Every admin save asks why (frameworks/reasons.py): give it, then Save and continue."""
    page.get_by_label("Reason for this change:").fill(reason)
    page.locator("input[name='_continue']").first.click()


def select_option_containing(select, text):
    labels = select.locator("option").all_inner_texts()
    select.select_option(label=next(label for label in labels if text in label))


def test_editor_changes_a_rating_and_the_result_follows(live_app, new_page, editor):
    visitor = new_page()
    visitor.goto(live_app + ONLY_LEARNING)
    expect()(visitor.locator("#verdict-heading")).to_contain_text("Flask")

    page = new_page()
    login(page, live_app, *editor)
    open_framework_in_admin(page, live_app, "Flask")
    prefix = rating_row_prefix(page, "Learning curve")
    select_option_containing(page.locator(f"select[name='{prefix}-level']"), "Steep")
    save_with_reason(page)
    expect()(page.locator(".messagelist .success")).to_contain_text("was changed successfully")

    visitor.goto(live_app + ONLY_LEARNING)
    expect()(visitor.locator("#verdict-heading")).to_contain_text("Django")
    row = visitor.locator(".comparison-table tr[data-row='learning-curve']")
    assert "Steep" in row.text_content()  # the side-by-side table starts folded


def test_editor_saving_an_invalid_value_gets_a_clear_message(live_app, new_page, editor):
    page = new_page()
    login(page, live_app, *editor)
    open_framework_in_admin(page, live_app, "Django")
    page.locator("#id_color").fill("green")
    save_with_reason(page)

    expect()(page.locator(".errornote")).to_be_visible()
    expect()(page.locator(".field-color .errorlist")).to_contain_text("hex colour")
    assert Framework.objects.get(slug="django").color != "green"

    # A level from another criterion's scale is refused with the criterion named.
    open_framework_in_admin(page, live_app, "Django")
    prefix = rating_row_prefix(page, "Learning curve")
    select_option_containing(page.locator(f"select[name='{prefix}-criterion']"), "Performance")
    save_with_reason(page)
    expect()(page.locator(".errornote")).to_be_visible()
    expect()(page.get_by_text(re.compile(r"levels of .Performance"))).to_be_visible()


PUBLIC_PAGES = [
    "/",
    "/compare/",
    "/compare/?use_case=real-time&require=websockets&require=orm",
    "/compare/?w-performance=9&require=teleport",
    "/frameworks/",
    "/frameworks/django/",
    "/methodology/",
    "/frameworks/no-such-framework/",
]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_small_screens_do_not_overflow(live_app, new_page, javascript):
    page = new_page(viewport=PHONE, java_script_enabled=javascript, is_mobile=True)
    for path in PUBLIC_PAGES:
        page.goto(live_app + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width}px wide ({overflow(page)}px too wide)"


def test_comparison_table_scrolls_inside_its_own_region_on_a_phone(live_app, new_page):
    page = new_page(viewport=PHONE, is_mobile=True)
    page.goto(live_app + "/compare/")
    page.locator("#table-heading").click()  # the side-by-side table folds (issue #15)
    region = page.locator(".comparison-wrap").first
    sizes = region.evaluate(
        "el => [el.scrollWidth, el.clientWidth, getComputedStyle(el).overflowX]"
    )
    assert sizes[0] > sizes[1] and sizes[2] == "auto", sizes
    assert region.get_attribute("tabindex") == "0"  # keyboard users can scroll it too
    label = page.locator(".comparison-table tbody th[scope='row']").first
    before = label.bounding_box()
    region.evaluate("el => el.scrollBy(400, 0)")
    after = label.bounding_box()
    assert after["x"] == pytest.approx(before["x"], abs=1), "the criterion column stays in view"
    assert after["width"] >= 100
    font = label.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert font >= 14
