"""Template globals, the Content-Security-Policy nonce and the security headers on every response."""

from __future__ import annotations

import secrets

from flask import Flask, request

from foia_portal.core import vocabulary
from foia_portal.core.deadlines import today_eastern

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
    app.jinja_env.filters["longdate"] = lambda d: f"{d:%A, %B} {d.day}, {d.year}" if d else ""
    app.jinja_env.filters["shortdate"] = lambda d: f"{d:%b} {d.day}, {d.year}" if d else ""

    production = not app.debug and not app.testing and app.config.get("SESSION_COOKIE_SECURE")

    @app.after_request
    def security_headers(response):
        nonce = rendered_nonce()
        script_src = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; "
            f"script-src {script_src}; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
            "base-uri 'self'; object-src 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if production:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=63072000; includeSubDomains"
            )
        return response
