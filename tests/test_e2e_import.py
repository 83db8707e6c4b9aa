"""Importing in a real Chromium: an editor uploads ratings, reads the preview, confirms, and
the public page shows the change; axe-core finds nothing on the import pages."""

import csv
import io

import pytest
from django.contrib.auth.models import User

from frameworks.models import Rating
from tests.browser import AXE, axe_available, describe_violations, login, run_axe
from tests.conftest import editors_group, need

pytestmark = pytest.mark.browser

PASSWORD = "a-long-editor-passphrase-42"
NEW_NOTE = "Measured again for this test: quick enough for most sites behind a cache."


def expect():
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


@pytest.fixture
def axe():
    need(axe_available(), f"axe-core not found at {AXE}: make browser")


@pytest.fixture
def editor_page(live_app, new_page):
    user = User.objects.create_user("alice", "alice@example.org", PASSWORD, is_staff=True)
    user.groups.add(editors_group())
    page = new_page()
    login(page, live_app, "alice", PASSWORD)
    return page


def test_editor_uploads_previews_and_confirms_and_the_public_page_follows(
    live_app, editor_page, axe
):
    page = editor_page
    stored = Rating.objects.select_related("level").get(
        framework__slug="flask", criterion__slug="performance"
    )
    same = Rating.objects.select_related("level").get(
        framework__slug="flask", criterion__slug="learning-curve"
    )
    text = io.StringIO()
    rows = csv.writer(text)
    rows.writerow(["framework", "criterion", "level", "note", "source"])
    rows.writerow(["flask", "performance", stored.level.label, NEW_NOTE, stored.source_url])
    rows.writerow(["flask", "learning-curve", same.level.label, same.note, same.source_url])
    page.goto(live_app + "/admin/")
    page.get_by_role("link", name="Import a catalog or ratings file").first.click()
    page.wait_for_url("**/admin/import/")
    violations = run_axe(page)
    assert not violations, "upload page:\n" + describe_violations(violations)

    page.get_by_label("File").set_input_files(
        {"name": "ratings.csv", "mimeType": "text/csv", "buffer": text.getvalue().encode()}
    )
    page.get_by_label("Replace what editors changed").check()
    page.get_by_role("button", name="Preview").click()
    expect()(page.get_by_role("heading", name="Changed (1)")).to_be_visible()
    expect()(page.get_by_role("heading", name="Left alone (1)")).to_be_visible()
    expect()(page.locator(".import-changes")).to_contain_text(NEW_NOTE)
    page.locator("details summary").click()  # the rows left alone, opened for axe too
    violations = run_axe(page)
    assert not violations, "preview page:\n" + describe_violations(violations)
    assert Rating.objects.get(pk=stored.pk).note == stored.note, "a preview writes nothing"

    page.get_by_role("button", name="Confirm the import").click()
    expect()(page.locator(".messagelist")).to_contain_text("Imported ratings.csv")
    latest = Rating.objects.get(pk=stored.pk).history.latest("history_date")
    assert latest.history_change_reason == "Imported from ratings.csv by alice"

    page.goto(live_app + "/frameworks/flask/")
    expect()(page.locator("main")).to_contain_text(NEW_NOTE)
    assert not page.js_errors


def test_errors_page_has_no_accessibility_violations(live_app, editor_page, axe):
    page = editor_page
    page.goto(live_app + "/admin/import/")
    page.get_by_label("File").set_input_files(
        {
            "name": "ratings.csv",
            "mimeType": "text/csv",
            "buffer": b"framework,criterion,level,note,source\nnope,performance,High,,bad\n",
        }
    )
    page.get_by_role("button", name="Preview").click()
    expect()(page.locator(".import-errors")).to_contain_text("unknown framework “nope”")
    violations = run_axe(page)
    assert not violations, describe_violations(violations)
