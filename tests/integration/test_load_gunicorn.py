"""Load: 200 requesters at once against gunicorn with PostgreSQL, each filing a request through
the form, opening the confirmation page and looking the request up. Every request is stored
exactly once with its own tracking number, numbers have no gaps, nothing answers 5xx — and the
server's access log, which saw every URL, holds no status-link token and no email address.

Rate limits are off (RATELIMIT_ENABLED=false): every client here shares 127.0.0.1.
"""

from __future__ import annotations

import http.client
import re
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import create_postgres_database, drop_postgres_database, upgrade_database

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

BIN = Path(sys.executable).parent
REQUESTERS = 200
CLIENT_THREADS = 40


def call(port: int, method: str, path: str, fields: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        body = urllib.parse.urlencode(fields) if fields is not None else None
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Location", ""), response.read().decode()
    finally:
        connection.close()


@pytest.fixture
def server(tmp_path, gunicorn):
    url = create_postgres_database()
    upgrade_database(url, tmp_path / "uploads")
    access_log = tmp_path / "access.log"
    env = {
        "DATABASE_URL": url,
        "SECRET_KEY": "load-test-secret-" + "0123456789abcdef" * 3,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "RATELIMIT_ENABLED": "false",
        "MAIL_SEND_IMMEDIATELY": "false",
        "FOIA_PORTAL_ENV": "development",
    }
    try:
        started = gunicorn(env, workers=3, worker_class="gthread", threads=4,
                           extra_args=("--access-logfile", str(access_log), "--log-level", "info"))  # fmt: skip
        yield started.port, url, access_log
    finally:
        drop_postgres_database(url)


def requester(port: int, n: int) -> list[tuple[str, int]]:
    """One person: file, open the confirmation, look the request up. Returns (step, status)."""
    email = f"requester{n}@example.com"
    fields = {
        "first_name": f"Person{n}",
        "last_name": "Loadtest",
        "email": email,
        "description": f"All grant documents for community policing, load test number {n}.",
        "fee_category": "other",
        "delivery_format": "electronic",
        "form_token": f"load-test-form-token-{n:06d}",
    }
    steps = []
    status, location, _ = call(port, "POST", "/foia/request", fields)
    steps.append(("submit", status))
    if status != 303:
        return steps
    path = urllib.parse.urlsplit(location).path
    status, _, page = call(port, "GET", path)
    steps.append(("confirmation", status))
    number = re.search(r"[A-Z]{2,10}-\d{4}-\d{6}", page).group(0)
    status, location, _ = call(
        port, "POST", "/foia/status", {"tracking_number": number, "email": email}
    )
    if status != 303:
        steps.append(("lookup", status))
        return steps
    status, _, page = call(port, "GET", urllib.parse.urlsplit(location).path)
    steps.append(("lookup", status if number in page else -status))
    return steps


def test_two_hundred_requesters_at_once_are_each_stored_once_with_distinct_numbers(server):
    port, url, access_log = server

    started = time.monotonic()
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        results = list(pool.map(lambda n: requester(port, n), range(REQUESTERS)))
    elapsed = time.monotonic() - started

    steps = [step for result in results for step in result]
    failures = [(n, result) for n, result in enumerate(results)
                if [s for _, s in result] != [303, 200, 200]]  # fmt: skip
    assert not [s for s in steps if s[1] >= 500], "server errors"
    assert failures == []
    assert elapsed < 120, f"{elapsed:.0f} s"

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT r.tracking_number, q.email FROM foia_request r "
                    "JOIN requester q ON q.id = r.requester_id"
                )
            ).all()
    finally:
        engine.dispose()
    numbers = [number for number, _ in rows]
    emails = [email for _, email in rows]
    assert len(rows) == REQUESTERS
    assert len(set(numbers)) == REQUESTERS  # distinct tracking numbers
    assert sorted(emails) == sorted(f"requester{n}@example.com" for n in range(REQUESTERS))
    sequences = sorted(int(number.rsplit("-", 1)[1]) for number in numbers)
    assert sequences == list(range(1, REQUESTERS + 1))  # no gaps, none reused

    # The access log saw every URL, including the signed confirmation links: none leaked.
    log = access_log.read_text()
    assert log.count("POST /foia/request") == REQUESTERS
    assert "/foia/request/received/[redacted]" in log
    assert not re.search(r"/foia/request/received/(?!\[redacted\])", log)
    assert "@example.com" not in log and "%40example.com" not in log
