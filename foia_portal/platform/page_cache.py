"""Whole public pages, served again from Flask-Caching while the data they show is unchanged.

The public pages (home, the FOIA guide, the FAQ, the requester's status page) are read far more
often than the data under them changes. A view names that data in the key: the FAQ pages the
FAQ's content version (platform/content_version.py), a status page its request's stamp. When the data
changes the key changes and the next request renders afresh, so there is nothing to invalidate
and no moment in which an edited page is served stale; unused keys age out of the cache.

The cache is Flask-Caching's (`CACHE_TYPE` in config.py): each process's own memory by default,
Redis when `CACHE_REDIS_URL` is set. Only 200 answers that set no cookie are cached, and a cached
page is the same for everyone: nothing in it is made per response.

The FAQ search keeps its pages in a cache of their own (`search_cache`, at most
`CACHE_SEARCH_THRESHOLD` pages per process). Its keys are as many as the queries people type,
and most are never asked again: sharing one bounded cache, a run of such queries pushed the
articles and status pages out, and every page stored into the full cache had SimpleCache sort
all of its entries to find the oldest (a tenth of what a new search costs).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, make_response
from flask_caching import Cache

from foia_portal.extensions import cache

# Headers a view sets that belong to the page; the security headers are added to every response.
KEPT_HEADERS = ("Content-Type", "Cache-Control", "Referrer-Policy", "X-Robots-Tag")


def cached_page(key: str | tuple, render: Callable[[], Any], store: Cache = cache) -> Response:
    """The page `render()` makes, rendered once for `key` (which must name the data it shows).

    A tuple key (a page's name and what it shows: a query as typed, a version) is written out as
    JSON, so that no two tuples share a key. `store`: the cache it is kept in (the FAQ search's
    pages go to `search_cache`).
    """
    if not current_app.config["PAGE_CACHE_ENABLED"]:
        return make_response(render())
    if isinstance(key, tuple):
        key = json.dumps(key, default=str)
    kept = store.get(key)
    if kept is not None:
        body, headers = kept
        return current_app.response_class(body, headers=headers)
    response = make_response(render())
    if response.status_code == 200 and "Set-Cookie" not in response.headers:
        headers = [
            (name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers
        ]
        store.set(key, (response.get_data(), headers))
    return response
