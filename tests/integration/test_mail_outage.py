"""A mail server that is down, refuses the requester or stalls never loses a request or an email.

End to end: a real SMTP server on loopback (aiosmtpd) is stopped, a request is filed through the
web form, the server is started again, `flask outbox send` runs, and we read what arrived.
"""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from foia_portal.extensions import db
from foia_portal.mail.models import OutboxMessage
from foia_portal.requests.models import FoiaRequest
from tests.fixtures.mail import OFFICE_EMAIL


@pytest.fixture
def config_overrides(smtp_server):
    return smtp_server.config_overrides()


def file_through_the_form(client, fields: dict):
    return client.post("/foia/request", data=fields, content_type="multipart/form-data")


def outbox_rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def assert_confirmation_page_promises_an_email(client, response) -> None:
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "We will email your tracking number" in html
    assert "<strong>ada@example.com</strong>" in html


def test_an_outage_loses_nothing_and_the_worker_delivers_both_emails_later(
    app, client, runner, smtp_server, valid_request_fields
):
    smtp_server.stop()

    response = file_through_the_form(client, valid_request_fields)

    assert_confirmation_page_promises_an_email(client, response)
    [foia_request] = db.session.scalars(sa.select(FoiaRequest)).all()
    assert {m.status for m in outbox_rows()} == {"pending"}

    smtp_server.start()
    result = runner.invoke(args=["outbox", "send"])

    assert result.exit_code == 0, result.output
    assert "sent 2" in result.output
    smtp_server.wait_for(2)
    [confirmation] = smtp_server.to("ada@example.com")
    [notice] = smtp_server.to(OFFICE_EMAIL)
    number = foia_request.tracking_number
    assert number in confirmation.message["Subject"]
    assert number in notice.message["Subject"]
    text = confirmation.part("plain")
    assert "community policing hiring grants" in text
    assert "/foia/status/" in text
    assert app.config["FOIA_PUBLIC_LIAISON_EMAIL"] in text
    assert number in confirmation.part("html")
    assert {m.status for m in outbox_rows()} == {"sent"}


def test_with_immediate_delivery_an_outage_is_recorded_and_retried_later(
    app, client, runner, smtp_server, valid_request_fields
):
    app.config["MAIL_SEND_IMMEDIATELY"] = True
    smtp_server.stop()

    response = file_through_the_form(client, valid_request_fields)

    assert_confirmation_page_promises_an_email(client, response)
    first, second = outbox_rows()
    assert (first.status, first.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in first.last_error
    assert (second.status, second.attempts) == ("pending", 0)  # not attempted: server was down

    smtp_server.start()
    assert "sent 1" in runner.invoke(args=["outbox", "send"]).output  # the other waits 1 minute
    result = runner.invoke(args=["outbox", "send", "--all-pending"])

    assert "sent 1" in result.output
    assert len(smtp_server.wait_for(2)) == 2
    assert {m.status for m in outbox_rows()} == {"sent"}


def test_when_the_server_is_up_the_emails_go_out_right_after_the_submission(
    app, client, smtp_server, valid_request_fields
):
    app.config["MAIL_SEND_IMMEDIATELY"] = True

    file_through_the_form(client, valid_request_fields)

    assert len(smtp_server.wait_for(2)) == 2
    assert {m.status for m in outbox_rows()} == {"sent"}


def test_a_refused_requester_address_does_not_stop_the_staff_notice(
    app, client, smtp_server, valid_request_fields
):
    app.config["MAIL_SEND_IMMEDIATELY"] = True
    smtp_server.refused.add("ada@example.com")

    response = file_through_the_form(client, valid_request_fields)

    assert response.status_code == 303
    confirmation, notice = outbox_rows()
    assert confirmation.status == "pending" and "550" in confirmation.last_error
    assert notice.status == "sent"
    assert [d.rcpt_tos for d in smtp_server.wait_for(1)] == [[OFFICE_EMAIL]]


def test_a_stalled_mail_server_delays_the_submission_by_the_timeout_only(
    app, client, stalled_smtp_server, valid_request_fields
):
    app.config["MAIL_SEND_IMMEDIATELY"] = True
    app.config["MAIL_TIMEOUT_SECONDS"] = 1
    app.extensions["mail"].port = stalled_smtp_server.port

    started = time.monotonic()
    response = file_through_the_form(client, valid_request_fields)

    assert time.monotonic() - started < 5
    assert response.status_code == 303
    assert db.session.scalars(sa.select(FoiaRequest)).one()
    assert [m.status for m in outbox_rows()] == ["pending", "pending"]


def test_log_lines_carry_no_requester_data(
    app, client, runner, smtp_server, valid_request_fields, caplog
):
    caplog.set_level("DEBUG")
    app.config["MAIL_SEND_IMMEDIATELY"] = True
    smtp_server.refused.add("ada@example.com")
    smtp_server.stop()

    file_through_the_form(client, valid_request_fields)
    smtp_server.start()
    runner.invoke(args=["outbox", "send", "--all-pending"])

    # Everything the portal logged; "mail.log" is the test SMTP server's own log, not ours.
    ours = "\n".join(
        f"{record.name} {record.getMessage()}"
        for record in caplog.records
        # (SQLAlchemy's own debug records are left out: they describe mapper objects, and a
        # name like "ORMAdapter" contains "Ada".)
        if not record.name.startswith(("mail.log", "sqlalchemy"))
    )
    assert "outbox:" in ours  # the delivery was logged …
    assert "550" in ours
    for private in ("ada@example.com", "Ada", "Lovelace", "Springfield", "grants"):
        assert private not in ours  # … without anything about the requester
