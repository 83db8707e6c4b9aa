"""docs/testing.md names the test behind each README promise: every name it gives must exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = re.compile(r"`(test_\w+\.py)?::(\w+)`")


def named_tests(text: str) -> list[tuple[str, str]]:
    """(file, test) pairs; a bare `::name` belongs to the file named last before it."""
    pairs, current = [], None
    for match in REFERENCE.finditer(text):
        current = match.group(1) or current
        pairs.append((current, match.group(2)))
    return pairs


def missing_tests(text: str) -> list[str]:
    return [
        f"{file}::{name}"
        for file, name in named_tests(text)
        if f"def {name}(" not in (ROOT / "tests" / file).read_text(encoding="utf-8")
    ]


def test_every_test_the_testing_doc_names_exists():
    text = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    assert len(named_tests(text)) > 80
    assert missing_tests(text) == []


def test_the_check_notices_a_missing_test():
    text = "`test_docs.py::test_the_check_notices_a_missing_test`, `::test_renamed_away`"
    assert missing_tests(text) == ["test_docs.py::test_renamed_away"]


def test_the_readme_stays_short_and_points_to_the_docs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode()) <= 8192
    for doc in ("docs/architecture.md", "docs/testing.md", "docs/benchmarks.md"):
        assert doc in readme
        assert (ROOT / doc).exists()
