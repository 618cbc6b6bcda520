"""The OpenAPI document's named schemas (`components/schemas`): the bodies the API takes and
the answers it gives, for `foia_portal.api.openapi`.

Request bodies are generated from the WTForms forms that validate them
(`foia_portal.api.form_schema`), and the FOIA.gov receiver's from its field table
(`foia_portal.requests.foiagov.PORTAL_FIELDS`), so they cannot drift from the rules. The answers are
described here; the schemathesis test (tests/integration/test_api_openapi.py) checks every response against
them.
"""

from __future__ import annotations

from typing import Any

from foia_portal.api.form_schema import form_schema
from foia_portal.core.vocabulary import (
    DISPOSITION_LABELS,
    EXEMPTIONS,
    STATUS_LABELS,
    TRACK_LABELS,
    Channel,
)

TRACKING_NUMBER_PATTERN = r"^[A-Z]{2,10}-\d{4}-\d{6,}$"

DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
STATUS = {"type": "string", "enum": [str(s) for s in STATUS_LABELS]}
TRACK = {"type": ["string", "null"], "enum": [*(str(t) for t in TRACK_LABELS), None]}
DISPOSITION = {"type": ["string", "null"], "enum": [*(str(d) for d in DISPOSITION_LABELS), None]}
TRACKING_NUMBER = {"type": "string", "pattern": TRACKING_NUMBER_PATTERN,
                   "examples": ["COPS-2027-000042"]}  # fmt: skip


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def component_schemas() -> dict[str, Any]:
    from foia_portal.requests import foiagov
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
                "messages": {
                    "type": "array",
                    "description": "The conversation, oldest first: the office's messages and "
                    "the requester's replies.",
                    "items": {
                        "type": "object",
                        "required": ["from", "sent_at", "text", "attachments"],
                        "properties": {
                            "from": {"type": "string", "enum": ["office", "requester"]},
                            "sent_at": {"type": "string", "format": "date-time"},
                            "text": {"type": "string"},
                            "attachments": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["name", "url"],
                                    "properties": {
                                        "name": {"type": "string"},
                                        "url": {
                                            "type": ["string", "null"],
                                            "description": "Null in this lookup: files are "
                                            "downloaded through the emailed status link.",
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
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
        "PortalRequest": portal_request_schema(foiagov.PORTAL_FIELDS),
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
    """The FOIA.gov Agency API v1.1.0 payload, from the receiver's own field table and the
    patterns its readers use (`foia_portal.requests.foiagov`)."""
    from foia_portal.requests import foiagov

    def text(pattern: str) -> dict[str, Any]:
        return {"type": "string", "pattern": f"^{pattern}$"}

    digits = text(foiagov.DIGITS_TEXT)
    file_object = {
        "type": "object",
        "required": ["filedata"],
        "properties": {
            "filename": {"type": ["string", "null"]},
            "content_type": {"type": ["string", "null"]},
            "filesize": {"anyOf": [{"type": "integer", "minimum": 0}, digits, {"type": "null"}]},
            "filedata": {**text(foiagov.BASE64_TEXT), "contentEncoding": "base64"},
        },
    }
    request_id = {"type": "integer", "minimum": 1, "maximum": foiagov.MAX_PORTAL_REQUEST_ID}
    kinds = {
        # Numbers are taken as text (a ZIP code sent as 20530).
        "string": {"type": ["string", "number", "null"]},
        "integer": {"anyOf": [request_id, {**text(foiagov.ID_TEXT),
                                           "description": "Digits, read as a number."}]},
        "yes_no": {"anyOf": [{"type": "boolean"}, {"type": "null"}, {"const": ""},
                             text(foiagov.YES_NO_TEXT)]},
        "boolean": {"anyOf": [{"type": "boolean"}, {"type": "null"}, {"enum": [0, 1]},
                              text(foiagov.BOOLEAN_TEXT)]},
        "file": {"anyOf": [file_object, {"type": "null"}]},
        # A null item is skipped.
        "files": {"type": ["array", "null"], "items": {"anyOf": [file_object, {"type": "null"}]}},
    }  # fmt: skip
    properties = {}
    for f in fields:
        schema = dict(kinds[f.kind])
        if f.required and f.kind == "string":
            # Cleaning removes control characters and trims: something visible must be left.
            schema = {"type": ["string", "number"], "pattern": foiagov.VISIBLE_TEXT}
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
