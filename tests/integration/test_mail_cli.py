"""`flask outbox send [--loop]` and `flask outbox status`: the mail worker."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from foia_portal.extensions import db
from foia_portal.mail import cli, outbox


@pytest.fixture
def config_overrides(smtp_server):
    return smtp_server.config_overrides()


def test_send_delivers_what_is_due_once_and_says_how_it_went(runner, file_request, smtp_server):
    file_request()

    first = runner.invoke(args=["outbox", "send"])
    second = runner.invoke(args=["outbox", "send"])

    assert first.exit_code == 0
    assert first.output.strip() == "outbox: sent 2, will retry 0, failed 0, deferred 0"
    assert "sent 0" in second.output
    assert len(smtp_server.wait_for(2)) == 2


def test_send_reports_retries_without_naming_anyone(runner, file_request, smtp_server):
    smtp_server.stop()
    file_request()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0
    assert "will retry 1" in result.output and "deferred 1" in result.output
    assert "ada@example.com" not in result.output


def test_status_counts_the_outbox(runner, file_request):
    file_request()
    result = runner.invoke(args=["outbox", "status"])
    assert result.output.strip() == "pending 2, sent 0, failed 0"


def test_the_worker_keeps_sending_until_it_is_told_to_stop(app, file_request, smtp_server):
    rounds = []

    def stop_after_three_rounds():
        return len(rounds) >= 3

    file_request()
    total = cli.run_worker(
        1.0, stop_after_three_rounds, sleep=lambda seconds: None, on_round=rounds.append
    )

    assert total.sent == 2
    assert len(rounds) == 3
    assert len(smtp_server.wait_for(2)) == 2


def test_the_worker_survives_a_failed_round(app, file_request, smtp_server, monkeypatch):
    real_send_due = outbox.send_due
    calls = []

    def flaky_send_due(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise ConnectionError("database restarting")
        return real_send_due(**kwargs)

    monkeypatch.setattr(outbox, "send_due", flaky_send_due)
    file_request()

    total = cli.run_worker(0.1, lambda: len(calls) >= 2, sleep=lambda seconds: None)

    assert total.sent == 2
    assert len(calls) == 2


def test_send_loop_stops_cleanly_on_sigterm(app, runner, file_request, smtp_server):
    file_request()
    original = signal.getsignal(signal.SIGTERM)

    def terminate_once_the_worker_listens():
        deadline = time.monotonic() + 10
        while signal.getsignal(signal.SIGTERM) is original and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.3)
        os.kill(os.getpid(), signal.SIGTERM)

    killer = threading.Thread(target=terminate_once_the_worker_listens)
    killer.start()
    result = runner.invoke(args=["outbox", "send", "--loop", "--interval", "0.2"])
    killer.join()

    assert result.exit_code == 0, result.output
    assert "outbox worker stopped: sent 2" in result.output
    assert signal.getsignal(signal.SIGTERM) is original
    db.session.remove()
    assert len(smtp_server.wait_for(2)) == 2
