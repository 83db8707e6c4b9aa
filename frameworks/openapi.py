"""The OpenAPI 3.1 description of the JSON API, served at ``/api/schema/``.

Written by hand as data: the paths, parameters, responses and error bodies are a public
promise, so they are spelled out here rather than inferred. What follows from the catalog
(the criterion weights ``w-{slug}`` that /api/compare/ accepts, the slugs a parameter may
take) is added from the snapshot, so the document always matches the catalog it describes.
``tests/test_api_schema.py`` runs Schemathesis against it.
"""

from __future__ import annotations

import copy
import json

from django.urls import get_script_prefix

from . import scoring
from .catalog import Snapshot
from .presentation import WEIGHT_PREFIX

STRING = {"type": "string"}
URL = {"type": "string", "description": "An absolute URL, or empty when none is recorded."}
DATE = {"type": ["string", "null"], "format": "date"}
#: A criterion's weight as /api/compare/ reads it: one digit.
WEIGHTS = [str(i) for i in range(scoring.WEIGHT_MIN, scoring.WEIGHT_MAX + 1)]


def _object(properties: dict, description: str = "") -> dict:
    schema = {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _list(name: str) -> dict:
    return {"type": "array", "items": _ref(name)}


def _json(schema: dict, description: str, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


SCHEMAS = {
    "Errors": _object(
        {
            "errors": {
                "type": "object",
                "description": "Messages by field: a query parameter's name, `parameters` for "
                "the query as a whole, or `request` for the request itself.",
                "additionalProperties": {"type": "array", "items": STRING, "minItems": 1},
                "minProperties": 1,
            }
        },
        "Every error answer of the API has this shape, whatever its status.",
    ),
    "Contribution": _object(
        {
            "criterion": {**STRING, "description": "A criterion slug, or `use-case-fit`."},
            "name": STRING,
            "weight": {"type": "integer", "minimum": 0},
            "level": {
                **STRING,
                "description": "The level's label, `4/5` for a fit, or `Not rated`.",
            },
            "points": {"type": "number", "minimum": 0, "maximum": 100},
            "max_points": {"type": "number", "minimum": 0, "maximum": 100},
        },
        "What one criterion (or the use-case fit) added to a score.",
    ),
    "Result": _object(
        {
            "rank": {"type": "integer", "minimum": 1},
            "framework": {**STRING, "description": "The framework's slug."},
            "name": STRING,
            "score": {"type": "number", "minimum": 0, "maximum": 100},
            "eligible": {"type": "boolean", "description": "Meets every must-have."},
            "unmet": {
                "type": "array",
                "items": STRING,
                "description": "The must-haves (capability slugs) it lacks.",
            },
            "breakdown": {
                **_list("Contribution"),
                "description": "The points add up to the score (to one decimal).",
            },
            "reasons": {"type": "array", "items": STRING},
            "via": {
                "type": "object",
                "additionalProperties": STRING,
                "description": "The must-haves a marked extension met (capability slug: the "
                "extension's name), with `extensions=1`; empty otherwise.",
            },
            "eligible_if": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "extensions": {"type": "integer", "enum": [1]},
                        "via": {"type": "object", "additionalProperties": STRING},
                        "drop": STRING,
                    },
                    "additionalProperties": False,
                    "minProperties": 1,
                },
                "description": "For a framework that misses a must-have: each single change "
                "that would make it eligible (allow extensions, naming them; or drop one "
                "must-have). Empty for an eligible framework.",
            },
            "best_for": STRING,
            "url": {**STRING, "description": "The framework's page on this site."},
        },
        "One framework's place in the ranking. Eligible frameworks come first, best first.",
    ),
    "Rating": _object(
        {
            "criterion": STRING,
            "name": STRING,
            "level": STRING,
            "value": {"type": "integer", "minimum": 0, "maximum": scoring.VALUE_MAX},
            "note": STRING,
            "source_url": URL,
            "reviewed_on": DATE,
        }
    ),
    "Support": _object(
        {
            "capability": STRING,
            "name": STRING,
            "support": {"type": "string", "enum": ["built_in", "partial", "extension", "none"]},
            "extension": {**STRING, "description": "The extension that provides it, if any."},
            "detail": STRING,
            "source_url": URL,
        }
    ),
    "Fit": _object(
        {
            "use_case": STRING,
            "name": STRING,
            "fit": {"type": "integer", "minimum": 0, "maximum": scoring.FIT_MAX},
            "note": STRING,
        }
    ),
    "Point": _object({"text": STRING, "source_url": URL}),
    "Framework": _object(
        {
            "slug": STRING,
            "name": STRING,
            "tagline": STRING,
            "overview": STRING,
            "category": STRING,
            "category_label": STRING,
            "license": STRING,
            "first_release": {"type": ["integer", "null"]},
            "latest_version": STRING,
            "website": URL,
            "docs_url": URL,
            "repository_url": URL,
            "best_for": STRING,
            "choose_if": STRING,
            "color": STRING,
            "last_reviewed": DATE,
            "url": {**STRING, "description": "The framework's page on this site."},
            "ratings": _list("Rating"),
            "capabilities": _list("Support"),
            "use_cases": _list("Fit"),
            "pros": _list("Point"),
            "cons": _list("Point"),
        },
        "A published framework: its facts, its rating on each criterion (with the note, the "
        "source and the review date), its support for each capability and its fit for each "
        "use case.",
    ),
    "Level": _object({"label": STRING, "value": {"type": "integer", "minimum": 0}}),
    "Criterion": _object(
        {
            "slug": STRING,
            "name": STRING,
            "default_weight": {"type": "integer", "minimum": 0, "maximum": scoring.WEIGHT_MAX},
            "help_text": STRING,
            "levels": _list("Level"),
        }
    ),
    "Capability": _object({"slug": STRING, "name": STRING, "description": STRING}),
    "UseCase": _object(
        {
            "slug": STRING,
            "name": STRING,
            "description": STRING,
            "fit_weight": {"type": "integer", "minimum": 0},
            "weights": {
                "type": "object",
                "additionalProperties": {"type": "integer", "minimum": 0},
                "description": "The weight this use case sets, by criterion slug.",
            },
        }
    ),
    "Catalog": _object(
        {
            "frameworks": _list("Framework"),
            "criteria": _list("Criterion"),
            "capabilities": _list("Capability"),
            "use_cases": _list("UseCase"),
        },
        "The published catalog: enough to score frameworks on your own.",
    ),
}

ETAG = {
    "ETag": {
        "description": "Changes when editors change the catalog; send it back in "
        "If-None-Match to get a 304.",
        "required": True,
        "schema": STRING,
    }
}

RESPONSES = {
    "BadRequest": _json(_ref("Errors"), "The query could not be used; errors by parameter."),
    "NotFound": _json(_ref("Errors"), "Nothing is published at this address."),
    "MethodNotAllowed": {
        **_json(
            _ref("Errors"),
            "Any method but GET, HEAD (and a CORS preflight OPTIONS) is answered 405.",
        ),
        "headers": {"Allow": {"schema": STRING, "description": "`GET, HEAD`"}},
    },
    "Unavailable": {
        **_json(_ref("Errors"), "The catalog is unavailable for a moment."),
        "headers": {"Retry-After": {"schema": STRING, "description": "Seconds to wait."}},
    },
    "NotModified": {"description": "The catalog has not changed since the given ETag."},
}


def _common(*statuses: str) -> dict:
    names = {"304": "NotModified", "400": "BadRequest", "404": "NotFound",
             "405": "MethodNotAllowed", "503": "Unavailable"}  # fmt: skip
    return {status: {"$ref": f"#/components/responses/{names[status]}"} for status in statuses}


def _enum(values: list[str]) -> dict:
    # JSON Schema wants an enum to list something; an empty catalog leaves it out.
    return {"type": "string", "enum": values} if values else dict(STRING)


def _compare_parameters(snapshot: Snapshot) -> list[dict]:
    frameworks = [f.slug for f in snapshot.frameworks]
    capabilities = [c.slug for c in snapshot.capabilities]
    parameters = [
        {
            "name": "frameworks",
            "in": "query",
            "description": "Frameworks to compare (repeat the parameter; repeats are ignored); "
            "none means every published framework. A query of more parameters in all than the "
            "form has fields, frameworks and capabilities, plus 20, is refused (400).",
            "style": "form",
            "explode": True,
            "schema": {
                "type": "array",
                "items": _enum(frameworks),
            },
        },
        {
            "name": "use_case",
            "in": "query",
            "description": "The kind of project: sets weights and adds how well each "
            "framework fits it.",
            "schema": _enum([u.slug for u in snapshot.use_cases]),
        },
    ]
    for criterion in snapshot.criteria:
        parameters.append(
            {
                "name": WEIGHT_PREFIX + criterion.slug,
                "in": "query",
                "description": f"How much {criterion.name} matters, 0 to {scoring.WEIGHT_MAX}, "
                f"written as that one digit (as the form's buttons send it: 03, +3 or 3.0 are "
                f"refused). Missing or empty (as a form sends a blank field): the use case's "
                f"weight, else the default ({criterion.default_weight}).",
                # The texts the API reads, not "integer": JSON Schema's integers include 3.0,
                # which a query would carry as "3.0", and the form refuses it.
                "schema": {"type": "string", "enum": ["", *WEIGHTS]},
            }
        )
    parameters.append(
        {
            "name": "require",
            "in": "query",
            "description": "Must-haves (repeat the parameter): frameworks that lack one are "
            "ranked after those that have them all.",
            "style": "form",
            "explode": True,
            "schema": {
                "type": "array",
                "items": _enum(capabilities),
            },
        }
    )
    parameters.append(
        {
            "name": "extensions",
            "in": "query",
            "description": "0 (default): a must-have is met only by what ships with the "
            "framework; 1: a well-known, maintained extension that editors marked counts too, "
            "and is named in `via`.",
            "schema": {"type": "integer", "enum": [0, 1], "default": 0},
        }
    )
    return parameters


def _paths(snapshot: Snapshot) -> dict:
    slugs = [f.slug for f in snapshot.frameworks]
    slug_parameter = {
        "name": "slug",
        "in": "path",
        "required": True,
        "description": "A published framework's slug.",
        "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
    }
    if slugs:
        slug_parameter["example"] = slugs[0]
    return {
        "/api/compare/": {
            "get": {
                "operationId": "compare",
                "summary": "Rank frameworks against your requirements",
                "description": "The JSON twin of the results page `/compare/`, with the same "
                "parameters. A query whose weights are all 0 has nothing to compare: 400.",
                "parameters": _compare_parameters(snapshot),
                "responses": {
                    "200": _json(
                        _list("Result"),
                        "The ranking, best first.",
                        {
                            **ETAG,
                            "Link": {
                                "schema": STRING,
                                "required": True,
                                "description": "The results page for the same query.",
                            },
                        },
                    ),
                    **_common("304", "400", "405", "503"),
                },
            }
        },
        "/api/frameworks/": {
            "get": {
                "operationId": "listFrameworks",
                "summary": "The published catalog",
                "responses": {
                    "200": _json(_ref("Catalog"), "Every published framework, in full.", ETAG),
                    **_common("304", "405", "503"),
                },
            }
        },
        "/api/frameworks/{slug}/": {
            "get": {
                "operationId": "getFramework",
                "summary": "One published framework",
                "parameters": [slug_parameter],
                "responses": {
                    "200": _json(_ref("Framework"), "The framework, in full.", ETAG),
                    **_common("304", "404", "405", "503"),
                },
            }
        },
        "/api/schema/": {
            "get": {
                "operationId": "schema",
                "summary": "This document",
                "responses": {
                    "200": _json({"type": "object"}, "The OpenAPI 3.1 description.", ETAG),
                    **_common("304", "405", "503"),
                },
            }
        },
    }


def document(snapshot: Snapshot) -> dict:
    prefix = get_script_prefix().rstrip("/")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Framework Comparator API",
            "version": "1",
            "summary": "Rank Python web frameworks against your requirements, and read the "
            "catalog the ranking comes from.",
            "description": "Read-only, no authentication, CORS open to any origin for GET. "
            "Answers carry an ETag that changes when editors change the catalog. Every error "
            'is JSON: `{"errors": {field: [message, …]}}`.',
        },
        "servers": [{"url": prefix or "/"}],
        "paths": _paths(snapshot),
        "components": {
            "schemas": copy.deepcopy(SCHEMAS),
            "responses": copy.deepcopy(RESPONSES),
        },
    }


def document_json(snapshot: Snapshot) -> str:
    """The document as JSON text, built once per snapshot and deployment prefix."""
    return snapshot.derived(
        ("openapi", get_script_prefix()),
        lambda: json.dumps(document(snapshot), ensure_ascii=False, indent=1),
    )


def _type_text(schema: dict) -> str:
    """A schema in a few words, for the reference page: "integer, 0 to 5", "list of Rating"."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type", "any")
    if isinstance(kind, list):
        kind = " or ".join(kind)
    if kind == "array":
        return "list of " + _type_text(schema.get("items", {}))
    words = [kind]
    if schema.get("format"):
        words[0] += f" ({schema['format']})"
    if "enum" in schema:
        words.append("one of " + ", ".join(map(str, schema["enum"])))
    if "minimum" in schema and "maximum" in schema:
        words.append(f"{schema['minimum']} to {schema['maximum']}")
    return ", ".join(words)


def reference(snapshot: Snapshot) -> dict:
    """The document as plain rows for the API page: each operation with its parameters and
    responses, and each schema with its properties."""
    doc = document(snapshot)
    responses = doc["components"]["responses"]
    operations = []
    for path_, methods in doc["paths"].items():
        for method, op in methods.items():
            answers = []
            for status, answer in op["responses"].items():
                if "$ref" in answer:
                    answer = responses[answer["$ref"].rsplit("/", 1)[-1]]
                content = answer.get("content", {}).get("application/json", {})
                body = _type_text(content["schema"]) if content else "empty"
                answers.append({"status": status, "description": answer["description"],
                                "body": body})  # fmt: skip
            operations.append(
                {
                    "id": op["operationId"],
                    "method": method.upper(),
                    "path": path_,
                    "summary": op["summary"],
                    "description": op.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "type": _type_text(p["schema"]),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "responses": answers,
                }
            )
    schemas = [
        {
            "name": name,
            "description": schema.get("description", ""),
            "properties": [
                {"name": prop, "type": _type_text(sub), "description": sub.get("description", "")}
                for prop, sub in schema["properties"].items()
            ],
        }
        for name, schema in doc["components"]["schemas"].items()
    ]
    return {"info": doc["info"], "operations": operations, "schemas": schemas}
