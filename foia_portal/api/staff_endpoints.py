"""The staff API: the queue, one request, and workflow actions, with `Authorization: Bearer`.

Built on the same services as the staff pages: `staff.queue` for the list (same filters as
/staff/), `staff.services.perform_action` for actions (the one status machine decides), and
`auth.services.user_for_bearer_token` for the token (stored hashed, revocable). No session
cookie is read or set: a token is the only credential here.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import jsonify, request, url_for
from sqlalchemy.orm.exc import StaleDataError

from foia_portal.api.errors import ApiError, read_json_body, validation_error
from foia_portal.api.routes import bp
from foia_portal.auth.models import StaffUser
from foia_portal.auth.services import user_for_bearer_token
from foia_portal.core import deadlines
from foia_portal.core.tracking import normalise_tracking_number
from foia_portal.core.workflow import check_request_action, request_actions
from foia_portal.extensions import db
from foia_portal.mail.outbox import send_after_commit
from foia_portal.requests.models import FoiaRequest, RequestEvent
from foia_portal.requests.services import StoredFiles
from foia_portal.staff import queue
from foia_portal.staff import services as workflow_services
from foia_portal.staff.forms import (
    ACTION_FORMS,
    QueueFilterForm,
    action_values,
    validate_action_json,
)


def bearer_user() -> StaffUser:
    """The staff member whose token came in `Authorization: Bearer <token>`, or 401."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "Send a staff API token as `Authorization: Bearer <token>`.")
    user = user_for_bearer_token(token.strip())
    if user is None:
        raise ApiError(401, "This token is unknown or revoked, or its account is deactivated.")
    return user


def request_or_404(tracking_number: str) -> FoiaRequest:
    foia_request = db.session.scalar(
        sa.select(FoiaRequest).where(
            FoiaRequest.tracking_number == normalise_tracking_number(tracking_number)
        )
    )
    if foia_request is None:
        raise ApiError(404, "No request has this tracking number.")
    return foia_request


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def summary_json(foia_request: FoiaRequest, overdue: bool) -> dict[str, Any]:
    return {
        "tracking_number": foia_request.tracking_number,
        "status": foia_request.status,
        "track": foia_request.track,
        "received_date": iso(foia_request.received_date),
        "due_date": iso(foia_request.due_date),
        "estimated_completion_date": iso(foia_request.estimated_completion_date),
        "overdue": overdue,
        "assignee": foia_request.assignee.email if foia_request.assignee else None,
        "requester_name": foia_request.requester.full_name,
        "channel": foia_request.channel,
        "expedited": foia_request.expedited,
        "fee_waiver": foia_request.fee_waiver,
        "is_test": foia_request.is_test,
        "version": foia_request.version,
        "url": url_for("api.staff_request", tracking_number=foia_request.tracking_number),
    }


def event_json(event: RequestEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "kind": event.kind,
        "created_at": iso(event.created_at),
        "public": event.public,
        "message": event.message,
        "actor": event.actor.email if event.actor else None,
        "previous_due_date": iso(event.previous_due_date),
        "due_date": iso(event.due_date),
        "details": event.details or {},
    }


def detail_json(foia_request: FoiaRequest, user: StaffUser) -> dict[str, Any]:
    """Everything staff see on the request page, with the full timeline."""
    row = queue.row_for(foia_request, deadlines.today_eastern())
    requester = foia_request.requester
    return {
        **summary_json(foia_request, row.overdue),
        "requester": {
            name: getattr(requester, name)
            for name in (
                "first_name",
                "last_name",
                "email",
                "phone",
                "organization",
                "street",
                "city",
                "state",
                "zip_code",
                "country",
            )
        },  # fmt: skip
        "description": foia_request.description,
        "date_from": iso(foia_request.date_from),
        "date_to": iso(foia_request.date_to),
        "fee_category": foia_request.fee_category,
        "fee_limit": str(foia_request.fee_limit) if foia_request.fee_limit is not None else None,
        "fee_waiver_reason": foia_request.fee_waiver_reason,
        "expedited_reason": foia_request.expedited_reason,
        "delivery_format": foia_request.delivery_format,
        "disposition": foia_request.disposition,
        "exemptions": list(foia_request.exemptions or []),
        "on_hold_since": iso(foia_request.on_hold_since),
        "hold_reason": foia_request.hold_reason,
        "extension_business_days": foia_request.extension_business_days,
        "attachments": [
            {
                "id": a.id,
                "kind": a.kind,
                "filename": a.original_filename,
                "content_type": a.content_type,
                "size_bytes": a.size_bytes,
                "sha256": a.sha256,
                "uploaded_at": iso(a.uploaded_at),
            }
            for a in foia_request.attachments
        ],
        "timeline": [event_json(e) for e in foia_request.events],
        "allowed_actions": [a.name for a in request_actions(foia_request, user.role)],
        "portal_request_id": foia_request.portal_request_id,
        "portal_payload": foia_request.portal_payload,
    }


@bp.get("/v1/staff/requests")
def staff_queue():
    """The queue with the staff page's filters (`status`, `track`, `assignee`, `overdue`, `q`)."""
    user = bearer_user()
    form = QueueFilterForm(formdata=request.args)
    if not form.validate():
        validation_error(form.errors)
    filters, errors = queue.parse_filters(request.args, user)
    if errors:
        # Well-formed, but naming no staff member, or a page link that leads to no page.
        raise ApiError(404, " ".join(m for messages in errors.values() for m in messages))
    page = queue.queue_page(filters)
    return jsonify(
        results=[summary_json(row.foia_request, row.overdue) for row in page.rows],
        total=page.total,
        next_cursor=page.next_cursor,
        previous_cursor=page.previous_cursor,
    )


@bp.get("/v1/staff/requests/<tracking_number>")
def staff_request(tracking_number: str):
    """One request as staff see it: requester, timeline, attachments and allowed actions."""
    user = bearer_user()
    return jsonify(detail_json(request_or_404(tracking_number), user))


@bp.post("/v1/staff/requests/<tracking_number>/actions")
def staff_action(tracking_number: str):
    """Take one workflow action; 409 when the status does not allow it, 403 for the role."""
    user = bearer_user()
    foia_request = request_or_404(tracking_number)
    payload = read_json_body()
    if not isinstance(payload, dict):
        validation_error({"_body": ["The body must be a JSON object."]})
    action = payload.get("action")
    # Any JSON value may arrive here: only a string can name an action (a dict is not hashable).
    if not isinstance(action, str) or action not in ACTION_FORMS:
        kind = "" if action is None or isinstance(action, str) else "Must be a string. "
        validation_error({"action": [f"{kind}Choose one of: {', '.join(ACTION_FORMS)}."]})
    # The status machine answers first: an action the request's status (or the role) does not
    # allow is 409 (or 403) whatever its payload, as the contract says.
    try:
        check_request_action(action, foia_request, user.role)
    except workflow_services.RoleNotAllowed as refused:
        raise ApiError(403, str(refused)) from None
    except workflow_services.ActionNotAllowed as conflict:
        raise ApiError(409, str(conflict)) from None
    form, errors = validate_action_json(action, {k: v for k, v in payload.items() if k != "action"})
    if errors:
        validation_error(errors)
    stored = StoredFiles()
    try:
        event = workflow_services.perform_action(
            foia_request,
            action,
            user,
            action_values(form),
            expected_version=form.version.data,
            stored=stored,
        )
        db.session.commit()
    except workflow_services.ActionInvalid as invalid:
        db.session.rollback()
        stored.discard()
        validation_error(invalid.errors)
    except workflow_services.RoleNotAllowed as refused:
        db.session.rollback()
        raise ApiError(403, str(refused)) from None
    except (
        workflow_services.ActionNotAllowed,
        workflow_services.RequestChanged,
        StaleDataError,
    ) as conflict:
        db.session.rollback()
        stored.discard()
        message = str(conflict) if not isinstance(conflict, StaleDataError) else None
        raise ApiError(409, message or workflow_services.STALE_MESSAGE) from None
    except BaseException:
        db.session.rollback()
        stored.discard()
        raise
    send_after_commit()
    return jsonify(event=event_json(event), request=detail_json(foia_request, user))
