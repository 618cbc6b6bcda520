"""The outbox: every email is a row written in the same transaction as the change it announces.

`queue_email` renders both parts and adds the row to the caller's transaction, so an email exists
exactly when the change it announces was committed. Delivery happens afterwards:

- `send_after_commit()` — a route calls it right after `db.session.commit()`; it tries the emails
  that request queued, at once, when MAIL_SEND_IMMEDIATELY is on.
- `send_due()` — `flask outbox send` and the `--loop` worker: delivers everything that is due.

A message is claimed before it is sent: `claimed_until` is set and committed first, so several
workers (and web processes) can run at once without sending a message twice. On PostgreSQL the
claim is `SELECT … FOR UPDATE SKIP LOCKED`; on SQLite (no row locks) it is a conditional UPDATE
whose row count says whether this worker won. A worker that dies mid-send leaves a claim that
expires after OUTBOX_LEASE_SECONDS, and the message is tried again: delivery is at least once.

Failures are retried with exponential backoff (OUTBOX_RETRY_BASE_SECONDS × 2^(attempts-1), capped
at OUTBOX_RETRY_MAX_SECONDS); after OUTBOX_MAX_ATTEMPTS the message is `failed` and waits for
staff (`failed_messages`, `retry_message`). Log lines carry message ids and kinds, never
addresses, names or subjects.

Without a MAIL_SERVER (development) the transport writes each email to a `.eml` file instead; the
row is marked sent like any delivered email, and the log line gives the file's path (its name ends
with a slug of the subject, which names no person: subjects carry tracking numbers).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, g, render_template

from foia_portal.extensions import db
from foia_portal.mail.models import OutboxMessage
from foia_portal.mail.transport import (
    Email,
    describe_error,
    is_connection_failure,
    new_message_id,
    open_connection,
    send_email,
)
from foia_portal.platform.types import utcnow

PENDING, SENT, FAILED = "pending", "sent", "failed"
DEFAULT_BATCH_SIZE = 20
_QUEUED_IDS = "outbox_queued_ids"


class OutboxError(Exception):
    """A staff action on the outbox that cannot be done (unknown message, already sent)."""


@dataclass
class DeliveryReport:
    """What one delivery round did, for the CLI and the logs (counts only)."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    deferred: int = 0  # claimed but not attempted because the server was unreachable

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.deferred += other.deferred

    @property
    def attempted(self) -> int:
        return self.sent + self.retrying + self.failed

    def __str__(self) -> str:
        return (
            f"sent {self.sent}, will retry {self.retrying}, failed {self.failed}, "
            f"deferred {self.deferred}"
        )


# ---------------------------------------------------------------------------------------------
# Queueing (inside the caller's transaction)


def render_email(kind: str, context: dict) -> tuple[str, str]:
    """The plain-text and HTML bodies from templates/email/{kind}.txt and .html.

    An email reads only what its context gives it, whether queued by a web request or the CLI.
    """
    return (
        render_template(f"email/{kind}.txt", **context),
        render_template(f"email/{kind}.html", **context),
    )


def reply_to_address() -> str | None:
    """Replies go to the FOIA office (or, without one configured, to the FOIA Public Liaison)."""
    config = current_app.config
    return config.get("FOIA_OFFICE_EMAIL") or config.get("FOIA_PUBLIC_LIAISON_EMAIL") or None


def _check_header_value(name: str, value: str) -> None:
    if not value or "\n" in value or "\r" in value:
        raise ValueError(f"an email {name} must be one non-empty line")


def queue_email(
    *, kind: str, recipient: str, subject: str, context: dict, foia_request=None
) -> OutboxMessage:
    """Render an email and add it to the outbox in the caller's transaction (no commit).

    `kind` names the template pair under templates/email/ (e.g. "requests/confirmation").
    """
    _check_header_value("recipient", recipient)
    _check_header_value("subject", subject)
    body_text, body_html = render_email(kind, context)
    headers = {"Message-ID": new_message_id()}
    reply_to = reply_to_address()
    if reply_to:
        headers["Reply-To"] = reply_to
    now = utcnow()
    message = OutboxMessage(
        kind=kind,
        recipient=recipient,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        headers=headers,
        request_id=foia_request.id if foia_request is not None else None,
        status=PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    db.session.add(message)
    db.session.flush()
    g.setdefault(_QUEUED_IDS, []).append(message.id)
    current_app.logger.info("outbox: queued message %s (%s)", message.id, kind)
    return message


# ---------------------------------------------------------------------------------------------
# Delivery (commits: this is the worker, not a service)


def send_after_commit() -> None:
    """Try, right away, the emails the last commit queued; never raises.

    Routes call it right after `db.session.commit()`. With MAIL_SEND_IMMEDIATELY off (tests, or a
    site that wants every email to go through the worker) it only forgets the queued ids: the
    worker sends them. Whatever goes wrong is recorded on the message and retried later; the
    person who caused the email never sees an error.
    """
    ids = g.pop(_QUEUED_IDS, [])
    if not ids or not current_app.config.get("MAIL_SEND_IMMEDIATELY"):
        return
    try:
        deliver_messages(ids)
    except Exception as error:  # noqa: BLE001 - the commit already succeeded; the worker retries
        db.session.rollback()
        current_app.logger.warning(
            "outbox: immediate delivery skipped (%s); the worker will retry",
            type(error).__name__,
        )


def send_due(
    *, batch_size: int = DEFAULT_BATCH_SIZE, include_waiting: bool = False
) -> DeliveryReport:
    """Deliver every message that is due now, batch by batch; returns the counts.

    `include_waiting` also sends pending messages still waiting out their retry delay (for an
    operator who has just fixed the mail server).
    """
    report = DeliveryReport()
    while True:
        now = utcnow()
        ids = claim_due(now, batch_size, include_waiting=include_waiting)
        if not ids:
            return report
        batch = deliver_claimed(ids)
        report.add(batch)
        if batch.deferred or len(ids) < batch_size:
            # The server is unreachable, or nothing more is due: stop this round.
            return report


def deliver_messages(message_ids: list[int]) -> DeliveryReport:
    """Claim and deliver these particular messages (the ones a request just queued)."""
    claimed = claim_ids(message_ids, utcnow())
    return deliver_claimed(claimed) if claimed else DeliveryReport()


def lease_until(now: datetime) -> datetime:
    return now + timedelta(seconds=current_app.config.get("OUTBOX_LEASE_SECONDS", 300))


def _claimable(table: sa.Table, now: datetime):
    return sa.and_(
        table.c.status == PENDING,
        sa.or_(table.c.claimed_until.is_(None), table.c.claimed_until < now),
    )


def claim_due(now: datetime, limit: int, *, include_waiting: bool = False) -> list[int]:
    """Claim up to `limit` due messages for this worker and commit the claim; returns their ids."""
    table = OutboxMessage.__table__
    condition = _claimable(table, now)
    if not include_waiting:
        condition = sa.and_(condition, table.c.next_attempt_at <= now)
    candidates = (
        sa.select(table.c.id)
        .where(condition)
        .order_by(table.c.next_attempt_at, table.c.id)
        .limit(limit)
    )
    try:
        if db.session.get_bind().dialect.name == "postgresql":
            # Rows another worker is claiming right now are skipped, not waited for.
            ids = list(db.session.scalars(candidates.with_for_update(skip_locked=True)))
            if ids:
                db.session.execute(
                    sa.update(table)
                    .where(table.c.id.in_(ids))
                    .values(claimed_until=lease_until(now))
                )
        else:
            ids = _claim_one_by_one(list(db.session.scalars(candidates)), now)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return ids


def claim_ids(message_ids: list[int], now: datetime) -> list[int]:
    """Claim these messages if they are still pending and unclaimed; commit; return the winners."""
    try:
        won = _claim_one_by_one(message_ids, now)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return won


def _claim_one_by_one(message_ids: list[int], now: datetime) -> list[int]:
    # A compare-and-set per row: only one worker's UPDATE can match, whichever database. On SQLite
    # the first UPDATE takes the write lock, so a second worker waits and then matches nothing.
    table = OutboxMessage.__table__
    won = []
    for message_id in message_ids:
        result = db.session.execute(
            sa.update(table)
            .where(table.c.id == message_id, _claimable(table, now))
            .values(claimed_until=lease_until(now))
        )
        if result.rowcount == 1:
            won.append(message_id)
    return won


def email_for(message: OutboxMessage) -> Email:
    headers = dict(message.headers or {})
    return Email(
        recipient=message.recipient,
        subject=message.subject,
        body_text=message.body_text,
        body_html=message.body_html,
        message_id=headers.pop("Message-ID", None),
        reply_to=headers.pop("Reply-To", None),
        extra_headers=headers,
        outbox_id=message.id,
    )


def deliver_claimed(message_ids: list[int]) -> DeliveryReport:
    """Send messages this worker has claimed, over one SMTP session; record each outcome."""
    report = DeliveryReport()
    connection = None
    try:
        for position, message_id in enumerate(message_ids):
            message = db.session.get(OutboxMessage, message_id)
            if message is None or message.status != PENDING:
                continue
            try:
                if connection is None:
                    connection = open_connection()
                    connection.__enter__()
                written_to = send_email(email_for(message), connection)
            except Exception as error:  # noqa: BLE001 - every failure is recorded and retried
                if record_failure(message, error):
                    report.failed += 1
                else:
                    report.retrying += 1
                db.session.commit()
                if is_connection_failure(error):
                    connection = _close_quietly(connection)
                    report.deferred += release_claims(message_ids[position + 1 :])
                    break
                continue
            record_success(message, written_to)
            db.session.commit()
            report.sent += 1
    finally:
        _close_quietly(connection)
    return report


def _close_quietly(connection) -> None:
    if connection is not None:
        # Closing a broken session must not mask the outcome of the delivery.
        with contextlib.suppress(Exception):
            connection.__exit__(None, None, None)
    return None


def release_claims(message_ids: list[int]) -> int:
    """Give claimed messages back without counting an attempt; returns how many."""
    if not message_ids:
        return 0
    table = OutboxMessage.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.id.in_(message_ids), table.c.status == PENDING)
        .values(claimed_until=None)
    )
    db.session.commit()
    return len(message_ids)


def record_success(message: OutboxMessage, written_to: Path | None = None) -> None:
    """The message is done: sent to the server, or (no MAIL_SERVER) written to `written_to`.

    A written email counts as delivered: it is never tried again.
    """
    message.status = SENT
    message.attempts += 1
    message.sent_at = utcnow()
    message.claimed_until = None
    message.last_error = None
    if written_to is not None:
        current_app.logger.info(
            "outbox: message %s (%s) written to %s (not sent: MAIL_SERVER is not set)",
            message.id, message.kind, written_to,
        )  # fmt: skip
        return
    current_app.logger.info(
        "outbox: sent message %s (%s) on attempt %s", message.id, message.kind, message.attempts
    )


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: base × 2^(attempts-1), capped."""
    config = current_app.config
    base = config.get("OUTBOX_RETRY_BASE_SECONDS", 60)
    cap = config.get("OUTBOX_RETRY_MAX_SECONDS", 6 * 60 * 60)
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def record_failure(message: OutboxMessage, error: BaseException) -> bool:
    """Count a failed attempt; schedule the next or give up. Returns True when it gave up."""
    now = utcnow()
    message.attempts += 1
    message.claimed_until = None
    # The full text (it may name the recipient) stays in the database for staff; logs get less.
    message.last_error = f"{describe_error(error)}: {error}"[:2000]
    summary = describe_error(error)
    if message.attempts >= current_app.config.get("OUTBOX_MAX_ATTEMPTS", 8):
        message.status = FAILED
        _record_failed_event(message)
        current_app.logger.error(
            "outbox: message %s (%s) failed after %s attempts: %s",
            message.id, message.kind, message.attempts, summary,
        )  # fmt: skip
        return True
    message.next_attempt_at = now + backoff(message.attempts)
    current_app.logger.warning(
        "outbox: message %s (%s) attempt %s failed: %s; next try at %s",
        message.id, message.kind, message.attempts, summary,
        message.next_attempt_at.isoformat(timespec="seconds"),
    )  # fmt: skip
    return False


def _record_failed_event(message: OutboxMessage) -> None:
    """An internal line on the request's timeline, so staff see the requester was not told."""
    if message.request_id is None:
        return
    from foia_portal.requests.models import RequestEvent

    db.session.add(
        RequestEvent(
            request_id=message.request_id,
            kind="email_failed",
            public=False,
            details={"outbox_message_id": message.id, "email_kind": message.kind},
        )
    )


# ---------------------------------------------------------------------------------------------
# For the staff pages (services: flush, never commit)


def failed_messages(limit: int | None = None) -> list[OutboxMessage]:
    """Messages that gave up, newest first, for staff to look at and retry."""
    query = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == FAILED)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def retry_message(message_id: int, actor_id: int | None = None) -> OutboxMessage:
    """Put a failed (or waiting) message back in line to be sent now, with a fresh set of attempts.

    Raises OutboxError for an unknown or already-sent message. Flushes; the caller commits (and
    may call `send_after_commit()` after queueing nothing: the worker picks it up).
    """
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise OutboxError("There is no such email in the outbox.")
    if message.status == SENT:
        raise OutboxError("This email was already sent.")
    message.status = PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.claimed_until = None
    if message.request_id is not None:
        from foia_portal.requests.models import RequestEvent

        db.session.add(
            RequestEvent(
                request_id=message.request_id,
                kind="email_retried",
                public=False,
                actor_id=actor_id,
                details={"outbox_message_id": message.id, "email_kind": message.kind},
            )
        )
    db.session.flush()
    g.setdefault(_QUEUED_IDS, []).append(message.id)
    return message


def messages_for_request(foia_request) -> list[OutboxMessage]:
    """Every email queued about one request, oldest first (for the staff request page)."""
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.request_id == foia_request.id)
            .order_by(OutboxMessage.id)
        )
    )


def counts_by_status() -> dict[str, int]:
    """How many messages are pending, sent and failed (for a staff dashboard or monitoring)."""
    rows = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    )
    counts = Counter({PENDING: 0, SENT: 0, FAILED: 0})
    counts.update(dict(rows.all()))
    return dict(counts)
