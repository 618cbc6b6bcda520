"""Template globals and filters, and the security headers on every response."""

from __future__ import annotations

from flask import Flask

from foia_portal.core import vocabulary
from foia_portal.core.deadlines import today_eastern
from foia_portal.mail.transport import mail_file_dir_shown, writes_files
from foia_portal.platform.text import eastern_time, file_size, long_date, plain_date, short_date


def init_templating(app: Flask) -> None:
    app.jinja_env.globals.update(
        vocabulary=vocabulary,
        today_eastern=today_eastern,
        STATUS_LABELS=vocabulary.STATUS_LABELS,
        TRACK_LABELS=vocabulary.TRACK_LABELS,
        DISPOSITION_LABELS=vocabulary.DISPOSITION_LABELS,
        EXEMPTION_LABELS=vocabulary.EXEMPTION_LABELS,
        FEE_CATEGORY_LABELS=vocabulary.FEE_CATEGORY_LABELS,
        CHANNEL_LABELS=vocabulary.CHANNEL_LABELS,
        # Pages that tell someone an email is coming ask this first: without a MAIL_SERVER
        # (development) emails are written to files and nobody receives them.
        mail_writes_files=writes_files,
        mail_file_dir_shown=mail_file_dir_shown,
    )
    app.jinja_env.filters["longdate"] = long_date
    app.jinja_env.filters["shortdate"] = short_date
    app.jinja_env.filters["plaindate"] = plain_date
    app.jinja_env.filters["easterntime"] = eastern_time
    app.jinja_env.filters["filesize"] = file_size

    production = not app.debug and not app.testing and app.config.get("SESSION_COOKIE_SECURE")
    fixed_headers = [
        (name.lower(), name, value)
        for name, value in FIXED_HEADERS + ((HSTS_HEADER,) if production else ())
    ]

    @app.after_request
    def security_headers(response):
        # A header the view set itself (a download's own CSP) is kept. The names present are
        # read in one pass: Werkzeug's Headers answers a lookup of a name it lacks by raising
        # and catching an exception, and a lookup per header cost a cached page a tenth of its
        # time (docs/performance.md).
        present = {name.lower() for name, _ in response.headers}
        for lowered, name, value in fixed_headers:
            if lowered not in present:
                response.headers.add(name, value)
        return response


# Every script is a file of ours (static/js), so no page needs a nonce or 'unsafe-inline'.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)
FIXED_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
HSTS_HEADER = ("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
