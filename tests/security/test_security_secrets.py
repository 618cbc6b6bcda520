"""Secrets: production will not start with a public or guessable SECRET_KEY, and no secret,
password, token or requester's personal data reaches the logs during a whole journey.

The access log of a real server (gunicorn) is checked in tests/integration/test_load_gunicorn.py, which runs
hundreds of submissions and status lookups through it; the redaction itself is
foia_portal/platform/logging.py.
"""

from __future__ import annotations

import logging
import re

import pytest
import sqlalchemy as sa

from config import ProductionConfig, TestingConfig
from foia_portal.extensions import db
from foia_portal.platform.logging import RedactingFilter, redact
from foia_portal.requests.models import FoiaRequest
from foia_portal.requests.status_links import status_token
from tests.fixtures.staff import OFFICER_PASSWORD, login


@pytest.mark.parametrize(
    "key",
    [
        TestingConfig.SECRET_KEY,  # public: it is in this repository
        "changeme",
        "x" * 64,  # long, but one character
        "0123456789abcdef" * 1,  # short
        "abababababababababababababababababababab",
    ],
)
def test_production_refuses_to_start_with_a_public_or_guessable_secret_key(monkeypatch, key):
    from foia_portal import create_app

    monkeypatch.setenv("SECRET_KEY", key)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.internal/foia")
    monkeypatch.setenv("FOIA_PORTAL_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_production_refuses_to_start_without_a_secret_key_and_never_invents_one(monkeypatch):
    from foia_portal import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.internal/foia")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


@pytest.mark.parametrize(
    ("line", "kept", "gone"),
    [
        ('"GET /foia/status/eyJ1.abc-DEF_1 HTTP/1.1" 200', "/foia/status/", "eyJ1.abc-DEF_1"),
        ('"GET /foia/request/received/Wzk.sig HTTP/1.1" 200', "received/", "Wzk.sig"),
        ("GET /api/v1/requests/COPS-2027-000001?email=ada%40example.com", "COPS-2027", "ada%40"),
        ("GET /faq/search?q=my+own+arrest+record&page=2", "page=2", "arrest"),
        ("Authorization: Bearer foia_k3y-k3y_k3y-k3y_k3y-k3y_k3y", "Authorization", "foia_k3y"),
        ("outbox: message 7 to ada.lovelace+foia@example.co.uk refused", "outbox", "lovelace"),
        ("password=hunter2-hunter2&email=x", "password=", "hunter2"),
    ],
)
def test_the_log_filter_redacts_links_emails_tokens_and_searches(line, kept, gone):
    cleaned = redact(line)
    assert kept in cleaned
    assert gone not in cleaned


def test_the_filter_keeps_gunicorns_access_log_atoms_a_dict_of_the_same_kind():
    class Atoms(dict):
        def __getitem__(self, key):  # gunicorn's SafeAtoms answers "-" for unknown atoms
            return super().get(key, "-")

    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, "%(r)s %(s)s %(x)s", None, None
    )
    record.args = Atoms(r="GET /foia/status/secret.token HTTP/1.1", s="200")
    RedactingFilter().filter(record)
    assert isinstance(record.args, Atoms)
    assert record.getMessage() == "GET /foia/status/[redacted] HTTP/1.1 200 -"


# --- a whole journey, every log line captured -------------------------------------------------


REQUESTER = {
    "first_name": "Zenobia",
    "last_name": "Quixotica",
    "email": "zenobia.quixotica@example.net",
    "phone": "(202) 555-0199",
    "street": "742 Evergreen Terrace",
    "city": "Shelbyville",
    "description": "Records of the Xylophonic Grant awarded to my neighbour in 2024.",
}


@pytest.fixture
def config_overrides(smtp_server):
    return smtp_server.config_overrides(MAIL_SEND_IMMEDIATELY=True)


def test_a_whole_journey_logs_nothing_secret_or_personal(
    app, client, runner, smtp_server, officer, valid_request_fields, caplog
):
    caplog.set_level(logging.DEBUG)
    for name in ("foia_portal", "werkzeug", "sqlalchemy", "flask_limiter", "smtplib"):
        caplog.set_level(logging.DEBUG, logger=name)  # restored after the test
    smtp_server.refused.add(REQUESTER["email"])  # a failed delivery logs an error too

    # The requester files, with a file, and looks the request up three ways.
    response = client.post(
        "/foia/request", data={**valid_request_fields, **REQUESTER, "website": ""}
    )
    assert response.status_code == 303
    foia_request = db.session.scalars(sa.select(FoiaRequest)).one()
    token = status_token(foia_request)
    number = foia_request.tracking_number
    assert client.get(f"/foia/status/{token}").status_code == 200
    lookup = {"tracking_number": number, "email": REQUESTER["email"]}
    assert client.post("/foia/status", data=lookup).status_code == 303
    assert client.get(f"/api/v1/requests/{number}?email={REQUESTER['email']}").status_code == 200
    client.post("/foia/status", data={**lookup, "email": "wrong@example.net"})

    # Staff sign in (once wrongly), act, and use an API token.
    staff = app.test_client()
    staff.post("/staff/login", data={"email": officer.email, "password": "Wrong-Pass-9876"})
    assert login(staff, officer).status_code == 303
    staff.get(f"/staff/?q={REQUESTER['last_name']}")
    staff.get(f"/staff/requests/{number}")
    result = runner.invoke(args=["users", "token", officer.email])
    api_token = result.output.strip()
    headers = {"Authorization": f"Bearer {api_token}"}
    actions = f"/api/v1/staff/requests/{number}/actions"
    version = client.get(f"/api/v1/staff/requests/{number}", headers=headers).get_json()
    assert version
    client.post(actions, headers=headers, json={"action": "acknowledge", "track": "simple"})
    client.post(actions, headers=headers, json={"action": "note", "text": "Zenobia phoned"})
    client.get("/api/v1/staff/requests", headers={"Authorization": "Bearer foia_wrongtoken123456"})

    # The mail worker runs (the requester's address is refused: an error is logged).
    runner.invoke(args=["outbox", "send", "--all-pending"])

    ours = "\n".join(
        f"{record.name} {record.getMessage()} {record.exc_text or ''}"
        for record in caplog.records
        if not record.name.startswith("mail.log")  # the test SMTP server's own log
    )
    assert "outbox:" in ours  # the journey was logged …
    secrets = [
        app.config["SECRET_KEY"],
        OFFICER_PASSWORD,
        "Wrong-Pass-9876",
        api_token,
        token,
        officer.email,
        *REQUESTER.values(),
        "Zenobia",
        "Quixotica",
        "Xylophonic",
        "555-0199",
        "Evergreen",
    ]
    for secret in secrets:
        assert secret not in ours, secret  # … without any of this
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", ours), "an email address was logged"


def test_a_new_secret_key_signs_everyone_out_unless_the_old_one_is_a_fallback(app, client, officer):
    def queue_status() -> int:
        # A fresh app context per request, as in production: the test's own one (and its `g`,
        # where Flask-Login keeps the user it loaded) outlives each request.
        with app.app_context():
            return client.get("/staff/").status_code

    assert login(client, officer).status_code == 303
    assert queue_status() == 200
    old_key = app.secret_key

    app.config["SECRET_KEY"] = "a-new-secret-key-" + "9f3c" * 8
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    assert queue_status() == 200  # read with the old key

    app.config["SECRET_KEY"] = "another-secret-key-" + "7a1e" * 8
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert queue_status() == 302  # neither key it was signed with
