"""Ratings as CSV: one row per rating, ``framework,criterion,level,note,source``.

``read_ratings`` parses the text and ``check_ratings`` checks each row against the catalog;
both return every problem with its line number, so that a file is refused whole with all of
them listed. Frameworks and criteria are named by slug, levels by label (in any case). Cells
are stored as the text they are: a note that starts with ``=`` stays that text, never a
formula (the app writes no spreadsheet, and its pages escape what they show).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from . import models

COLUMNS = ("framework", "criterion", "level", "note", "source")


@dataclass(frozen=True, slots=True)
class CsvRating:
    line: int
    framework: str
    criterion: str
    level: str
    note: str
    source: str


def read_ratings(text: str) -> tuple[list[CsvRating], list[str]]:
    """The rows of a ratings CSV and every problem with its shape, by line."""
    errors, rows = [], []
    nul_lines = [n for n, line in enumerate(text.splitlines(), start=1) if "\x00" in line]
    if nul_lines:
        # Binary data, not text; the csv module would stop at the first one.
        return [], [f"Line {n}: contains the NUL character (binary data)" for n in nul_lines]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header_seen = False
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(f"Line {reader.line_num}: not readable as CSV ({error})")
            break  # the reader cannot resync after a broken quote
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if not header_seen:
            header_seen = True
            named = tuple(cell.strip().lower() for cell in cells)
            if named != COLUMNS:
                errors.append(
                    f"Line {line}: the first row must name the columns "
                    f"{', '.join(COLUMNS)} (it has {', '.join(cells)})"
                )
            continue
        if len(cells) != len(COLUMNS):
            errors.append(
                f"Line {line}: expected {len(COLUMNS)} columns ({', '.join(COLUMNS)}), "
                f"got {len(cells)}"
            )
            continue
        framework, criterion, level, note, source = (cell.strip() for cell in cells)
        rows.append(CsvRating(line, framework, criterion, level, note, source))
    if not header_seen:
        errors.append(
            f"The file is empty: its first row must name the columns {', '.join(COLUMNS)}"
        )
    elif not rows and not errors:
        errors.append("The file names its columns but holds no ratings")
    return rows, errors


def check_ratings(rows: list[CsvRating]) -> list[str]:
    """Every row that names something the catalog does not hold, or holds a bad value."""
    frameworks = set(models.Framework.objects.values_list("slug", flat=True))
    criteria = dict(models.Criterion.objects.values_list("slug", "name"))
    levels: dict[str, list[str]] = {slug: [] for slug in criteria}
    for slug, label in models.Level.objects.order_by("position", "value").values_list(
        "criterion__slug", "label"
    ):
        levels[slug].append(label)
    source_field = models.Rating._meta.get_field("source_url")
    errors, seen = [], {}
    for row in rows:
        where = f"Line {row.line}"
        if row.framework not in frameworks:
            errors.append(f"{where}: unknown framework “{row.framework}” (give its slug)")
        if row.criterion not in criteria:
            errors.append(f"{where}: unknown criterion “{row.criterion}” (give its slug)")
        elif level_label(row, levels) is None:
            errors.append(
                f"{where}: “{row.level}” is not a level of {criteria[row.criterion]} "
                f"(its levels: {', '.join(levels[row.criterion])})"
            )
        if row.source:
            try:
                source_field.clean(row.source, None)
            except ValidationError as error:
                errors.append(f"{where}: source “{row.source}”: {' '.join(error.messages)}")
        pair = (row.framework, row.criterion)
        if pair in seen:
            errors.append(
                f"{where}: the {row.criterion} rating of {row.framework} is already given "
                f"on line {seen[pair]}"
            )
        else:
            seen[pair] = row.line
    return errors


def level_label(row: CsvRating, levels: dict[str, list[str]]) -> str | None:
    """The label of the row's level as the catalog spells it, or None when it has none."""
    wanted = row.level.casefold()
    return next(
        (label for label in levels.get(row.criterion, ()) if label.casefold() == wanted), None
    )


def by_line(errors: list[str]) -> list[str]:
    """Errors in the order of the lines they name (stable; the file's own first)."""

    def line(error):
        number = error.removeprefix("Line ").partition(":")[0]
        return int(number) if number.isdigit() else 0

    return sorted(errors, key=line)
