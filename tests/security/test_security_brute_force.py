"""Guessing: staff sign-in and the requester's status lookup slow a burst down, then refuse a
patient attacker; the budget is one for the whole site when Redis is configured; an account
locks after repeated wrong passwords from any number of addresses.

Limits are per client address (Flask-Limiter; behind a proxy see TRUSTED_PROXIES). Each limit
has two tiers (config.py): a short window answers 429 with a Retry-After of at most a minute
("slow down"), a long one keeps answering 429 for the rest of the hour ("refuse").
"""

from __future__ import annotations

import http.client
import os
import secrets
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
import sqlalchemy as sa
from limits import parse_many

from config import Config
from foia_portal.auth.models import AuditEntry
from foia_portal.extensions import db
from tests.conftest import skip_or_fail, upgrade_database
from tests.fixtures.staff import OFFICER_PASSWORD

BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("FOIA_TEST_REDIS_URL_BRUTE", "redis://127.0.0.1:6379/11")


@pytest.mark.parametrize("name", ["RATELIMIT_LOGIN", "RATELIMIT_STATUS_LOOKUPS"])
def test_the_default_limits_slow_down_first_and_then_refuse(name):
    tiers = sorted(parse_many(getattr(Config, name)), key=lambda t: t.get_expiry())
    assert len(tiers) >= 2
    short, long = tiers[0], tiers[-1]
    assert short.get_expiry() <= 60  # a burst waits at most a minute …
    assert long.get_expiry() >= 3600  # … a patient guesser is refused for an hour
    assert long.amount > short.amount


@pytest.fixture
def config_overrides():
    # The real two-tier mechanism with a short window the test can wait out.
    return {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_LOGIN": "3 per 10 seconds; 5 per hour",
        "RATELIMIT_STATUS_LOOKUPS": "3 per 10 seconds; 5 per hour",
    }


def wait_out(response) -> None:
    """Do what a 429 asks: wait Retry-After seconds."""
    time.sleep(int(response.headers["Retry-After"]) + 1.2)  # the header is rounded down


def attempt_sign_in(client, password="wrong-password-guess"):
    return client.post(
        "/staff/login", data={"email": "officer@cops.example.gov", "password": password}
    )


@pytest.mark.slow
def test_sign_in_slows_a_burst_down_then_refuses_even_the_right_password(client, officer):
    assert [attempt_sign_in(client).status_code for _ in range(3)] == [422, 422, 422]
    slowed = attempt_sign_in(client, OFFICER_PASSWORD)
    assert slowed.status_code == 429
    assert 0 < int(slowed.headers["Retry-After"]) <= 10
    assert "Wait a few minutes and try again" in slowed.get_data(as_text=True)

    wait_out(slowed)
    assert [attempt_sign_in(client).status_code for _ in range(2)] == [422, 422]
    refused = attempt_sign_in(client, OFFICER_PASSWORD)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 60  # the hour's budget is spent


@pytest.mark.slow
def test_status_lookups_slow_down_then_refuse_across_the_form_and_the_api(client, make_request):
    number = make_request().tracking_number
    guess = {"tracking_number": number, "email": "guess@example.com"}
    codes = [
        client.post("/foia/status", data=guess).status_code,
        client.get(f"/api/v1/requests/{number}?email=guess2@example.com").status_code,
        client.post("/foia/status", data=guess).status_code,
    ]
    assert codes == [404, 404, 404]
    slowed = client.post("/foia/status", data={**guess, "email": "ada@example.com"})
    assert slowed.status_code == 429 and int(slowed.headers["Retry-After"]) <= 10

    wait_out(slowed)
    assert client.post("/foia/status", data=guess).status_code == 404
    assert client.get(f"/api/v1/requests/{number}?email=g@example.com").status_code == 404
    refused = client.get(f"/api/v1/requests/{number}?email=ada@example.com")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 60
    assert refused.get_json()["error"]


@pytest.mark.parametrize("config_overrides", [{"RATELIMIT_ENABLED": False}])
def test_an_account_locks_after_wrong_passwords_from_many_addresses(client, officer):
    """The per-address limit cannot stop a botnet; the per-account lockout (in the database,
    so shared by every process) does."""
    for n in range(5):
        response = client.post(
            "/staff/login",
            data={"email": officer.email, "password": f"guess-{n}"},
            environ_base={"REMOTE_ADDR": f"198.51.100.{n + 1}"},
        )
        assert response.status_code == 422
    right = client.post(
        "/staff/login",
        data={"email": officer.email, "password": OFFICER_PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert right.status_code == 422  # locked: the same message as any failure
    assert "/staff/" not in right.headers.get("Location", "")
    failures = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "login.failed")
    ).all()
    assert len(failures) == 6
    assert failures[-1].details["reason"] == "locked"


# --- shared across processes through Redis ----------------------------------------------------


def redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        skip_or_fail("Redis", f"no server at {REDIS_URL} ({error})")
    return client


def call(port: int, method: str, path: str, fields=None, cookie: str = "") -> tuple[int, str, str]:
    """(status, body, session cookie set) of one plain HTTP request."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    try:
        body = urllib.parse.urlencode(fields) if fields is not None else None
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        set_cookie = (response.getheader("Set-Cookie") or "").split(";", 1)[0]
        return response.status, text, set_cookie
    finally:
        connection.close()


def post(port: int, path: str, fields: dict, cookie: str = "") -> tuple[int, str, str]:
    return call(port, "POST", path, fields, cookie)


@pytest.mark.slow
def test_two_processes_share_one_budget_through_redis(tmp_path, gunicorn):
    redis = redis_or_skip()
    # Other test runs may share this Redis: this run's counters have a prefix of their own.
    prefix = f"brute-force-{secrets.token_hex(4)}"
    database = f"sqlite:///{tmp_path / 'portal.db'}"
    upgrade_database(database, tmp_path / "uploads")
    env = {
        "DATABASE_URL": database,
        "SECRET_KEY": "brute-force-test-" + "k" * 32,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "RATELIMIT_ENABLED": "true",
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "RATELIMIT_LOGIN": "4 per hour",
        "RATELIMIT_STATUS_LOOKUPS": "4 per hour",
        "MAIL_SEND_IMMEDIATELY": "false",
        "FOIA_PORTAL_ENV": "development",
    }
    try:
        ports = [gunicorn(env, name=f"web-{n}", workers=1).port for n in (1, 2)]
        # A real guesser fetches the sign-in form for its CSRF token; the session it is bound
        # to is signed with the shared SECRET_KEY, so it works on both processes.
        _, page, cookie = call(ports[0], "GET", "/staff/login")
        token = page.split('name="csrf_token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
        login = {"email": "nobody@cops.example.gov", "password": "guess", "csrf_token": token}
        lookup = {"tracking_number": "COPS-2027-000001", "email": "guess@example.com"}
        # Alternate between the two processes: 4 attempts in all are allowed, not 4 each.
        for path, fields in (("/staff/login", login), ("/foia/status", lookup)):
            codes = [post(ports[n % 2], path, fields, cookie)[0] for n in range(5)]
            expected = [422] * 4 if path == "/staff/login" else [404] * 4
            assert codes == [*expected, 429], (path, codes)
            # And the other process agrees.
            assert post(ports[1], path, fields, cookie)[0] == 429
        assert any(b"LIMITER" in key for key in redis.scan_iter(f"*{prefix}*"))
    finally:
        for key in redis.scan_iter(f"*{prefix}*"):
            redis.delete(key)
        redis.close()
