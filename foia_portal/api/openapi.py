"""The OpenAPI 3.1 document at /api/v1/openapi.json and its readable page at /api/v1/docs.

Request bodies are generated from the WTForms forms that validate them (`form_schema`), and the
FOIA.gov receiver's from its field table (`foia_portal.api.portal.PORTAL_FIELDS`), so the document
cannot drift from the rules. Responses are described here, beside the code that builds them; the
schemathesis test (tests/test_api_openapi.py) checks every response against them.

An operation is listed only when the app really serves its route, so the document never promises
an endpoint that answers 404.
"""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, jsonify, render_template
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    Field,
    FileField,
    Form,
    HiddenField,
    IntegerField,
    MultipleFileField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp

from foia_portal.api.routes import bp
from foia_portal.core.vocabulary import (
    DISPOSITION_LABELS,
    EXEMPTIONS,
    STATUS_LABELS,
    TRACK_LABELS,
    Channel,
)

API_VERSION = "1.0.0"
JSON_SCHEMA_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"
TRACKING_NUMBER_PATTERN = r"^[A-Z]{2,10}-\d{4}-\d{6,}$"

# --- forms → JSON Schema --------------------------------------------------------------------


def choice_values(field: SelectField) -> list[str]:
    """The values a choice field accepts (its labels are for people), empty value left out."""
    choices = field.choices or []
    if isinstance(choices, dict):  # optgroups
        choices = [c for group in choices.values() for c in group]
    values = []
    for choice in choices:
        value = (
            choice.value
            if isinstance(choice, SelectChoice)
            else (choice[0] if isinstance(choice, tuple | list) else choice)
        )
        if value not in ("", None):
            values.append(str(value))
    return values


def is_required(field: Field) -> bool:
    return any(isinstance(v, DataRequired | InputRequired) for v in field.validators)


def field_schema(field: Field) -> dict[str, Any]:
    """The JSON Schema of one form field, as `core.jsonforms.validate_json` reads JSON into it."""
    schema: dict[str, Any]
    if isinstance(field, BooleanField):
        schema = {"type": "boolean"}
    elif isinstance(field, SelectMultipleField):
        item: dict[str, Any] = {"type": "string"}
        if field.validate_choice and choice_values(field):
            item["enum"] = choice_values(field)
        schema = {"type": "array", "items": item, "uniqueItems": True}
    elif isinstance(field, SelectField):  # RadioField too
        schema = {"type": "string"}
        # A field that checks its choices elsewhere (validate_choice=False) still lists them.
        if choice_values(field):
            schema["enum"] = choice_values(field)
    elif isinstance(field, DateField):
        schema = {"type": "string", "format": "date"}
    elif isinstance(field, DecimalField):
        number: dict[str, Any] = {"type": "number"}
        for validator in field.validators:
            if isinstance(validator, NumberRange):
                if validator.min is not None:
                    number["minimum"] = validator.min
                if validator.max is not None:
                    number["maximum"] = validator.max
        # In JSON a decimal is a number or a numeric string ("12.50"): both reach the same field.
        schema = {"anyOf": [number, {"type": "string", "pattern": r"^\d{1,7}(\.\d{1,2})?$"}]}
    elif isinstance(field, IntegerField):
        schema = {"type": "integer"}
        for validator in field.validators:
            if isinstance(validator, NumberRange):
                if validator.min is not None:
                    schema["minimum"] = validator.min
                if validator.max is not None:
                    schema["maximum"] = validator.max
    elif isinstance(field, StringField):  # TextAreaField, EmailField, TelField
        schema = {"type": "string"}
        if field.type == "EmailField":
            schema["format"] = "email"
        for validator in field.validators:
            if isinstance(validator, Length):
                if validator.min is not None and validator.min > 0:
                    schema["minLength"] = validator.min
                if validator.max is not None and validator.max >= 0:
                    schema["maxLength"] = validator.max
            elif isinstance(validator, Regexp):
                schema["pattern"] = validator.regex.pattern
        if is_required(field):
            schema.setdefault("minLength", 1)
    else:
        schema = {"type": "string"}

    if field.label and field.label.text:
        schema["title"] = field.label.text
    notes = [str(field.description)] if field.description else []
    for validator in field.validators:
        # `requests.forms.required_when` marks its checks with the box they depend on.
        checkbox = getattr(validator, "required_when", None)
        if checkbox:
            notes.append(f"Required when `{checkbox}` is true.")
            schema["x-required-when"] = checkbox
    if notes:
        schema["description"] = " ".join(notes)
    if not is_required(field):
        schema = nullable(schema)
    return schema


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """Optional fields also take `null` (read as "not given")."""
    if "anyOf" in schema:
        return {**schema, "anyOf": [*schema["anyOf"], {"type": "null"}]}
    if isinstance(schema.get("type"), str):
        schema = {**schema, "type": [schema["type"], "null"]}
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    return schema


def form_parameters(form_class: type[Form]) -> list[dict[str, Any]]:
    """Query parameters from a form read from the URL (the staff queue's filters)."""
    form = form_class(formdata=None, meta={"csrf": False})
    parameters = []
    for field in form:
        schema = field_schema(field)
        # In a query string "not given" is leaving the parameter out: no null.
        if isinstance(schema.get("type"), list):
            schema["type"] = next(t for t in schema["type"] if t != "null")
        if "enum" in schema:
            schema["enum"] = [v for v in schema["enum"] if v is not None]
        description = schema.pop("description", "") or schema.get("title", "")
        parameters.append(
            {"name": field.name, "in": "query", "schema": schema, "description": description}
        )
    return parameters


def form_schema(
    form_class: type[Form], fields: tuple[str, ...] | None = None, *, description: str = ""
) -> dict[str, Any]:
    """An object schema from a form class: one property per field, `required` from validators.

    Unknown keys are refused (`additionalProperties: false`) exactly as `validate_json` refuses
    them. File fields travel in multipart forms only and are left out.
    """
    form = form_class(formdata=None, meta={"csrf": False})
    names = fields if fields is not None else tuple(f.name for f in form)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name in names:
        field = form[name]
        if isinstance(field, FileField | MultipleFileField) or name == "csrf_token":
            continue
        if isinstance(field, HiddenField) and name in ("form_token",):
            continue
        properties[name] = field_schema(field)
        if is_required(field):
            required.append(name)
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    if description:
        schema["description"] = description
    return schema


# --- the document -----------------------------------------------------------------------------

DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
STATUS = {"type": "string", "enum": [str(s) for s in STATUS_LABELS]}
TRACK = {"type": ["string", "null"], "enum": [*(str(t) for t in TRACK_LABELS), None]}
DISPOSITION = {"type": ["string", "null"], "enum": [*(str(d) for d in DISPOSITION_LABELS), None]}
TRACKING_NUMBER = {"type": "string", "pattern": TRACKING_NUMBER_PATTERN,
                   "examples": ["COPS-2027-000042"]}  # fmt: skip


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def error_response(description: str, schema: str = "Error") -> dict[str, Any]:
    return {"description": description, "content": json_content(ref(schema))}


ERRORS = {
    "400": error_response("The body is not valid JSON."),
    "401": error_response("No bearer token, or one that is unknown or revoked."),
    "403": error_response("Your role may not do this."),
    "404": error_response("Not found."),
    "409": error_response("Not possible from the request's current status, or it changed."),
    "413": error_response("The body is too large."),
    "415": error_response("The body is not declared `application/json`."),
    "422": error_response("Some fields need correcting.", "ValidationError"),
    "429": error_response("Too many requests; see Retry-After."),
}


def errors(*codes: str) -> dict[str, Any]:
    return {code: ERRORS[code] for code in codes}


def component_schemas() -> dict[str, Any]:
    from foia_portal.api import portal
    from foia_portal.requests.forms import JSON_FIELDS, FoiaRequestForm

    timeline_event = {
        "type": "object",
        "required": ["kind", "date", "message"],
        "properties": {
            "kind": {"type": "string"},
            "date": {"type": "string"},
            "message": {"type": ["string", "null"]},
        },
    }
    request_summary = {
        "type": "object",
        "required": ["tracking_number", "status", "track", "received_date", "due_date",
                     "estimated_completion_date", "overdue", "assignee", "requester_name",
                     "channel", "expedited", "fee_waiver", "is_test", "version", "url"],
        "properties": {
            "tracking_number": TRACKING_NUMBER,
            "status": STATUS,
            "track": TRACK,
            "received_date": DATE,
            "due_date": DATE,
            "estimated_completion_date": NULLABLE_DATE,
            "overdue": {"type": "boolean", "description": "Open and past its statutory due "
                        "date; a request on hold is never overdue (its clock is stopped)."},
            "assignee": {"type": ["string", "null"], "description": "The officer's email."},
            "requester_name": {"type": "string"},
            "channel": {"type": "string", "enum": [str(c) for c in Channel]},
            "expedited": {"type": "boolean"},
            "fee_waiver": {"type": "boolean"},
            "is_test": {"type": "boolean"},
            "version": {"type": "integer", "description": "Send it back as `version` with an "
                        "action to be told (409) if someone else acted in the meantime."},
            "url": {"type": "string"},
        },
    }  # fmt: skip
    staff_event = {
        "type": "object",
        "required": ["id", "kind", "created_at", "public", "message", "actor",
                     "previous_due_date", "due_date", "details"],
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string"},
            "created_at": {"type": "string", "format": "date-time"},
            "public": {"type": "boolean"},
            "message": {"type": ["string", "null"]},
            "actor": {"type": ["string", "null"]},
            "previous_due_date": NULLABLE_DATE,
            "due_date": NULLABLE_DATE,
            "details": {"type": "object"},
        },
    }  # fmt: skip
    request_detail = {
        "allOf": [
            ref("StaffRequestSummary"),
            {
                "type": "object",
                "required": ["requester", "description", "fee_category", "fee_limit",
                             "fee_waiver_reason", "expedited_reason", "delivery_format",
                             "disposition", "exemptions", "attachments", "timeline",
                             "allowed_actions", "portal_request_id"],
                "properties": {
                    "requester": {"type": "object"},
                    "description": {"type": "string"},
                    "date_from": NULLABLE_DATE,
                    "date_to": NULLABLE_DATE,
                    "fee_category": {"type": "string"},
                    "fee_limit": {"type": ["string", "null"]},
                    "fee_waiver_reason": {"type": ["string", "null"]},
                    "expedited_reason": {"type": ["string", "null"]},
                    "delivery_format": {"type": "string"},
                    "disposition": DISPOSITION,
                    "exemptions": {"type": "array", "items": {"type": "string",
                                                              "enum": list(EXEMPTIONS)}},
                    "on_hold_since": NULLABLE_DATE,
                    "hold_reason": {"type": ["string", "null"]},
                    "extension_business_days": {"type": "integer"},
                    "attachments": {"type": "array", "items": {"type": "object"}},
                    "timeline": {"type": "array", "items": ref("StaffTimelineEvent")},
                    "allowed_actions": {"type": "array", "items": {"type": "string"}},
                    "portal_request_id": {"type": ["integer", "null"]},
                    "portal_payload": {"type": ["object", "null"]},
                },
            },
        ]
    }  # fmt: skip
    return {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {"type": "string"}},
        },
        "ValidationError": {
            "type": "object",
            "required": ["error", "errors"],
            "properties": {
                "error": {"type": "string"},
                "errors": {
                    "type": "object",
                    "description": "Messages by field name (`_body` for the body as a whole).",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
        "RequestFields": form_schema(
            FoiaRequestForm,
            JSON_FIELDS,
            description="A FOIA request, with the web form's field names and the same rules. "
            "`expedited_certified` must be true when `expedited` is true: the requester "
            "certifies the statement of compelling need (5 U.S.C. § 552(a)(6)(E)(vi)).",
        ),
        "RequestCreated": {
            "type": "object",
            "required": [
                "tracking_number",
                "status",
                "track",
                "received_date",
                "due_date",
                "expedited_decision_due",
                "estimated_completion_date",
                "channel",
                "status_url",
            ],
            "properties": {
                "tracking_number": TRACKING_NUMBER,
                "status": STATUS,
                "track": TRACK,
                "received_date": {
                    **DATE,
                    "description": "The business day the 20-day clock "
                    "starts from (after 5 p.m. Eastern or on a non-business day: "
                    "the next business day).",
                },
                "due_date": {
                    **DATE,
                    "description": "The statutory due date: 20 working days "
                    "(5 U.S.C. § 552(a)(6)(A)(i)).",
                },
                "expedited_decision_due": {
                    **NULLABLE_DATE,
                    "description": "When expedited "
                    "processing was asked for: the decision is due in "
                    "10 calendar days (§ 552(a)(6)(E)(ii)).",
                },
                "estimated_completion_date": NULLABLE_DATE,
                "channel": {"type": "string", "enum": [str(c) for c in Channel]},
                "status_url": {
                    "type": "string",
                    "format": "uri",
                    "description": "The requester's private status page (also sent by email).",
                },
            },
        },
        "PublicRequest": {
            "type": "object",
            "required": [
                "tracking_number",
                "status",
                "track",
                "received_date",
                "due_date",
                "estimated_completion_date",
                "disposition",
                "timeline",
            ],
            "properties": {
                "tracking_number": TRACKING_NUMBER,
                "status": STATUS,
                "track": TRACK,
                "received_date": DATE,
                "due_date": DATE,
                "estimated_completion_date": NULLABLE_DATE,
                "disposition": DISPOSITION,
                "timeline": {"type": "array", "items": timeline_event},
            },
        },
        "FaqResult": {
            "type": "object",
            "required": ["slug", "question", "category", "snippet", "url"],
            "properties": {
                "slug": {"type": "string"},
                "question": {"type": "string"},
                "category": {"type": "string"},
                "snippet": {"type": "string"},
                "url": {"type": "string"},
            },
        },
        "FaqSearch": {
            "type": "object",
            "required": ["results", "total", "page"],
            "properties": {
                "results": {"type": "array", "items": ref("FaqResult")},
                "total": {"type": "integer", "minimum": 0},
                "total_capped": {
                    "type": "boolean",
                    "description": "True when counting stopped at `total` (more matched).",
                },
                "page": {"type": "integer", "minimum": 1},
                "query": {"type": "string", "description": "The query as searched."},
                "query_truncated": {
                    "type": "boolean",
                    "description": "True when the query was over 200 characters and was cut.",
                },
            },
        },
        "Faq": {
            "type": "object",
            "required": ["slug", "question", "category", "answer"],
            "properties": {
                "slug": {"type": "string"},
                "question": {"type": "string"},
                "category": {"type": "string"},
                "answer": {"type": "string", "description": "Markdown."},
            },
        },
        "StaffRequestSummary": request_summary,
        "StaffRequestList": {
            "type": "object",
            "required": ["results", "total", "next_cursor", "previous_cursor"],
            "properties": {
                "results": {"type": "array", "items": ref("StaffRequestSummary")},
                "total": {"type": "integer", "minimum": 0},
                "next_cursor": {
                    "type": ["string", "null"],
                    "description": "Pass as `after` for the next page; null on the last page.",
                },
                "previous_cursor": {
                    "type": ["string", "null"],
                    "description": "Pass as `before` for the previous page; null on the first.",
                },
            },
        },  # fmt: skip
        "StaffTimelineEvent": staff_event,
        "StaffRequestDetail": request_detail,
        "StaffAction": action_schema(),
        "StaffActionResult": {
            "type": "object",
            "required": ["event", "request"],
            "properties": {
                "event": ref("StaffTimelineEvent"),
                "request": ref("StaffRequestDetail"),
            },
        },
        "PortalRequest": portal_request_schema(portal.PORTAL_FIELDS),
        "PortalAccepted": {
            "type": "object",
            "required": ["id", "status_tracking_number"],
            "properties": {
                "id": {"type": "integer", "description": "Our id of the stored request."},
                "status_tracking_number": TRACKING_NUMBER,
            },
        },
        "PortalError": {
            "type": "object",
            "required": ["code", "message", "description"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "description": {"type": "string"},
            },
        },
    }


def action_schema() -> dict[str, Any]:
    """`{"action": …, …}`: one branch per workflow action, from the staff action forms."""
    try:
        from foia_portal.staff.forms import ACTION_FORMS, HTML_ONLY_FIELDS
    except ImportError:  # the staff area is not installed in this build
        return {"type": "object", "required": ["action"]}
    branches = []
    for name, form_class in ACTION_FORMS.items():
        probe = form_class(formdata=None, meta={"csrf": False})
        fields = tuple(f.name for f in probe if f.name not in HTML_ONLY_FIELDS | {"csrf_token"})
        branch = form_schema(form_class, fields)
        branch["title"] = name
        branch["properties"] = {"action": {"const": name}, **branch["properties"]}
        branch["required"] = ["action", *branch.get("required", [])]
        branches.append(branch)
    return {
        "description": "One workflow action. `version` (from the request) makes the action fail "
        "with 409 if someone else changed the request since you read it.",
        "oneOf": branches,
        "discriminator": {"propertyName": "action"},
    }


def portal_request_schema(fields) -> dict[str, Any]:
    """The FOIA.gov Agency API v1.1.0 payload, from the receiver's own field table."""
    file_object = {
        "type": "object",
        "required": ["filedata"],
        "properties": {
            "filename": {"type": "string"},
            "content_type": {"type": "string"},
            "filesize": {"type": "integer", "minimum": 0},
            "filedata": {"type": "string", "contentEncoding": "base64"},
        },
    }
    kinds = {
        "string": {"type": ["string", "null"]},
        "integer": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
        "yes_no": {"type": ["string", "null"], "enum": ["yes", "no", None]},
        "boolean": {"type": ["boolean", "null"]},
        "file": {"oneOf": [file_object, {"type": "null"}]},
        "files": {"type": ["array", "null"], "items": file_object},
    }
    properties = {}
    for f in fields:
        schema = dict(kinds[f.kind])
        if f.required and f.kind == "string":
            schema = {"type": "string", "minLength": 1}
        schema["description"] = f.description
        if f.example is not None:
            schema["examples"] = [f.example]
        properties[f.name] = schema
    return {
        "type": "object",
        "description": "Flat JSON. Agency-specific fields (named as on the agency's FOIA.gov "
        "form) may appear at the top level too: they are kept with the request.",
        "required": [f.name for f in fields if f.required],
        "properties": properties,
        "additionalProperties": True,
    }


def suggestions_schema() -> dict[str, Any]:
    try:
        from foia_portal.faq.forms import SuggestionsShownForm
    except ImportError:  # the FAQ area is not installed in this build
        return {"type": "object"}
    return form_schema(SuggestionsShownForm)


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
            "parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string"}},
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {
                    "name": "per_page",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 50},
                },
            ],
            "responses": {
                "200": {
                    "description": "Matching entries.",
                    "content": json_content(ref("FaqSearch")),
                }
            },
        },  # fmt: skip
        ("/api/v1/faq/{slug}", "get"): {
            "summary": "One FAQ entry",
            "tags": ["FAQ"],
            "parameters": [
                {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": {"description": "The entry.", "content": json_content(ref("Faq"))},
                **errors("404"),
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


def build_document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for (path, method), operation in operations().items():
        if served(path, method):
            paths.setdefault(path, {})[method] = operation
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


# --- the readable page ------------------------------------------------------------------------


def resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    """Follow a `$ref` and merge `allOf`, for display."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return resolve(document["components"]["schemas"][name], document)
    if "allOf" in schema:
        merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
        for part in schema["allOf"]:
            part = resolve(part, document)
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        return merged
    return schema


def type_label(schema: dict[str, Any], document: dict[str, Any]) -> str:
    """A short human description of a schema's type: "date or null", "one of: a, b"."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "const" in schema:
        return f"“{schema['const']}”"
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " or ".join(type_label(s, document) for s in schema[key])
    types = schema.get("type", "any")
    types = [types] if isinstance(types, str) else list(types)
    label = " or ".join(t for t in types if t != "null")
    if schema.get("format"):
        label = schema["format"] if label == "string" else f"{label} ({schema['format']})"
    if label == "array" and "items" in schema:
        label = f"list of {type_label(schema['items'], document)}"
    if "null" in types:
        label += " or null"
    return label


def constraints(schema: dict[str, Any]) -> list[str]:
    notes = []
    enum = [v for v in schema.get("enum", []) if v is not None]
    if not enum and isinstance(schema.get("items"), dict):
        enum = schema["items"].get("enum", [])
    if enum:
        notes.append("one of: " + ", ".join(str(v) for v in enum))
    if "minLength" in schema and schema["minLength"] > 1:
        notes.append(f"at least {schema['minLength']:,} characters")
    if "maxLength" in schema:
        notes.append(f"at most {schema['maxLength']:,} characters")
    for part in schema.get("anyOf", []):
        if "minimum" in part or "maximum" in part:
            notes.append(f"from {part.get('minimum', '')} to {part.get('maximum', '')}")
    if "pattern" in schema:
        notes.append(f"pattern {schema['pattern']}")
    return notes


def field_rows(schema: dict[str, Any], document: dict[str, Any]) -> list[dict[str, Any]]:
    schema = resolve(schema, document)
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": type_label(prop, document),
            "required": name in required,
            "constraints": constraints(prop),
            "description": prop.get("description") or prop.get("title") or "",
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def reference_sections(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The document as a list the template can show without any logic of its own."""
    sections = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            body_schema = resolve(body["schema"], document) if body else None
            variants = []
            if body_schema and "oneOf" in body_schema:
                variants = [
                    {"title": b.get("title", ""), "fields": field_rows(b, document)}
                    for b in body_schema["oneOf"]
                ]
            responses = []
            for code, response in operation["responses"].items():
                content = response.get("content", {}).get("application/json")
                responses.append(
                    {
                        "code": code,
                        "description": response.get("description", ""),
                        "schema": type_label(content["schema"], document) if content else "",
                    }
                )
            sections.append(
                {
                    "id": f"{method}-{re.sub(r'[^a-z0-9]+', '-', path.lower()).strip('-')}",
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "auth": [next(iter(s)) for s in operation.get("security", [])],
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "type": type_label(p["schema"], document),
                            "constraints": constraints(p["schema"]),
                            "description": p.get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": field_rows(body_schema, document)
                    if body_schema and not variants
                    else [],
                    "variants": variants,
                    "responses": responses,
                }
            )
    return sections


@bp.get("/v1/docs")
def reference_page():
    """The API reference for people, rendered on the server from the OpenAPI document."""
    document = openapi_document()
    return render_template(
        "api/docs.html", document=document, sections=reference_sections(document)
    )
