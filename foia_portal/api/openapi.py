"""The OpenAPI 3.1 document at /api/v1/openapi.json: every operation the API may serve, put
together with the named schemas of `foia_portal.api.openapi_schemas`. People read the same
document at /api/v1/docs (`foia_portal.api.reference`).

An operation is listed only when the app really serves its route, so the document never promises
an endpoint that answers 404.
"""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, jsonify

from foia_portal.api.form_schema import form_parameters, form_schema
from foia_portal.api.openapi_schemas import TRACKING_NUMBER, component_schemas, ref
from foia_portal.api.routes import bp

API_VERSION = "1.0.0"
JSON_SCHEMA_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def error_response(description: str, schema: str = "Error") -> dict[str, Any]:
    return {"description": description, "content": json_content(ref(schema))}


ERRORS = {
    "400": error_response("The body is not valid JSON."),
    "401": error_response("No bearer token, or one that is unknown or revoked."),
    "403": error_response("Your role may not do this."),
    "404": error_response("Not found."),
    "405": error_response("Not a method this address takes (see `Allow`)."),
    "409": error_response("Not possible from the request's current status, or it changed."),
    "413": error_response("The body is too large."),
    "415": error_response("The body is not declared `application/json`."),
    "422": error_response("Some fields need correcting.", "ValidationError"),
    "429": error_response("Too many requests; see Retry-After."),
}


def errors(*codes: str) -> dict[str, Any]:
    return {code: ERRORS[code] for code in codes}


def faq_slug_schema() -> dict[str, Any]:
    try:
        from foia_portal.faq.forms import SLUG_MAX, SLUG_PATTERN
    except ImportError:  # the FAQ area is not installed in this build
        return {"type": "string"}
    # `suggestions` is the path of the POST beside it (api.routes.FaqSlugConverter).
    return {"type": "string", "pattern": SLUG_PATTERN.pattern, "maxLength": SLUG_MAX,
            "not": {"const": "suggestions"}, "examples": ["how-much-does-a-foia-request-cost"]}  # fmt: skip


def suggestions_schema() -> dict[str, Any]:
    try:
        from foia_portal.faq.forms import SuggestionsShownForm
    except ImportError:  # the FAQ area is not installed in this build
        return {"type": "object"}
    return form_schema(SuggestionsShownForm)


def faq_search_parameters() -> list[dict[str, Any]]:
    try:
        from foia_portal.faq.forms import FaqSearchQuery
    except ImportError:  # the FAQ area is not installed in this build
        return []
    return form_parameters(FaqSearchQuery)


def queue_parameters() -> list[dict[str, Any]]:
    """The staff queue's filters, from the form the staff pages read them with."""
    try:
        from foia_portal.staff.forms import QueueFilterForm
    except ImportError:  # the staff area is not installed in this build
        return []
    return form_parameters(QueueFilterForm)


def tracking_number_parameter() -> dict[str, Any]:
    return {"name": "tracking_number", "in": "path", "required": True, "schema": TRACKING_NUMBER}


def operations() -> dict[tuple[str, str], dict[str, Any]]:
    """Every operation we may serve, keyed by (path, method)."""
    bearer = [{"bearerAuth": []}]
    staff_errors = errors("401", "403")
    return {
        ("/api/v1/faq", "get"): {
            "summary": "Search the FAQ",
            "description": "Best match first. Without `q`, every entry by category.",
            "tags": ["FAQ"],
            "parameters": faq_search_parameters(),
            "responses": {
                "200": {
                    "description": "Matching entries.",
                    "content": json_content(ref("FaqSearch")),
                },
                **errors("422"),
            },
        },  # fmt: skip
        ("/api/v1/faq/{slug}", "get"): {
            "summary": "One FAQ entry",
            "tags": ["FAQ"],
            "parameters": [
                {"name": "slug", "in": "path", "required": True, "schema": faq_slug_schema()}
            ],
            "responses": {
                "200": {"description": "The entry.", "content": json_content(ref("Faq"))},
                **errors("404", "405"),
            },
        },  # fmt: skip
        ("/api/v1/faq/suggestions", "post"): {
            "summary": "Record FAQ answers shown beside the request form",
            "description": "Used by the request form's script, so staff can see how many "
            "requests the FAQ answered.",
            "tags": ["FAQ"],
            "requestBody": {"required": True, "content": json_content(suggestions_schema())},
            "responses": {
                **{
                    code: {
                        "description": text,
                        "content": json_content(
                            {
                                "type": "object",
                                "required": ["recorded"],
                                "properties": {"recorded": {"type": "boolean"}},
                            }
                        ),
                    }
                    for code, text in (("201", "Recorded."), ("200", "Already recorded."))
                },
                **errors("400", "413", "415", "422", "429"),
            },
        },  # fmt: skip
        ("/api/v1/requests", "post"): {
            "summary": "File a FOIA request",
            "description": "The same fields and rules as the web form. The requester gets the "
            "confirmation email with the tracking number and a private status link. Rate "
            "limited like the form (per client address).",
            "tags": ["Requests"],
            "requestBody": {"required": True, "content": json_content(ref("RequestFields"))},
            "responses": {
                "201": {
                    "description": "Filed.",
                    "headers": {
                        "Location": {
                            "schema": {"type": "string"},
                            "description": "The request's API address.",
                        }
                    },
                    "content": json_content(ref("RequestCreated")),
                },
                **errors("400", "413", "415", "422", "429"),
            },
        },  # fmt: skip
        ("/api/v1/requests/{tracking_number}", "get"): {
            "summary": "A request's status, for its requester",
            "description": "Both the tracking number and the requester's email must match; "
            "either wrong gives the same 404. The estimated completion date (5 U.S.C. "
            "§ 552(a)(7)(B)) is null until staff set one.",
            "tags": ["Requests"],
            "parameters": [
                tracking_number_parameter(),
                {
                    "name": "email",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "format": "email"},
                },
            ],
            "responses": {
                "200": {
                    "description": "The public view.",
                    "content": json_content(ref("PublicRequest")),
                },
                **errors("404", "422", "429"),
            },
        },  # fmt: skip
        ("/api/v1/staff/requests", "get"): {
            "summary": "The queue",
            "description": "Open requests by due date. Without `status`, `q` searches every "
            "status. Test submissions from FOIA.gov are never listed.",
            "tags": ["Staff"],
            "security": bearer,
            "parameters": queue_parameters(),
            "responses": {
                "200": {
                    "description": "One page of the queue.",
                    "content": json_content(ref("StaffRequestList")),
                },
                "404": error_response(
                    "`assignee` names no staff member, or `after`/`before` leads to no page "
                    "(a page link from another `sort`, or a date that does not exist)."
                ),
                **errors("422"),
                **staff_errors,
            },
        },  # fmt: skip
        ("/api/v1/staff/requests/{tracking_number}", "get"): {
            "summary": "A request, as staff see it",
            "tags": ["Staff"],
            "security": bearer,
            "parameters": [tracking_number_parameter()],
            "responses": {
                "200": {
                    "description": "The request with its full timeline.",
                    "content": json_content(ref("StaffRequestDetail")),
                },
                **errors("404"),
                **staff_errors,
            },
        },  # fmt: skip
        ("/api/v1/staff/requests/{tracking_number}/actions", "post"): {
            "summary": "Take a workflow action",
            "description": "`acknowledge` (+`track`), `assign` (+`assignee` email), `note` "
            "(+`text`), `request_info` (+`message`), `resume`, `extend` (+`reason`), `close` "
            "(+`disposition`, `exemptions`, `message`), and `set_estimate`, "
            "`decide_expedited`, `decide_fee_waiver`, `reopen` (admin).",
            "tags": ["Staff"],
            "security": bearer,
            "parameters": [tracking_number_parameter()],
            "requestBody": {"required": True, "content": json_content(ref("StaffAction"))},
            "responses": {
                "200": {
                    "description": "Done; the event recorded and the request.",
                    "content": json_content(ref("StaffActionResult")),
                },
                **errors("400", "404", "409", "413", "415", "422"),
                **staff_errors,
            },
        },  # fmt: skip
        ("/api/v1/openapi.json", "get"): {
            "summary": "This document",
            "tags": ["Reference"],
            "responses": {
                "200": {
                    "description": "The OpenAPI 3.1 document.",
                    "content": json_content({"type": "object", "required": ["openapi", "paths"]}),
                }
            },
        },
        ("/api/v1/docs", "get"): {
            "summary": "This document as a web page, for people",
            "tags": ["Reference"],
            "responses": {
                "200": {
                    "description": "The API reference page.",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                }
            },
        },
        ("/api/foia-portal/requests", "post"): {
            "summary": "Receive a request from the National FOIA Portal (FOIA.gov)",
            "description": "FOIA.gov Agency API v1.1.0, receiving side. The shared secret "
            "arrives in the `FOIA-API-SECRET` header. A repeated `request_id` gets the first "
            "answer again and creates nothing. See docs/foia-portal.md.",
            "tags": ["FOIA.gov"],
            "security": [{"portalSecret": []}],
            "requestBody": {"required": True, "content": json_content(ref("PortalRequest"))},
            "responses": {
                "200": {
                    "description": "Stored (or stored before, for a repeated request_id).",
                    "content": json_content(ref("PortalAccepted")),
                },
                **{
                    code: {"description": text, "content": json_content(ref("PortalError"))}
                    for code, text in (
                        ("400", "Not the portal's JSON, or a required field is missing."),
                        ("401", "The secret is missing or wrong."),
                        ("413", "The body is too large."),
                        ("415", "The body is not declared `application/json`."),
                        ("503", "Attachments could not be stored; nothing was saved."),
                    )
                },
            },
        },  # fmt: skip
    }


def served(path: str, method: str) -> bool:
    """Whether the app has a route for this OpenAPI path and method."""
    shape = re.sub(r"\{[^}]+\}", "{}", path)
    for rule in current_app.url_map.iter_rules():
        if re.sub(r"<[^>]+>", "{}", rule.rule) == shape and method.upper() in (rule.methods or ()):
            return True
    return False


def head_operation(get: dict[str, Any]) -> dict[str, Any]:
    """HEAD of a GET (Flask answers it with the GET's status and headers, without the body)."""
    return {
        **{k: v for k, v in get.items() if k not in ("responses", "summary", "description")},
        "summary": f"{get['summary']}: status and headers only",
        "responses": {
            code: {k: v for k, v in response.items() if k != "content"}
            for code, response in get["responses"].items()
        },
    }


def route_parameter_schema(name: str) -> dict[str, Any]:
    """What the route itself matches in a path segment (OPTIONS answers any of it, unchecked)."""
    if name == "slug":
        from foia_portal.faq.forms import SLUG_PATTERN

        # api.routes.FaqSlugConverter's shape; `suggestions` matches the POST route beside it.
        return {"type": "string", "pattern": SLUG_PATTERN.pattern}
    return {"type": "string"}  # any one segment


def options_operation(methods: list[str], path_parameters: list[str]) -> dict[str, Any]:
    """OPTIONS, which Flask answers for every route: the methods in `Allow`, no body, no auth."""
    allowed = ", ".join(sorted({m.upper() for m in methods} | {"OPTIONS"}))
    return {
        "summary": "The methods this address takes",
        "description": f"Answers `Allow: {allowed}` (in any order). Needs no credentials.",
        "tags": ["Reference"],
        "security": [],
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": route_parameter_schema(name)}
            for name in path_parameters
        ],
        "responses": {
            "200": {
                "description": "The methods, in `Allow`; no body.",
                "headers": {"Allow": {"required": True, "schema": {"type": "string"}}},
            },
            **({"404": ERRORS["404"]} if path_parameters else {}),
        },
    }


def build_document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for (path, method), operation in operations().items():
        if served(path, method):
            paths.setdefault(path, {})[method] = operation
    for path, methods in paths.items():
        if "get" in methods:
            methods["head"] = head_operation(methods["get"])
        methods["options"] = options_operation(list(methods), re.findall(r"\{([^}]+)\}", path))
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": JSON_SCHEMA_DIALECT,
        "info": {
            "title": f"{current_app.config['AGENCY_NAME']}: FOIA requests and FAQ API",
            "version": API_VERSION,
            "description": "File and follow Freedom of Information Act requests, search the "
            "FAQ, and (for staff, with a bearer token) work the queue. Errors are JSON "
            '`{"error": …}`; invalid fields answer 422 with `{"errors": {field: [messages]}}`. '
            "The page /api/v1/docs shows this document for people.",
        },
        "tags": [
            {"name": "Requests", "description": "Filing a request and following it."},
            {"name": "FAQ", "description": "Frequently asked questions."},
            {
                "name": "Staff",
                "description": "The FOIA office's queue and workflow; "
                "`Authorization: Bearer <token>` (`flask users token EMAIL`).",
            },
            {"name": "FOIA.gov", "description": "The National FOIA Portal's Agency API."},
            {"name": "Reference", "description": "This document, and what each address allows."},
        ],  # fmt: skip
        "paths": paths,
        "components": {
            "schemas": component_schemas(),
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A staff API token (shown once when issued).",
                },
                "portalSecret": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "FOIA-API-SECRET",
                    "description": "The secret shared with FOIA.gov (FOIA_PORTAL_SECRET).",
                },
            },  # fmt: skip
        },
    }


def openapi_document() -> dict[str, Any]:
    """The document for this app, built once per app (forms and routes do not change)."""
    cache = current_app.extensions.setdefault("foia_portal_openapi", {})
    if "document" not in cache:
        cache["document"] = build_document()
    return cache["document"]


@bp.get("/v1/openapi.json")
def openapi_json():
    """The OpenAPI 3.1 document of the API."""
    return jsonify(openapi_document())
