"""A per-address limit on visitors' writes (suggestions), counted in the ``default`` cache.

The client's address is found the way the login lockout finds it (django-ipware with the
AXES_IPWARE_* settings that DJANGO_PROXY_COUNT sets), so a client behind the trusted proxies
cannot pick its own address by writing X-Forwarded-For.

The count is the times of the address's recent writes, a sliding window: at most ``limit`` in
any ``period`` seconds. When the cache cannot count (Redis down: comparator.cache turns its
errors into misses and failed writes), the limit fails closed: ``Unavailable`` is raised and
the visitor is asked to try again shortly. A suggestion can wait a few minutes; an unlimited
anonymous write path into the editors' queue while Redis is down cannot be taken back.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from ipware import get_client_ip


class Unavailable(Exception):
    """The cache could not count this write."""


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    #: When refused: seconds until the oldest counted write leaves the window.
    retry_after: int = 0


def client_address(request) -> str:
    address, _ = get_client_ip(
        request,
        proxy_count=settings.AXES_IPWARE_PROXY_COUNT,
        request_header_order=settings.AXES_IPWARE_META_PRECEDENCE_ORDER,
    )
    return address or "unknown"


def _key(scope: str, address: str) -> str:
    # Hashed: an address is personal data, and an IPv6 one holds characters some backends refuse.
    digest = hashlib.blake2b(address.encode(), digest_size=16).hexdigest()
    return f"throttle:{scope}:{digest}"


def hit(request, *, scope: str, limit: int, period: int) -> Verdict:
    """Count one write from the request's address, unless it already made ``limit``."""
    cache = caches["default"]
    key = _key(scope, client_address(request))
    now = time.time()
    times = cache.get(key)
    if times is None:
        # A first write, or a cache that answers nothing: only a successful add tells them
        # apart (two first writes at once: the second is asked to try again, also safe).
        if not cache.add(key, [now], timeout=period):
            raise Unavailable
        return Verdict(True)
    recent = [moment for moment in times if moment > now - period]
    if len(recent) >= limit:
        return Verdict(False, retry_after=max(1, int(min(recent) + period - now) + 1))
    cache.set(key, [*recent, now], timeout=period)
    return Verdict(True)
