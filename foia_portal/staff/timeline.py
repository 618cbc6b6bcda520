"""A request's timeline as staff read it: every event in words, never the stored codes.

Events store codes (`partial_grant`, `["b6"]`, `field_facilities`) so that reports and the API
can count them; this module turns each into the labels the public page uses (core/vocabulary.py)
and a heading per kind of event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from foia_portal.core.vocabulary import (
    DISPOSITION_LABELS,
    EXEMPTION_LABELS,
    STATUS_LABELS,
    TRACK_LABELS,
    Status,
)
from foia_portal.platform.text import plain_date
from foia_portal.requests.models import FoiaRequest, RequestEvent
from foia_portal.requests.public_view import event_label

HEADINGS = {
    "received": "Request received",
    "acknowledged": "Acknowledged and placed on a track",
    "assigned": "Assigned",
    "unassigned": "Unassigned",
    "note": "Internal note",
    "message": "Message sent to the requester",
    "requester_replied": "The requester replied",
    "information_requested": "Asked the requester for information (clock stopped)",
    "resumed": "Processing resumed (clock running again)",
    "extended": "Time extended for unusual circumstances",
    "estimate_revised": "Estimated completion date set or changed",
    "expedited_granted": "Expedited processing granted",
    "expedited_denied": "Expedited processing denied",
    "fee_waiver_granted": "Fee waiver granted",
    "fee_waiver_denied": "Fee waiver denied",
    "records_released": "Records released",
    "closed": "Closed",
    "reopened": "Reopened",
}
HOLD_REASONS = {"clarification": "To ask for information", "fees": "A fee question"}
EXTENSION_REASONS = {
    "field_facilities": "Records at field facilities",
    "voluminous_records": "A voluminous amount of records",
    "consultation": "Consultation with another agency or component",
}
DECISIONS = {"granted": "Granted", "denied": "Denied"}
# The status staff see for on_hold ("Waiting for your reply" speaks to the requester).
STAFF_STATUS_LABELS = {**STATUS_LABELS, Status.ON_HOLD: "On hold"}


@dataclass
class TimelineEntry:
    heading: str
    at: datetime
    actor: str
    public: bool
    message: str | None
    previous_due_date: date | None
    due_date: date | None
    facts: list[str] = field(default_factory=list)


def exemption_words(codes: Any) -> str:
    """ "(b)(6) Personal privacy; (b)(7)(C) …" for a list of exemption codes."""
    return "; ".join(EXEMPTION_LABELS.get(code, code) for code in codes or [])


def _date_words(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return plain_date(value) if isinstance(value, date) else str(value)


def _value_words(name: str, value: Any, people: dict[int, str]) -> str:
    if value in (None, "", []):
        return "none"
    words = {
        "status": lambda v: STAFF_STATUS_LABELS.get(v, v),
        "track": lambda v: TRACK_LABELS.get(v, v),
        "assignee_id": lambda v: people.get(v, "a former member of staff"),
        "estimated_completion_date": _date_words,
        "extension_business_days": lambda v: f"{v} business days",
        "hold_reason": lambda v: HOLD_REASONS.get(v, v),
        "expedited_decision": lambda v: DECISIONS.get(v, v),
        "fee_waiver_decision": lambda v: DECISIONS.get(v, v),
        "disposition": lambda v: DISPOSITION_LABELS.get(v, v),
        "exemptions": exemption_words,
    }
    return str(words.get(name, str)(value))


CHANGE_NAMES = {
    "status": "Status",
    "track": "Track",
    "assignee_id": "Assigned to",
    "estimated_completion_date": "Estimated completion date",
    "extension_business_days": "Extension",
    "hold_reason": "Clock stopped for",
    "expedited_decision": "Expedited processing",
    "fee_waiver_decision": "Fee waiver",
    "disposition": "Disposition",
    "exemptions": "Exemptions cited",
}


def _facts(event: RequestEvent, people: dict[int, str]) -> list[str]:
    details = event.details or {}
    facts = []
    for name, pair in (details.get("changes") or {}).items():
        if name == "due_date" or name not in CHANGE_NAMES:
            continue  # the due date is shown on its own line
        before, after = (_value_words(name, value, people) for value in pair)
        facts.append(
            f"{CHANGE_NAMES[name]}: {after}"
            if before == "none"
            else f"{CHANGE_NAMES[name]}: {before} → {after}"
        )
    reason = details.get("reason")
    if reason and event.kind == "extended":
        facts.append(f"Unusual circumstance: {EXTENSION_REASONS.get(reason, reason)}")
    elif reason and event.kind == "reopened":
        facts.append(f"Why: {reason}")
    if details.get("ended_by") == "requester_reply":
        facts.append("Ended by the requester's reply on the status page (§ 552(a)(6)(A)(ii))")
    if event.kind == "requester_replied" and details.get("files"):
        facts.append("Files: " + ", ".join(details["files"]))
    if details.get("paused_business_days"):
        days = details["paused_business_days"]
        facts.append(f"Clock was stopped {days} business day{'s' if days != 1 else ''}")
    if details.get("released"):
        facts.append("Released: " + ", ".join(details["released"]))
    if details.get("previous_disposition"):
        previous = DISPOSITION_LABELS.get(details["previous_disposition"])
        facts.append(f"Disposition before reopening: {previous or details['previous_disposition']}")
    if details.get("previous_exemptions"):
        facts.append(
            f"Exemptions before reopening: {exemption_words(details['previous_exemptions'])}"
        )
    if event.kind == "assigned" and details.get("assignee_name"):
        facts = [f"Assigned to {details['assignee_name']} ({details.get('assignee', '')})"]
    return facts


def staff_timeline(foia_request: FoiaRequest, people: dict[int, str]) -> list[TimelineEntry]:
    """Every event of the request, oldest first, in words; `people` names staff by id."""
    return [
        TimelineEntry(
            heading=HEADINGS.get(event.kind) or event_label(event.kind),
            at=event.created_at,
            actor=event.actor.name
            if event.actor
            else (
                "The requester"
                if event.kind == "requester_replied"
                else "The requester or the system"
            ),
            public=event.public,
            message=event.message,
            previous_due_date=event.previous_due_date,
            due_date=event.due_date,
            facts=_facts(event, people),
        )
        for event in foia_request.events
    ]
