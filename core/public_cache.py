"""Reads of the public pages go through the cache: a surge of residents costs the database
one set of queries per key and minute, whoever they are. The values are cached, not the
pages: a cached page would not serve visitors without a cookie and would carry another
visitor's CSRF token."""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

PUBLIC_CACHE_SECONDS = 60

T = TypeVar("T")


def cached_public(key: str, build: Callable[[], T], seconds: int = PUBLIC_CACHE_SECONDS) -> T:
    """``build()``'s value under ``key``, built at most once per ``seconds`` (``None`` is
    never cached: cache an empty value for "nothing there")."""
    data = cache.get(key)
    if data is None:
        data = build()
        cache.set(key, data, seconds)
    return data
