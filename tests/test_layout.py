"""The answer first (issue #15, item 1): quick starts and the submit button on the first screen,
results that lead with the verdict and fold their long sections, dark colours from the system
setting without JavaScript, and no collapsed panel next to an empty column.
"""

import re

import pytest

RESULTS = "/compare/?use_case=real-time&require=websockets"
SCREENS = {"phone": {"width": 375, "height": 667}, "desktop": {"width": 1280, "height": 800}}


def test_home_puts_the_quick_starts_before_the_form(client, shipped_catalog):
    html = client.get("/").content.decode()
    assert html.index('class="quick-start"') < html.index('id="compare-form"')
    assert html.count('class="quick-start"') == 9  # every project type of the shipped catalog


def test_results_lead_with_the_verdict_and_fold_the_long_sections(client, shipped_catalog):
    html = client.get(RESULTS).content.decode()
    order = [html.index(marker) for marker in (
        'id="verdict-heading"', 'id="ranking-heading"', 'id="table-heading"',
        'id="features-heading"', 'id="proscons-heading"',
    )]  # fmt: skip
    assert order == sorted(order)
    for heading in ("table-heading", "features-heading", "proscons-heading"):
        start = html.index(f'<section aria-labelledby="{heading}"')
        section = html[start : html.index("</section>", start)]
        # A native disclosure, closed: works without JavaScript, announced by the browser.
        assert re.match(r'<section[^>]*>\s*<details class="results-fold">\s*<summary><h2', section)


def test_the_requirements_panel_is_open_and_follows_the_results_on_small_screens(
    client, shipped_catalog
):
    html = client.get(RESULTS).content.decode()
    assert re.search(r'<details class="form-panel card shadow-sm" open id="form-panel">', html)
    # The results come first in the page; the form follows (on wide screens the grid places it
    # in the left column, see the layout-shift test below).
    assert html.index('id="results"') < html.index('id="form-panel"')
    assert 'href="#form-panel">Change your answers</a>' in html


def test_the_count_of_other_frameworks_is_pluralised(client, shipped_catalog):
    four = client.get("/compare/?frameworks=django&frameworks=flask&frameworks=fastapi"
                      "&frameworks=bottle").content.decode()  # fmt: skip
    assert "Pros and cons of the other 1 framework<" in four
    five = client.get("/compare/?frameworks=django&frameworks=flask&frameworks=fastapi"
                      "&frameworks=bottle&frameworks=sanic").content.decode()  # fmt: skip
    assert "Pros and cons of the other 2 frameworks<" in five


def test_no_page_forces_the_light_theme(client, shipped_catalog):
    html = client.get("/").content.decode()
    assert re.search(r"<html[^>]*>", html).group(0) == '<html lang="en">'


# --- In Chromium ------------------------------------------------------------------------------


def first_screen(page, locator):
    box = page.locator(locator).first.bounding_box()
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= page.viewport_size["height"]
    )


@pytest.mark.browser
@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_quick_start_and_submit_are_on_the_first_screen(live_app, new_page, screen, javascript):
    page = new_page(
        viewport=SCREENS[screen], java_script_enabled=javascript, is_mobile=screen == "phone"
    )
    page.goto(live_app + "/")
    assert first_screen(page, ".quick-start"), "the first quick start is below the fold"
    submit = page.get_by_role("button", name="Compare frameworks")
    box = submit.bounding_box()
    assert box["y"] + box["height"] <= SCREENS[screen]["height"], box
    # Still within reach half way down the form.
    page.evaluate("window.scrollTo(0, document.getElementById('step-musts').offsetTop)")
    box = submit.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= SCREENS[screen]["height"], box


@pytest.mark.browser
@pytest.mark.parametrize("screen", SCREENS)
def test_results_start_with_the_verdict_on_the_first_screen(live_app, new_page, screen):
    page = new_page(viewport=SCREENS[screen], java_script_enabled=False)
    page.goto(live_app + RESULTS)
    heading = page.locator("#verdict-heading").bounding_box()
    assert heading["y"] + heading["height"] <= SCREENS[screen]["height"]
    fold = page.locator("#table-heading")
    assert not page.locator(".comparison-table").is_visible()
    fold.click()  # the summary opens it, no script needed
    assert page.locator(".comparison-table").is_visible()


@pytest.mark.browser
def test_dark_colours_come_from_the_system_setting_without_javascript(live_app, new_page):
    def luminance(colour):
        red, green, blue = (int(x) for x in re.findall(r"\d+", colour)[:3])
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    for path in ("/", RESULTS, "/frameworks/"):
        dark = new_page(java_script_enabled=False, color_scheme="dark")
        dark.goto(live_app + path)
        assert dark.evaluate("document.documentElement.dataset.bsTheme") is None  # no script ran
        body = dark.evaluate("getComputedStyle(document.body).backgroundColor")
        text = dark.evaluate("getComputedStyle(document.body).color")
        assert luminance(body) < 40 and luminance(text) > 180, (path, body, text)
        card = dark.evaluate(
            "getComputedStyle(document.querySelector('.card, .content-card')).backgroundColor"
        )
        assert luminance(card) < 50, (path, card)
        light = new_page(java_script_enabled=False, color_scheme="light")
        light.goto(live_app + path)
        assert luminance(light.evaluate("getComputedStyle(document.body).backgroundColor")) > 200


# Layout shifts counted by Chromium from the first byte while the page arrives over a slow
# connection, the way a phone on a poor network receives it: what is painted first (the
# verdict) must not be pushed down by what is parsed later (docs/benchmarks.md has figures).
COUNT_LAYOUT_SHIFTS = """
  window.layoutShifts = [];
  new PerformanceObserver((list) => window.layoutShifts.push(...list.getEntries()))
    .observe({ type: "layout-shift", buffered: true });
"""


@pytest.mark.browser
@pytest.mark.parametrize("screen", SCREENS)
def test_results_page_does_not_shift_while_it_loads(live_app, new_page, screen):
    page = new_page(viewport=SCREENS[screen], is_mobile=screen == "phone")
    page.add_init_script(COUNT_LAYOUT_SHIFTS)
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    network.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 150, "downloadThroughput": 8_000, "uploadThroughput": 8_000,
    })  # fmt: skip
    # Only the page itself is slow: its stylesheets and scripts come at once, so the browser
    # paints the part of the page that has arrived while the rest is still on its way.
    page.route("**/static/**", lambda route: route.fulfill(response=route.fetch()))
    page.goto(live_app + RESULTS, wait_until="load", timeout=60_000)
    page.unroute_all(behavior="wait")  # nothing else to fetch once the page has loaded
    first_paint = page.evaluate(
        "performance.getEntriesByName('first-contentful-paint')[0].startTime"
    )
    arrived = page.evaluate("performance.getEntriesByType('navigation')[0].responseEnd")
    assert first_paint < arrived  # painted while arriving: the test measures what it says
    page.wait_for_timeout(300)  # let the observer deliver the last entries
    shift = page.evaluate("window.layoutShifts.reduce((total, s) => total + s.value, 0)")
    assert shift < 0.01, shift
    form = page.locator("#form-panel").bounding_box()
    results = page.locator("#results").bounding_box()
    if screen == "desktop":  # the form on the left, the results beside it
        assert form["x"] + form["width"] <= results["x"] and abs(form["y"] - results["y"]) < 80
        # The link to the form is for keyboards here (the form is in view): shown on focus,
        # over the results, so that the verdict below it does not move.
        row = page.locator(".change-answers-row")
        verdict = page.locator("#verdict-heading").bounding_box()
        assert row.bounding_box()["width"] <= 1
        row.get_by_role("link", name="Change your answers").focus()
        assert row.bounding_box()["width"] > 50
        assert page.locator("#verdict-heading").bounding_box() == verdict
    else:  # the results, then the form below them
        assert form["y"] >= results["y"] + results["height"]
