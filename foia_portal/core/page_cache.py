"""Rendered public pages, kept in each process and served again while their data is unchanged.

The public pages (the FAQ, the requester's status page) are read far more often than the data
under them changes, and building one (SQL, a 14 KB USWDS page from templates) costs ten times
what Flask itself costs per request. So a view names the data its page shows with a cheap
version stamp, and `cached_page` renders the page once per (URL, stamp) and answers from memory
after that. When the data changes the stamp changes, and the next request renders afresh: there
is nothing to invalidate and no window in which an edited page is served stale.

Each process keeps its own copy (gunicorn workers share nothing), bounded by bytes
(`PAGE_CACHE_MAX_BYTES`); the least recently used pages go first. Pages are kept as they are
sent, uncompressed: compressed (zlib's fastest level, a 14 KB page in 4 KB), a kept page took
30 to 55 microseconds to come back out on some machines, a quarter of answering from memory.
Only 200 answers without a cookie are kept. Every script on our pages carries the response's
CSP nonce: the nonce a page was rendered with is swapped for a fresh one on every hit, so no two
responses share one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from flask import Response, current_app, make_response

from foia_portal.public.templating import csp_nonce, rendered_nonce

EXTENSION_KEY = "page_cache"


class LruCache:
    """A dict that forgets its least recently used entries beyond `max_bytes` (thread-safe)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._entries[key] = (value, size)
            self.size += size
            while self.size > self.max_bytes:
                _, (_, forgotten) = self._entries.popitem(last=False)
                self.size -= forgotten

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0


@dataclass(frozen=True, slots=True)
class CachedPage:
    body: bytes
    nonce: bytes | None
    headers: tuple[tuple[str, str], ...]


# Headers a view sets that belong to the page itself; the security headers (CSP with the fresh
# nonce and the rest) are added to every response by the templating module's after_request hook.
KEPT_HEADERS = ("Content-Type", "Cache-Control", "Referrer-Policy", "X-Robots-Tag")


def app_cache(name: str, max_bytes: int) -> LruCache:
    """The current app's LruCache called `name`, made on first use (each process has its own)."""
    cache = current_app.extensions.get(name)
    if cache is None:
        cache = current_app.extensions.setdefault(name, LruCache(max_bytes))
    return cache


def page_cache() -> LruCache:
    """The public pages' cache."""
    return app_cache(EXTENSION_KEY, current_app.config["PAGE_CACHE_MAX_BYTES"])


def cached_page(
    key: Hashable,
    render: Callable[[], Any],
    cache: LruCache | None = None,
    keep_if: Callable[[], bool] | None = None,
    fill_in: dict[str, str] | None = None,
) -> Response:
    """The page `render()` makes, built once for `key` (which must name the data it shows).

    `cache`: another LruCache than the public pages' one (the staff queue keeps its own).
    `keep_if`: asked after rendering; a page it refuses is served but not kept.
    `fill_in`: placeholders `render()` writes where each response needs a value of its own (the
    request form's one-time token), and those values; like the CSP nonce, replaced in every
    response, rendered or kept. A placeholder must be a string nothing else on the page can be.
    """
    if not current_app.config["PAGE_CACHE_ENABLED"]:
        return _filled_in(make_response(render()), fill_in)
    if cache is None:
        cache = page_cache()
    page = cache.get(key)
    if page is None:
        response = make_response(render())
        keepable = response.status_code == 200 and "Set-Cookie" not in response.headers
        if keepable and (keep_if is None or keep_if()):
            page = _page_of(response)
            cache.put(key, page, len(page.body) + len(repr(key)) + 512)
        return _filled_in(response, fill_in)
    body = page.body
    if page.nonce is not None:
        body = body.replace(page.nonce, csp_nonce().encode())
    return current_app.response_class(_fill(body, fill_in), headers=page.headers)


def _filled_in(response: Response, fill_in: dict[str, str] | None) -> Response:
    if fill_in:
        response.set_data(_fill(response.get_data(), fill_in))
    return response


def _fill(body: bytes, fill_in: dict[str, str] | None) -> bytes:
    for placeholder, value in (fill_in or {}).items():
        body = body.replace(placeholder.encode(), value.encode())
    return body


def _page_of(response: Response) -> CachedPage:
    nonce = rendered_nonce()
    return CachedPage(
        body=response.get_data(),
        nonce=nonce.encode() if nonce else None,
        headers=tuple(
            (name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers
        ),
    )
