"""Shared fixtures: small factories for catalog rows, and the shipped catalog."""

import json
import os
from pathlib import Path

import pytest

from frameworks import catalog
from frameworks.catalog_io import import_catalog
from frameworks.models import (
    Capability,
    Criterion,
    Framework,
    FrameworkCapability,
    Level,
    ProCon,
    Rating,
    UseCase,
    UseCaseFit,
    UseCasePreset,
)

SHIPPED_CATALOG = Path(__file__).resolve().parent.parent / "frameworks" / "catalog" / "catalog.json"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def need(condition: bool, reason: str):
    """Skip on a laptop with a clear reason; fail in CI, where a missing piece is a defect."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"Required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_snapshot():
    # Each test gets its own database state, so no process-level snapshot may leak between them.
    catalog.forget_snapshot()
    yield
    catalog.forget_snapshot()


@pytest.fixture
def shipped_data():
    return json.loads(SHIPPED_CATALOG.read_text(encoding="utf-8"))


@pytest.fixture
def shipped_catalog(db, shipped_data):
    import_catalog(shipped_data)
    return shipped_data


def _make_criterion(slug="speed", name=None, levels=(("Low", 0), ("High", 100)), **kwargs):
    criterion = Criterion.objects.create(
        slug=slug, name=name or slug.replace("-", " ").title(), **kwargs
    )
    for position, (label, value) in enumerate(levels, start=1):
        Level.objects.create(criterion=criterion, label=label, value=value, position=position)
    return criterion


def _make_framework(slug="alpha", name=None, **kwargs):
    kwargs.setdefault("is_published", True)
    return Framework.objects.create(slug=slug, name=name or slug.title(), **kwargs)


def _rate(framework, criterion, label, **kwargs):
    level = Level.objects.get(criterion=criterion, label=label)
    return Rating.objects.create(framework=framework, criterion=criterion, level=level, **kwargs)


def _make_capability(slug="orm", name=None, **kwargs):
    return Capability.objects.create(slug=slug, name=name or slug.upper(), **kwargs)


def _support(framework, capability, support="built_in", **kwargs):
    return FrameworkCapability.objects.create(
        framework=framework, capability=capability, support=support, **kwargs
    )


def _make_use_case(slug="apis", name=None, fit_weight=5, presets=None, **kwargs):
    use_case = UseCase.objects.create(
        slug=slug, name=name or slug.title(), fit_weight=fit_weight, **kwargs
    )
    for criterion, weight in (presets or {}).items():
        UseCasePreset.objects.create(use_case=use_case, criterion=criterion, weight=weight)
    return use_case


def _fit(framework, use_case, fit, **kwargs):
    return UseCaseFit.objects.create(framework=framework, use_case=use_case, fit=fit, **kwargs)


def _point(framework, kind="pro", text="Quick to start", **kwargs):
    return ProCon.objects.create(framework=framework, kind=kind, text=text, **kwargs)


@pytest.fixture
def make_criterion(db):
    return _make_criterion


@pytest.fixture
def make_framework(db):
    return _make_framework


@pytest.fixture
def rate(db):
    return _rate


@pytest.fixture
def make_capability(db):
    return _make_capability


@pytest.fixture
def support(db):
    return _support


@pytest.fixture
def make_use_case(db):
    return _make_use_case


@pytest.fixture
def fit(db):
    return _fit


@pytest.fixture
def point(db):
    return _point


# --- Browser tests (tests/test_e2e.py, tests/test_accessibility.py) ---------------------------


@pytest.fixture(scope="session")
def chromium():
    """One headless Debian Chromium for the whole run (Playwright's own download is not used)."""
    from tests import browser as helpers

    need(helpers.chromium_available(), f"Chromium not found at {helpers.CHROMIUM}: make browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev dependency group installs it
        need(False, "the playwright package is not installed: make install-dev")
    with sync_playwright() as playwright:
        browser = helpers.launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium):
    """Open a page in a fresh browser context (own cookies, own settings); closed afterwards."""
    from tests import browser as helpers

    contexts = []

    def open_page(*, viewport=helpers.DESKTOP, **context_options):
        context = chromium.new_context(viewport=viewport, **context_options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.js_errors = errors
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def live_app(live_server, transactional_db, shipped_catalog):
    """The live server's base URL, with the shipped catalog loaded into its database.

    The live server thread only sees committed data, hence a transactional database (flushed
    after each test, so rows that migrations made, such as the Editors group, are gone too).
    """
    catalog.bump_version()
    return live_server.url
