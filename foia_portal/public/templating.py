"""Template globals, the Content-Security-Policy nonce and the security headers on every response."""

from __future__ import annotations

import secrets

from flask import Flask, request

from foia_portal.core import vocabulary
from foia_portal.core.deadlines import today_eastern
from foia_portal.core.formatting import eastern_time, file_size, long_date, plain_date, short_date

NONCE_KEY = "foia_portal.csp_nonce"


def csp_nonce() -> str:
    """A fresh nonce per response, for the page's own <script> tags.

    Kept in the request's WSGI environ rather than `g`: `g` belongs to the app context, which
    outlives a request wherever one context serves several (the tests, CLI-driven rendering).
    """
    environ = request.environ
    if NONCE_KEY not in environ:
        environ[NONCE_KEY] = secrets.token_urlsafe(16)
    return environ[NONCE_KEY]


def rendered_nonce() -> str | None:
    """The nonce this response's page was rendered with, if it has scripts of its own."""
    return request.environ.get(NONCE_KEY)


def init_templating(app: Flask) -> None:
    app.jinja_env.globals.update(
        csp_nonce=csp_nonce,
        vocabulary=vocabulary,
        today_eastern=today_eastern,
        STATUS_LABELS=vocabulary.STATUS_LABELS,
        TRACK_LABELS=vocabulary.TRACK_LABELS,
        DISPOSITION_LABELS=vocabulary.DISPOSITION_LABELS,
        EXEMPTION_LABELS=vocabulary.EXEMPTION_LABELS,
        FEE_CATEGORY_LABELS=vocabulary.FEE_CATEGORY_LABELS,
        CHANNEL_LABELS=vocabulary.CHANNEL_LABELS,
    )
    app.jinja_env.filters["longdate"] = long_date
    app.jinja_env.filters["shortdate"] = short_date
    app.jinja_env.filters["plaindate"] = plain_date
    app.jinja_env.filters["easterntime"] = eastern_time
    app.jinja_env.filters["filesize"] = file_size

    production = not app.debug and not app.testing and app.config.get("SESSION_COOKIE_SECURE")
    fixed_headers = FIXED_HEADERS + ((HSTS_HEADER,) if production else ())

    @app.after_request
    def security_headers(response):
        # A header the view set itself is kept. Checked against one set of the names present:
        # Werkzeug's `setdefault` looks each name up by raising and catching a KeyError, which
        # cost every response a third of what a bare Flask response costs (docs/performance.md).
        headers = response.headers
        present = {name.lower() for name, _ in headers}
        if "content-security-policy" not in present:
            nonce = rendered_nonce()
            headers.add("Content-Security-Policy", CSP_WITH_NONCE % nonce if nonce else CSP)
        for name, value in fixed_headers:
            if name.lower() not in present:
                headers.add(name, value)
        return response


_CSP = (
    "default-src 'self'; script-src %s; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "object-src 'none'"
)
CSP = _CSP % "'self'"
CSP_WITH_NONCE = _CSP % "'self' 'nonce-%s'"  # the page's own <script> tags carry the nonce
FIXED_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
HSTS_HEADER = ("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
