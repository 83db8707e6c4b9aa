"""Addresses without arguments, reversed once per deployment prefix.

reverse() walks the URL resolver on every call; the results page needs
the same few addresses on every request.
"""

from functools import lru_cache

from django.urls import get_script_prefix, reverse


@lru_cache(maxsize=16)
def _path(name: str, prefix: str) -> str:
    return reverse(name)


def path(name: str) -> str:
    """reverse(name), for a URL pattern that takes no arguments."""
    return _path(name, get_script_prefix())
