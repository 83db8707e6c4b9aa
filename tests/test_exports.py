"""The decision to take away: /compare/decision.md and /compare/decision.csv.

The Markdown decision record must hold everything the results page shows (each framework, its
score, each source and review date), read back by rendering the Markdown and parsing both
independently; the CSV's points must add up to each framework's score; what editors wrote
must stay text in both (no Markdown link or HTML, no spreadsheet formula).
"""

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse
from markdown_it import MarkdownIt

from frameworks import catalog, models
from tests.test_escaping import CATALOG_MODELS, _text_fields

COMPARE = "/compare/"
MARKDOWN = "/compare/decision.md"
CSV = "/compare/decision.csv"

QUERIES = [
    {},
    {"use_case": "real-time", "require": ["orm"]},
    {"frameworks": ["flask", "django", "fastapi"], "w-performance": "5", "w-learning-curve": "0"},
    {"require": ["admin", "orm", "websockets"], "w-async-support": "5"},
]


def test_urls_are_the_public_contract():
    assert reverse("frameworks:compare-markdown") == MARKDOWN
    assert reverse("frameworks:compare-csv") == CSV


class _Page(HTMLParser):
    """What the results page shows: (rank, name, score) per ranked framework, every external
    link under #results (the sources) and every review date."""

    def __init__(self):
        super().__init__()
        self.stack, self.in_results = [], 0
        self.ranking, self.sources, self.text = [], set(), []
        self._capture = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if attrs.get("id") == "results":
            self.in_results = len(self.stack) + 1
        if tag not in ("input", "br", "img", "meta", "link", "rect"):
            self.stack.append((tag, classes))
        if not self.in_results:
            return
        if tag == "a" and attrs.get("href", "").startswith("http"):
            self.sources.add(attrs["href"])
        if tag == "li" and "ranking-item" in classes:
            self.ranking.append({"name": "", "score": "", "rank": ""})
        elif tag == "span" and "rank" in classes:
            self._capture = "rank"
        elif tag == "a" and self._inside("ranking-name") and not self.ranking[-1]["name"]:
            self._capture = "name"
        elif tag == "strong" and self._inside("score"):
            self._capture = "score"

    def _inside(self, cls):
        return any(cls in classes for _, classes in self.stack)

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1][0] == tag:
            self.stack.pop()
        if self.in_results and len(self.stack) < self.in_results:
            self.in_results = 0
        self._capture = None

    def handle_data(self, data):
        if self.in_results:
            self.text.append(data)
            if self._capture:
                self.ranking[-1][self._capture] += data.strip()


class _Rendered(HTMLParser):
    """The Markdown rendered to HTML: its links, table rows, tags and text."""

    def __init__(self):
        super().__init__()
        self.links, self.rows, self.tags, self.text = set(), [], set(), []
        self._row = None

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag == "a":
            self.links.add(dict(attrs)["href"])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._row.append("")

    def handle_endtag(self, tag):
        if tag == "tr":
            self.rows.append([cell.strip() for cell in self._row])
            self._row = None

    def handle_data(self, data):
        self.text.append(data)
        if self._row:
            self._row[-1] += data


def render_markdown(text: str) -> _Rendered:
    # CommonMark with raw HTML on (as most viewers have it) and GFM tables.
    html = MarkdownIt("commonmark").enable("table").render(text)
    parsed = _Rendered()
    parsed.feed(html)
    return parsed


def test_markdown_holds_every_framework_score_and_source_of_the_page(client, shipped_catalog):
    for query in QUERIES:
        _round_trip(client, query)


def _round_trip(client, query):
    page = client.get(COMPARE, query)
    assert page.status_code == 200
    shown = _Page()
    shown.feed(page.content.decode())
    assert len(shown.ranking) >= 3 and shown.sources

    response = client.get(MARKDOWN, query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    record = render_markdown(response.content.decode())

    ranked = {(row[0], row[1], row[2]) for row in record.rows if len(row) == 4}
    for item in shown.ranking:
        assert (item["rank"].lstrip("#"), item["name"], item["score"]) in ranked, item
    assert shown.sources <= record.links, shown.sources - record.links
    record_text = "".join(record.text)
    for date in set(re.findall(r"reviewed (\d{4}-\d\d-\d\d)", "".join(shown.text))):
        assert f"reviewed {date}" in record_text
    # The permalink is the page's own address, and a link.
    assert f"http://testserver{page.wsgi_request.get_full_path()}".split("?")[0] in str(
        record.links
    )


def test_markdown_says_what_was_asked_decided_and_what_would_change_it(client, shipped_catalog):
    query = {"use_case": "real-time", "require": ["orm"]}
    text = client.get(MARKDOWN, query).content.decode()
    api = client.get("/api/compare/", query).json()
    winner = api[0]
    for heading in ("## Context", "## Options considered", "## Decision",
                    "## What would change it", "## Sources", "## Permalink"):  # fmt: skip
        assert f"\n{heading}\n" in text
    context = text.split("## Context")[1].split("## Options")[0]
    assert "Real-time apps" in context and "ORM" in context
    assert "| Performance | 4 | the project type's |" in context
    decision = text.split("## Decision")[1].split("## What would")[0]
    assert f"Choose **{winner['name']}**, with {winner['score']} out of 100" in decision
    change = text.split("## What would change it")[1].split("## Sources")[0]
    assert "puts" in change and "first" in change


def test_both_exports_name_capabilities_criteria_and_use_cases_never_slugs(client, shipped_catalog):
    query = {"require": ["admin", "websockets"], "use_case": "real-time"}
    capabilities = dict(models.Capability.objects.values_list("slug", "name"))
    text = client.get(MARKDOWN, query).content.decode()
    assert "Must-haves: Admin interface; WebSockets." in text
    options = {row[1]: row[3] for row in render_markdown(text).rows if len(row) == 4}
    results = client.get("/api/compare/", query).json()
    assert {len(result["unmet"]) for result in results} >= {1, 2}  # one missing, and both
    for result in results:
        unmet = "; ".join(capabilities[slug] for slug in result["unmet"])
        assert options[result["name"]] == (f"no: lacks {unmet}" if unmet else "yes")

    # The CSV has no must-haves column; its terms are named as the breakdown names them.
    rows = list(csv.DictReader(io.StringIO(client.get(CSV, query).content.decode())))
    use_case = models.UseCase.objects.get(slug="real-time").name
    names = set(models.Criterion.objects.values_list("name", flat=True)) | {f"Fit: {use_case}"}
    assert {row["criterion"] for row in rows} == names


def test_csv_points_add_up_to_each_score(client, shipped_catalog):
    for query in QUERIES:
        response = client.get(CSV, query)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="decision-')
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        assert list(rows[0]) == ["rank", "framework", "criterion", "level", "weight", "points",
                                 "max_points", "source", "reviewed"]  # fmt: skip
        scores = {item["name"]: item["score"] for item in client.get("/api/compare/", query).json()}
        points = {}
        for row in rows:
            points[row["framework"]] = points.get(row["framework"], 0) + float(row["points"])
        assert set(points) == set(scores)
        for name, total in points.items():
            assert round(total, 1) == scores[name], name  # as the JSON API's breakdown
        criteria = models.Criterion.objects.count() + (1 if "use_case" in query else 0)
        assert len(rows) == len(scores) * criteria  # one row per framework and criterion


def test_csv_defuses_spreadsheet_formulas(client, shipped_catalog):
    models.Framework.objects.filter(slug="flask").update(name='=HYPERLINK("https://evil.example")')
    models.Level.objects.filter(label="Easy").update(label="+1+1")
    models.Criterion.objects.filter(slug="performance").update(name="@SUM(A1:A9)")
    models.Rating.objects.exclude(source_url="").update(source_url="-2+3")
    catalog.bump_version()
    rows = list(csv.reader(io.StringIO(client.get(CSV).content.decode())))[1:]
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("https://evil.example")' in cells
    assert "'+1+1" in cells and "'@SUM(A1:A9)" in cells and "'-2+3" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]


MARKDOWN_HOSTILE = (
    "[click](https://evil.example/) ![img](https://evil.example/i.png) <b>bold</b> "
    "<https://evil.example/auto> <script>alert(1)</script> *em* | `code` &amp;\n# heading"
)


@pytest.fixture
def markdown_hostile_catalog(shipped_catalog):
    """Every text field of every catalog row holds Markdown that would make a link, an image
    or HTML if it reached the record unescaped; every source URL tries to end its autolink."""
    for model in CATALOG_MODELS:
        fields = list(_text_fields(model))
        for pk in model.objects.values_list("pk", flat=True):
            values = {}
            for field in fields:
                if field.name.endswith("url") or field.name == "website":
                    values[field.name] = f"https://example.org/{pk}?q=a b><script>x</script>"
                elif field.max_length and field.max_length < len(MARKDOWN_HOSTILE) + 6:
                    values[field.name] = f"[{pk}](https://evil.example/)"[: field.max_length]
                else:
                    values[field.name] = f"{pk} {MARKDOWN_HOSTILE}"
            model.objects.filter(pk=pk).update(**values)
    catalog.bump_version()


def test_editors_text_stays_text_in_the_markdown(client, markdown_hostile_catalog):
    use_case = models.UseCase.objects.values_list("slug", flat=True)[0]
    require = list(models.Capability.objects.values_list("slug", flat=True)[:2])
    for query in ({}, {"use_case": use_case, "require": require}):
        response = client.get(MARKDOWN, query)
        assert response.status_code == 200
        text = response.content.decode()
        record = render_markdown(text)
        assert not record.tags & {"img", "b", "script", "em", "code"}, record.tags
        hostile_links = {link for link in record.links if "evil.example" in link}
        assert hostile_links == set()
        for link in record.links:
            assert link.startswith(("https://example.org/", "http://testserver/")), link
            assert "<" not in link and " " not in link
        shown = "".join(record.text)
        assert "[click](https://evil.example/)" in shown  # shown as the editor typed it
        assert "<script>alert(1)</script>" in shown
        headings = [line for line in text.splitlines() if line.startswith("# ")]
        assert len(headings) == 1  # an editor's newline cannot start a heading


BAD_QUERIES = [
    "w-performance=9",
    "w-performance=abc",
    "frameworks=nope",
    "use_case=%ff%fe",
    "w-unknown=3",
    "w-performance=1&w-performance=2",
    "&".join(f"frameworks=x{i}" for i in range(2000)),
    "w-learning-curve=0&w-performance=0&w-async-support=0&w-built-in-tools=0"
    "&w-community-ecosystem=0&w-typing-validation=0&w-maturity=0",
]


def test_bad_query_is_a_400_in_text(client, shipped_catalog):
    for url in (MARKDOWN, CSV):
        for query in BAD_QUERIES:
            response = client.get(f"{url}?{query}")
            assert response.status_code == 400, (url, query[:40])
            assert response["Content-Type"] == "text/plain; charset=utf-8"
            assert "Content-Disposition" not in response
            assert response.content.strip()


def test_exports_are_cached_per_catalog_version(client, shipped_catalog, django_assert_num_queries):
    for url in (MARKDOWN, CSV):
        first = client.get(url, {"use_case": "real-time"})
        with django_assert_num_queries(1):  # the catalog version; the answer comes from the cache
            again = client.get(url, {"use_case": "real-time"})
        assert again.content == first.content
        assert client.get(url, {"use_case": "real-time"}, headers={
            "If-None-Match": first["ETag"]}).status_code == 304  # fmt: skip
    models.Framework.objects.filter(slug="django").update(name="Django Renamed")
    catalog.bump_version()
    assert b"Django Renamed" in client.get(MARKDOWN, {"use_case": "real-time"}).content


def test_results_page_links_to_both_exports_with_its_query(client, shipped_catalog):
    query = {"use_case": "real-time", "require": "orm"}
    html = client.get(COMPARE, query).content.decode()
    assert 'href="/compare/decision.md?use_case=real-time&amp;require=orm"' in html
    assert 'href="/compare/decision.csv?use_case=real-time&amp;require=orm"' in html


# --- In Chromium: the download links, and the page printed to PDF ----------------------------

PRINTED_QUERY = "?use_case=real-time&require=orm"


@pytest.mark.browser
def test_visitor_downloads_both_exports_from_the_results_page(live_app, new_page):
    page = new_page()
    page.goto(live_app + COMPARE + PRINTED_QUERY)
    for name, suffix, start in (("Decision record (Markdown)", ".md", "# Decision record"),
                                ("Scores (CSV)", ".csv", "rank,framework")):  # fmt: skip
        with page.expect_download() as download:
            page.get_by_role("link", name=name).click()
        assert download.value.suggested_filename.endswith(suffix)
        assert Path(download.value.path()).read_text(encoding="utf-8").startswith(start)
    assert page.js_errors == []


@pytest.mark.browser
def test_results_page_prints_to_a_clean_pdf(live_app, new_page, client):
    from pypdf import PdfReader

    page = new_page()
    page.goto(live_app + COMPARE + PRINTED_QUERY)
    pdf = page.pdf(format="A4")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    for item in client.get("/api/compare/" + PRINTED_QUERY).json():
        assert f"#{item['rank']} {item['name']}" in text and str(item["score"]) in text
    # Folded sections print unfolded: the breakdowns, and the rating cells with their sources.
    assert text.count("Criterion Weight Level Points Out of") >= 10
    # Each source prints where it leads (broken over lines in a narrow cell).
    assert text.count("Source (https://") >= 10
    assert "https://docs.djangoproject.com/" in "".join(text.split())
    # No form, no navigation, no buttons.
    for control in ("Your requirements", "Project type", "Copy link", "Skip to main content",
                    "Decision record (Markdown)", "All frameworks",
                    "Change your answers"):  # fmt: skip
        assert control not in text, control


@pytest.mark.browser
def test_on_wide_paper_the_results_use_the_whole_width(live_app, new_page):
    # Paper wider than the screen layout's 1200px (A3 landscape, or printing scaled down) must
    # not keep the empty column of the form, which is not printed.
    page = new_page(viewport={"width": 1600, "height": 1000})
    page.emulate_media(media="print")
    page.goto(live_app + COMPARE + PRINTED_QUERY)
    heading = page.locator(".page-heading").bounding_box()  # as wide as the page's content
    results = page.locator("#results").bounding_box()
    assert results["width"] > 0.95 * heading["width"], (results, heading)
