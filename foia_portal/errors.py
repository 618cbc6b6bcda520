"""Error answers: JSON `{"error": …}` under /api/, a plain-language HTML page elsewhere."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

MESSAGES = {
    400: (
        "Bad request",
        "We could not understand what your browser sent. Please go back and try again.",
    ),
    401: ("Sign-in required", "You need to sign in to see this page."),
    403: (
        "Not allowed",
        "Your account is not allowed to do this. Ask an administrator if you need it.",
    ),
    404: (
        "Page not found",
        "We could not find that page. Check the address, or start from the home page.",
    ),
    405: ("Not allowed", "That kind of request is not allowed at this address."),
    409: (
        "Changed in the meantime",
        "This changed while you were looking at it. Reload the page and try again.",
    ),
    413: (
        "Too large",
        "What you sent is larger than we accept. You can attach up to 5 files of up to 20 MB each. "
        "Make the files smaller, or send fewer, and submit again.",
    ),
    415: ("Unsupported type", "We do not accept content of that type here."),
    422: ("Check your entry", "Some of what you entered needs correcting."),
    429: (
        "Too many attempts",
        "You have made too many requests in a short time. Please wait a few minutes and try again.",
    ),
    500: (
        "Something went wrong",
        "Something went wrong on our side. Please try again later; if it keeps happening, contact "
        "the FOIA Public Liaison.",
    ),
    503: (
        "Temporarily unavailable",
        "This service is temporarily unavailable. Please try again in a few minutes. If you were "
        "submitting a request, it was not filed: submit it again once the service is back.",
    ),
}


# Staff pages speak to staff: what was limited and what to do next.
STAFF_MESSAGES = {
    429: (
        "Too many sign-in attempts",
        "Too many attempts were made for this account from your network in a short time. Wait a "
        'few minutes and try again. If you have forgotten your password, use "Forgot your '
        'password?" on the sign-in page or ask an administrator to reset it: repeated wrong '
        "passwords lock the account for a while.",
    ),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, (str(code), detail or ""))
    if request.path.startswith("/staff/") and code in STAFF_MESSAGES:
        title, message = STAFF_MESSAGES[code]
    if wants_json():
        from foia_portal.api.errors import json_error_response

        return json_error_response(code, detail), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def init_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if wants_json():
            from foia_portal.api.errors import http_error_response

            return http_error_response(error)
        detail = error.description if wants_json() and error.code not in MESSAGES else None
        body, code = error_response(error.code, detail)
        if error.code == 405 and getattr(error, "valid_methods", None):
            return body, code, {"Allow": ", ".join(error.valid_methods)}
        return body, code

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def database_unavailable(error: Exception):
        # The database went away (restart, network): say so plainly, never a stack trace.
        from foia_portal.extensions import db

        db.session.rollback()
        current_app.logger.error("database unavailable: %s", type(error).__name__)
        if request.method == "POST" and request.endpoint == "requests.new":
            # The requester keeps everything typed (and the form token, so that submitting
            # again files the request once); nothing was stored.
            from foia_portal.requests.forms import FoiaRequestForm

            form = FoiaRequestForm()
            form.form_errors.append(MESSAGES[503][1])
            return render_template("requests/new.html", form=form), ServiceUnavailable.code
        return error_response(ServiceUnavailable.code)

    @app.errorhandler(DataError)
    def database_refused_value(error: DataError):
        # A value the database cannot hold (a NUL byte in PostgreSQL text, a number out of
        # range) got past validation: the request is at fault, not the database; not a 503.
        from foia_portal.extensions import db

        db.session.rollback()
        current_app.logger.warning("database refused a value: %s", type(error.orig).__name__)
        return error_response(400)

    @app.errorhandler(InternalServerError)
    def internal_error(error: InternalServerError):
        return error_response(500)
