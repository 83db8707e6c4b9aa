from django.core.exceptions import BadRequest
from django.urls import reverse


class AdminRejectsNulBytes:
    """Answers 400 to an admin URL whose path or query string holds a NUL byte.

    No editor types one; PostgreSQL refuses it in any text (a DataError, so a 500) wherever the
    admin passes it on: a changelist filter, a search, the autocomplete, an object id.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # request.path, like reverse(), carries the script prefix when the site runs under one.
        if request.path.startswith(reverse("admin:index")) and (
            "\x00" in request.path
            or any(
                "\x00" in key or "\x00" in "".join(values) for key, values in request.GET.lists()
            )
        ):
            raise BadRequest("The address holds a NUL byte.")
        return self.get_response(request)
