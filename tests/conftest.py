"""Shared fixtures: small factories for catalog rows, and the shipped catalog."""

import importlib
import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

from frameworks import catalog
from frameworks.catalog_io import import_catalog
from frameworks.models import (
    Capability,
    CatalogState,
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

SHIPPED_CATALOG = Path(__file__).resolve().parent.parent / "frameworks" / "seed" / "catalog.json"
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


@pytest.fixture(autouse=True)
def _fresh_html_caches():
    # Rendered pages and pieces are keyed by the catalog version, and a rolled-back test
    # database hands the same version number to the next test's different catalog.
    for alias in ("pages", "fragments"):
        caches[alias].clear()
    yield


@pytest.fixture
def shipped_data():
    return json.loads(SHIPPED_CATALOG.read_text(encoding="utf-8"))


#: The rows the session's first import of the shipped catalog wrote, per model (see below).
_shipped_rows: list | None = None


def _catalog_tables():
    """Every table the import writes to: the catalog, its history and its link tables. The
    version counter is bumped rather than copied, so that caches see a new catalog."""
    frameworks = apps.get_app_config("frameworks")
    return [m for m in frameworks.get_models(include_auto_created=True) if m is not CatalogState]


@pytest.fixture
def shipped_catalog(db, shipped_data):
    """The shipped catalog, loaded into the test's database.

    The session's first use runs the real import (validation, publish checks, history); later
    tests get a copy of the rows it wrote, inserted in one transaction, which is the same data
    in a fraction of the time (hundreds of tests use this fixture). A test that has already
    written catalog rows gets the real import. The import itself is tested in test_catalog_io.
    """
    global _shipped_rows
    tables = _catalog_tables()
    empty = not any(model._base_manager.exists() for model in tables)
    if _shipped_rows is None or not empty:
        import_catalog(shipped_data)
        if _shipped_rows is None and empty:
            _shipped_rows = [(model, list(model._base_manager.values())) for model in tables]
        return shipped_data
    with transaction.atomic():  # foreign keys are checked at commit, whatever the order
        for model, rows in _shipped_rows:
            model._base_manager.bulk_create(model(**row) for row in rows)
        with connection.cursor() as cursor:  # PostgreSQL: new rows continue after the copied ids
            for statement in connection.ops.sequence_reset_sql(no_style(), tables):
                cursor.execute(statement)
        catalog.bump_version()
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


# --- A small catalog for the admin tests (tests/test_admin*.py, tests/test_edit_conflicts.py) ---


@pytest.fixture
def small_catalog(
    make_framework, make_criterion, rate, make_capability, support, make_use_case, fit, point
):
    flask = make_framework("flask", name="Flask", last_reviewed="2026-11-01")
    bottle = make_framework("bottle", name="Bottle", is_published=False)
    ease = make_criterion(
        "learning-curve",
        name="Learning curve",
        levels=(("Steep", 25), ("Moderate", 60), ("Easy", 100)),
    )
    speed = make_criterion(
        "performance", name="Performance", levels=(("Low", 30), ("Medium", 60), ("High", 100))
    )
    rate(flask, ease, "Easy", note="Small API.", source_url="https://flask.palletsprojects.com/")
    rate(flask, speed, "Medium")
    rate(bottle, ease, "Easy")
    orm = make_capability("orm", name="ORM")
    support(flask, orm, "extension", extension="Flask-SQLAlchemy")
    use_case = make_use_case("small-medium-apis", name="Small APIs", presets={ease: 4})
    fit(flask, use_case, 5, note="Its home ground.")
    point(flask, "pro", "Little to learn")
    point(flask, "con", "Few tools built in")
    return {"flask": flask, "bottle": bottle, "ease": ease, "speed": speed}


@pytest.fixture
def editor_client(client, editor):
    """The test client, logged in as the editor."""
    client.force_login(editor)
    return client


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


# --- Admin pages (tests/test_admin.py) ----------------------------------------------------------


class _FormFields(HTMLParser):
    """What a browser would submit from one <form>: inputs, checked boxes, selected options."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.pairs = form_id, False, []
        self._select, self._selected, self._first, self._textarea = None, [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.pairs.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._selected, self._first = name, [], None
            self._multiple = "multiple" in attrs
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first is None:
                self._first = value
            if "selected" in attrs:
                self._selected.append(value)
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            chosen = self._selected or ([] if self._multiple else [self._first or ""])
            self.pairs.extend((self._select, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the single newline that follows <textarea>.
            name, text = self._textarea
            self.pairs.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_data(html: str, form_id: str) -> dict[str, list[str]]:
    """The data a browser would post from the form with that id, as a dict of lists."""
    parser = _FormFields(form_id)
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.pairs:
        data.setdefault(name, []).append(value)
    return data


def with_reason(data, reason="Checked against the project's docs"):
    """The posted form with the short reason every admin save asks for (frameworks.reasons)."""
    return {**data, "change_reason": [reason]}


def editors_group():
    """The Editors group exactly as its data migration makes it.

    A transactional test flushes the database afterwards, rows made by migrations included, so
    a later test re-runs that migration's own code rather than imitate its permissions.
    """
    group = Group.objects.filter(name="Editors").first()
    if group is None:
        migration = importlib.import_module("frameworks.migrations.0002_editors_group")
        state = MigrationLoader(connection).project_state(("frameworks", "0002_editors_group"))
        migration.create_editors(state.apps, connection.schema_editor())
        group = Group.objects.get(name="Editors")
    return group


@pytest.fixture
def editor(db, django_user_model):
    """A staff member of the Editors group that the data migration creates (not a superuser)."""
    user = django_user_model.objects.create_user(
        "edna", "edna@example.org", "a-long-editor-passphrase-42", is_staff=True
    )
    user.groups.add(editors_group())
    return user


def complete(framework, small_catalog, rate, fit):
    """Rate ``framework`` on every criterion with a note and a source, and fit it."""
    for criterion in (small_catalog["ease"], small_catalog["speed"]):
        rating = Rating.objects.filter(framework=framework, criterion=criterion).first()
        if rating is None:
            rate(framework, criterion, criterion.levels.last().label)
    Rating.objects.filter(framework=framework).update(
        note="Checked.", source_url="https://example.org/evidence"
    )
    if not framework.fits.exists():
        fit(framework, UseCase.objects.get(), 3)
