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
from foia_portal.mail.outbox import insert_email, queue_email
from foia_portal.requests.clock import deadline_for
from foia_portal.requests.links import status_url
from foia_portal.requests.public_view import explain_deadline


def external_status_url(foia_request) -> str:
    """The signed status link, absolute (url_for needs a request context; the CLI has none)."""
    if has_request_context():
        return status_url(foia_request, external=True)
    with current_app.test_request_context("/"):
        return status_url(foia_request, external=True)


def request_context(foia_request, deadline: Deadline | None = None) -> dict[str, Any]:
    """What both emails about a new request show: what was asked, the dates and the help.

    Intake passes the deadline it has just worked out; otherwise it is worked out here.
    """
    config = current_app.config
    deadline = deadline or deadline_for(foia_request)
    return {
        "foia_request": foia_request,
        "tracking_number": foia_request.tracking_number,
        "requester_name": foia_request.requester.full_name,
        "fee_category_label": FEE_CATEGORY_LABELS.get(
            foia_request.fee_category, foia_request.fee_category
        ),
        "channel_label": CHANNEL_LABELS.get(foia_request.channel, foia_request.channel),
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
        "staff_queue_url": config["PUBLIC_BASE_URL"] + "/staff/?q=" + foia_request.tracking_number,
    }


def request_received(foia_request, deadline: Deadline | None = None) -> None:
    """Queue the requester's confirmation and the staff notice for a new request.

    Both are rendered from one context and written with one INSERT each (`insert_email`): the
    intake service does not look at them again, and this runs while SQLite's write lock is held.
    """
    context = request_context(foia_request, deadline)
    # Requests from FOIA.gov may come without a usable email (a postal requester): no confirmation.
    if foia_request.requester.email:
        insert_email(
            kind="requests/confirmation",
            recipient=foia_request.requester.email,
            subject=f"We received your FOIA request {foia_request.tracking_number}",
            context=context,
            request_id=foia_request.id,
        )
    office = current_app.config.get("FOIA_OFFICE_EMAIL")
    if office:
        insert_email(
            kind="requests/staff_notice",
            recipient=office,
            subject=f"New FOIA request {foia_request.tracking_number}"
            + (" (expedited processing asked)" if foia_request.expedited else ""),
            context=context,
            request_id=foia_request.id,
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
