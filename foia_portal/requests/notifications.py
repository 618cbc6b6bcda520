"""Emails about a new request: the requester's confirmation and the notice to the FOIA office.

Each function queues messages in the outbox, in the caller's transaction; the route sends them
after the commit (`foia_portal.mail.outbox.send_after_commit`). Templates live under
templates/email/requests/.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context

from foia_portal.core.deadlines import Deadline
from foia_portal.core.vocabulary import CHANNEL_LABELS, FEE_CATEGORY_LABELS
from foia_portal.mail.outbox import queue_email
from foia_portal.platform.text import long_date
from foia_portal.requests.clock import deadline_for
from foia_portal.requests.public_view import explain_deadline
from foia_portal.requests.status_links import status_url


def external_status_url(foia_request) -> str:
    """The signed status link, absolute (url_for needs a request context; the CLI has none)."""
    if has_request_context():
        return status_url(foia_request, external=True)
    with current_app.test_request_context("/"):
        return status_url(foia_request, external=True)


def summary_rows(
    foia_request, fee_category_label: str, *, for_staff: bool
) -> list[tuple[str, str]]:
    """What was asked for, as (label, value) rows: the same in both emails about a new request and
    in both their parts, which only lay them out (the requester reads "you", staff "the
    requester")."""
    rows = []
    if foia_request.date_from or foia_request.date_to:
        dated = (
            long_date(foia_request.date_from) or "any date",
            long_date(foia_request.date_to) or "any date",
        )
        rows.append(("Records dated", " to ".join(dated)))
    rows.append(("Requester category", fee_category_label))
    if foia_request.fee_limit is not None:
        label = "Most the requester agrees to pay" if for_staff else "Most you agreed to pay"
        rows.append((label, f"${foia_request.fee_limit:.2f}"))
    rows.append(("Fee waiver asked for", "Yes" if foia_request.fee_waiver else "No"))
    expedited = "Yes" if foia_request.expedited else "No"
    if foia_request.expedited and foia_request.expedited_decision_due:
        decided_by = long_date(foia_request.expedited_decision_due)
        expedited += f" (we decide on it by {decided_by}, within 10 calendar days)"
    rows.append(("Expedited processing asked for", expedited))
    paper = foia_request.delivery_format == "paper"
    rows.append(("Records delivered", "on paper, by mail" if paper else "electronically"))
    return rows


def request_context(foia_request, deadline: Deadline | None = None) -> dict[str, Any]:
    """What both emails about a new request show: what was asked, the dates and the help."""
    config = current_app.config
    deadline = deadline or deadline_for(foia_request)
    tracking_number = foia_request.tracking_number
    fee_category_label = FEE_CATEGORY_LABELS.get(
        foia_request.fee_category, foia_request.fee_category
    )
    return {
        "tracking_number": tracking_number,
        "requester_name": foia_request.requester.full_name,
        "organization": foia_request.requester.organization or "",
        "description": foia_request.description,  # cut in the template (truncate filter)
        "summary": summary_rows(foia_request, fee_category_label, for_staff=False),
        "staff_summary": summary_rows(foia_request, fee_category_label, for_staff=True),
        "channel_label": CHANNEL_LABELS.get(foia_request.channel, foia_request.channel),
        "expedited": bool(foia_request.expedited),
        "expedited_decision_due": foia_request.expedited_decision_due,
        "fee_waiver": bool(foia_request.fee_waiver),
        "attachment_count": len(foia_request.attachments),
        "deadline": deadline,
        "deadline_explanation": explain_deadline(foia_request, deadline),
        "status_url": external_status_url(foia_request),
        "agency_name": config["AGENCY_NAME"],
        "liaison": {
            "name": config.get("FOIA_PUBLIC_LIAISON") or "FOIA Public Liaison",
            "phone": config.get("FOIA_PUBLIC_LIAISON_PHONE") or "",
            "email": config.get("FOIA_PUBLIC_LIAISON_EMAIL") or "",
        },
        "status_page_url": config["PUBLIC_BASE_URL"] + "/foia/status",
        "staff_queue_url": config["PUBLIC_BASE_URL"] + "/staff/?q=" + tracking_number,
    }


def request_received(foia_request, deadline: Deadline | None = None) -> None:
    """Queue the requester's confirmation and the staff notice for a stored request."""
    context = request_context(foia_request, deadline)
    number = foia_request.tracking_number
    # Requests from FOIA.gov may come without a usable email (a postal requester).
    if foia_request.requester.email:
        queue_email(
            kind="requests/confirmation",
            recipient=foia_request.requester.email,
            subject=f"We received your FOIA request {number}",
            context=context,
            foia_request=foia_request,
        )
    office = current_app.config.get("FOIA_OFFICE_EMAIL")
    if office:
        queue_email(
            kind="requests/staff_notice",
            recipient=office,
            subject=f"New FOIA request {number}"
            + (" (expedited processing asked)" if foia_request.expedited else ""),
            context=context,
            foia_request=foia_request,
        )
    else:
        current_app.logger.warning(
            "FOIA_OFFICE_EMAIL is not set: no staff notice for request %s", foia_request.id
        )


def status_link_sent(foia_request) -> None:
    """Queue an email with the (new) signed status link, e.g. after staff revoked the old ones."""
    queue_email(
        kind="requests/status_link",
        recipient=foia_request.requester.email,
        subject=f"Your status link for FOIA request {foia_request.tracking_number}",
        context=request_context(foia_request),
        foia_request=foia_request,
    )
