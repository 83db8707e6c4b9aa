"""Django's Redis cache, made an optimisation rather than a dependency.

Every Redis call is guarded: an error (Redis gone, paused past the socket timeout, refusing
writes) is logged as a warning and answered as a miss or a failed write, so the caller goes
on to the database. After a failure the process leaves Redis alone for ``RETRY_AFTER``
seconds (a small circuit breaker shared by its threads), so a dead or hung Redis costs one
timeout per process per period, not one per request.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

#: Seconds a process serves without Redis after a Redis call failed.
RETRY_AFTER = 2.0


class Breaker:
    """Open (skip Redis) for ``retry_after`` seconds after a failure, then try again."""

    def __init__(self, name: str, retry_after: float):
        self.name = name
        self.retry_after = retry_after
        self.open_until = 0.0
        self._lock = threading.Lock()

    def is_open(self) -> bool:
        return time.monotonic() < self.open_until

    def failed(self, operation: str, error: Exception) -> None:
        with self._lock:
            # One warning per outage period and process, not one per request.
            if not self.is_open():
                logger.warning(
                    "Cache %s failed on %s (%s: %s); using the database for %g s.",
                    self.name,
                    operation,
                    type(error).__name__,
                    error,
                    self.retry_after,
                )
            self.open_until = time.monotonic() + self.retry_after


# Django builds one cache object per thread; the breaker is per process and server list.
_breakers: dict[tuple[str, ...], Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(servers, retry_after: float) -> Breaker:
    key = tuple(servers)
    with _breakers_lock:
        if key not in _breakers:
            _breakers[key] = Breaker(",".join(key), retry_after)
        return _breakers[key]


def _guarded(fallback):
    """Run the Redis call unless the breaker is open; on a Redis error, ``fallback(*args)``."""

    def decorate(method):
        @wraps(method)
        def wrapper(self, *args):
            if self.breaker.is_open():
                return fallback(*args)
            try:
                return method(self, *args)
            except self._lib.RedisError as error:
                self.breaker.failed(method.__name__, error)
                return fallback(*args)

        return wrapper

    return decorate


def _nothing(*args):
    return None


def _false(*args):
    return False


class ResilientRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, *, retry_after=RETRY_AFTER, **options):
        super().__init__(servers, **options)
        self.breaker = breaker_for(servers, retry_after)

    add = _guarded(_false)(RedisCacheClient.add)
    get = _guarded(lambda key, default: default)(RedisCacheClient.get)
    set = _guarded(_nothing)(RedisCacheClient.set)
    touch = _guarded(_false)(RedisCacheClient.touch)
    delete = _guarded(_false)(RedisCacheClient.delete)
    get_many = _guarded(lambda keys: {})(RedisCacheClient.get_many)
    has_key = _guarded(_false)(RedisCacheClient.has_key)
    set_many = _guarded(_nothing)(RedisCacheClient.set_many)
    delete_many = _guarded(_nothing)(RedisCacheClient.delete_many)
    clear = _guarded(_false)(RedisCacheClient.clear)

    def incr(self, key, delta):
        # A counter that cannot be read is, for the caller, a counter that is not there.
        if self.breaker.is_open():
            raise ValueError(f"Key '{key}' not found (cache unavailable).")
        try:
            return super().incr(key, delta)
        except self._lib.RedisError as error:
            self.breaker.failed("incr", error)
            raise ValueError(f"Key '{key}' not found (cache unavailable).") from error


class ResilientRedisCache(RedisCache):
    """``RedisCache`` whose failures are warnings and misses; see the module docstring.

    ``OPTIONS`` go to redis-py's connection pool as usual (set short ``socket_timeout`` and
    ``socket_connect_timeout``); ``OPTIONS["retry_after"]`` sets the breaker's period.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
