"""Request intake, shared by the web form, the JSON API, the FOIA.gov receiver and staff entry.

Services change data, flush and record events; the caller commits (see docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app

from foia_portal.core import deadlines
from foia_portal.core.tracking import normalise_tracking_number
from foia_portal.core.vocabulary import Channel, Status
from foia_portal.extensions import db
from foia_portal.platform.types import utcnow
from foia_portal.requests import notifications
from foia_portal.requests.models import Attachment, FoiaRequest, Requester, RequestEvent
from foia_portal.requests.status_links import new_link_nonce
from foia_portal.requests.tracking_numbers import next_tracking_number
from foia_portal.requests.uploads import CheckedUpload, discard_files, store_file

REQUESTER_FIELDS = (
    "first_name", "last_name", "email", "phone", "organization", "street", "city", "state",
    "zip_code", "country",
)  # fmt: skip


@dataclass
class Intake:
    """What one submission brings, whichever door it came through."""

    fields: dict[str, Any]
    channel: Channel = Channel.WEB
    files: list[CheckedUpload] = field(default_factory=list)
    submitted_at: datetime | None = None
    # Staff entering a mailed or phoned request give the date it arrived; the clock starts then.
    received_on: date | None = None
    submission_token: str | None = None
    portal_request_id: int | None = None
    portal_payload: dict[str, Any] | None = None
    is_test: bool = False
    actor_id: int | None = None


class StoredFiles(list):
    """Names of files written during a submission, to remove if the transaction fails."""

    def discard(self) -> None:
        discard_files(list(self))
        self.clear()


def record_event(
    foia_request: FoiaRequest,
    kind: str,
    *,
    public: bool,
    message: str | None = None,
    actor_id: int | None = None,
    previous_due_date: date | None = None,
    details: dict[str, Any] | None = None,
) -> RequestEvent:
    """Append a line to the request's timeline, with the due date before and after."""
    event = RequestEvent(
        request=foia_request,
        kind=kind,
        public=public,
        message=message,
        actor_id=actor_id,
        previous_due_date=previous_due_date,
        due_date=foia_request.due_date,
        details=details or {},
    )
    db.session.add(event)
    return event


def store_attachment(
    upload: CheckedUpload, kind: str, stored: StoredFiles, uploaded_by_id: int | None = None
) -> Attachment:
    """Write a checked upload to disk and describe it; the file is removed if the commit fails."""
    stored_name, sha256 = store_file(upload.content)
    stored.append(stored_name)
    return Attachment(
        kind=kind,
        original_filename=upload.original_filename,
        stored_name=stored_name,
        content_type=upload.content_type,
        size_bytes=upload.size_bytes,
        sha256=sha256,
        uploaded_by_id=uploaded_by_id,
    )


def submit_request(intake: Intake, stored: StoredFiles) -> FoiaRequest:
    """Store a new request with its requester, attachments and "received" event; queue the emails.

    The one intake of every channel (web form, JSON API, FOIA.gov receiver, staff entry). Files
    are written first and their names added to `stored`, so that the caller can remove them if
    the commit fails: a failed submission leaves nothing behind. The tracking number is taken in
    this transaction (core/tracking.py: gap-free under concurrency); the flush writes the rows,
    and its session hook moves the requests' content version (platform/content_version.py).
    """
    values = intake.fields
    config = current_app.config
    submitted_at = intake.submitted_at or utcnow()
    received = intake.received_on or deadlines.received_date_for(
        submitted_at, config["BUSINESS_DAY_ENDS_HOUR"]
    )
    attachments = [store_attachment(upload, "supporting", stored) for upload in intake.files]
    tracking_number, fiscal_year = next_tracking_number(config["AGENCY_CODE"], submitted_at)

    requester = Requester(**{name: values.get(name) or None for name in REQUESTER_FIELDS})
    requester.email = (values["email"] or "").strip().lower()
    fee_limit = values.get("fee_limit")
    now = utcnow()
    foia_request = FoiaRequest(
        requester=requester,
        tracking_number=tracking_number,
        fiscal_year=fiscal_year,
        description=values["description"],
        date_from=values.get("date_from"),
        date_to=values.get("date_to"),
        fee_category=values["fee_category"],
        fee_limit=Decimal(fee_limit) if fee_limit is not None else None,
        fee_waiver=bool(values.get("fee_waiver")),
        fee_waiver_reason=values.get("fee_waiver_reason") or None,
        expedited=bool(values.get("expedited")),
        expedited_reason=values.get("expedited_reason") or None,
        delivery_format=values.get("delivery_format") or "electronic",
        channel=str(intake.channel),
        status=str(Status.RECEIVED),
        submitted_at=submitted_at,
        received_date=received,
        due_date=deadlines.compute_deadline(received).due_date,
        expedited_decision_due=(
            deadlines.expedited_decision_due(received) if values.get("expedited") else None
        ),
        submission_token=intake.submission_token,
        status_link_nonce=new_link_nonce(),
        portal_request_id=intake.portal_request_id,
        portal_payload=intake.portal_payload,
        is_test=intake.is_test,
        attachments=attachments,
        created_at=now,  # when it was stored (staff enter old letters), the same in both
        updated_at=now,
        holds=[],  # a new request has none: its deadline needs no query
    )
    db.session.add(foia_request)
    record_event(
        foia_request,
        "received",
        public=True,
        actor_id=intake.actor_id,
        details={"channel": str(intake.channel), "attachments": len(attachments)},
    )
    db.session.flush()  # the ids, which the emails' status link and outbox rows name
    if not intake.is_test:
        notifications.request_received(foia_request)
    return foia_request


def filed_with_token(token: str | None) -> sa.Row | None:
    """The id and status-link nonce of the request filed with this form token, if any (all the
    confirmation redirect reads: `links.status_token` uses `.id` and `.status_link_nonce`)."""
    if not token:
        return None
    return db.session.execute(
        sa.select(FoiaRequest.id, FoiaRequest.status_link_nonce).where(
            FoiaRequest.submission_token == token
        )
    ).first()


def find_for_requester(tracking_number: str, email: str) -> FoiaRequest | None:
    """The request with this number whose requester has this email; None for any mismatch."""
    number = normalise_tracking_number(tracking_number or "")
    email = (email or "").strip().lower()
    if not number or not email or "\x00" in number + email:
        return None  # PostgreSQL text cannot hold NUL: such a pair matches nothing anyway
    return db.session.scalar(
        sa.select(FoiaRequest)
        .join(FoiaRequest.requester)
        .where(FoiaRequest.tracking_number == number, Requester.email == email)
    )
