"""Editors' preview: an unpublished framework on its public page and in a comparison.

Only a request that names a draft (its page's slug, or ``frameworks=`` in a comparison) from a
logged-in editor gets a preview. Its catalog snapshot is read for that request alone, holding
the public catalog plus the named drafts, and is never kept: not as the process's snapshot,
not in the ``pages`` or ``fragments`` caches (the views answer it ``private, no-store``,
without an ETag). Every other request, anonymous or not, is served the public path unchanged.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import SuspiciousOperation

from . import catalog
from .models import Framework

#: More drafts than a comparison can show are not looked up.
MAX_DRAFTS = 50


def is_editor(request) -> bool:
    """A logged-in editor who may see unpublished frameworks.

    A request without a session cookie cannot be logged in: it is answered without loading a
    session, so anonymous visitors cost nothing more than the cookie check.
    """
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = request.user
    return user.is_active and user.is_staff and user.has_perm("frameworks.view_framework")


def _named(request, kwargs) -> list[str]:
    slugs = [kwargs["slug"]] if "slug" in kwargs else []
    try:
        slugs += request.GET.getlist("frameworks")
    except SuspiciousOperation:  # too many fields: the view refuses the query itself
        return slugs
    return slugs


def snapshot_for(request, kwargs) -> catalog.Snapshot | None:
    """The preview snapshot when an editor names unpublished frameworks, else None."""
    if not is_editor(request):
        return None
    public = catalog.current_snapshot()
    unknown = {slug for slug in _named(request, kwargs) if public.framework(slug) is None}
    if not unknown:
        return None
    drafts = frozenset(
        Framework.objects.filter(is_published=False, slug__in=sorted(unknown)[:MAX_DRAFTS])
        .values_list("slug", flat=True)
    )  # fmt: skip
    if not drafts:
        return None
    # Its own version string: nothing keyed by version can mistake it for the public one.
    return catalog.load_snapshot(f"{public.version}+preview", drafts=drafts)
