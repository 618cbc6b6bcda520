"""The staff actions: one service per action, shared by the staff pages, the JSON API and the CLI.

`perform_action(foia_request, action_name, actor, values, expected_version)` checks the one
status machine (`foia_portal.core.workflow`), changes the request, keeps its due date right,
records a timeline event (who, when, what changed, the previous and the new due date) and queues
the emails the law requires. It flushes and never commits: the caller commits, then calls
`send_after_commit()`. An action staff show the requester answers any reply waiting.

`actor` None: the portal acts on the requester's own act, with an officer's rights (a reply on
the status page ends a hold through `resume`: foia_portal/requests/replies.py).

Errors, and what the HTTP layers answer:
- `ActionInvalid` — a value is wrong for this request (422, with `errors` by field);
- `core.workflow.ActionNotAllowed` — not possible from the current status (409);
- `core.workflow.RoleNotAllowed` — the actor's role may not (403);
- `RequestChanged` — someone else changed the request since the form was shown (409).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from foia_portal.auth.models import StaffUser
from foia_portal.core import deadlines
from foia_portal.core.vocabulary import (
    DISPOSITIONS_REQUIRING_EXEMPTIONS,
    EXEMPTIONS,
    Disposition,
    Role,
    Status,
    Track,
)
from foia_portal.core.workflow import (
    ActionNotAllowed,
    RoleNotAllowed,
    check_request_action,
)
from foia_portal.extensions import db
from foia_portal.platform.text import long_date
from foia_portal.platform.types import utcnow
from foia_portal.reports import closures
from foia_portal.requests.clock import refresh_due_date
from foia_portal.requests.models import Attachment, FoiaRequest, HoldPeriod, RequestEvent
from foia_portal.requests.services import StoredFiles, record_event, store_attachment
from foia_portal.requests.uploads import CheckedUpload
from foia_portal.staff import notifications

__all__ = [
    "ActionInvalid",
    "ActionNotAllowed",
    "RequestChanged",
    "RoleNotAllowed",
    "default_estimate",
    "perform_action",
]

# Fallback processing times when too few requests on a track have closed to take a median.
FALLBACK_ESTIMATE_BUSINESS_DAYS = {Track.SIMPLE: 20, Track.COMPLEX: 60, Track.EXPEDITED: 10}
MEDIAN_SAMPLE = 200  # the most recent closed requests on the track
MEDIAN_MINIMUM = 5
HOLD_REASONS = ("clarification", "fees")
EXTENSION_REASONS = tuple(notifications.EXTENSION_REASONS)
DECISIONS = ("granted", "denied")

# The columns an event's "what changed" reports.
TRACKED_FIELDS = (
    "status", "track", "assignee_id", "due_date", "estimated_completion_date",
    "extension_business_days", "hold_reason", "expedited_decision", "fee_waiver_decision",
    "disposition", "exemptions",
)  # fmt: skip

STALE_MESSAGE = (
    "This request changed while you were working on it (someone else acted on it). "
    "Reload the page to see the change, then try again."
)


class RequestChanged(Exception):
    """The request changed since the form was shown: optimistic locking (HTTP 409)."""

    def __init__(self, message: str = STALE_MESSAGE):
        super().__init__(message)


class ActionInvalid(Exception):
    """Values that cannot be applied to this request (HTTP 422), by field."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(m for ms in errors.values() for m in ms))
        self.errors = errors


def invalid(field: str, message: str) -> ActionInvalid:
    return ActionInvalid({field: [message]})


@dataclass
class ActionContext:
    foia_request: FoiaRequest
    actor: StaffUser | None  # None: the portal, on the requester's own act
    values: dict[str, Any]
    today: date
    stored: StoredFiles
    # Files the action added, linked to its timeline event (a closing letter's released records).
    attachments: list[Attachment] = field(default_factory=list)


def perform_action(
    foia_request: FoiaRequest,
    action_name: str,
    actor: StaffUser | None,
    values: dict[str, Any] | None = None,
    expected_version: int | None = None,
    *,
    today: date | None = None,
    stored: StoredFiles | None = None,
) -> RequestEvent:
    """Take one workflow action on a request and return the timeline event it recorded."""
    if action_name not in ACTION_SERVICES:
        raise invalid("action", f"Unknown action “{action_name}”.")
    check_request_action(action_name, foia_request, actor.role if actor else Role.OFFICER)
    # A note adds a line and overwrites nothing, so it never needs the latest version.
    stale = expected_version is not None and expected_version != foia_request.version
    if stale and action_name != "note":
        raise RequestChanged()
    context = ActionContext(
        foia_request,
        actor,
        dict(values or {}),
        today or deadlines.today_eastern(),
        stored if stored is not None else StoredFiles(),
    )
    before = snapshot(foia_request)
    previous_due = foia_request.due_date
    try:
        kind, public, message, details, after_flush = ACTION_SERVICES[action_name](context)
        db.session.flush()
    except StaleDataError:
        # Another transaction committed a change to this row between our read and our write
        # (the UPDATE … WHERE version = ? matched nothing; autoflush may raise it mid-action).
        raise RequestChanged() from None
    changes = changed_fields(before, snapshot(foia_request))
    if public and actor is not None:
        foia_request.reply_waiting_since = None  # staff have written back
    event = record_event(
        foia_request,
        kind,
        public=public,
        message=message,
        actor_id=actor.id if actor else None,
        previous_due_date=previous_due,
        details={"action": action_name, "changes": changes, **details},
    )
    for attachment in context.attachments:
        attachment.event = event
    if after_flush is not None:
        after_flush()
    db.session.flush()
    return event


def snapshot(foia_request: FoiaRequest) -> dict[str, Any]:
    return {name: getattr(foia_request, name) for name in TRACKED_FIELDS}


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return value


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for every tracked column the action changed."""
    return {
        name: [_json_value(before[name]), _json_value(after[name])]
        for name in TRACKED_FIELDS
        if before[name] != after[name]
    }


def _text(values: dict[str, Any], name: str, label: str, required: bool = True) -> str | None:
    value = (values.get(name) or "").strip()
    if required and not value:
        raise invalid(name, f"Enter {label}.")
    return value or None


def _choice(values: dict[str, Any], name: str, choices: tuple[str, ...], label: str) -> str:
    value = values.get(name)
    if value not in choices:
        raise invalid(name, f"Choose {label}: {', '.join(choices)}.")
    return value


# --- the estimated completion date (5 U.S.C. § 552(a)(7)(B)) ---------------------------------


def median_processing_days(track: str) -> int | None:
    """Median business days from receipt to closure (days on hold excluded) on this track.

    Counted by the annual report's own rule (`reports.closures`), over the latest closures.
    """
    latest = (
        sa.select(FoiaRequest.id)
        .where(FoiaRequest.track == track, closures.IS_CLOSED, closures.COUNTED,
               FoiaRequest.closed_date.is_not(None))
        .order_by(FoiaRequest.closed_date.desc())
        .limit(MEDIAN_SAMPLE)
    )  # fmt: skip
    today = deadlines.today_eastern()
    used = [
        closure.business_days
        for closure in closures.closures(
            today - timedelta(days=365), today, [[FoiaRequest.id.in_(latest)]]
        )
    ]
    if len(used) < MEDIAN_MINIMUM:
        return None
    return round(statistics.median(used))


def default_estimate(
    foia_request: FoiaRequest, track: str, today: date | None = None
) -> tuple[date, dict[str, Any]]:
    """The office's median processing time for the track, counted from receipt (fallback:
    simple 20, complex 60, expedited 10 business days); never earlier than the next business day.

    Returns the date and how it was worked out, which the status page explains.
    """
    today = today or deadlines.today_eastern()
    days = median_processing_days(track)
    basis = {"method": "median", "business_days": days}
    if days is None:
        days = FALLBACK_ESTIMATE_BUSINESS_DAYS.get(Track(track), 20)
        basis = {"method": "usual", "business_days": days}
    estimate = deadlines.add_business_days(
        foia_request.received_date, days + (foia_request.paused_business_days or 0)
    )
    return max(estimate, deadlines.next_business_day(today)), basis


def _check_estimate(foia_request: FoiaRequest, estimate: date, today: date) -> None:
    if estimate < today:
        raise invalid("estimated_completion_date", "The estimated completion date cannot be past.")
    if estimate < foia_request.received_date:
        raise invalid(
            "estimated_completion_date",
            "The estimated completion date cannot be before the request was received.",
        )


# --- the actions ------------------------------------------------------------------------------
# Each returns (event kind, public?, message, details, after_flush callback or None).


def acknowledge(c: ActionContext):
    """received → in_progress: choose the track, set the estimate, send the acknowledgment."""
    r = c.foia_request
    track = _choice(c.values, "track", tuple(Track), "a track")
    estimate, basis = c.values.get("estimated_completion_date"), None
    if not estimate:
        estimate, basis = default_estimate(r, track, c.today)
    _check_estimate(r, estimate, c.today)
    message = _text(c.values, "message", "a message", required=False)
    r.track = track
    r.status = Status.IN_PROGRESS
    r.acknowledged_at = utcnow()
    r.estimated_completion_date = estimate
    refresh_due_date(r, c.today)
    details = {"track": track, "estimated_completion_date": estimate.isoformat()}
    if basis:
        details["estimate_basis"] = basis
    return "acknowledged", True, message, details, lambda: notifications.acknowledgment(r, message)


def assign(c: ActionContext):
    """Give the request to an officer (blank: unassign); the officer is told by email."""
    r = c.foia_request
    email = (c.values.get("assignee") or "").strip().lower()
    if not email:
        if r.assignee_id is None:
            raise invalid("assignee", "The request is not assigned to anyone.")
        r.assignee = None
        return "unassigned", False, None, {}, None
    officer = db.session.scalar(sa.select(StaffUser).where(StaffUser.email == email))
    if officer is None or not officer.active:
        raise invalid("assignee", "Choose an active staff member by their email address.")
    if r.assignee_id == officer.id:
        raise invalid("assignee", f"The request is already assigned to {officer.name}.")
    r.assignee = officer
    details = {"assignee": officer.email, "assignee_name": officer.name}
    return (
        "assigned",
        False,
        None,
        details,
        lambda: notifications.assignment_notice(r, officer, c.actor),
    )


def note(c: ActionContext):
    """An internal note: never shown to the requester."""
    return "note", False, _text(c.values, "text", "the note"), {}, None


def message(c: ActionContext):
    """A plain message to the requester: shown on the status page and emailed; nothing else moves."""
    r = c.foia_request
    text = _text(c.values, "message", "the message to the requester")
    return "message", True, text, {}, lambda: notifications.plain_message(r, text)


def request_info(c: ActionContext):
    """in_progress → on_hold: ask the requester; the clock stops (§ 552(a)(6)(A)(ii))."""
    r = c.foia_request
    message = _text(c.values, "message", "the message to the requester")
    reason = c.values.get("reason") or "clarification"
    if reason not in HOLD_REASONS:
        raise invalid("reason", "Choose why the clock stops: clarification or fees.")
    if reason == "clarification" and r.clarification_toll_used:
        # § 552(a)(6)(A)(ii)(I): the clock may be stopped only once to ask for information;
        # (II) lets it stop again, as often as needed, for fee questions.
        raise invalid(
            "reason",
            "The clock has already been stopped once to ask for information, which is all the "
            "law allows (5 U.S.C. § 552(a)(6)(A)(ii)(I)). It can stop again only for a fee "
            "question; otherwise ask without stopping the clock (add a note).",
        )
    r.holds.append(HoldPeriod(reason=reason, started_on=c.today))
    r.status = Status.ON_HOLD
    r.on_hold_since = c.today
    r.hold_reason = reason
    if reason == "clarification":
        r.clarification_toll_used = True
    refresh_due_date(r, c.today)
    return (
        "information_requested",
        True,
        message,
        {"reason": reason},
        lambda: notifications.information_requested(r, message, reason),
    )


def resume(c: ActionContext):
    """on_hold → in_progress: the requester answered; the due date moves by the paused days."""
    r = c.foia_request
    open_holds = [h for h in r.holds if h.ended_on is None]
    if not open_holds:
        raise ActionNotAllowed("This request has no open hold to end.")
    hold = open_holds[-1]
    answered_on = c.values.get("answered_on") or c.today
    if answered_on > c.today:
        raise invalid("answered_on", "The date of the requester's answer cannot be in the future.")
    if answered_on < hold.started_on:
        asked = f"{hold.started_on:%b %d, %Y}"
        raise invalid(
            "answered_on", f"The requester cannot have answered before the question ({asked})."
        )
    previous_due = r.due_date
    hold.ended_on = answered_on
    paused = deadlines.business_days_between(hold.started_on, answered_on)
    r.status = Status.IN_PROGRESS
    r.on_hold_since = None
    r.hold_reason = None
    refresh_due_date(r, c.today)
    message = _text(c.values, "message", "a message", required=False)
    details = {"paused_business_days": paused, "hold_reason": hold.reason}
    details["answered_on"] = answered_on.isoformat()
    if c.actor is None:
        # § 552(a)(6)(A)(ii): the agency's receipt of the requester's response ends the toll.
        details["ended_by"] = "requester_reply"
        message = message or (
            f"Your reply of {long_date(answered_on)} ended the pause: the clock runs again from "
            "that day (5 U.S.C. § 552(a)(6)(A)(ii))."
        )
    return (
        "resumed",
        True,
        message,
        details,
        lambda: notifications.processing_resumed(r, previous_due, message),
    )


def extend(c: ActionContext):
    """Unusual circumstances: 10 more business days, once, with the reason (§ 552(a)(6)(B))."""
    r = c.foia_request
    reason = _choice(c.values, "reason", EXTENSION_REASONS, "the unusual circumstance")
    message = _text(c.values, "message", "a message", required=False)
    previous_due = r.due_date
    r.extension_business_days = deadlines.EXTENSION_BUSINESS_DAYS
    r.extension_reason = reason
    refresh_due_date(r, c.today)
    return (
        "extended",
        True,
        message,
        {"reason": reason, "business_days": deadlines.EXTENSION_BUSINESS_DAYS},
        lambda: notifications.extension_notice(r, reason, previous_due, message),
    )


def set_estimate(c: ActionContext):
    """Revise the estimated completion date, with a reason; a public event and an email."""
    r = c.foia_request
    estimate = c.values.get("estimated_completion_date")
    if not estimate:
        raise invalid("estimated_completion_date", "Enter the new estimated completion date.")
    reason = _text(c.values, "reason", "why the estimate changes")
    _check_estimate(r, estimate, c.today)
    if estimate == r.estimated_completion_date:
        raise invalid("estimated_completion_date", "That is already the estimated date.")
    previous = r.estimated_completion_date
    r.estimated_completion_date = estimate
    details = {
        "previous_estimate": previous.isoformat() if previous else None,
        "estimated_completion_date": estimate.isoformat(),
    }
    return (
        "estimate_revised",
        True,
        reason,
        details,
        lambda: notifications.estimate_revised(r, previous, reason),
    )


def decide_expedited(c: ActionContext):
    """Grant or deny expedited processing (due within 10 calendar days, § 552(a)(6)(E)(ii))."""
    r = c.foia_request
    decision = _choice(c.values, "decision", DECISIONS, "granted or denied")
    reason = _text(c.values, "reason", "the reason for the decision")
    r.expedited_decision = decision
    r.expedited_decided_at = utcnow()
    if decision == "granted":
        r.track = Track.EXPEDITED  # processed "as soon as practicable": § 552(a)(6)(E)(iii)
    details = {"decision": decision, "on_time": c.today <= (r.expedited_decision_due or c.today)}
    return (
        f"expedited_{decision}",
        True,
        reason,
        details,
        lambda: notifications.expedited_decision(r, decision == "granted", reason),
    )


def decide_fee_waiver(c: ActionContext):
    """Grant or deny the fee waiver (§ 552(a)(4)(A)(iii)); a denial is appealable."""
    r = c.foia_request
    decision = _choice(c.values, "decision", DECISIONS, "granted or denied")
    reason = _text(c.values, "reason", "the reason for the decision")
    r.fee_waiver_decision = decision
    r.fee_waiver_decided_at = utcnow()
    return (
        f"fee_waiver_{decision}",
        True,
        reason,
        {"decision": decision},
        lambda: notifications.fee_waiver_decision(r, decision == "granted", reason),
    )


def close(c: ActionContext):
    """Close with a disposition, the exemptions cited, a final message and released records."""
    r = c.foia_request
    disposition = _choice(c.values, "disposition", tuple(Disposition), "a disposition")
    exemptions = list(dict.fromkeys(c.values.get("exemptions") or []))
    unknown = [e for e in exemptions if e not in EXEMPTIONS]
    if unknown:
        raise invalid("exemptions", f"Unknown exemption(s): {', '.join(unknown)}.")
    if disposition in DISPOSITIONS_REQUIRING_EXEMPTIONS and not exemptions:
        # A withholding must cite the exemption it rests on (§ 552(b), and the annual report).
        raise invalid("exemptions", "Cite the exemptions that justify withholding records.")
    if disposition not in DISPOSITIONS_REQUIRING_EXEMPTIONS and exemptions:
        raise invalid(
            "exemptions",
            "Exemptions are cited only for a partial grant or a full denial based on exemptions.",
        )
    message = _text(c.values, "message", "the final message to the requester")
    files: list[CheckedUpload] = c.values.get("released") or []
    released = [store_attachment(u, "released", c.stored, c.actor.id) for u in files]
    r.attachments.extend(released)
    c.attachments.extend(released)
    for hold in r.holds:
        if hold.ended_on is None:
            hold.ended_on = c.today
    r.on_hold_since = None
    r.hold_reason = None
    refresh_due_date(r, c.today)
    r.disposition = disposition
    r.exemptions = exemptions
    r.status = Status.CLOSED
    r.closed_at = utcnow()
    r.closed_date = c.today
    details = {
        "disposition": disposition,
        "exemptions": exemptions,
        "released": [a.original_filename for a in released],
        "on_time": c.today <= r.due_date,
    }
    return (
        "closed",
        True,
        message,
        details,
        lambda: notifications.final_response(r, message, released),
    )


def reopen(c: ActionContext):
    """closed → in_progress (admin), with a reason; the closing disposition is kept in the event."""
    r = c.foia_request
    reason = _text(c.values, "reason", "why the request is reopened")
    details = {
        "reason": reason,
        "previous_disposition": r.disposition,
        "previous_exemptions": list(r.exemptions or []),
        "previous_closed_date": r.closed_date.isoformat() if r.closed_date else None,
    }
    r.status = Status.IN_PROGRESS
    r.disposition = None
    r.exemptions = []
    r.closed_at = None
    r.closed_date = None
    refresh_due_date(r, c.today)
    return "reopened", True, None, details, None


ACTION_SERVICES = {
    "acknowledge": acknowledge,
    "assign": assign,
    "note": note,
    "message": message,
    "request_info": request_info,
    "resume": resume,
    "extend": extend,
    "set_estimate": set_estimate,
    "decide_expedited": decide_expedited,
    "decide_fee_waiver": decide_fee_waiver,
    "close": close,
    "reopen": reopen,
}
