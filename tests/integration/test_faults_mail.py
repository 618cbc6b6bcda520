"""Mail faults the mail tests do not already cover: a server that stalls and is then replaced by
a working one, and a server that answers "421 try again later"; in both cases every email is
delivered exactly once after recovery and the requester's submission went through at once.

Already covered elsewhere (not repeated here): the server down during a submission and the
worker delivering later (test_mail_outage.py), a refused recipient not blocking other mail
(test_mail_outbox.py, test_mail_outage.py), a stall costing only the timeout
(test_mail_outbox.py), concurrent workers sending each message once (test_mail_outbox.py).
"""

from __future__ import annotations

import contextlib
import socket
import threading

import pytest
import sqlalchemy as sa

from foia_portal.extensions import db
from foia_portal.mail.models import OutboxMessage
from tests.fixtures.mail import OFFICE_EMAIL, SmtpServer, StalledServer


def outbox_statuses() -> list[str]:
    db.session.expire_all()
    return [
        m.status for m in db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))
    ]


@pytest.fixture
def stalled():
    server = StalledServer()
    yield server
    server.close()


@pytest.fixture
def config_overrides(stalled):
    return SmtpServer(port=stalled.port).config_overrides(
        MAIL_SEND_IMMEDIATELY=True, MAIL_TIMEOUT_SECONDS=1
    )


def test_a_stalled_server_replaced_by_a_working_one_gets_every_email_once(
    app, client, runner, valid_request_fields, stalled
):
    response = client.post("/foia/request", data=valid_request_fields)
    assert response.status_code == 303  # the requester is not kept waiting on the mail server
    assert outbox_statuses() == ["pending", "pending"]

    stalled.close()
    working = SmtpServer(port=stalled.port)
    working.start()
    try:
        for _ in range(2):  # the worker runs twice: what was sent is not sent again
            runner.invoke(args=["outbox", "send", "--all-pending"])
        deliveries = working.wait_for(2)
        assert sorted(r for d in deliveries for r in d.rcpt_tos) == sorted(
            ["ada@example.com", OFFICE_EMAIL]
        )
        assert len(working.wait_for(3, timeout=1)) == 2
        assert outbox_statuses() == ["sent", "sent"]
    finally:
        working.stop()


class BusyServer:
    """Greets every connection with 421 (service not available, try again later)."""

    def __init__(self, port: int):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", port))
        self.socket.listen(16)
        self.greeted = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.greeted += 1
            connection.sendall(b"421 4.3.2 Service not available, try again later\r\n")
            connection.close()

    def close(self):
        with contextlib.suppress(OSError):
            self.socket.shutdown(socket.SHUT_RDWR)
        self.socket.close()


def test_a_server_answering_421_gets_every_email_once_when_it_accepts_again(
    app, client, runner, valid_request_fields, stalled
):
    port = stalled.port
    stalled.close()
    busy = BusyServer(port)
    try:
        response = client.post("/foia/request", data=valid_request_fields)
        assert response.status_code == 303
        runner.invoke(args=["outbox", "send", "--all-pending"])
        assert busy.greeted >= 1
        messages = db.session.scalars(sa.select(OutboxMessage)).all()
        assert {m.status for m in messages} == {"pending"}
        assert all("421" in (m.last_error or "") for m in messages)
    finally:
        busy.close()

    working = SmtpServer(port=port)
    working.start()
    try:
        runner.invoke(args=["outbox", "send", "--all-pending"])
        runner.invoke(args=["outbox", "send", "--all-pending"])
        assert len(working.wait_for(2)) == 2
        assert len(working.wait_for(3, timeout=1)) == 2
        assert outbox_statuses() == ["sent", "sent"]
    finally:
        working.stop()
