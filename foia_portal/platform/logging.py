"""Keep secrets and requesters' personal data out of the logs.

The application's own log lines name rows by id, never by person. What it cannot control are the
lines other components write about a request: the access log of gunicorn and of `flask run`
prints every URL, and URLs carry a requester's signed status link (`/foia/status/<token>`), the
email address of a status look-up through the API (`?email=`), and search words. `RedactingFilter`
rewrites such lines before any handler sees them: status-link tokens, email addresses, bearer
tokens, query-string values of sensitive parameters and `password=`-style pairs become `[redacted]`.
"""

from __future__ import annotations

import logging
import re

from flask import Flask

REDACTED = "[redacted]"

# The loggers whose lines may quote URLs or headers. A filter on a logger applies to the records
# logged on it; ours are installed on each by name (and on the app's logger).
LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error", "flask_limiter", "sqlalchemy.engine")
SENSITIVE_PARAMETERS = ("email", "q", "token", "password", "tracking_number", "next")

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # Signed status links and the confirmation page: the token is the requester's key.
    (re.compile(r"(/foia/(?:status|request/received)/)[^/\s?\"']+"), rf"\1{REDACTED}"),
    # Staff API bearer tokens, however they got into a line.
    (re.compile(r"\bfoia_[A-Za-z0-9_\-]{20,}"), REDACTED),
    (re.compile(r"(?i)(bearer\s+)[^\s\"',]+"), rf"\1{REDACTED}"),
    # Sensitive query-string or form parameters.
    (
        re.compile(rf"(?i)((?:^|[?&;])(?:{'|'.join(SENSITIVE_PARAMETERS)})=)[^&\s\"']*"),
        rf"\1{REDACTED}",
    ),
    (
        re.compile(r"(?i)\b(password|secret|secret_key|api_key)(\s*[=:]\s*)[^\s,&\"']+"),
        rf"\1\2{REDACTED}",
    ),
    # Email addresses anywhere (requesters', and staff sign-in names).
    (re.compile(r"[\w.+%-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+"), REDACTED),
]


def redact(text: str) -> str:
    """`text` with status-link tokens, emails, bearer tokens and sensitive values replaced."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _redact_value(value):
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        # In place: gunicorn's access-log atoms are a dict subclass that must keep its type.
        for key, item in value.items():
            value[key] = _redact_value(item)
        return value
    if isinstance(value, tuple):
        return tuple(_redact_value(item) for item in value)
    return value


class RedactingFilter(logging.Filter):
    """Rewrite a record's message and arguments so that no secret or personal data is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            record.args = _redact_value(record.args)
        return True


def install_log_redaction(app: Flask) -> None:
    """Put one RedactingFilter on the app's logger and on every logger that quotes URLs."""
    redacting = RedactingFilter()
    for logger in (app.logger, *(logging.getLogger(name) for name in LOGGERS)):
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(redacting)
