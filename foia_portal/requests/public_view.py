"""What a requester may see of their request: the one public representation.

The status page (typed lookup and signed link) and `GET /api/v1/requests/<tracking_number>` both
show exactly this, so nothing internal can reach one and not the other. Never in it: internal
notes and non-public events, staff other than the assigned officer's name, staff emails,
supporting files, the requester's address, the FOIA.gov payload.

`build_public_view` keeps Python dates for the HTML page; `public_view` is the same with dates as
ISO 8601 strings, for JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import current_app, url_for

from foia_portal.core import deadlines
from foia_portal.core.deadlines import Deadline
from foia_portal.core.vocabulary import (
    ADVERSE_DISPOSITIONS,
    DISPOSITION_LABELS,
    EXEMPTION_LABELS,
    FEE_CATEGORY_LABELS,
    STATUS_LABELS,
    TRACK_LABELS,
    Status,
)
from foia_portal.platform.text import long_date
from foia_portal.requests.clock import deadline_for
from foia_portal.requests.models import Attachment, FoiaRequest, RequestEvent
from foia_portal.requests.uploads import display_filename

RELEASED = "released"

HOLD_REASONS = {
    "clarification": "waiting for information we asked you for",
    "fees": "waiting for your answer about fees",
}

# Plain-language headings for public timeline events (kinds from requests/services.py and
# staff/services.py); an unknown kind falls back to the kind itself, humanised.
EVENT_LABELS = {
    "received": "Request received",
    "acknowledged": "Request acknowledged and placed in a processing track",
    "message": "Message from the office",
    "requester_replied": "You replied",
    "information_requested": "We asked you for information (clock paused)",
    "resumed": "Processing resumed (clock running again)",
    "extended": "Time extended because of unusual circumstances",
    "estimate_revised": "Estimated completion date set or changed",
    "expedited_granted": "Expedited processing granted",
    "expedited_denied": "Expedited processing denied",
    "fee_waiver_granted": "Fee waiver granted",
    "fee_waiver_denied": "Fee waiver denied",
    "records_released": "Records released to you",
    "closed": "Request closed",
    "reopened": "Request reopened",
}


def event_label(kind: str) -> str:
    return EVENT_LABELS.get(kind) or kind.replace("_", " ").capitalize()


def _eastern_date(moment: datetime | None) -> date | None:
    return moment.astimezone(deadlines.EASTERN).date() if moment else None


def explain_deadline(foia_request: FoiaRequest, deadline: Deadline) -> list[str]:
    """How the due date was worked out, in plain sentences (for the status page and the emails)."""
    arrived = _eastern_date(foia_request.submitted_at)
    ends_hour = current_app.config.get("BUSINESS_DAY_ENDS_HOUR", deadlines.BUSINESS_DAY_ENDS_HOUR)
    # Only an open pause reads today: it adds a business day a day until the requester answers.
    return _explain(arrived, deadline, ends_hour, deadlines.today_eastern())


def _explain(
    arrived: date | None, deadline: Deadline, ends_hour: int, today: date | None
) -> list[str]:
    long = long_date
    sentences = []
    if arrived and arrived < deadline.received_date:
        sentences.append(
            f"Your request arrived on {long(arrived)}, {_why_not_that_day(arrived, ends_hour)}, "
            f"so it counts as received on the next business day, {long(deadline.received_date)}."
        )
    # 5 U.S.C. § 552(a)(6)(A)(i): 20 working days, weekends and legal public holidays excepted.
    holidays = "; ".join(f"{name}, {long(day)}" for day, name in deadline.holidays_skipped)
    sentences.append(
        f"The law gives us {deadline.base_business_days} business days from "
        f"{long(deadline.received_date)} to answer. Weekends and federal holidays are not counted"
        + (f"; we skipped {holidays}." if holidays else ".")
    )
    if deadline.extension_business_days:
        # § 552(a)(6)(B)(i): unusual circumstances, with written notice to the requester.
        sentences.append(
            f"We extended the time by {deadline.extension_business_days} business days because of "
            "unusual circumstances, and told you why."
        )
    for pause in deadline.pauses:
        # § 552(a)(6)(A)(ii): the clock stops while we wait for the requester.
        reason = HOLD_REASONS.get(pause.reason, "waiting for your reply")
        days = pause.business_days(today)  # only an open pause reads today
        if pause.end is None:
            so_far = f"; so far that adds {_days(days)}" if days else ""
            sentences.append(
                f"The clock has been paused since {long(pause.start)} while we are {reason}"
                f"{so_far}. The due date moves later each business day until you answer."
            )
        elif days == 0:
            # Asked and answered on days the clock was not running (a weekend, or the same day).
            span = (
                f"on {long(pause.start)}"
                if pause.start == pause.end
                else f"from {long(pause.start)} to {long(pause.end)}"
            )
            sentences.append(
                f"The clock was paused {span} while we were {reason}. No business day passed "
                "while it was paused, so the due date did not move."
            )
        else:
            sentences.append(
                f"The clock was paused from {long(pause.start)} to {long(pause.end)} while we were "
                f"{reason}, which adds {_days(days)}."
            )
    if deadline.total_business_days != deadline.base_business_days:
        sentences.append(
            f"In all, {deadline.total_business_days} business days from "
            f"{long(deadline.received_date)}: the due date is {long(deadline.due_date)}."
        )
    else:
        sentences.append(f"The due date is {long(deadline.due_date)}.")
    return sentences


def _why_not_that_day(day: date, hour: int) -> str:
    holiday = deadlines.federal_holiday(day)
    if holiday:
        return f"a federal holiday ({holiday})"
    if day.weekday() >= 5:
        return "a weekend day"
    clock = f"{hour % 12 or 12} {'p.m.' if hour >= 12 else 'a.m.'}"
    return f"after the end of the business day ({clock} Eastern time)"


def _days(count: int) -> str:
    return f"{count} business day" + ("" if count == 1 else "s")


def deadline_view(foia_request: FoiaRequest, deadline: Deadline) -> dict[str, Any]:
    return {
        "received_date": deadline.received_date,
        "due_date": deadline.due_date,
        "base_business_days": deadline.base_business_days,
        "extension_business_days": deadline.extension_business_days,
        "paused_business_days": deadline.paused_business_days,
        "total_business_days": deadline.total_business_days,
        "holidays_skipped": [
            {"date": day, "name": name} for day, name in deadline.holidays_skipped
        ],
        "pauses": [
            {
                "start": pause.start,
                "end": pause.end,
                "reason": pause.reason,
                "business_days": pause.business_days(deadlines.today_eastern()),
            }
            for pause in deadline.pauses
        ],
        "explanation": explain_deadline(foia_request, deadline),
    }


def filed_date(foia_request: FoiaRequest) -> date:
    """The day the request reached us: the day it was sent, or the day a letter arrived.

    Staff enter a mailed request days after it arrived and give its receipt date, so the
    earlier of the two is the day it reached the office.
    """
    sent = _eastern_date(foia_request.submitted_at)
    return min(sent, foia_request.received_date) if sent else foia_request.received_date


def receipt_rule(foia_request: FoiaRequest) -> str | None:
    """Why a request filed on a weekend, a holiday or after hours counts from a later day."""
    filed = filed_date(foia_request)
    if filed >= foia_request.received_date:
        return None
    ends_hour = current_app.config.get("BUSINESS_DAY_ENDS_HOUR", deadlines.BUSINESS_DAY_ENDS_HOUR)
    return (
        f"It arrived on {long_date(filed)}, {_why_not_that_day(filed, ends_hour)}, so by law it "
        f"counts as received on the next business day, {long_date(foia_request.received_date)}."
    )


def _event_date(foia_request: FoiaRequest, event: RequestEvent) -> date | None:
    if event.kind == "received":
        return filed_date(foia_request)
    return _eastern_date(event.created_at)


def timeline_view(
    foia_request: FoiaRequest, receipt_note: str | None = None
) -> list[dict[str, Any]]:
    """Public events only, in the order they happened: when, what, and the office's message.

    `receipt_note` (the request's `receipt_rule`) goes with the "received" line.
    """
    events = [
        {
            "date": _event_date(foia_request, event),
            "at": event.created_at,
            "kind": event.kind,
            "label": event_label(event.kind),
            "message": event.message,
            "note": receipt_note if event.kind == "received" else None,
            "due_date": event.due_date if event.due_date != event.previous_due_date else None,
            "previous_due_date": (
                event.previous_due_date
                if event.previous_due_date and event.due_date != event.previous_due_date
                else None
            ),
        }
        for event in foia_request.events
        if event.public
    ]
    # Stable: events of one day keep the order they were recorded in.
    return sorted(events, key=lambda event: event["date"])


# The office's letters to the requester: every public event staff take that emails them.
OFFICE_LETTERS = frozenset(
    {
        "acknowledged", "message", "information_requested", "resumed", "extended",
        "estimate_revised", "expedited_granted", "expedited_denied", "fee_waiver_granted",
        "fee_waiver_denied", "closed",
    }
)  # fmt: skip
REQUESTER_REPLY = "requester_replied"
# Files the requester may download through the signed link: what the office released to them
# and what they sent with a reply on the status page (never the files sent with the request).
REQUESTER_DOWNLOADS = frozenset({RELEASED, "reply"})


def messages_view(
    foia_request: FoiaRequest,
    download_token: str | None,
    file_url: Callable[[Attachment], str] | None = None,
) -> list[dict[str, Any]]:
    """The conversation, oldest first: every letter from the office and every reply from the
    requester, with its files (a download URL only when the signed link is known; staff pages
    give their own `file_url`)."""
    # The request's files are loaded already (released records); no query per message.
    files: dict[int, list[Attachment]] = {}
    for attachment in foia_request.attachments:
        if attachment.event_id is not None:
            files.setdefault(attachment.event_id, []).append(attachment)
    messages = []
    for event in foia_request.events:
        if not event.public or (event.kind not in OFFICE_LETTERS and event.kind != REQUESTER_REPLY):
            continue
        attachments = []
        for attachment in files.get(event.id, []):
            url = file_url(attachment) if file_url is not None else None
            if download_token is not None and attachment.kind in REQUESTER_DOWNLOADS:
                url = url_for(
                    "requests.released_record", token=download_token, attachment_id=attachment.id
                )
            attachments.append({"name": display_filename(attachment.original_filename), "url": url})
        messages.append(
            {
                "from": "requester" if event.kind == REQUESTER_REPLY else "office",
                "sent_at": event.created_at,
                "text": event.message
                or ("" if event.kind == REQUESTER_REPLY else event_label(event.kind)),
                "attachments": attachments,
            }
        )
    return messages


def awaiting_reply(foia_request: FoiaRequest) -> dict[str, Any] | None:
    """While on hold: the office's question, and when it was asked."""
    if foia_request.status != Status.ON_HOLD:
        return None
    asked = next(
        (e for e in reversed(foia_request.events) if e.kind == "information_requested"), None
    )
    if asked is None:
        return None
    return {
        "asked_on": _eastern_date(asked.created_at),
        "question": asked.message,
        "reason": HOLD_REASONS.get((asked.details or {}).get("reason"), "waiting for your reply"),
    }


def estimate_view(foia_request: FoiaRequest, today: date) -> dict[str, Any]:
    """The estimated completion date as the requester should see it, and how it was set.

    § 552(a)(7)(B) asks for an estimate while the request is open: after closing it means
    nothing, and a date already past is no estimate at all.
    """
    estimate = foia_request.estimated_completion_date
    if foia_request.status == Status.CLOSED or estimate is None:
        return {"date": None, "passed": False, "basis": None}
    if estimate < today:
        return {"date": None, "passed": True, "basis": None}
    setting = next(
        (
            e
            for e in reversed(foia_request.events)
            if e.public and e.kind in {"acknowledged", "estimate_revised"}
        ),
        None,
    )
    return {"date": estimate, "passed": False, "basis": _estimate_basis(foia_request, setting)}


def _estimate_basis(foia_request: FoiaRequest, setting: RequestEvent | None) -> str | None:
    if setting is None:
        return None
    if setting.kind == "estimate_revised":
        return f"Your FOIA officer set this date on {long_date(_eastern_date(setting.created_at))}."
    basis = (setting.details or {}).get("estimate_basis")
    if not basis:
        return "Your FOIA officer set this date when placing your request on its track."
    track = TRACK_LABELS.get(foia_request.track, foia_request.track or "").lower()
    days = _days(basis["business_days"])
    if basis["method"] == "median":
        return (
            f"Worked out from our recent work: half of the requests we closed on the {track} "
            f"track took {days} or less from receipt (time waiting for the requester not "
            "counted). It can be later than the due date the law sets when a request needs a "
            "lot of work."
        )
    return (
        f"Worked out from the usual time for the {track} track, {days} from receipt, since we "
        "have closed too few requests on it to use our own figures."
    )


def released_records_view(
    foia_request: FoiaRequest, download_token: str | None
) -> list[dict[str, Any]]:
    """Records released to the requester; a download URL only when the signed link is known."""
    records = []
    for attachment in foia_request.attachments:
        if attachment.kind != RELEASED:
            continue
        url = None
        if download_token is not None:
            url = url_for(
                "requests.released_record", token=download_token, attachment_id=attachment.id
            )
        records.append(
            {
                "id": attachment.id,
                "filename": display_filename(attachment.original_filename),
                "content_type": attachment.content_type,
                "size_bytes": attachment.size_bytes,
                "released_at": attachment.uploaded_at,
                "released_date": _eastern_date(attachment.uploaded_at),
                "download_url": url,
            }
        )
    return records


def office_contact() -> dict[str, str | None]:
    config = current_app.config
    return {
        "foia_public_liaison": config.get("FOIA_PUBLIC_LIAISON"),
        "phone": config.get("FOIA_PUBLIC_LIAISON_PHONE"),
        "email": config.get("FOIA_PUBLIC_LIAISON_EMAIL"),
        "office_email": config.get("FOIA_OFFICE_EMAIL") or config.get("FOIA_PUBLIC_LIAISON_EMAIL"),
    }


def build_public_view(
    foia_request: FoiaRequest, *, download_token: str | None = None, today: date | None = None
) -> dict[str, Any]:
    """The public view with Python dates (for templates). See `public_view` for JSON."""
    deadline = deadline_for(foia_request, today)
    today = today or deadlines.today_eastern()
    rule = receipt_rule(foia_request)
    contact = office_contact()
    officer = foia_request.assignee
    disposition = foia_request.disposition
    fee_limit = foia_request.fee_limit
    return {
        "tracking_number": foia_request.tracking_number,
        "status": foia_request.status,
        "status_label": STATUS_LABELS.get(foia_request.status, foia_request.status),
        "is_open": foia_request.status != Status.CLOSED,
        "track": foia_request.track,
        "track_label": TRACK_LABELS.get(foia_request.track) if foia_request.track else None,
        "submitted_at": foia_request.submitted_at,
        "received_date": foia_request.received_date,
        # The stored due date is what the queue and letters use; it equals the computed one
        # except while on hold, when the computed one is today's (it moves daily).
        "due_date": deadline.due_date,
        # § 552(a)(7)(B): the estimated date of completion, shown beside the statutory due date.
        "estimated_completion_date": foia_request.estimated_completion_date,
        "estimate": estimate_view(foia_request, today),
        "awaiting_reply": awaiting_reply(foia_request),
        "receipt_rule": rule,
        "disposition": disposition,
        "disposition_label": DISPOSITION_LABELS.get(disposition) if disposition else None,
        "adverse_determination": bool(disposition) and disposition in ADVERSE_DISPOSITIONS,
        "exemptions": [
            {"code": code, "label": EXEMPTION_LABELS.get(code, code)}
            for code in foia_request.exemptions or []
        ],
        "closed_date": foia_request.closed_date,
        "request": {
            "description": foia_request.description,
            "date_from": foia_request.date_from,
            "date_to": foia_request.date_to,
            "fee_category": foia_request.fee_category,
            "fee_category_label": FEE_CATEGORY_LABELS.get(foia_request.fee_category),
            "fee_limit": str(fee_limit) if fee_limit is not None else None,
            "fee_waiver_requested": foia_request.fee_waiver,
            "fee_waiver_decision": foia_request.fee_waiver_decision,
            "expedited_requested": foia_request.expedited,
            "expedited_decision": foia_request.expedited_decision,
            "expedited_decision_due": foia_request.expedited_decision_due,
            "delivery_format": foia_request.delivery_format,
        },
        "deadline": deadline_view(foia_request, deadline),
        "timeline": timeline_view(foia_request, rule),
        "released_records": released_records_view(foia_request, download_token),
        "messages": messages_view(foia_request, download_token),
        # The assigned officer's public contact: a name, and the office's address (staff
        # mailboxes are not published).
        "assigned_officer": (
            {"name": officer.name, "email": contact["office_email"]} if officer else None
        ),
        "contact": contact,
    }


def to_json(value: Any) -> Any:
    """Dates and datetimes as ISO 8601 strings, recursively."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    return value


def public_view(foia_request: FoiaRequest, *, download_token: str | None = None) -> dict[str, Any]:
    """The public representation as JSON-ready data (contract: GET /api/v1/requests/<number>)."""
    return to_json(build_public_view(foia_request, download_token=download_token))
