"""The article's "which one should you choose" guidance comes out of the scoring on the shipped
catalog, and the compare page lets a reader recover the article's table cell for cell: each cell
shows the article's label as its level, or its note says "The article rated this <label>"."""

import dataclasses

import pytest
from django.urls import reverse

from frameworks import catalog, scoring
from frameworks.forms import CompareForm
from frameworks.scoring import resolve_weights

SEED_THREE = ["django", "flask", "fastapi"]
SEED_TABLE = {
    "learning-curve": ["Moderate", "Easy", "Moderate"],
    "performance": ["Medium", "Medium", "High"],
    "async-support": ["Limited", "Partial", "Native"],
    "built-in-tools": ["Many", "Few", "Moderate"],
    "community-ecosystem": ["Large", "Large", "Growing"],
    "best-for": ["Full apps", "Small apps", "APIs & microservices"],
}
ARTICLE_USE_CASES = {
    "enterprise-applications": "django",
    "content-sites": "django",
    "rapid-prototyping-admin": "django",
    "small-medium-apis": "flask",
    "prototypes-learning": "flask",
    "full-control": "flask",
    "rest-apis-microservices": "fastapi",
    "real-time": "fastapi",
    "ml-ai": "fastapi",
}


def ranking_for(params):
    form = CompareForm(params, snapshot=catalog.current_snapshot())
    assert form.is_valid(), form.errors
    return form.ranking()


def only(criterion, weight=5):
    weights = {
        f"w-{c.slug}": "0" for c in catalog.current_snapshot().criteria if c.slug != criterion
    }
    return weights | {f"w-{criterion}": str(weight)}


def article_cell_holds(label, note, article_label):
    """The cell shows the article's label, or says the article rated it differently."""
    return label == article_label or f"rated this {article_label}" in note


def test_the_shipped_catalog_has_what_the_readme_counts(shipped_catalog):
    """README: "16 frameworks, 14 capabilities you can require, nine project types"."""
    snapshot = catalog.current_snapshot()
    assert len(snapshot.frameworks) == 16
    assert len(snapshot.capability_names) == 14
    assert len(snapshot.use_cases) == 9


def test_shipped_ratings_reproduce_the_seed_table(shipped_catalog):
    snapshot = catalog.current_snapshot()
    for criterion, labels in SEED_TABLE.items():
        if criterion == "best-for":
            assert [snapshot.info[s].best_for for s in SEED_THREE] == labels
            continue
        for slug, article_label in zip(SEED_THREE, labels, strict=True):
            rating = snapshot.framework(slug).ratings[criterion]
            assert article_cell_holds(rating.label, rating.note, article_label), (slug, criterion)


def test_built_in_tools_alone_points_to_django(shipped_catalog):
    ranking = ranking_for({"frameworks": SEED_THREE} | only("built-in-tools"))
    assert ranking.winner.slug == "django"


def test_large_app_with_database_admin_and_tools_points_to_django(shipped_catalog):
    params = {"frameworks": SEED_THREE, "require": ["orm", "admin", "authentication"]}
    ranking = ranking_for(params | only("built-in-tools"))
    assert ranking.winner.slug == "django"
    assert [r.slug for r in ranking.results if r.eligible] == ["django"]


def test_small_learn_it_fast_project_points_to_flask(shipped_catalog):
    ranking = ranking_for({"frameworks": SEED_THREE} | only("learning-curve"))
    assert ranking.winner.slug == "flask"


def test_fast_modern_apis_point_to_fastapi(shipped_catalog):
    params = {
        "frameworks": SEED_THREE,
        "w-performance": "5",
        "w-async-support": "5",
        "w-learning-curve": "0",
        "w-built-in-tools": "0",
        "w-community-ecosystem": "0",
    }
    assert ranking_for(params).winner.slug == "fastapi"


@pytest.mark.parametrize(("use_case", "expected"), sorted(ARTICLE_USE_CASES.items()))
def test_each_article_use_case_ranks_the_articles_choice_first(shipped_catalog, use_case, expected):
    ranking = ranking_for({"frameworks": SEED_THREE, "use_case": use_case})
    assert ranking.winner.slug == expected
    assert ranking.winner.breakdown[-1].key == "use-case-fit"


def rank_seed_three(weights, use_case=None, frameworks=None):
    snapshot = catalog.current_snapshot()
    return scoring.rank(
        criteria=snapshot.criteria,
        frameworks=frameworks or tuple(snapshot.framework(s) for s in SEED_THREE),
        weights=weights,
        use_case=use_case,
    )


@pytest.mark.parametrize(("use_case", "expected"), sorted(ARTICLE_USE_CASES.items()))
def test_the_preset_weights_alone_pick_the_articles_choice(shipped_catalog, use_case, expected):
    """The fit ratings are not what carries the guidance: with the fit term's weight at 0, the
    use case's preset weights over the criteria still pick the article's framework."""
    snapshot = catalog.current_snapshot()
    spec = dataclasses.replace(snapshot.use_case(use_case).spec, fit_weight=0)
    weights = resolve_weights(criteria=snapshot.criteria, explicit={}, use_case=spec)
    assert weights != resolve_weights(criteria=snapshot.criteria, explicit={})
    ranking = rank_seed_three(weights, use_case=spec)
    assert ranking.winner.slug == expected
    assert ranking.winner.breakdown[-1].points == 0.0  # the fit term counts for nothing
    assert rank_seed_three(weights).winner.slug == expected  # nor without the use case


def test_presets_not_the_defaults_make_the_difference(shipped_catalog):
    """Different presets pick different winners, while the default weights pick one."""
    snapshot = catalog.current_snapshot()
    winners = {
        slug: rank_seed_three(
            resolve_weights(
                criteria=snapshot.criteria, explicit={}, use_case=snapshot.use_case(slug).spec
            )
        ).winner.slug
        for slug in ARTICLE_USE_CASES
    }
    assert winners == ARTICLE_USE_CASES
    assert set(winners.values()) == set(SEED_THREE)
    default = rank_seed_three(resolve_weights(criteria=snapshot.criteria, explicit={}))
    assert default.winner.slug in SEED_THREE


def test_answers_follow_the_ratings_not_the_names(shipped_catalog):
    """Give each framework another's slug and name: every use case's winner is then whichever
    framework now carries the ratings of the article's choice, so nothing keys on a name."""
    snapshot = catalog.current_snapshot()
    specs = [snapshot.framework(s) for s in SEED_THREE]
    rotated = tuple(
        dataclasses.replace(spec, slug=other.slug, name=other.name)
        for spec, other in zip(specs, specs[1:] + specs[:1], strict=True)
    )
    wears = {spec.slug: other.slug for spec, other in zip(specs, rotated, strict=True)}
    for use_case, expected in ARTICLE_USE_CASES.items():
        spec = snapshot.use_case(use_case).spec
        weights = resolve_weights(criteria=snapshot.criteria, explicit={}, use_case=spec)
        ranking = rank_seed_three(weights, use_case=spec, frameworks=rotated)
        assert ranking.winner.slug == wears[expected], use_case


def test_use_case_presets_fill_weights_and_explicit_weights_win(shipped_catalog):
    snapshot = catalog.current_snapshot()
    use_case = snapshot.use_case("prototypes-learning")
    form = CompareForm({"use_case": "prototypes-learning", "w-performance": "0"}, snapshot=snapshot)
    assert form.is_valid()
    weights = form.ranking().weights
    assert weights["performance"] == 0
    expected = resolve_weights(criteria=snapshot.criteria, explicit={}, use_case=use_case.spec)
    assert weights["learning-curve"] == expected["learning-curve"]


def test_compare_page_shows_the_seed_table_cell_for_cell(client, shipped_catalog):
    query = "&".join(f"frameworks={s}" for s in SEED_THREE)
    response = client.get(reverse("frameworks:compare") + "?" + query)
    assert response.status_code == 200
    html = response.content.decode()
    from html.parser import HTMLParser

    class TableParser(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows, self.row, self.in_table, self.in_cell_label = {}, None, False, False
            self.notes, self.in_cell_note = {}, False

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "table" and "comparison-table" in (attrs.get("class") or ""):
                self.in_table = True
            if self.in_table and tag == "tr" and "data-row" in attrs:
                self.row = attrs["data-row"]
                self.rows[self.row], self.notes[self.row] = [], []
            if self.in_table and tag == "span" and attrs.get("class") == "cell-label":
                self.in_cell_label = True
                self.notes[self.row].append("")
            if self.in_table and tag == "div" and "cell-note" in (attrs.get("class") or ""):
                self.in_cell_note = True

        def handle_endtag(self, tag):
            if tag == "table":
                self.in_table = False
            if tag == "span":
                self.in_cell_label = False
            if tag == "div":
                self.in_cell_note = False

        def handle_data(self, data):
            if self.in_cell_label and self.row:
                self.rows[self.row].append(data.strip())
            if self.in_cell_note and self.row:
                self.notes[self.row][-1] += data

    parser = TableParser()
    parser.feed(html)
    # Every row of the article's table is there; criteria added since follow as rows of their own.
    assert set(SEED_TABLE) <= set(parser.rows)
    assert set(parser.rows) - set(SEED_TABLE) == {"typing-validation", "maturity"}
    for row, article_labels in SEED_TABLE.items():
        cells = zip(parser.rows[row], parser.notes[row], article_labels, strict=True)
        for label, note, article_label in cells:
            assert article_cell_holds(label, note, article_label), (row, label, article_label)
    # Where the evidence moved on, the page says so in the cell rather than hiding the change.
    assert parser.rows["async-support"][0] != "Limited"
    assert "rated this Limited" in parser.notes["async-support"][0]
