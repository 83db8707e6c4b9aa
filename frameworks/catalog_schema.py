"""The shape of a catalog document, checked whole before anything is written.

``read_document`` parses a file within size and depth limits; ``validate`` returns every
problem it finds, each with its path in the document (``frameworks[3].ratings.performance:
unknown level "Fast"``). Values are checked by the model fields themselves (lengths, ranges,
choices, URLs, slugs), so a file is held to exactly what an editor may save in the admin.
References may name rows of the file or rows already in the database.
"""

from __future__ import annotations

import datetime
import json

from django.core.exceptions import ValidationError
from django.db import models as db

from . import models

FORMAT = 1
MAX_BYTES = 20 * 1024 * 1024

CRITERION = ("slug", "name"), ("help_text", "default_weight", "position", "measure")
LEVEL = ("label", "value"), ("position", "definition", "threshold")
CAPABILITY = ("slug", "name"), ("description", "position")
USE_CASE = ("slug", "name"), ("description", "fit_weight", "position")
FRAMEWORK = (
    ("slug", "name"),
    (
        "tagline",
        "overview",
        "category",
        "website",
        "docs_url",
        "repository_url",
        "license",
        "first_release",
        "latest_version",
        "pypi_package",
        "best_for",
        "choose_if",
        "color",
        "symbol",
        "is_published",
        "last_reviewed",
        "flagged_reason",
        "flagged_on",
    ),
)
RATING = (
    ("level",),
    (
        "note",
        "internal_note",
        "source_url",
        "source_as_of",
        "figure",
        "figure_value",
        "figure_as_of",
        "reviewed_on",
        "flagged_reason",
        "flagged_on",
    ),
)
SUPPORT = ("support",), (
    "extension", "extension_recommended", "extension_url", "detail", "internal_note", "source_url",
)  # fmt: skip
FIT = ("fit",), ("note", "internal_note")
POINT = ("text",), ("source_url",)


class CatalogError(ValueError):
    """The document is not a catalog this version can read; ``errors`` lists every reason."""

    def __init__(self, errors):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("\n".join(self.errors))


class _Object(dict):
    """A JSON object that remembers the keys it was given more than once."""

    duplicates: tuple[str, ...] = ()


def _object(pairs):
    obj = _Object(pairs)
    if len(obj) < len(pairs):
        seen = set()
        obj.duplicates = tuple(k for k, _ in pairs if k in seen or seen.add(k))
    return obj


def read_document(raw: bytes, *, name: str = "the file") -> dict:
    """Parse a catalog file, refusing what is too large or too deeply nested to read safely."""
    if len(raw) > MAX_BYTES:
        raise CatalogError(
            f"{name} is {len(raw):,} bytes; a catalog file may be at most {MAX_BYTES:,}."
        )
    try:
        return json.loads(raw.decode("utf-8"), object_pairs_hook=_object)
    except UnicodeDecodeError as error:
        raise CatalogError(f"{name} is not UTF-8 text: {error}") from error
    except json.JSONDecodeError as error:
        raise CatalogError(f"{name} is not valid JSON: {error}") from error
    except RecursionError as error:
        # The json module recurses once per nesting level; a catalog is six levels deep.
        raise CatalogError(f"{name} is nested too deeply to be a catalog.") from error


def _kind(value) -> str:
    if value is None:
        return "null"
    return {
        bool: "true/false",
        int: "a whole number",
        float: "a number",
        str: "text",
        list: "a list",
    }.get(type(value), "an object")


def _field_error(model, name, value) -> str | None:
    """Why ``value`` cannot be stored in ``model.name``, or None when it can."""
    field = model._meta.get_field(name)
    if value is None:
        # Blank text may be written as null; other fields only where the model allows null.
        if field.null or (field.blank and isinstance(field, db.CharField | db.TextField)):
            return None
        if isinstance(field, db.DateField) and field.has_default():
            return None
        return "must not be null"
    if field.is_relation:
        # A reference by name, such as a rating's level label: checked against the catalog.
        return None if isinstance(value, str) else f"expected text, got {_kind(value)}"
    if isinstance(field, db.BooleanField):
        expected, ok = "true or false", isinstance(value, bool)
    elif isinstance(field, db.IntegerField):
        expected, ok = "a whole number", isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(field, db.DateField):
        expected, ok = "a date as text (YYYY-MM-DD)", isinstance(value, str)
        if ok:
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                return f'"{value}" is not a date (YYYY-MM-DD)'
    else:
        expected, ok = "text", isinstance(value, str)
    if not ok:
        return f"expected {expected}, got {_kind(value)}"
    if isinstance(value, str) and "\x00" in value:
        # Model fields carry no such check (forms do), and PostgreSQL refuses the character.
        return "must not contain the NUL character"
    try:
        field.run_validators(value)
        field.validate(value, None)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


class _Checker:
    def __init__(self):
        self.errors: list[str] = []

    def error(self, path, message):
        self.errors.append(f"{path}: {message}")

    def object(self, path, value) -> bool:
        if not isinstance(value, dict):
            self.error(path, f"expected an object, got {_kind(value)}")
            return False
        for key in getattr(value, "duplicates", ()):
            self.error(path, f'key "{key}" is given more than once')
        return True

    def list(self, path, value) -> bool:
        if not isinstance(value, list):
            self.error(path, f"expected a list, got {_kind(value)}")
            return False
        return True

    def entry(self, path, value, model, shape, nested=()) -> bool:
        """Check an object's keys and field values; True when its required keys are usable."""
        if not self.object(path, value):
            return False
        required, optional = shape
        for key in value:
            if key not in required and key not in optional and key not in nested:
                self.error(path, f'unknown key "{key}"')
        usable = True
        for key in required:
            if key not in value:
                self.error(path, f'missing "{key}"')
                usable = False
        for key in (*required, *optional):
            if key in value:
                message = _field_error(model, key, value[key])
                if message:
                    self.error(f"{path}.{key}", message)
                    usable = usable and key not in required
        return usable

    def unique(self, path, entries, key, label):
        """Report each value of ``key`` that more than one usable entry gives."""
        seen = {}
        for index, entry in entries:
            value = entry[key]
            if value in seen:
                self.error(
                    f"{path}[{index}].{key}",
                    f'{label} "{value}" is already given at {path}[{seen[value]}]',
                )
            else:
                seen[value] = index

    def items(self, path, value):
        """The usable entries of a list, with their indexes."""
        return list(enumerate(value)) if self.list(path, value) else []


def validate(data, *, known=None) -> list[str]:
    """Every problem with ``data`` as a catalog document; an empty list when it can be loaded.

    ``known`` gives what references may name besides the file's own rows: the slugs of
    criteria, capabilities and use cases, and the level labels of each criterion, as they are
    in the database (see ``catalog_io.known_references``).
    """
    known = known or {}
    check = _Checker()
    if not check.object("catalog", data):
        return check.errors
    sections = ("criteria", "capabilities", "use_cases", "frameworks")
    for key in data:
        if key != "format" and key not in sections:
            check.error("catalog", f'unknown key "{key}"')
    if data.get("format") != FORMAT:
        check.error("catalog.format", f"expected {FORMAT}, got {json.dumps(data.get('format'))}")

    criteria = _criteria(check, data.get("criteria", []), known)
    capabilities = set(known.get("capabilities", ()))
    if not isinstance(data.get("capabilities", []), list):
        capabilities = None  # references to them cannot be checked; the section is reported
    good = []
    for index, entry in check.items("capabilities", data.get("capabilities", [])):
        if check.entry(f"capabilities[{index}]", entry, models.Capability, CAPABILITY):
            good.append((index, entry))
            capabilities.add(entry["slug"])
    check.unique("capabilities", good, "slug", "slug")
    check.unique("capabilities", good, "name", "name")

    use_cases = set(known.get("use_cases", ()))
    if not isinstance(data.get("use_cases", []), list):
        use_cases = None
    good = []
    for index, entry in check.items("use_cases", data.get("use_cases", [])):
        path = f"use_cases[{index}]"
        if check.entry(path, entry, models.UseCase, USE_CASE, nested=("presets",)):
            good.append((index, entry))
            use_cases.add(entry["slug"])
        presets = entry.get("presets", {}) if isinstance(entry, dict) else {}
        if check.object(f"{path}.presets", presets):
            for slug, weight in presets.items():
                if criteria is not None and slug not in criteria:
                    check.error(f"{path}.presets.{slug}", f'unknown criterion "{slug}"')
                message = _field_error(models.UseCasePreset, "weight", weight)
                if message:
                    check.error(f"{path}.presets.{slug}", message)
    check.unique("use_cases", good, "slug", "slug")
    check.unique("use_cases", good, "name", "name")

    good = []
    for index, entry in check.items("frameworks", data.get("frameworks", [])):
        path = f"frameworks[{index}]"
        nested = ("ratings", "capabilities", "use_case_fits", "pros", "cons")
        if check.entry(path, entry, models.Framework, FRAMEWORK, nested=nested):
            good.append((index, entry))
        if isinstance(entry, dict):
            _framework_parts(check, path, entry, criteria, capabilities, use_cases)
    check.unique("frameworks", good, "slug", "slug")
    check.unique("frameworks", good, "name", "name")
    return check.errors


def _criteria(check, entries, known) -> dict[str, set[str]] | None:
    """Check the criteria; return the level labels of every criterion a rating may name, or
    None when the section is unreadable and references to it cannot be checked."""
    if not check.list("criteria", entries):
        return None
    levels = {slug: set(labels) for slug, labels in known.get("criteria", {}).items()}
    good = []
    for index, entry in check.items("criteria", entries):
        path = f"criteria[{index}]"
        usable = check.entry(path, entry, models.Criterion, CRITERION, nested=("levels",))
        if usable:
            good.append((index, entry))
        labels = []
        raw_levels = entry.get("levels", []) if isinstance(entry, dict) else []
        for position, level in check.items(f"{path}.levels", raw_levels):
            if check.entry(f"{path}.levels[{position}]", level, models.Level, LEVEL):
                labels.append((position, level))
        check.unique(f"{path}.levels", labels, "label", "label")
        if usable:
            levels.setdefault(entry["slug"], set()).update(level["label"] for _, level in labels)
    check.unique("criteria", good, "slug", "slug")
    check.unique("criteria", good, "name", "name")
    return levels


def _framework_parts(check, path, entry, criteria, capabilities, use_cases):
    ratings = entry.get("ratings", {})
    if check.object(f"{path}.ratings", ratings):
        for slug, rating in ratings.items():
            where = f"{path}.ratings.{slug}"
            if criteria is not None and slug not in criteria:
                check.error(where, f'unknown criterion "{slug}"')
            if (
                check.entry(where, rating, models.Rating, RATING)
                and criteria is not None
                and slug in criteria
                and rating["level"] not in criteria[slug]
            ):
                check.error(where, f'unknown level "{rating["level"]}"')
    supports = entry.get("capabilities", {})
    if check.object(f"{path}.capabilities", supports):
        for slug, support in supports.items():
            where = f"{path}.capabilities.{slug}"
            if capabilities is not None and slug not in capabilities:
                check.error(where, f'unknown capability "{slug}"')
            if (
                check.entry(where, support, models.FrameworkCapability, SUPPORT)
                and support["support"] == models.FrameworkCapability.Support.EXTENSION
                and not (support.get("extension") or "").strip()
            ):
                check.error(f"{where}.extension", "name the extension that provides this")
            if (
                isinstance(support, dict)
                and support.get("extension_recommended") is True
                and support.get("support") != models.FrameworkCapability.Support.EXTENSION
            ):
                check.error(
                    f"{where}.extension_recommended", "only support via an extension can be marked"
                )
    fits = entry.get("use_case_fits", {})
    if check.object(f"{path}.use_case_fits", fits):
        for slug, fit in fits.items():
            where = f"{path}.use_case_fits.{slug}"
            if use_cases is not None and slug not in use_cases:
                check.error(where, f'unknown use case "{slug}"')
            check.entry(where, fit, models.UseCaseFit, FIT)
    for kind in ("pros", "cons"):
        good = [
            (index, point)
            for index, point in check.items(f"{path}.{kind}", entry.get(kind, []))
            if check.entry(f"{path}.{kind}[{index}]", point, models.ProCon, POINT)
        ]
        check.unique(f"{path}.{kind}", good, "text", "text")
