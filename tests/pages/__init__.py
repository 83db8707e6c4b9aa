"""The public pages as captured before issue 12's rendering change, and how they are compared.

A page is compared by what a reader and a browser get from it, not byte for byte: each element
as its tag and attributes (classes sorted, character references resolved) at its depth, and
each run of text with its whitespace collapsed. So re-indented templates or ``&#8217;`` for ’
are the same page; a lost class, attribute, element or word is not.
"""

import json
from html.parser import HTMLParser
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent / "captured.json"

RESULTS = {"frameworks": ["django", "flask", "fastapi"], "use_case": "real-time"}

#: (name, address, query, headers). The query is a list of pairs: the order is kept.
PAGES = [
    ("home", "/", [], {}),
    ("compare-default", "/compare/", [], {}),
    (
        "compare-chosen",
        "/compare/",
        [
            ("use_case", "real-time"),
            ("require", "websockets"),
            ("require", "admin"),
            ("frameworks", "django"),
            ("frameworks", "flask"),
            ("frameworks", "fastapi"),
            ("frameworks", "starlette"),
            ("w-performance", "5"),
            ("w-learning-curve", "1"),
        ],
        {},
    ),
    (
        "compare-no-winner",
        "/compare/",
        [("require", "admin"), ("require", "websockets"), ("require", "openapi-docs")],
        {},
    ),
    ("compare-close", "/compare/", [("frameworks", "starlette"), ("frameworks", "litestar")], {}),
    ("compare-errors", "/compare/", [("w-performance", "9"), ("frameworks", "nope")], {}),
    (
        "compare-all-zero",
        "/compare/",
        [
            ("w-learning-curve", "0"),
            ("w-performance", "0"),
            ("w-async-support", "0"),
            ("w-built-in-tools", "0"),
            ("w-community-ecosystem", "0"),
            ("w-typing-validation", "0"),
            ("w-maturity", "0"),
        ],
        {},
    ),
    (
        "compare-partial",
        "/compare/",
        [("use_case", "ml-ai"), ("w-async-support", "4")],
        {"X-Partial": "results"},
    ),
    ("compare-partial-errors", "/compare/", [("w-x", "3")], {"X-Partial": "results"}),
    ("framework-list", "/frameworks/", [], {}),
    ("framework-django", "/frameworks/django/", [], {}),
    ("framework-flask", "/frameworks/flask/", [], {}),
    ("framework-fastapi", "/frameworks/fastapi/", [], {}),
    ("framework-robyn", "/frameworks/robyn/", [], {}),
    ("methodology", "/methodology/", [], {}),
    ("not-found", "/frameworks/no-such-framework/", [], {}),
]

#: The API's answers, compared byte for byte.
API = [
    ("api-default", "/api/compare/", []),
    ("api-chosen", "/api/compare/", PAGES[2][2]),
    ("api-error", "/api/compare/", [("w-performance", "9")]),
]

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class _Outline(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self.depth, self.text = [], 0, []

    def _flush(self):
        text = " ".join("".join(self.text).split())
        if text:
            self.lines.append("  " * self.depth + "| " + text)
        self.text = []

    def handle_starttag(self, tag, attrs):
        self._flush()
        shown = []
        for name, value in sorted(attrs):
            if name == "class":
                value = " ".join(sorted((value or "").split()))
            shown.append(name if value is None else f"{name}={value!r}")
        self.lines.append("  " * self.depth + " ".join([tag, *shown]))
        if tag not in VOID:
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.depth -= 1

    def handle_endtag(self, tag):
        self._flush()
        if tag not in VOID:
            self.depth -= 1

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self._flush()
        self.lines.append("  " * self.depth + "<!-- -->")


def outline(html: str) -> list[str]:
    """The page as one line per element (tag and attributes) and per run of text, indented."""
    parser = _Outline()
    parser.feed(html)
    parser.close()
    parser._flush()
    return parser.lines


def fetch(client, path, query, headers):
    from urllib.parse import urlencode

    url = path + (f"?{urlencode(query)}" if query else "")
    return client.get(url, headers=headers)


def capture(client) -> dict:
    pages = {}
    for name, path, query, headers in PAGES:
        response = fetch(client, path, query, headers)
        pages[name] = {
            "status": response.status_code,
            "outline": outline(response.content.decode()),
        }
    for name, path, query in API:
        response = fetch(client, path, query, {})
        pages[name] = {"status": response.status_code, "body": response.content.decode()}
    return pages


def load() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def save(pages: dict) -> None:
    FIXTURE.write_text(json.dumps(pages, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
