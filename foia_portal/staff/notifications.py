"""The workflow emails: acknowledgment, questions, extension, decisions, final response, assignment.

Each function queues one message in the outbox, in the caller's transaction; the route sends it
after the commit. Templates: templates/email/workflow/{kind}.txt and .html.

What the law makes every letter say (FOIA Improvement Act of 2016, 5 U.S.C. § 552(a)(6)):
- every response names the FOIA Public Liaison;
- an adverse determination (records withheld, no records, expedited or fee waiver denied, …)
  also names OGIS and gives at least 90 days to appeal — § 552(a)(6)(A)(i)(III);
- an extension notice gives the reason and the new date, offers to narrow the request and names
  the FOIA Public Liaison and OGIS — § 552(a)(6)(B)(i)–(ii).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context

from foia_portal.core import vocabulary
from foia_portal.requests.clock import deadline_for
from foia_portal.requests.status_links import status_url

APPEAL_DAYS = 90  # § 552(a)(6)(A)(i)(III)(aa): at least 90 days after the determination

OGIS = {
    "name": "Office of Government Information Services (OGIS)",
    "organisation": "National Archives and Records Administration",
    "address": "8601 Adelphi Road – OGIS, College Park, Maryland 20740-6001",
    "email": "ogis@nara.gov",
    "phone": "202-741-5770",
    "toll_free": "1-877-684-6448",
    "website": "https://www.archives.gov/ogis",
}
DEFAULT_APPEAL_ADDRESS = (
    "Director, Office of Information Policy (OIP), United States Department of Justice, "
    "441 G Street, NW, 6th Floor, Washington, DC 20530"
)

EXTENSION_REASONS = {
    "field_facilities": (
        "the records you asked for must be searched for and collected from field facilities or "
        "other establishments separate from the office processing your request"
    ),
    "voluminous_records": (
        "the records you asked for are voluminous and must be searched for, collected and examined"
    ),
    "consultation": (
        "we need to consult another agency, or two or more components of our agency, that have a "
        "substantial interest in the records"
    ),
}


def _status_link(foia_request) -> str:
    # Links in emails are absolute; url_for needs a request context (absent in the CLI).
    if has_request_context():
        return status_url(foia_request, external=True)
    with current_app.test_request_context("/"):
        return status_url(foia_request, external=True)


def letter_context(foia_request, **extra: Any) -> dict[str, Any]:
    """What every workflow email knows: the request, its dates, the office and where to get help."""
    config = current_app.config
    return {
        "foia_request": foia_request,
        "tracking_number": foia_request.tracking_number,
        "requester_name": foia_request.requester.full_name,
        "deadline": deadline_for(foia_request),
        "status_url": _status_link(foia_request),
        "agency_name": config["AGENCY_NAME"],
        "agency_parent": config.get("AGENCY_PARENT", ""),
        "liaison": {
            "name": config.get("FOIA_PUBLIC_LIAISON", "FOIA Public Liaison"),
            "phone": config.get("FOIA_PUBLIC_LIAISON_PHONE", ""),
            "email": config.get("FOIA_PUBLIC_LIAISON_EMAIL", ""),
        },
        "ogis": OGIS,
        "appeal_days": APPEAL_DAYS,
        "appeal_address": config.get("FOIA_APPEAL_ADDRESS", DEFAULT_APPEAL_ADDRESS),
        "track_label": vocabulary.TRACK_LABELS.get(foia_request.track, foia_request.track),
        **extra,
    }


def _queue(kind: str, foia_request, subject: str, recipient: str | None = None, **extra: Any):
    from foia_portal.mail.outbox import queue_email

    return queue_email(
        kind=f"workflow/{kind}",
        recipient=recipient or foia_request.requester.email,
        subject=f"{subject} – FOIA request {foia_request.tracking_number}",
        context=letter_context(foia_request, **extra),
        foia_request=foia_request,
    )


def acknowledgment(foia_request, message: str | None = None):
    """The request is acknowledged: track, statutory due date and estimated completion date."""
    return _queue("acknowledgment", foia_request, "We are processing your request", message=message)


def plain_message(foia_request, message: str):
    """A message from the office; the requester can answer on the status page or by replying."""
    return _queue("message", foia_request, "A message about your request", message=message)


def information_requested(foia_request, message: str, reason: str):
    """The office needs something from the requester; the clock stops until they answer."""
    return _queue(
        "information_request",
        foia_request,
        "We need information from you",
        message=message,
        reason=reason,
    )


def processing_resumed(foia_request, previous_due_date, message: str | None = None):
    """The requester answered; the clock runs again and the due date has moved."""
    return _queue(
        "resumed",
        foia_request,
        "We are processing your request again",
        previous_due_date=previous_due_date,
        message=message,
    )


def extension_notice(foia_request, reason: str, previous_due_date, message: str | None = None):
    """Unusual circumstances: written notice with the reason, the new date and the right help."""
    return _queue(
        "extension",
        foia_request,
        "More time is needed for your request",
        reason=reason,
        reason_text=EXTENSION_REASONS[reason],
        previous_due_date=previous_due_date,
        message=message,
    )


def estimate_revised(foia_request, previous_estimate, reason: str):
    """The estimated completion date changed (5 U.S.C. § 552(a)(7)(B))."""
    return _queue(
        "estimate_revised",
        foia_request,
        "New estimated completion date",
        previous_estimate=previous_estimate,
        reason=reason,
    )


def expedited_decision(foia_request, granted: bool, reason: str):
    """The decision on expedited processing; a denial names appeal rights and OGIS."""
    return _queue(
        "expedited_decision",
        foia_request,
        "Expedited processing " + ("granted" if granted else "denied"),
        granted=granted,
        reason=reason,
    )


def fee_waiver_decision(foia_request, granted: bool, reason: str):
    """The decision on the fee waiver; a denial names appeal rights and OGIS."""
    return _queue(
        "fee_waiver_decision",
        foia_request,
        "Fee waiver " + ("granted" if granted else "denied"),
        granted=granted,
        reason=reason,
    )


def final_response(foia_request, message: str, released: list):
    """The final response: disposition, exemptions, released records, appeal rights, help."""
    return _queue(
        "final_response",
        foia_request,
        "Final response to your request",
        message=message,
        disposition_label=vocabulary.DISPOSITION_LABELS.get(
            foia_request.disposition, foia_request.disposition
        ),
        exemption_labels=[vocabulary.EXEMPTION_LABELS[e] for e in foia_request.exemptions or []],
        adverse=foia_request.disposition in vocabulary.ADVERSE_DISPOSITIONS,
        released=[a.original_filename for a in released],
    )


def _staff_link(foia_request) -> str:
    """The request's page in the staff workspace, absolute."""
    from flask import url_for

    if has_request_context():
        link = url_for("staff.request_detail", tracking_number=foia_request.tracking_number)
    else:
        with current_app.test_request_context("/"):
            link = url_for("staff.request_detail", tracking_number=foia_request.tracking_number)
    return current_app.config["PUBLIC_BASE_URL"] + link


def assignment_notice(foia_request, officer, assigned_by):
    """Tell an officer a request is now theirs (internal: no requester data beyond the basics)."""
    return _queue(
        "assigned",
        foia_request,
        "Assigned to you",
        recipient=officer.email,
        officer_name=officer.name,
        assigned_by=assigned_by.name,
        staff_url=_staff_link(foia_request),
    )


def reply_received(foia_request, reply, files: list[str], resumed: bool):
    """Tell the assigned officer (or the office inbox when unassigned) the requester replied."""
    officer = foia_request.assignee
    recipient = (
        officer.email
        if officer is not None and officer.active
        else current_app.config.get("FOIA_OFFICE_EMAIL")
    )
    if not recipient:
        current_app.logger.warning(
            "FOIA_OFFICE_EMAIL is not set: no notice of the reply to request %s", foia_request.id
        )
        return None
    return _queue(
        "reply_received",
        foia_request,
        "The requester replied",
        recipient=recipient,
        officer_name=officer.name if officer is not None and officer.active else None,
        reply=reply.message,
        files=files,
        resumed=resumed,
        staff_url=_staff_link(foia_request),
    )
