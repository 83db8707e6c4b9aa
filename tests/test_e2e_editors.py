"""Editors in Debian's Chromium: a new framework rated in the grid in at most 15 actions, and
axe-core on the desk and the grid. DESK_SCREENSHOTS=1 also saves docs/screenshots/desk.png and
docs/screenshots/grid.png (1280×800)."""

import os
import re
from datetime import date

import pytest
from django.contrib.auth.models import User

from frameworks.models import Criterion, Framework, Rating
from frameworks.reasons import give_reason
from tests.browser import AXE, SCREENSHOTS, axe_available, describe_violations, login, run_axe
from tests.conftest import editors_group, need

pytestmark = pytest.mark.browser

ACTION_BUDGET = 15


class Actions:
    """Every click, select and fill an editor makes, counted."""

    def __init__(self):
        self.count = 0

    def click(self, locator):
        self.count += 1
        locator.click()

    def fill(self, locator, value):
        self.count += 1
        locator.fill(value)

    def select(self, locator, **option):
        self.count += 1
        locator.select_option(**option)


@pytest.fixture
def editor(live_app):
    password = "a-long-editor-passphrase-42"
    user = User.objects.create_user("edna", "edna@example.org", password, is_staff=True)
    user.groups.add(editors_group())
    return "edna", password


def expect():
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


def screenshot(page, name):
    if os.environ.get("DESK_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_editor_rates_a_new_framework_in_the_grid_within_15_actions(live_app, new_page, editor):
    page = new_page()
    login(page, live_app, *editor)
    act = Actions()
    act.click(page.locator("a.addlink[href$='/frameworks/framework/add/']"))
    act.fill(page.get_by_label("Name:"), "Microdot")
    act.fill(page.get_by_label("Reason for this change:"), "New in the catalog")
    act.click(page.locator("input[name='_continue']").first)
    expect()(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    act.click(page.get_by_role("link", name="Rate on every criterion"))
    page.wait_for_url(re.compile(r"/grid/$"))
    criteria = list(Criterion.objects.order_by("position", "name"))
    assert len(criteria) >= 5
    for criterion in criteria:
        level = criterion.levels.order_by("-value").first()
        act.select(page.get_by_label(f"{criterion.name}: level"), label=level.label)
    act.fill(page.get_by_label("Reason for this change:"), "First rating from the docs")
    act.click(page.get_by_role("button", name="Save the ratings"))
    expect()(page.locator(".messagelist .success")).to_contain_text(
        f"Saved {len(criteria)} rating(s)."
    )

    assert act.count <= ACTION_BUDGET, f"{act.count} actions"
    microdot = Framework.objects.get(name="Microdot")
    assert microdot.slug == "microdot"  # filled in from the name by the admin's own script
    ratings = Rating.objects.filter(framework=microdot)
    assert ratings.count() == len(criteria)
    for rating in ratings:
        entry = rating.history.get()
        assert entry.history_change_reason == "First rating from the docs"
        assert entry.history_user.username == "edna"
    assert not page.js_errors
    print(f"\nRated a new framework on {len(criteria)} criteria in {act.count} actions")


def test_axe_finds_nothing_on_the_desk_and_the_grid(live_app, new_page, editor):
    need(axe_available(), f"axe-core not found at {AXE}: make browser")
    # Work in every queue, and a change with its reason, so that nothing on the desk is empty.
    Rating.objects.filter(framework__slug__in=["bottle", "pyramid"]).update(
        reviewed_on=date(2024, 6, 1)
    )
    Rating.objects.filter(framework__slug="robyn").update(note="", source_url="")
    Framework.objects.create(name="Microdot", slug="microdot")
    rating = Rating.objects.get(framework__slug="flask", criterion__slug="performance")
    rating.note += " Measured again with the same load."
    give_reason(rating, "Re-ran the benchmark", User.objects.get(username=editor[0]))
    rating.save()
    page = new_page(color_scheme="light")
    login(page, live_app, *editor)
    django = Framework.objects.get(slug="django")
    criterion = Criterion.objects.order_by("position").first()
    report = []
    for name, path in (
        ("desk", "/admin/"),
        ("framework grid", f"/admin/frameworks/framework/{django.pk}/grid/"),
        ("criterion grid", f"/admin/frameworks/criterion/{criterion.pk}/grid/"),
    ):
        page.goto(live_app + path)
        violations = run_axe(page)
        if violations:
            report.append(f"== {name} ({path})\n" + describe_violations(violations))
        if name == "desk":
            expect()(page.locator("#editors-desk")).to_contain_text("Stale ratings")
            screenshot(page, "desk")
        if name == "framework grid":
            screenshot(page, "grid")
    assert not report, "axe found problems:\n" + "\n".join(report)
    assert not page.js_errors
