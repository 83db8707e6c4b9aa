"""End to end in Chromium: a visitor suggests a correction from a results cell, an editor
accepts it in the admin, and the public pages show the new level."""

import re

import pytest
from django.contrib.auth.models import Permission, User

from tests.browser import login
from tests.conftest import editors_group

pytestmark = pytest.mark.browser

RESULTS = "/compare/?frameworks=flask&frameworks=django"


def expect():
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


@pytest.fixture
def editor(live_app):
    password = "a-long-editor-passphrase-42"
    user = User.objects.create_user("edna", "edna@example.org", password, is_staff=True)
    group = editors_group()
    # A flushed test database lost what migration 0010 gave the group; give it again.
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="frameworks", codename__endswith="_suggestion"
        ).exclude(codename="add_suggestion")
    )
    user.groups.add(group)
    return "edna", password


def test_a_visitor_suggests_a_correction_and_an_editor_accepts_it(live_app, new_page, editor):
    visitor = new_page()
    visitor.goto(live_app + RESULTS)
    visitor.locator("#table-heading").click()  # the side-by-side table starts folded
    cell = visitor.locator(".comparison-table tr[data-row='performance'] td").first
    expect()(cell).to_contain_text("Medium")
    cell.get_by_role("link", name="Suggest a correction to the Performance rating of Flask").click()

    visitor.wait_for_url("**/suggest/flask/performance/")
    expect()(visitor.locator("h1")).to_have_text("Suggest a correction")
    visitor.get_by_label("High").check()
    visitor.get_by_label("Evidence").fill("https://example.org/flask-benchmarks")
    visitor.get_by_label("Comment (optional)").fill("Newer benchmarks put it higher.")
    visitor.get_by_role("button", name="Send the suggestion").click()
    visitor.wait_for_url(re.compile(r"/suggest/thanks/"))
    expect()(visitor.get_by_role("status")).to_contain_text("waiting for an editor")

    editor_page = new_page()
    login(editor_page, live_app, *editor)
    editor_page.goto(live_app + "/admin/frameworks/suggestion/?status__exact=pending")
    editor_page.get_by_role(
        "link", name=re.compile(r"Suggestion #\d+: Flask · Performance")
    ).click()
    expect()(editor_page.locator(".field-now")).to_contain_text("Medium")
    editor_page.get_by_label("Decision note").fill("The linked benchmark checks out.")
    editor_page.get_by_role("button", name="Accept and apply").click()
    expect()(editor_page.locator(".messagelist .success")).to_contain_text("accepted")

    visitor.goto(live_app + "/frameworks/flask/")
    row = visitor.locator("tr", has=visitor.locator("th", has_text="Performance"))
    expect()(row.locator("td").first).to_have_text("High")
    visitor.goto(live_app + RESULTS)
    cell = visitor.locator(".comparison-table tr[data-row='performance'] td").first
    expect()(cell).to_contain_text("High")
