"""The code's shape: markup lives in templates, imports point one way, no home-made caches.

- No Python string outside the tests holds an HTML element, except the named cell builders.
- The scoring engine imports no Django; the catalog imports nothing from the presentation;
  the presentation (and the template tags) never import the views.
- No class implements an LRU or a page store: caching goes through Django's cache framework.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {"tests", ".git", ".venv", "node_modules", "static", "staticfiles", "migrations"}

#: The few cells still built in Python with format_html, by (file, function).
CELL_BUILDERS = {
    ("frameworks/presentation.py", "score_bar"),
    ("frameworks/admin.py", "completeness"),  # the admin list's "Rated" column
}

_ELEMENTS = (
    "a abbr article aside b body br button caption code dd details div dl dt em fieldset footer "
    "form h1 h2 h3 h4 h5 h6 head header hr html i iframe img input label legend li link main "
    "meta nav ol option p pre rect script section select small span strong style summary svg "
    "table tbody td textarea tfoot th thead title tr u ul"
)
HTML_ELEMENTS = set(_ELEMENTS.split())
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)(?:[\s>/]|$)")


def holds_html(text: str) -> bool:
    return any(tag.lower() in HTML_ELEMENTS for tag in TAG.findall(text))


def project_modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if not SKIP & set(relative.parts):
            yield relative.as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _docstrings(tree):
    nodes = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef))]
    for node in nodes:
        body = getattr(node, "body", [])
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            yield body[0].value


def html_in_strings(name, tree):
    """(function, line) of every string literal that holds an HTML element."""
    docstrings = {id(node) for node in _docstrings(tree)}
    found = []

    def visit(node, function):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and holds_html(node.value)
        ):
            found.append((function, node.lineno))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, None)
    return sorted({(name, function, line) for function, line in found})


def test_no_html_in_python_strings_but_the_cell_builders():
    found = [
        hit
        for name, tree in project_modules()
        for hit in html_in_strings(name, tree)
        if (hit[0], hit[1]) not in CELL_BUILDERS
    ]
    assert found == [], f"HTML in Python strings (move it to a template): {found}"


def test_the_check_finds_markup_when_there_is_some():
    tree = ast.parse('def cell():\n    return f"<td>{x}</td>"\nDOC = "use w-<slug>"\n')
    assert html_in_strings("example.py", tree) == [("example.py", "cell", 2)]


def _imports(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                yield f"frameworks.{module}" if module else "frameworks"
                yield from (f"frameworks.{alias.name}" for alias in node.names if not module)
            else:
                yield module
                yield from (f"{module}.{alias.name}" for alias in node.names)


def test_imports_point_one_way():
    modules = dict(project_modules())
    scoring = set(_imports(modules["frameworks/scoring.py"]))
    assert not {m for m in scoring if m.startswith("django")}, "scoring is pure Python"
    domains = (
        "frameworks/scoring.py",
        "frameworks/catalog.py",
        "frameworks/models.py",
        "frameworks/catalog_io.py",
        "frameworks/publishing.py",
        "frameworks/ratings_csv.py",
        "frameworks/imports.py",
    )
    for domain in domains:
        imported = set(_imports(modules[domain]))
        for upper in ("presentation", "views", "forms", "templatetags", "admin"):
            assert not any(m.startswith(f"frameworks.{upper}") for m in imported), (domain, upper)
    for presenting in ("frameworks/presentation.py", "frameworks/templatetags/comparator.py"):
        imported = set(_imports(modules[presenting]))
        for upper in ("views", "forms", "admin"):
            assert not any(m.startswith(f"frameworks.{upper}") for m in imported), presenting
    presentation = set(_imports(modules["frameworks/presentation.py"]))
    assert not any(m.startswith("frameworks.templatetags") for m in presentation)


def test_no_home_made_lru_or_page_store():
    for name, tree in project_modules():
        source = ast.unparse(tree)
        assert "move_to_end(" not in source and "popitem(last=False)" not in source, name
        assert "lru_cache" not in source or name == "frameworks/paths.py", name
