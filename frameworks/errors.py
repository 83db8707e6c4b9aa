"""Error answers: the site's templates for pages, JSON for the API, whatever the status.

An unreachable database is a 503 "try again shortly", not a crash: pages show the 503
template and the API answers JSON, both without any detail of the failure.
"""

import logging
from http import HTTPStatus

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
#: What a client is told to wait before trying again when the database is unreachable.
RETRY_AFTER_SECONDS = 5

MESSAGES = {
    400: "The request could not be understood.",
    403: "You cannot use this address.",
    404: "Nothing lives at this address.",
    500: "Something went wrong on our side; the error has been logged.",
    503: "The catalog is unavailable for a moment; please try again shortly.",
}


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def json_error(status: int, message: str | None = None) -> JsonResponse:
    message = message or MESSAGES.get(status) or HTTPStatus(status).phrase
    return JsonResponse({"errors": {"request": [message]}}, status=status)


def answer(request, status: int, template: str):
    """The error as the client expects it: JSON under /api/, the site's template elsewhere."""
    if is_api(request):
        return json_error(status)
    return render(request, template, status=status)


def database_unavailable(request):
    response = answer(request, 503, "503.html")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class ErrorsMiddleware:
    """Database outages become 503s; API errors that did not come from our handlers (405 from a
    method check, Django's own 403 for a failed CSRF check) become JSON with their status."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            is_api(request)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            converted = json_error(response.status_code)
            for header in ("Allow", "Retry-After"):
                if header in response:
                    converted[header] = response[header]
            return converted
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            # One line per request: an outage must not flood the log with tracebacks.
            logger.error("Database unavailable for %s: %s", request.path, exception)
            return database_unavailable(request)
        return None
