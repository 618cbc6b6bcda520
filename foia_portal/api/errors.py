"""JSON errors for everything under /api/: never an HTML page, always a status code that fits.

The app's error handlers (foia_portal/errors.py) hand every error under /api/ to
`json_error_response`, so that routing errors (404, 405), body size (413), rate limits (429) and
server errors (500, 503) answer in JSON like the errors our views raise themselves.

Two shapes:
- the JSON API (/api/v1/…): `{"error": "<message>"}`, plus `"errors": {field: [messages]}` on 422;
- the FOIA.gov receiver (/api/foia-portal/…): `{"code", "message", "description"}`, the format of
  the National FOIA Portal's Agency API specification, so the portal can log what went wrong.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from flask import abort, jsonify, request
from werkzeug.exceptions import HTTPException, UnsupportedMediaType

PORTAL_PREFIX = "/api/foia-portal/"

# Plain messages for API clients (developers and their programs), one per status code.
API_MESSAGES = {
    400: "The request could not be understood.",
    401: "Authentication is required: send `Authorization: Bearer <token>`.",
    403: "Your role may not do this.",
    404: "Not found.",
    405: "This method is not allowed here.",
    409: "Not possible in the current state of the resource.",
    413: "The body is larger than this endpoint accepts.",
    415: "Send the body as JSON with `Content-Type: application/json`.",
    422: "Some fields need correcting; see `errors`.",
    429: "Too many requests in a short time; wait and try again (see the Retry-After header).",
    500: "Something went wrong on our side. Try again later.",
    503: "The service is temporarily unavailable. Nothing was saved; try again in a few minutes.",
}

# Machine codes in the FOIA.gov error format (its spec leaves them to the agency).
PORTAL_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


class ApiError(HTTPException):
    """An error a view raises to answer with a specific status, message and field errors."""

    def __init__(
        self,
        code: int,
        message: str | None = None,
        *,
        errors: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
        portal_code: str | None = None,
    ) -> None:
        super().__init__(description=message or API_MESSAGES.get(code, ""))
        self.code = code
        self.errors = errors
        self.extra_headers = headers or {}
        self.portal_code = portal_code


def is_portal_path(path: str | None = None) -> bool:
    return (path if path is not None else request.path).startswith(PORTAL_PREFIX)


def specific_description(error: HTTPException) -> str | None:
    """The error's own description when a view gave one, not Werkzeug's generic default."""
    if isinstance(error, ApiError):
        return error.description
    default = type(error).description
    if error.description and error.description != default:
        return error.description
    return None


def json_error_response(code: int, detail: str | None = None, error: Exception | None = None):
    """The JSON answer for an error under /api/, in the shape the path's clients expect."""
    message = detail or API_MESSAGES.get(code) or "Error."
    headers: dict[str, str] = {}
    errors = None
    portal_code = None
    if isinstance(error, ApiError):
        errors = error.errors
        headers.update(error.extra_headers)
        portal_code = error.portal_code
    if isinstance(error, HTTPException):
        # Keep what Werkzeug set (Allow on 405); Flask-Limiter adds Retry-After after the request.
        for name, value in error.get_headers():
            if name in ("Allow", "WWW-Authenticate"):
                headers.setdefault(name, value)

    if is_portal_path():
        body: dict[str, Any] = {
            "code": portal_code or PORTAL_CODES.get(code, str(code)),
            "message": portal_message(code),
            "description": message,
        }
    else:
        body = {"error": message}
        if code == 401:
            headers.setdefault("WWW-Authenticate", 'Bearer realm="foia-portal-staff-api"')
        if code == 422:
            body["errors"] = errors or {}
    response = jsonify(body)
    response.status_code = code
    for name, value in headers.items():
        response.headers[name] = value
    return response


def portal_message(code: int) -> str:
    return {
        400: "bad request",
        401: "unauthorized",
        404: "not found",
        405: "method not allowed",
        413: "payload too large",
        415: "unsupported media type",
        429: "too many requests",
        500: "internal error",
        503: "service unavailable",
    }.get(code, "error")


def http_error_response(error: HTTPException):
    """Answer an HTTPException raised anywhere under /api/ (routing, limits, views)."""
    code = error.code or 500
    detail = specific_description(error)
    if code == 429 and detail:
        detail = f"{API_MESSAGES[429]} The limit is {detail}."
    return json_error_response(code, detail, error)


def validation_error(errors: dict[str, list[str]]) -> NoReturn:
    """Stop with 422 and the field errors: `{"error": …, "errors": {field: [messages]}}`."""
    raise ApiError(422, errors=errors)


def read_json_body(*, max_bytes: int | None = None) -> Any:
    """The request body parsed as JSON; 415 when it is not declared JSON, 400 when it is not JSON.

    `max_bytes` raises the body limit for this request only (the FOIA.gov receiver takes base64
    attachments); a larger body is refused with 413 before it is read.
    """
    if max_bytes is not None:
        request.max_content_length = max_bytes
    if not request.is_json:
        raise ApiError(
            UnsupportedMediaType.code,
            "Send the body as JSON with `Content-Type: application/json`"
            + (f" (got `{request.mimetype}`)." if request.mimetype else "."),
        )
    raw = request.get_data(cache=False)
    try:
        payload = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as problem:
        raise ApiError(400, f"The body is not valid JSON: {problem}.") from None
    if not is_valid_unicode(payload):
        # A lone surrogate (e.g. "\\ud800") is JSON but not text: no database can store it.
        raise ApiError(400, "The body is not valid JSON text: it contains an unpaired surrogate.")
    return payload


def is_valid_unicode(value: Any) -> bool:
    """Whether every string in a parsed JSON value (keys included) is valid Unicode text."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def not_found(message: str = "Not found.") -> NoReturn:
    abort(404, description=message)
