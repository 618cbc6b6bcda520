"""A FOIA request, its requester, attachments and timeline."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from foia_portal.core.vocabulary import Channel, Status
from foia_portal.extensions import db
from foia_portal.platform.append_only import append_only
from foia_portal.platform.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from foia_portal.auth.models import StaffUser


class Requester(db.Model):
    """The person or organisation asking for records; one row per request, as sent."""

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str] = mapped_column(sa.String(254), index=True)  # stored lower-cased
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    organization: Mapped[str | None] = mapped_column(sa.String(200))
    street: Mapped[str | None] = mapped_column(sa.String(200))
    city: Mapped[str | None] = mapped_column(sa.String(100))
    state: Mapped[str | None] = mapped_column(sa.String(100))
    zip_code: Mapped[str | None] = mapped_column(sa.String(20))
    country: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def __repr__(self) -> str:
        return f"<Requester {self.id}>"


class TrackingSequence(db.Model):
    """The last tracking-number sequence handed out, per agency code and fiscal year."""

    agency_code: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<TrackingSequence {self.agency_code}-{self.fiscal_year}:{self.last_value}>"


# Must match the queue's filter for open requests word for word, so the planner uses the
# partial indexes below (foia_portal.staff.queue).
OPEN_CONDITION = "status IN ('received', 'in_progress', 'on_hold')"


def _set_only(column: str) -> dict[str, Any]:
    """The partial-index condition of an index on a column that a new request leaves NULL: the
    row enters the index only once the column is set (one b-tree page fewer to write per
    submission). Every query using such an index compares the column (`>=`, `=`, BETWEEN, or
    says IS NOT NULL), which both planners accept as implying the condition."""
    condition = sa.text(f"{column} IS NOT NULL")
    return {"postgresql_where": condition, "sqlite_where": condition}


class FoiaRequest(db.Model):
    __tablename__ = "foia_request"
    # A new request from the web form (status 'received', no assignee, closing date, decisions,
    # track, disposition or FOIA.gov id) enters nine indexes besides the table itself: five of
    # these, the `requester_id` and `due_date` column indexes and the two unique ones
    # (tracking_number, submission_token). Each is a b-tree page written at commit inside
    # SQLite's write lock, so an index that no query needs, or that a new row need not enter,
    # costs every submission (docs/performance.md).
    __table_args__ = (
        # The queue's default view: open requests by due date.
        sa.Index("ix_foia_request_status_due_date", "status", "due_date", "id"),
        # A staff member's requests by status, and the unassigned ones (`assignee_id IS NULL`:
        # every new request is in this index for that view, so it has no partial condition).
        sa.Index("ix_foia_request_assignee_status", "assignee_id", "status", "due_date"),
        # Kept although it is a prefix of `ix_foia_request_report`: on its own it is ordered by
        # (received_date, id), which the "received" sort (any status) and the report's ten
        # oldest pending walk in order; through the report index both must sort.
        sa.Index("ix_foia_request_received_date", "received_date"),
        # The queue's "closed this fiscal year", the dashboard's closures of the month and the
        # estimate's latest closures: all compare closed_date (NULL while open).
        sa.Index("ix_foia_request_closed_date", "closed_date", **_set_only("closed_date")),
        # The working queue (open requests) in due-date order, overall and per assignee: small
        # partial indexes, so "open by due date" and "mine" stay fast among a million closed
        # requests (see docs/staff-workflow.md, "Performance"). The per-assignee one holds
        # assigned requests only ("mine" and a colleague's are `assignee_id = ?`; unassigned
        # ones are found through ix_foia_request_assignee_status), so a new request skips it.
        sa.Index(
            "ix_foia_request_open_due_date",
            "due_date",
            "id",
            postgresql_where=sa.text(OPEN_CONDITION),
            sqlite_where=sa.text(OPEN_CONDITION),
        ),
        sa.Index(
            "ix_foia_request_open_assignee_due_date",
            "assignee_id",
            "due_date",
            "id",
            postgresql_where=sa.text(f"{OPEN_CONDITION} AND assignee_id IS NOT NULL"),
            sqlite_where=sa.text(f"{OPEN_CONDITION} AND assignee_id IS NOT NULL"),
        ),
        # The annual report (reports/annual.py, reports/closures.py): every column its year-wide
        # counts read, so SQLite counts a year of 100,000 requests from this narrow index alone
        # instead of fetching each wide row (0.4 s a pass); PostgreSQL can do index-only scans
        # with it.
        sa.Index(
            "ix_foia_request_report",
            "received_date",
            "status",
            "closed_date",
            "due_date",
            "is_test",
            "track",
            "disposition",
            "id",
        ),
        # FOIA.gov's own id, set only on requests it delivered: unique, so that a delivery
        # repeated while the first is being stored fails (api/portal_endpoints.py); partial, so
        # that the web form's requests (NULL) do not enter it.
        sa.Index(
            "ix_foia_request_portal_request_id",
            "portal_request_id",
            unique=True,
            **_set_only("portal_request_id"),
        ),
        # The report's expedited and fee-waiver decisions of a year: a few thousand rows, found
        # by a range on the decision instant; undecided requests are not in these indexes.
        sa.Index(
            "ix_foia_request_expedited_decided_at",
            "expedited_decided_at",
            **_set_only("expedited_decided_at"),
        ),
        sa.Index(
            "ix_foia_request_fee_waiver_decided_at",
            "fee_waiver_decided_at",
            **_set_only("fee_waiver_decided_at"),
        ),
        # The queue's "reply waiting": the few requests whose requester wrote last.
        sa.Index(
            "ix_foia_request_reply_waiting_since",
            "reply_waiting_since",
            **_set_only("reply_waiting_since"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    fiscal_year: Mapped[int]
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("requester.id"), index=True)

    # What was asked.
    description: Mapped[str] = mapped_column(sa.Text)
    date_from: Mapped[date | None]
    date_to: Mapped[date | None]
    fee_category: Mapped[str] = mapped_column(sa.String(20))
    fee_limit: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    fee_waiver: Mapped[bool] = mapped_column(default=False)
    fee_waiver_reason: Mapped[str | None] = mapped_column(sa.Text)
    expedited: Mapped[bool] = mapped_column(default=False)
    expedited_reason: Mapped[str | None] = mapped_column(sa.Text)
    delivery_format: Mapped[str] = mapped_column(sa.String(20), default="electronic")
    channel: Mapped[str] = mapped_column(sa.String(20), default=Channel.WEB)

    # Where it stands.
    status: Mapped[str] = mapped_column(sa.String(20), default=Status.RECEIVED)
    track: Mapped[str | None] = mapped_column(sa.String(20))
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    disposition: Mapped[str | None] = mapped_column(sa.String(40))
    exemptions: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    # The clock. `submitted_at` is the instant it reached us; `received_date` the business day the
    # statutory clock starts from; `due_date` is kept up to date by the deadline module on every
    # change so that the queue can filter and sort on an index. Its own index serves the views
    # over every status in due-date order (status "all", and searches); the open ones use the
    # partial indexes above.
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    received_date: Mapped[date]
    due_date: Mapped[date] = mapped_column(index=True)
    extension_business_days: Mapped[int] = mapped_column(default=0)
    extension_reason: Mapped[str | None] = mapped_column(sa.Text)
    paused_business_days: Mapped[int] = mapped_column(default=0)
    on_hold_since: Mapped[date | None]
    hold_reason: Mapped[str | None] = mapped_column(sa.String(20))  # clarification | fees
    clarification_toll_used: Mapped[bool] = mapped_column(default=False)
    estimated_completion_date: Mapped[date | None]
    expedited_decision_due: Mapped[date | None]
    expedited_decision: Mapped[str | None] = mapped_column(sa.String(10))  # granted | denied
    expedited_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fee_waiver_decision: Mapped[str | None] = mapped_column(sa.String(10))
    fee_waiver_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the requester replies on the status page, cleared when staff next write to them
    # (any action shown to the requester): the queue's "reply waiting".
    reply_waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_date: Mapped[date | None]

    # Intake bookkeeping.
    submission_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    status_link_nonce: Mapped[str] = mapped_column(sa.String(32))
    portal_request_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    portal_payload: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    # No index: nearly every row is False, and on SQLite (no planner statistics) an index here
    # was chosen over the date indexes and made the report and dashboard counts scan the table.
    is_test: Mapped[bool] = mapped_column(default=False)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic locking: two officers acting at once cannot overwrite each other.
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    requester: Mapped[Requester] = relationship(lazy="joined", innerjoin=True)
    assignee: Mapped[StaffUser | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="request", order_by="Attachment.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[RequestEvent]] = relationship(
        back_populates="request", order_by="RequestEvent.id", cascade="all, delete-orphan"
    )
    holds: Mapped[list[HoldPeriod]] = relationship(
        back_populates="request", order_by="HoldPeriod.id", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    def __repr__(self) -> str:
        return f"<FoiaRequest {self.tracking_number} {self.status}>"


class Attachment(db.Model):
    """A file sent with a request (`supporting`), with a reply on the status page (`reply`), or
    released to the requester (`released`). Files of a reply or a closing letter name the
    timeline event they came with."""

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("foia_request.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20), default="supporting")
    original_filename: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("request_event.id"))

    request: Mapped[FoiaRequest] = relationship(back_populates="attachments")
    # One way only: a collection on the event would mark the append-only event changed.
    event: Mapped[RequestEvent | None] = relationship()

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.kind}>"


class HoldPeriod(db.Model):
    """A time the statutory clock stood still while the office waited for the requester."""

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("foia_request.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(20))  # clarification | fees
    started_on: Mapped[date]
    ended_on: Mapped[date | None]

    request: Mapped[FoiaRequest] = relationship(back_populates="holds")

    def __repr__(self) -> str:
        return f"<HoldPeriod {self.request_id} {self.started_on}..{self.ended_on}>"


@append_only
class RequestEvent(db.Model):
    """One line of a request's timeline: who did what, when, and how the due date moved."""

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("foia_request.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    public: Mapped[bool] = mapped_column(default=False)
    message: Mapped[str | None] = mapped_column(sa.Text)
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    previous_due_date: Mapped[date | None]
    due_date: Mapped[date | None]

    request: Mapped[FoiaRequest] = relationship(back_populates="events")
    actor: Mapped[StaffUser | None] = relationship()

    def __repr__(self) -> str:
        return f"<RequestEvent {self.id} {self.kind}>"
