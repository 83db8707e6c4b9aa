"""/api/schema/: a valid OpenAPI 3.1 document, and the API answers as it says (Schemathesis).

Schemathesis generates requests from the document (valid and invalid parameters, unknown
slugs) and checks every answer against it: a documented status, the documented body and
headers, never a 500. It calls the WSGI application in-process, over the shipped catalog.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV31SpecValidator
from schemathesis import GenerationMode

from comparator.wsgi import application

SCHEMA_URL = "/api/schema/"
#: Examples per operation: enough to reach every parameter's edge (a weight of 0 and 5, an
#: unknown slug, every criterion zeroed), few enough to keep `make test` quick.
MAX_EXAMPLES = 40


#: Every operation the document describes (a test below checks it is all of the API).
OPERATIONS = ["/api/compare/", "/api/frameworks/", "/api/frameworks/{slug}/", SCHEMA_URL]


@pytest.fixture
def connection_kept_across_requests():
    """Calling the WSGI application directly fires Django's request signals, whose handler closes
    a connection inside a transaction at the end of every request: on PostgreSQL that would end
    the test's own transaction. Django's test client disconnects the handler the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_api_answers_as_documented(shipped_catalog, connection_kept_across_requests):
    """Valid and invalid requests to every operation; one test, so that the shipped catalog is
    loaded once. Schemathesis' own pytest loader (from_fixture) does not run under pytest 9,
    so each operation's strategies are driven by Hypothesis here, inside the test's database."""
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, application)
    assert sorted(schema) == sorted(OPERATIONS)
    for path in OPERATIONS:
        operation = schema[path]["GET"]
        modes = [GenerationMode.POSITIVE]
        if operation.query or operation.path_parameters:
            modes.append(GenerationMode.NEGATIVE)  # nothing to get wrong without parameters
        for mode in modes:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=MAX_EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,  # the same requests on every run: CI fails only on a change
                suppress_health_check=list(HealthCheck),
            )
            def answers_as_documented(case):
                # Schemathesis asks for gzip but its WSGI transport does not decompress; the
                # compression itself is tested in test_performance_contract.
                case.call_and_validate(headers={"Accept-Encoding": "identity"})

            answers_as_documented()


def test_schema_is_valid_openapi_3_1(client, shipped_catalog):
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    assert document["openapi"].startswith("3.1")
    validate(document, cls=OpenAPIV31SpecValidator)


def test_schema_describes_every_api_endpoint(client, shipped_catalog):
    from django.urls import get_resolver

    document = client.get(SCHEMA_URL).json()
    documented = set(document["paths"])
    (site,) = [p for p in get_resolver().url_patterns if getattr(p, "app_name", "") == "frameworks"]
    routes = {
        "/" + str(pattern.pattern).replace("<slug:slug>", "{slug}")
        for pattern in site.url_patterns
        if str(pattern.pattern).startswith("api/") and pattern.name != "api-docs"
    }
    assert routes == documented


def test_weights_come_from_the_catalog(client, shipped_catalog):
    document = client.get(SCHEMA_URL).json()
    names = {p["name"] for p in document["paths"]["/api/compare/"]["get"]["parameters"]}
    criteria = {"w-" + c["slug"] for c in shipped_catalog["criteria"]}
    assert criteria <= names
    frameworks = document["paths"]["/api/compare/"]["get"]["parameters"][0]["schema"]["items"]
    assert set(frameworks["enum"]) == {f["slug"] for f in shipped_catalog["frameworks"]}


def test_every_error_status_is_documented_with_the_errors_body(client, shipped_catalog):
    document = client.get(SCHEMA_URL).json()
    responses = document["components"]["responses"]
    for status, name in {"400": "BadRequest", "404": "NotFound", "405": "MethodNotAllowed",
                         "503": "Unavailable"}.items():  # fmt: skip
        body = responses[name]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/Errors"}, status
    errors = document["components"]["schemas"]["Errors"]
    # The real answers have that shape.
    for url, status in (("/api/frameworks/nope/", 404), ("/api/compare/?w-performance=9", 400)):
        answer = client.get(url)
        assert answer.status_code == status
        assert list(answer.json()) == list(errors["properties"])
    assert json.loads(client.post("/api/frameworks/").content) == {
        "errors": {"request": ["Method Not Allowed"]}
    }
