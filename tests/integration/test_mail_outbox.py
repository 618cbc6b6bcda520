"""The outbox: written in the caller's transaction, sent over real SMTP, retried, never twice."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import g

from foia_portal.extensions import db
from foia_portal.mail import outbox
from foia_portal.mail.models import OutboxMessage
from foia_portal.platform.types import utcnow
from foia_portal.requests.models import RequestEvent
from tests.fixtures.mail import OFFICE_EMAIL


@pytest.fixture
def config_overrides(smtp_server):
    return smtp_server.config_overrides()


def queue(recipient="ada@example.com", subject="Hello COPS-2027-000001", **context):
    """Queue a status-link email (the simplest template) for a stand-in request."""
    context = {
        "requester_name": "Ada Lovelace",
        "tracking_number": "COPS-2027-000001",
        "status_url": "http://127.0.0.1:5000/foia/status/token",
        "agency_name": "COPS Office",
        "liaison": {"name": "Liaison", "phone": "1", "email": "liaison@cops.example.gov"},
        **context,
    }
    return outbox.queue_email(
        kind="requests/status_link", recipient=recipient, subject=subject, context=context
    )


def all_messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_queued_email_is_written_in_the_callers_transaction(app):
    queue()
    db.session.rollback()
    assert all_messages() == []

    queue()
    db.session.commit()
    [message] = all_messages()
    assert message.status == "pending"
    assert message.attempts == 0
    assert "COPS-2027-000001" in message.body_text
    assert "<p>" in message.body_html


def test_queued_email_carries_a_message_id_of_our_domain_and_a_reply_to_the_office(app):
    message = queue()
    assert message.headers["Message-ID"].endswith("@cops.example.gov>")
    assert message.headers["Reply-To"] == OFFICE_EMAIL


def test_reply_to_falls_back_to_the_liaison_without_an_office_address(app):
    app.config["FOIA_OFFICE_EMAIL"] = None
    assert queue().headers["Reply-To"] == app.config["FOIA_PUBLIC_LIAISON_EMAIL"]


@pytest.mark.parametrize(
    ("recipient", "subject"),
    [
        ("ada@example.com\nBcc: eve@example.com", "Hello"),
        ("ada@example.com", "Hello\r\nBcc: eve@example.com"),
        ("", "Hello"),
        ("ada@example.com", ""),
    ],
)
def test_queue_refuses_a_header_that_is_empty_or_has_a_line_break(app, recipient, subject):
    with pytest.raises(ValueError):
        queue(recipient=recipient, subject=subject)


def test_due_message_is_delivered_with_both_parts_and_proper_headers(app, smtp_server):
    message = queue()
    db.session.commit()

    report = outbox.send_due()

    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    [delivery] = smtp_server.wait_for(1)
    assert delivery.rcpt_tos == ["ada@example.com"]
    received = delivery.message
    assert received["Subject"] == "Hello COPS-2027-000001"
    assert received["Message-ID"] == message.headers["Message-ID"]
    assert received["Reply-To"] == OFFICE_EMAIL
    assert received["Date"]
    assert "foia-noreply@cops.example.gov" in received["From"]
    assert received.get_content_type() in {"multipart/mixed", "multipart/alternative"}
    assert "COPS-2027-000001" in delivery.part("plain")
    assert "<strong>COPS-2027-000001</strong>" in delivery.part("html")
    [stored] = all_messages()
    assert stored.status == "sent"
    assert stored.sent_at is not None
    assert stored.attempts == 1
    assert stored.claimed_until is None


def test_long_lines_and_non_ascii_text_survive_the_trip(app, smtp_server):
    name = "Zoë Ångström " + "x" * 3000
    queue(requester_name=name)
    db.session.commit()
    outbox.send_due()
    [delivery] = smtp_server.wait_for(1)
    assert max(len(line) for line in delivery.raw.splitlines()) <= 998
    assert name in delivery.part("plain")


def test_html_part_escapes_what_people_typed(app, smtp_server):
    queue(requester_name='<script>alert("x")</script> & <b>Ada</b>')
    db.session.commit()
    outbox.send_due()
    [delivery] = smtp_server.wait_for(1)
    html = delivery.part("html")
    assert "<script>" not in html and "<b>Ada</b>" not in html
    assert "&lt;script&gt;" in html
    assert '<script>alert("x")</script> & <b>Ada</b>' in delivery.part("plain")


def test_server_down_keeps_the_message_and_schedules_a_retry(app, smtp_server):
    queue()
    db.session.commit()
    smtp_server.stop()
    before = utcnow()

    report = outbox.send_due()

    assert (report.sent, report.retrying) == (0, 1)
    [message] = all_messages()
    assert message.status == "pending"
    assert message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert message.claimed_until is None
    expected = before + timedelta(seconds=60)
    assert expected <= message.next_attempt_at <= expected + timedelta(seconds=5)


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(1, 60), (2, 120), (3, 240), (6, 1920), (9, 15360), (10, 6 * 3600), (30, 6 * 3600)],
)
def test_backoff_doubles_after_each_failure_up_to_a_cap(app, attempts, seconds):
    assert outbox.backoff(attempts) == timedelta(seconds=seconds)


def test_message_waiting_out_its_delay_is_sent_only_when_due_or_when_asked(app, smtp_server):
    message = queue()
    message.next_attempt_at = utcnow() + timedelta(minutes=10)
    db.session.commit()

    assert outbox.send_due().sent == 0
    assert smtp_server.deliveries == []

    assert outbox.send_due(include_waiting=True).sent == 1
    assert len(smtp_server.wait_for(1)) == 1


def test_message_gives_up_after_the_last_attempt_and_is_kept_for_staff(
    app, smtp_server, file_request
):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 2
    foia_request = file_request()
    smtp_server.stop()

    first = outbox.send_due(include_waiting=True)
    later = [outbox.send_due(include_waiting=True) for _ in range(3)]

    # A connection failure counts against the first message only; the rest wait their turn.
    assert (first.retrying, first.deferred) == (1, 1)
    assert sum(report.failed for report in later) == 2
    failed = outbox.failed_messages()
    assert [(m.kind, m.status, m.attempts) for m in failed] == [
        ("requests/staff_notice", "failed", 2),
        ("requests/confirmation", "failed", 2),
    ]
    assert {m.request_id for m in failed} == {foia_request.id}
    assert all(m.body_text and m.body_html for m in failed)  # ready to send later
    assert outbox.send_due(include_waiting=True).attempted == 0  # failed ones are left alone
    events = db.session.scalars(
        sa.select(RequestEvent).where(RequestEvent.kind == "email_failed")
    ).all()
    assert [(e.request_id, e.public) for e in events] == [(foia_request.id, False)] * 2


def test_staff_retry_puts_a_failed_message_back_in_line(app, smtp_server):
    message = queue()
    message.status, message.attempts, message.last_error = "failed", 8, "SMTPDataError"
    db.session.commit()

    outbox.retry_message(message.id)
    db.session.commit()

    [retried] = all_messages()
    assert (retried.status, retried.attempts) == ("pending", 0)
    assert outbox.send_due().sent == 1
    assert len(smtp_server.wait_for(1)) == 1
    assert outbox.failed_messages() == []


def test_staff_retry_refuses_a_sent_or_unknown_message(app):
    message = queue()
    message.status = "sent"
    db.session.commit()
    with pytest.raises(outbox.OutboxError, match="already sent"):
        outbox.retry_message(message.id)
    with pytest.raises(outbox.OutboxError, match="no such email"):
        outbox.retry_message(message.id + 1000)


def test_refused_recipient_is_retried_and_other_mail_still_goes(app, smtp_server):
    smtp_server.refused.add("ada@example.com")
    queue(recipient="ada@example.com")
    queue(recipient="grace@example.com")
    db.session.commit()

    report = outbox.send_due()

    assert (report.sent, report.retrying, report.deferred) == (1, 1, 0)
    refused, delivered = all_messages()
    assert refused.status == "pending" and "550" in refused.last_error
    assert delivered.status == "sent"
    assert [d.rcpt_tos for d in smtp_server.wait_for(1)] == [["grace@example.com"]]


def test_stalled_server_costs_only_the_timeout(app, stalled_smtp_server):
    app.config["MAIL_TIMEOUT_SECONDS"] = 1
    app.extensions["mail"].port = stalled_smtp_server.port
    queue()
    db.session.commit()

    started = time.monotonic()
    report = outbox.send_due()

    assert time.monotonic() - started < 5
    assert report.retrying == 1
    [message] = all_messages()
    assert message.status == "pending"
    assert "Timeout" in message.last_error or "timed out" in message.last_error


def test_a_claimed_message_cannot_be_claimed_again_until_its_lease_expires(app):
    message = queue()
    db.session.commit()
    now = utcnow()

    assert outbox.claim_ids([message.id], now) == [message.id]
    assert outbox.claim_ids([message.id], now) == []
    assert outbox.claim_due(now, 10) == []
    later = now + timedelta(seconds=app.config.get("OUTBOX_LEASE_SECONDS", 300) + 1)
    assert outbox.claim_due(later, 10) == [message.id]


def test_postgresql_workers_skip_rows_another_worker_is_claiming(app, db_dialect):
    if db_dialect != "postgresql":
        pytest.skip("FOR UPDATE SKIP LOCKED is PostgreSQL's")
    message = queue()
    db.session.commit()
    table = OutboxMessage.__table__
    with db.engine.connect() as other_worker:
        other_worker.execute(
            sa.select(table.c.id).where(table.c.id == message.id).with_for_update()
        ).all()
        # The row is locked by the other worker's open transaction: skipped, not waited for.
        assert outbox.claim_due(utcnow(), 10) == []
        other_worker.rollback()
    assert outbox.claim_due(utcnow(), 10) == [message.id]


def test_concurrent_workers_send_every_message_exactly_once(app, smtp_server):
    for number in range(24):
        queue(recipient=f"person{number}@example.com")
    db.session.commit()
    errors = []

    def worker():
        try:
            with app.app_context():
                outbox.send_due(batch_size=3)
        except Exception as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    deliveries = smtp_server.wait_for(24)
    recipients = [d.rcpt_tos[0] for d in deliveries]
    assert len(recipients) == 24
    assert len(set(recipients)) == 24
    assert {m.status for m in all_messages()} == {"sent"}


def test_send_after_commit_delivers_what_this_request_queued(app, smtp_server):
    app.config["MAIL_SEND_IMMEDIATELY"] = True
    queue()
    db.session.commit()

    outbox.send_after_commit()

    assert len(smtp_server.wait_for(1)) == 1
    assert [m.status for m in all_messages()] == ["sent"]
    assert "outbox_queued_ids" not in g


def test_send_after_commit_leaves_everything_to_the_worker_when_switched_off(app, smtp_server):
    app.config["MAIL_SEND_IMMEDIATELY"] = False
    queue()
    db.session.commit()

    outbox.send_after_commit()

    assert smtp_server.deliveries == []
    assert [m.status for m in all_messages()] == ["pending"]
    assert "outbox_queued_ids" not in g


def test_send_after_commit_never_raises_when_the_server_is_down(app, smtp_server):
    app.config["MAIL_SEND_IMMEDIATELY"] = True
    smtp_server.stop()
    queue()
    db.session.commit()

    outbox.send_after_commit()

    [message] = all_messages()
    assert (message.status, message.attempts) == ("pending", 1)


def test_send_after_commit_ignores_messages_of_a_rolled_back_transaction(app, smtp_server):
    app.config["MAIL_SEND_IMMEDIATELY"] = True
    queue()
    db.session.rollback()

    outbox.send_after_commit()

    assert smtp_server.deliveries == []
    assert all_messages() == []


def test_counts_by_status_lists_every_status(app):
    queue()
    failed = queue()
    failed.status = "failed"
    db.session.commit()
    assert outbox.counts_by_status() == {"pending": 1, "sent": 0, "failed": 1}


def test_messages_for_request_lists_its_emails(app, file_request):
    foia_request = file_request()
    kinds = [m.kind for m in outbox.messages_for_request(foia_request)]
    assert kinds == ["requests/confirmation", "requests/staff_notice"]
