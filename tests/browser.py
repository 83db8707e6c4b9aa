"""Shared Playwright helpers: Debian's Chromium, axe-core, and the screenshot tour.

Playwright's own browser download does not work here, so every launch goes through
`launch()`, which points Playwright at the system Chromium. The tests use these through the
fixtures at the end of tests/conftest.py; bench/audit.py uses `take_screenshots()`.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
#: The rule sets axe checks: WCAG 2.x A and AA, plus axe's own best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def chromium_available() -> bool:
    return Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)


def axe_available() -> bool:
    return AXE.is_file()


def launch(playwright, **kwargs):
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, **kwargs
    )


def run_axe(page, *, tags=AXE_TAGS) -> list[dict]:
    """Run axe-core on the page as it is now and return its violations.

    `page.evaluate` is not subject to the page's CSP, unlike an injected <script> element, so
    axe runs under the same strict policy visitors get.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    options = json.dumps({"runOnly": {"type": "tag", "values": list(tags)}})
    result = page.evaluate(f"axe.run(document, {options})")
    return result["violations"]


def describe_violations(violations: list[dict]) -> str:
    """One readable paragraph per rule: what is wrong, where, and axe's own fix hint."""
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.append(f"    {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {' '.join(node['target'])}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def overflow(page) -> int:
    """How many CSS pixels the document is wider than the viewport (0 when nothing overflows)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def login(page, base_url: str, username: str, password: str) -> None:
    """Sign in through the real admin login form."""
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/admin/")


#: The main screens: (file stem, path). The admin page is added when credentials are given.
SCREENS = [
    ("home", "/"),
    (
        "compare",
        "/compare/?frameworks=django&frameworks=flask&frameworks=fastapi"
        "&use_case=enterprise-applications&require=orm&require=admin",
    ),
    ("framework", "/frameworks/django/"),
]


def take_screenshots(
    base_url: str,
    out_dir: Path = SCREENSHOTS,
    *,
    admin: tuple[str, str] | None = None,
    admin_path: str = "",
) -> list[Path]:
    """Save PNGs of the main screens at desktop and phone widths, light scheme, top of page."""
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for width_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            context = browser.new_context(
                viewport=viewport,
                device_scale_factor=1,
                color_scheme="light",
                reduced_motion="reduce",
            )
            page = context.new_page()
            screens = list(SCREENS)
            if admin:
                login(page, base_url, *admin)
                screens.append(("admin", admin_path))
            for stem, path in screens:
                page.goto(base_url + path)
                page.wait_for_load_state("networkidle")
                target = out_dir / f"{stem}-{width_name}.png"
                # A full phone page is very long; the first two screens tell the story.
                clip_height = viewport["height"] * (2 if width_name == "phone" else 1.5)
                height = min(page.evaluate("document.documentElement.scrollHeight"), clip_height)
                page.screenshot(
                    path=str(target),
                    clip={"x": 0, "y": 0, "width": viewport["width"], "height": height},
                    full_page=True,
                )
                saved.append(target)
            context.close()
        browser.close()
    return saved
