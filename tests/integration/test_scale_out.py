"""The production topology on one machine: two app processes and two mail workers, one
PostgreSQL database and one Redis (docs/deploy.md).

- Two gunicorn processes (1 sync worker each, different ports) serve the same database. One
  sends email right after each commit (MAIL_SEND_IMMEDIATELY, the production default), the other
  leaves every email to the workers, so both delivery paths run against each other.
- Two `flask outbox send --loop` workers deliver what is due, competing for the same rows.
- Rate limits live in Redis (under a key prefix of this run's own), so a limit is one budget
  for the whole site, whichever process a request reaches.
- Uploads go to one shared folder: a file sent through one process is downloaded by staff
  through the other.

Skipped (or failed under FOIA_TEST_REQUIRE_ALL=1) without PostgreSQL or Redis.
"""

from __future__ import annotations

import html
import http.client
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.server import Gunicorn
from tests.conftest import (
    create_postgres_database,
    drop_postgres_database,
    skip_or_fail,
    upgrade_database,
)
from tests.fixtures.mail import OFFICE_EMAIL, SENDER, SmtpServer, free_port
from tests.fixtures.servers import APP
from tests.helpers import PDF_BYTES, PROJECT_DIR

BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("FOIA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SUBMISSION_LIMIT = 8  # per hour, for the whole site
STAFF_EMAIL = "scale-officer@example.gov"
STAFF_PASSWORD = "scale-out-password-123"  # noqa: S105


# ------------------------------------------------------------------------------ plain HTTP


class Browser:
    """A tiny HTTP client for one process: no redirects followed, cookies kept by name.

    Production cookies are marked Secure; this client talks plain HTTP to 127.0.0.1 and sends
    them anyway, as a TLS-terminating proxy in front of gunicorn would.
    """

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields=None, files=None):
        headers = {}
        body = None
        if files:
            boundary = uuid.uuid4().hex
            body = multipart(fields or {}, files, boundary)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, value = cookie.split(";", 1)[0].split("=", 1)
                self.cookies[name] = value
            return response.status, response.headers, content
        finally:
            connection.close()

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, fields, files=None):
        return self.request("POST", path, fields, files)


def multipart(fields: dict, files: dict, boundary: str) -> bytes:
    parts = []
    for name, value in fields.items():
        disposition = f'Content-Disposition: form-data; name="{name}"'
        parts.append(f"--{boundary}\r\n{disposition}\r\n\r\n{value}\r\n".encode())
    for name, (filename, content, content_type) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


def hidden_value(page: bytes, name: str) -> str:
    text = page.decode()
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', text) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', text
    )
    assert found, f"no {name} field on the page"
    return html.unescape(found.group(1))


# ------------------------------------------------------------------------------ processes


def wait_until(condition, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


class Processes:
    """Child processes of the test, each with its output in a log file; stopped at the end."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.running: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = (self.log_dir / f"{name}.log").open("wb")
        process = subprocess.Popen(
            command, cwd=PROJECT_DIR, env={**os.environ, **env}, stdout=log, stderr=log
        )
        log.close()
        self.running.append((name, process))
        return process

    def log(self, name: str) -> str:
        return (self.log_dir / f"{name}.log").read_text(errors="replace")

    def stop(self, process: subprocess.Popen, timeout: float = 20) -> int:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return process.returncode

    def stop_all(self) -> None:
        for _, process in reversed(self.running):
            self.stop(process)


def serve(processes: Processes, name: str, env: dict[str, str]) -> int:
    """Start `gunicorn "foia_portal:create_app()"` with one sync worker; wait until it answers."""
    server = Gunicorn(APP, env, workers=1, log_path=processes.log_dir / f"{name}.log",
                      ready_path="/healthz")  # fmt: skip
    server.start()
    processes.running.append((name, server.process))
    return server.port


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture
def redis_limits():
    """The Redis the rate limits share, with a key prefix of this test run's own.

    Other test runs (and other engineers' suites) may use the same Redis at the same moment:
    nothing is flushed; only this run's keys are deleted afterwards.
    """
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        skip_or_fail("Redis scale-out test", f"no Redis at {REDIS_URL} ({error})")
    prefix = f"foia-scale-out-{secrets.token_hex(6)}"
    yield {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def shared_database(tmp_path_factory):
    """A migrated PostgreSQL database made for this test, dropped afterwards."""
    url = create_postgres_database()
    try:
        upgrade_database(url, tmp_path_factory.mktemp("migrate-uploads"))
        yield url
    finally:
        drop_postgres_database(url)


@pytest.fixture
def topology(shared_database, redis_limits, tmp_path):
    """Two app processes and two mail workers on one PostgreSQL, one Redis, one upload folder."""
    smtp = SmtpServer()
    smtp.start()
    processes = Processes(tmp_path)
    uploads = tmp_path / "shared-uploads"
    uploads.mkdir()
    env = {
        "FOIA_PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": shared_database,
        "RATELIMIT_ENABLED": "true",
        **redis_limits,
        "RATELIMIT_SUBMISSIONS": f"{SUBMISSION_LIMIT} per hour",
        "MAIL_SERVER": smtp.host,
        "MAIL_PORT": str(smtp.port),
        "MAIL_DEFAULT_SENDER": SENDER,
        "MAIL_TIMEOUT_SECONDS": "5",
        "FOIA_OFFICE_EMAIL": OFFICE_EMAIL,
        "UPLOAD_FOLDER": str(uploads),
        "PUBLIC_BASE_URL": "https://foia.example.gov",
    }
    created = subprocess.run(
        [str(BIN / "flask"), "--app", "foia_portal", "users", "create", STAFF_EMAIL,
         "--name", "Scale Officer", "--role", "officer", "--password-stdin"],
        input=STAFF_PASSWORD + "\n", env={**os.environ, **env}, cwd=PROJECT_DIR,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    try:
        ports = {
            "a": serve(processes, "web-a", {**env, "MAIL_SEND_IMMEDIATELY": "true"}),
            "b": serve(processes, "web-b", {**env, "MAIL_SEND_IMMEDIATELY": "false"}),
        }
        workers = [
            processes.start(
                f"mail-{n}",
                [
                    str(BIN / "flask"),
                    "--app",
                    "foia_portal",
                    "outbox",
                    "send",
                    "--loop",
                    "--interval",
                    "0.2",
                ],
                env,
            )  # fmt: skip
            for n in (1, 2)
        ]
        yield {
            "ports": ports,
            "workers": workers,
            "processes": processes,
            "smtp": smtp,
            "database_url": shared_database,
            "uploads": uploads,
        }
    finally:
        processes.stop_all()
        smtp.stop()
        for name, _ in processes.running:  # shown by pytest when the test failed
            print(f"--- {name} (last lines) ---\n{processes.log(name)[-4000:]}")


# ------------------------------------------------------------------------------ the test


def request_form(description: str, email: str) -> dict:
    return {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": email,
        "description": description,
        "fee_category": "other",
        "delivery_format": "electronic",
        "website": "",
    }


def submit(browser: Browser, number: int, token: str | None = None, files=None):
    status, _, page = browser.get("/foia/request")
    assert status == 200
    fields = request_form(
        f"All grant award documents about community policing, submission {number}.",
        f"requester{number}@example.com",
    )
    fields["form_token"] = token or hidden_value(page, "form_token")
    return browser.post("/foia/request", fields, files)


@pytest.mark.slow
@pytest.mark.postgres
def test_two_app_processes_and_two_mail_workers_share_one_database_redis_and_upload_folder(
    topology,
):
    ports, smtp = topology["ports"], topology["smtp"]
    a, b = Browser(ports["a"]), Browser(ports["b"])

    # Six submissions, alternating between the processes; the first carries an attachment.
    answers = [
        submit(a, 1, files={"attachments": ("grant-list.pdf", PDF_BYTES, "application/pdf")})
    ]
    for number, browser in zip(range(2, 7), [b, a, b, a, b], strict=True):
        answers.append(submit(browser, number))
    assert [status for status, _, _ in answers] == [303] * 6, [p[:300] for _, _, p in answers]

    # The same form sent to both processes at the same moment: stored once, both answers
    # lead to the same confirmation.
    token = secrets.token_urlsafe(24)
    results: dict[str, tuple] = {}

    def send(name: str, browser: Browser):
        results[name] = submit(browser, 7, token=token)

    threads = [threading.Thread(target=send, args=(n, br)) for n, br in (("a", a), ("b", b))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results["a"][0] == results["b"][0] == 303
    assert results["a"][1]["Location"] == results["b"][1]["Location"]

    # Eight POSTs so far: the site-wide budget is spent, whichever process is asked next.
    assert submit(a, 8)[0] == 429
    assert submit(b, 9)[0] == 429

    engine = sa.create_engine(topology["database_url"])
    try:
        with engine.connect() as connection:
            stored = connection.execute(
                sa.text("SELECT tracking_number, submission_token FROM foia_request")
            ).all()
            assert len(stored) == 7
            assert len({row.tracking_number for row in stored}) == 7
            assert sum(row.submission_token == token for row in stored) == 1

        # Every email (a confirmation and a staff notice per request) is sent exactly once.
        def all_sent():
            with engine.connect() as connection:
                counts = dict(
                    connection.execute(
                        sa.text("SELECT status, count(*) FROM outbox_message GROUP BY status")
                    ).all()
                )
            return counts if counts.get("sent") == 14 and len(counts) == 1 else None

        wait_until(all_sent, 120, "every email to be sent")
        time.sleep(1.0)  # several more worker rounds: nothing may be sent a second time
        deliveries = list(smtp.deliveries)
        assert len(deliveries) == 14
        message_ids = [d.message["Message-ID"] for d in deliveries]
        assert len(set(message_ids)) == 14
        assert len(smtp.to(OFFICE_EMAIL)) == 7
        with engine.connect() as connection:
            attempts = connection.scalars(sa.text("SELECT attempts FROM outbox_message")).all()
        assert set(attempts) == {1}
    finally:
        engine.dispose()

    # The attachment sent through process A is on the shared path: staff download it through B.
    officer = Browser(ports["b"])
    status, _, page = officer.get("/staff/login")
    assert status == 200
    status, _, _ = officer.post(
        "/staff/login",
        {"email": STAFF_EMAIL, "password": STAFF_PASSWORD,
         "csrf_token": hidden_value(page, "csrf_token")},
    )  # fmt: skip
    assert status == 303
    engine = sa.create_engine(topology["database_url"])
    try:
        with engine.connect() as connection:
            tracking_number, attachment_id = connection.execute(
                sa.text(
                    "SELECT r.tracking_number, a.id FROM attachment a "
                    "JOIN foia_request r ON r.id = a.request_id"
                )
            ).one()
    finally:
        engine.dispose()
    status, _, content = officer.get(
        f"/staff/requests/{tracking_number}/attachments/{attachment_id}"
    )
    assert status == 200
    assert content == PDF_BYTES

    # The workers stop cleanly on SIGTERM (systemd's and Procfile runners' stop signal).
    for worker in topology["workers"]:
        assert topology["processes"].stop(worker) == 0


# ------------------------------------------------------------------------------ behind a proxy


@pytest.fixture
def config_overrides(request):
    trusted_proxies, storage = getattr(request, "param", (0, "memory://"))
    return {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": storage,
        "RATELIMIT_SUBMISSIONS": "1 per hour",
        "TRUSTED_PROXIES": trusted_proxies,
    }


def post_empty_form(client, forwarded_for: str) -> int:
    return client.post(
        "/foia/request", data={}, headers={"X-Forwarded-For": forwarded_for}
    ).status_code


@pytest.mark.parametrize("config_overrides", [(1, "memory://")], indirect=True)
def test_behind_a_trusted_proxy_each_client_has_its_own_rate_limit(client):
    assert post_empty_form(client, "203.0.113.1") == 422
    assert post_empty_form(client, "203.0.113.1") == 429
    assert post_empty_form(client, "203.0.113.2") == 422


@pytest.mark.parametrize("config_overrides", [(0, "memory://")], indirect=True)
def test_without_a_trusted_proxy_a_forged_forwarded_address_does_not_escape_the_limit(client):
    assert post_empty_form(client, "203.0.113.1") == 422
    assert post_empty_form(client, "203.0.113.2") == 429


def test_while_redis_is_unreachable_each_process_still_limits_on_its_own(database_url, tmp_path):
    # In a process of its own, as in production: Flask-Limiter remembers that its storage is
    # down on the limiter object, which every app of this test process shares.
    code = (
        "from foia_portal import create_app\n"
        "from tests.conftest import make_test_config\n"
        f"app = create_app(make_test_config({database_url!r}, {str(tmp_path)!r},\n"
        "    RATELIMIT_ENABLED=True, RATELIMIT_SUBMISSIONS='1 per hour',\n"
        f"    RATELIMIT_STORAGE_URI='redis://127.0.0.1:{free_port()}/0'))\n"
        "client = app.test_client()\n"
        "for _ in range(2):\n"
        "    print(client.post('/foia/request', data={}).status_code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["422", "429"]


# ------------------------------------------------------------------------------ production CSRF


@pytest.mark.parametrize("config_overrides", [(0, "memory://")], indirect=True)
def test_with_csrf_protection_on_public_forms_work_and_staff_forms_need_the_token(
    app, client, valid_request_fields
):
    # Tests run with CSRF off; production runs with it on, and the public forms have no session.
    app.config["WTF_CSRF_ENABLED"] = True
    token_page = client.get("/foia/request")
    assert "csrf_token" not in token_page.get_data(as_text=True)
    filed = client.post(
        "/foia/request", data={**valid_request_fields, "form_token": "csrf-check-token-0001"}
    )
    assert filed.status_code == 303
    assert "Set-Cookie" not in filed.headers
    lookup = client.post("/foia/status", data={"tracking_number": "", "email": ""})
    assert lookup.status_code == 422
    assert (
        client.post("/staff/login", data={"email": "a@b.gov", "password": "x"}).status_code == 400
    )


# ------------------------------------------------------------------------- one SQLite file

SQLITE_SUBMISSIONS = 60


def test_two_app_processes_on_one_sqlite_file_file_every_request_once(tmp_path):
    """The benchmark's topology: two processes writing one SQLite file (WAL, busy timeout).

    Submissions race for SQLite's single write lock from both processes at once; none may fail
    ("database is locked" would be a 503), and each is stored once, numbered without gaps, with
    its two emails.
    """
    url = f"sqlite:///{tmp_path / 'portal.db'}"
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    upgrade_database(url, uploads)
    processes = Processes(tmp_path)
    env = {
        "FOIA_PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": url,
        "RATELIMIT_ENABLED": "false",
        "MAIL_SEND_IMMEDIATELY": "false",
        "MAIL_SERVER": "localhost",  # production requires one; nothing is sent in this test
        "FOIA_OFFICE_EMAIL": OFFICE_EMAIL,
        "UPLOAD_FOLDER": str(uploads),
    }
    try:
        ports = [serve(processes, name, env) for name in ("web-a", "web-b")]
        barrier = threading.Barrier(12)
        statuses: list[int] = []

        def client(number: int) -> None:
            browser = Browser(ports[number % 2])
            barrier.wait()
            for n in range(number, SQLITE_SUBMISSIONS, 12):
                form = request_form(
                    f"All records about subject number {n} of this test.", f"r{n}@example.com"
                )
                statuses.append(browser.post("/foia/request", {**form, "form_token": f"t-{n}"})[0])

        threads = [threading.Thread(target=client, args=(n,)) for n in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        processes.stop_all()
    assert statuses == [303] * SQLITE_SUBMISSIONS, {
        name: processes.log(name)[-2000:] for name in ("web-a", "web-b")
    }

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT id, tracking_number, submission_token FROM foia_request")
        ).all()
        emails = connection.scalar(sa.text("SELECT count(*) FROM outbox_message"))
        events = connection.scalar(sa.text("SELECT count(*) FROM request_event"))
    engine.dispose()
    assert sorted(row.submission_token for row in rows) == sorted(
        f"t-{n}" for n in range(SQLITE_SUBMISSIONS)
    )
    numbers = sorted(int(row.tracking_number[-6:]) for row in rows)
    assert numbers == list(range(1, SQLITE_SUBMISSIONS + 1))
    assert (emails, events) == (2 * SQLITE_SUBMISSIONS, SQLITE_SUBMISSIONS)
