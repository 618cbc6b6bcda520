"""Request intake, shared by the web form, the JSON API, the FOIA.gov receiver and staff entry.

Services change data, flush and record events; the caller commits (see docs/architecture.md).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import configure_mappers, make_transient, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from foia_portal.core import deadlines
from foia_portal.core.tracking import next_tracking_number, normalise_tracking_number
from foia_portal.core.types import utcnow
from foia_portal.core.vocabulary import Channel, Status
from foia_portal.extensions import db
from foia_portal.requests import notifications
from foia_portal.requests.links import new_link_nonce
from foia_portal.requests.models import Attachment, FoiaRequest, Requester, RequestEvent
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


_INSERT_REQUESTER = sa.insert(Requester.__table__)
_INSERT_REQUEST = sa.insert(FoiaRequest.__table__)
_INSERT_EVENT = sa.insert(RequestEvent.__table__)


def _insert(
    connection: sa.Connection, statement: sa.Insert, values: dict[str, Any]
) -> dict[str, Any]:
    """One INSERT; the row as written, defaults and new id included."""
    result = connection.execute(statement, values)
    row = dict(result.last_inserted_params())
    row["id"] = result.inserted_primary_key[0]
    return row


def _unsaved(model: type, values: dict[str, Any]):
    """A transient `model` object holding `values`, made without the ORM's attribute events.

    `Model(**values)` records each value as a change to flush, which these objects never need
    (their rows are written with Core): for a request's 35 columns that cost more than its INSERT.
    The models of intake have no `__init__` or `@validates` of their own to bypass.
    """
    configure_mappers()  # what the constructor would have done first (a flag check once done)
    instance = model.__mapper__.class_manager.new_instance()
    instance.__dict__.update(values)
    return instance


def _stored(instance, row: dict[str, Any]) -> None:
    """Give an object every column of the row just written for it (the id and the defaults the
    INSERT filled in too), so that reading one never queries."""
    state = instance.__dict__
    state.update((key, value) for key, value in row.items() if state.get(key) is None)


def _join_session(foia_request: FoiaRequest) -> None:
    """Make the stored request and its requester persistent and clean in the session, as if
    loaded: relationships not set (a request's timeline) load from the database when read."""
    session = db.session()
    for instance in (foia_request.requester, foia_request):
        make_transient_to_detached(instance)
        # An object the session still holds under this key can only be left over from a
        # rolled-back submission (SQLite gives a rolled-back row's id out again): it never
        # existed, so it goes, as the ORM would have made it transient at the rollback.
        stale = session.identity_map.get(sa.inspect(instance).key)
        if stale is not None:
            session.expunge(stale)
            make_transient(stale)
    session.add(foia_request)  # with its requester: persistent and clean, nothing to flush


@functools.cache
def _blank_row(table: sa.Table) -> dict[str, None]:
    return {
        column.key: None
        for column in table.columns
        if column.default is None and not column.primary_key
    }


def _all_columns(table: sa.Table, values: dict[str, Any]) -> dict[str, Any]:
    # Every column that has no default is given (None where unset): the statement's shape never
    # changes (one cached compilation), and the row comes back whole.
    return {**_blank_row(table), **values}


@functools.lru_cache(maxsize=64)
def _new_request_deadline(received: date) -> deadlines.Deadline:
    # No holds and no extension yet: the same for every request received that day (immutable).
    return deadlines.compute_deadline(received)


def submit_request(
    intake: Intake, stored: StoredFiles, *, join_session: bool = True
) -> FoiaRequest:
    """Store a new request with its requester, attachments and "received" event; queue the emails.

    Files are written first and their names added to `stored`, so that the caller can remove them
    if the commit fails: a failed submission leaves nothing behind.

    Everything that does not need the tracking number is worked out first. Taking the number is
    the transaction's first write: on SQLite that takes the database's write lock, held until the
    caller commits, so what follows is short. The emails are rendered before it, with
    placeholders for the number and the status link (`notifications.ReceivedEmails`). The rows
    are written with one Core INSERT per table (requester, request, event, both emails in one: a
    new request has nothing for the ORM's unit of work to work out), and the request is returned
    as an ORM object in the session, as if loaded.

    `join_session=False` is for a caller that only reads the request's columns (the web form,
    which redirects): the object holds every column, its requester and its files, but stays out
    of the session, so nothing of it can be loaded or flushed later. Making it persistent costs a
    twentieth of a submission.
    """
    values = intake.fields
    config = current_app.config
    submitted_at = intake.submitted_at or utcnow()
    received = intake.received_on or deadlines.received_date_for(
        submitted_at, config["BUSINESS_DAY_ENDS_HOUR"]
    )
    attachments = [store_attachment(upload, "supporting", stored) for upload in intake.files]

    requester_values = {name: values.get(name) or None for name in REQUESTER_FIELDS}
    requester_values["email"] = (values["email"] or "").strip().lower()
    now = utcnow()  # created_at and updated_at: when it was stored (staff enter old letters)
    requester_values["created_at"] = now
    deadline = _new_request_deadline(received)
    fee_limit = values.get("fee_limit")
    request_values = _all_columns(
        FoiaRequest.__table__,
        {
            "description": values["description"],
            "date_from": values.get("date_from"),
            "date_to": values.get("date_to"),
            "fee_category": values["fee_category"],
            "fee_limit": Decimal(fee_limit) if fee_limit is not None else None,
            "fee_waiver": bool(values.get("fee_waiver")),
            "fee_waiver_reason": values.get("fee_waiver_reason") or None,
            "expedited": bool(values.get("expedited")),
            "expedited_reason": values.get("expedited_reason") or None,
            "delivery_format": values.get("delivery_format") or "electronic",
            "channel": str(intake.channel),
            "status": str(Status.RECEIVED),
            "submitted_at": submitted_at,
            "received_date": received,
            "due_date": deadline.due_date,
            "expedited_decision_due": (
                deadlines.expedited_decision_due(received) if values.get("expedited") else None
            ),
            "submission_token": intake.submission_token,
            "status_link_nonce": new_link_nonce(),
            "portal_request_id": intake.portal_request_id,
            "portal_payload": intake.portal_payload,
            "is_test": intake.is_test,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        },
    )

    requester = _unsaved(Requester, requester_values)
    foia_request = _unsaved(FoiaRequest, request_values)
    # What a new request has, known without asking: its requester, no holds (a deadline needs
    # no query) and the files just stored (the confirmation email lists them).
    set_committed_value(foia_request, "requester", requester)
    set_committed_value(foia_request, "holds", [])
    set_committed_value(foia_request, "attachments", attachments)
    emails = None if intake.is_test else notifications.ReceivedEmails(foia_request, deadline)

    # From here on the transaction writes (and on SQLite holds the write lock until the caller
    # commits): the number, then one INSERT per table, all on the session's connection (looked up
    # once: each look-up goes through the scoped session's registry).
    connection = db.session.connection()
    request_values["tracking_number"], request_values["fiscal_year"] = next_tracking_number(
        config["AGENCY_CODE"], submitted_at, connection
    )
    _stored(requester, _insert(connection, _INSERT_REQUESTER, requester_values))
    request_values["requester_id"] = requester.id
    _stored(foia_request, _insert(connection, _INSERT_REQUEST, request_values))
    if join_session:
        _join_session(foia_request)
    for attachment in attachments:
        attachment.request_id = foia_request.id
        db.session.add(attachment)  # written by the flush below
    _insert(
        connection,
        _INSERT_EVENT,
        {
            "request_id": foia_request.id,
            "created_at": now,
            "actor_id": intake.actor_id,
            "kind": "received",
            "public": True,
            "message": None,
            "details": {"channel": str(intake.channel), "attachments": len(attachments)},
            "previous_due_date": None,
            "due_date": foia_request.due_date,
        },
    )
    if emails is not None:
        emails.queue(foia_request, connection)
    if attachments:
        db.session.flush()
    # The rows above went in with Core, past the session hook that moves the request data's change
    # counter. It is not moved here: taking the tracking number moved the count of requests filed,
    # which the staff queue's data version reads as well (staff/queue.py), in one statement less.
    return foia_request


_FILED_WITH_TOKEN = sa.select(FoiaRequest.id, FoiaRequest.status_link_nonce).where(
    FoiaRequest.submission_token == sa.bindparam("token")
)


def filed_with_token(token: str | None) -> sa.Row | None:
    """The id and status-link nonce of the request filed with this form token, if any.

    All the confirmation redirect needs (`links.status_token` reads `.id` and
    `.status_link_nonce`), in one indexed read instead of loading the request and its requester.
    """
    if not token:
        return None
    return db.session.connection().execute(_FILED_WITH_TOKEN, {"token": token}).first()


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
