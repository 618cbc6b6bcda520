"""Email in development: without MAIL_SERVER each email is written to a `.eml` file, not sent.

The emails go through the real outbox path (the web form, `send_after_commit`, the worker), the
files are read back with Python's email parser, and the pages are checked in both modes: with a
mail server they promise an email; without one they never claim that one is on its way.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from foia_portal.extensions import db
from foia_portal.mail.models import OutboxMessage
from foia_portal.mail.transport import Email, mail_file_dir, send_email, writes_files
from foia_portal.requests.models import FoiaRequest
from tests.conftest import make_test_config, upgrade_database
from tests.fixtures.mail import OFFICE_EMAIL, SENDER
from tests.fixtures.staff import login
from tests.helpers import PROJECT_DIR

BIN = Path(sys.executable).parent
FILE_NAME = re.compile(r"^\d{8}T\d{12}Z-(?P<id>\d+|direct)-(?P<slug>[a-z0-9-]+)\.eml$")


@pytest.fixture
def mail_dir(tmp_path) -> Path:
    return tmp_path / "mail"


@pytest.fixture
def config_overrides(request, mail_dir):
    """No mail server (files), unless a test is parametrised with "server"."""
    if getattr(request, "param", "files") == "server":
        smtp_server = request.getfixturevalue("smtp_server")
        return smtp_server.config_overrides(MAIL_SEND_IMMEDIATELY=True)
    return {
        "MAIL_SERVER": None,
        "MAIL_FILE_DIR": str(mail_dir),
        "MAIL_SEND_IMMEDIATELY": True,
        "MAIL_DEFAULT_SENDER": SENDER,
        "FOIA_OFFICE_EMAIL": OFFICE_EMAIL,
    }


def file_through_the_form(client, fields: dict):
    response = client.post("/foia/request", data=fields, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    return response


def outbox_rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def read_eml(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def text_of(message: email.message.EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None and part.get_content_subtype() == subtype, f"no text/{subtype} part"
    return part.get_content()


def same_text(left: str, right: str) -> bool:
    return left.replace("\r\n", "\n").rstrip("\n") == right.replace("\r\n", "\n").rstrip("\n")


# ----------------------------------------------------------------------------- the file writer


def test_without_a_mail_server_each_email_of_a_new_request_is_written_to_an_eml_file(
    app, client, mail_dir, valid_request_fields, caplog
):
    caplog.set_level("INFO")

    file_through_the_form(client, valid_request_fields)

    number = db.session.scalars(sa.select(FoiaRequest.tracking_number)).one()
    rows = outbox_rows()
    files = sorted(mail_dir.iterdir())
    assert [row.recipient for row in rows] == ["ada@example.com", OFFICE_EMAIL]
    assert len(files) == 2
    # Sorted by name is sorted by time: the confirmation (queued first) comes first.
    for row, path in zip(rows, files, strict=True):
        name = FILE_NAME.match(path.name)
        assert name, path.name
        assert name["id"] == str(row.id)
        # The row is done, exactly as a sent email: never tried again.
        assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
        assert row.sent_at is not None
        logged = f"message {row.id} ({row.kind}) written to {path}"
        assert any(logged in record.getMessage() for record in caplog.records), logged

        message = read_eml(path)
        assert message["To"] == row.recipient
        assert message["Subject"] == row.subject
        assert message["From"] == SENDER
        assert message["Message-ID"] == row.headers["Message-ID"]
        assert message["Reply-To"] == OFFICE_EMAIL
        assert message["Date"] is not None
        assert same_text(text_of(message, "plain"), row.body_text)
        assert same_text(text_of(message, "html"), row.body_html)

    confirmation = read_eml(files[0])
    assert (
        FILE_NAME.match(files[0].name)["slug"] == f"we-received-your-foia-request-{number}".lower()
    )
    assert number in confirmation["Subject"]
    plain = text_of(confirmation, "plain")
    assert "community policing hiring grants" in plain
    assert "/foia/status/" in plain
    assert number in text_of(confirmation, "html")


def test_the_mail_worker_writes_the_files_when_emails_are_not_sent_at_once(
    app, client, runner, mail_dir, valid_request_fields
):
    app.config["MAIL_SEND_IMMEDIATELY"] = False
    file_through_the_form(client, valid_request_fields)
    assert {row.status for row in outbox_rows()} == {"pending"}
    assert not mail_dir.exists()

    result = runner.invoke(args=["outbox", "send"])

    assert result.exit_code == 0, result.output
    assert "sent 2" in result.output
    assert len(list(mail_dir.glob("*.eml"))) == 2
    assert {row.status for row in outbox_rows()} == {"sent"}


def test_a_mail_folder_that_cannot_be_written_loses_no_request_and_no_email(
    app, client, runner, mail_dir, valid_request_fields
):
    mail_dir.parent.mkdir(parents=True, exist_ok=True)
    mail_dir.write_text("a file where the folder should be")

    response = file_through_the_form(client, valid_request_fields)

    assert client.get(response.headers["Location"]).status_code == 200
    assert db.session.scalars(sa.select(FoiaRequest)).one()
    rows = outbox_rows()
    assert {row.status for row in rows} == {"pending"}
    assert "FileExistsError" in rows[0].last_error

    mail_dir.unlink()
    result = runner.invoke(args=["outbox", "send", "--all-pending"])

    assert result.exit_code == 0, result.output
    assert "sent 2" in result.output
    assert len(list(mail_dir.glob("*.eml"))) == 2
    assert {row.status for row in outbox_rows()} == {"sent"}


def test_the_file_holds_what_smtp_would_carry_non_ascii_subjects_and_long_lines_included(
    app, mail_dir
):
    subject = "Réponse à votre demande – FOIA request COPS-2027-000001"
    body = "Très long paragraphe " * 400  # one line of about 8,400 characters

    path = send_email(Email(recipient="zoe@example.com", subject=subject, body_text=body))

    assert path is not None and path.parent == mail_dir
    name = FILE_NAME.match(path.name)
    assert name and name["id"] == "direct"
    assert name["slug"] == "reponse-a-votre-demande-foia-request-cops-2027-000001"
    raw = path.read_bytes()
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998  # SMTP's line limit
    message = read_eml(path)
    assert message["Subject"] == subject
    assert message["To"] == "zoe@example.com"
    assert same_text(message.get_content(), body)


@pytest.mark.parametrize("config_overrides", ["server"], indirect=True)
def test_with_a_mail_server_nothing_is_written_to_a_file(
    app, client, mail_dir, smtp_server, valid_request_fields
):
    file_through_the_form(client, valid_request_fields)

    assert len(smtp_server.wait_for(2)) == 2
    assert not mail_dir.exists()
    assert {row.status for row in outbox_rows()} == {"sent"}


# ----------------------------------------------------------------------------- the switch


def config_values(**environment: str | None) -> dict:
    """MAIL_SERVER and MAIL_FILE_DIR as config.py reads them from this environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAIL_")}
    env.update({k: v for k, v in environment.items() if v is not None})
    code = (
        "import json, config\n"
        "print(json.dumps({name: [getattr(cls, 'MAIL_SERVER'), getattr(cls, 'MAIL_FILE_DIR')]"
        " for name, cls in [('development', config.DevelopmentConfig),"
        " ('testing', config.TestingConfig), ('production', config.ProductionConfig)]}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, env=env,
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return json.loads(result.stdout)


@pytest.mark.parametrize("unset", [None, "", "   "])
def test_an_unset_or_empty_mail_server_means_files_in_development(unset):
    values = config_values(MAIL_SERVER=unset)
    assert values["development"] == [None, None]
    # The tests always have a server, whatever the developer's shell says.
    assert values["testing"][0] == "localhost"


def test_a_mail_server_and_a_mail_file_dir_are_read_from_the_environment():
    values = config_values(MAIL_SERVER=" smtp.agency.example.gov ", MAIL_FILE_DIR="/tmp/outmail")
    assert values["development"] == ["smtp.agency.example.gov", "/tmp/outmail"]
    assert values["production"][0] == "smtp.agency.example.gov"
    assert values["testing"] == ["localhost", None]


@pytest.mark.parametrize(("server", "files"), [(None, True), ("", True), ("127.0.0.1", False)])
def test_writes_files_follows_the_app_config(app, server, files):
    app.config["MAIL_SERVER"] = server
    assert writes_files() is files


def test_the_default_mail_folder_is_in_the_instance_folder(app):
    app.config["MAIL_FILE_DIR"] = None
    assert mail_file_dir() == Path(app.instance_path) / "mail"


def test_make_run_shows_where_each_email_was_written(tmp_path):
    """The development configuration logs at INFO to the terminal, as `make run` does."""
    url = f"sqlite:///{tmp_path / 'dev.db'}"
    upgrade_database(url, tmp_path / "uploads")
    from foia_portal import create_app

    setup = create_app(make_test_config(url, tmp_path / "uploads"))
    with setup.app_context():
        db.session.add(
            OutboxMessage(
                kind="test/plain", recipient="ada@example.com", subject="Hello COPS-2027-000001",
                body_text="Hello.", body_html=None, headers={}, status="pending",
            )
        )  # fmt: skip
        db.session.commit()
        db.engine.dispose()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MAIL_") and k not in {"FLASK_ENV", "FOIA_PORTAL_ENV"}
    }
    env.update(
        DATABASE_URL=url, UPLOAD_FOLDER=str(tmp_path / "uploads"), MAIL_FILE_DIR=str(tmp_path / "m")
    )

    result = subprocess.run(
        [str(BIN / "flask"), "--app", "foia_portal", "outbox", "send"], cwd=PROJECT_DIR, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "sent 1" in result.stdout
    [path] = (tmp_path / "m").glob("*-1-hello-cops-2027-000001.eml")
    assert f"INFO in outbox: outbox: message 1 (test/plain) written to {path}" in result.stderr


# ----------------------------------------------------------------------------- what pages say


def received_page(client, fields: dict) -> str:
    response = file_through_the_form(client, fields)
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_without_a_mail_server_the_confirmation_page_says_no_email_is_sent(
    app, client, mail_dir, valid_request_fields
):
    html = received_page(client, valid_request_fields)

    assert "No email will be sent to <strong>ada@example.com</strong>" in html
    assert "saved as a file" in html
    assert "We will email" not in html
    assert "on its way" not in html
    assert 'id="mail-files-notice"' in html
    assert f"written to a file in <code>{mail_dir.resolve()}</code>" in html


@pytest.mark.parametrize("config_overrides", ["server"], indirect=True)
def test_with_a_mail_server_the_confirmation_page_promises_an_email(
    app, client, smtp_server, valid_request_fields
):
    smtp_server.stop()  # even while the server is down: the outbox sends it later

    html = received_page(client, valid_request_fields)

    assert "We will email your tracking number" in html
    assert "<strong>ada@example.com</strong>" in html
    assert "on its way" not in html
    assert "No email will be sent" not in html
    assert "mail-files-notice" not in html


@pytest.mark.parametrize("config_overrides", ["files", "server"], indirect=True)
def test_every_page_says_whether_this_site_sends_email(app, client, config_overrides):
    for path in ("/", "/foia/request", "/staff/login"):
        html = client.get(path).get_data(as_text=True)
        assert ('id="mail-files-notice"' in html) is (config_overrides["MAIL_SERVER"] is None)


@pytest.mark.parametrize("config_overrides", ["files", "server"], indirect=True)
def test_the_forgotten_password_answer_matches_how_mail_goes_out(
    app, client, officer, mail_dir, config_overrides
):
    response = client.post(
        "/staff/password/forgot", data={"email": officer.email}, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    if config_overrides["MAIL_SERVER"] is None:
        assert "a link to choose a new password is written to a file in" in html
        assert str(mail_dir.resolve()) in html
        assert "we will email" not in html
        [path] = mail_dir.glob("*-reset-your-password-*.eml")
        assert read_eml(path)["To"] == officer.email
    else:
        assert "we will email it a link to choose a new password" in html
        assert "written to a file" not in html


@pytest.mark.parametrize("config_overrides", ["files", "server"], indirect=True)
def test_an_administrators_reset_and_the_request_page_say_how_mail_goes_out(
    app, client, officer, admin, config_overrides, valid_request_fields
):
    files = config_overrides["MAIL_SERVER"] is None
    file_through_the_form(client, valid_request_fields)
    login(client, admin)

    reset = client.post(f"/staff/users/{officer.id}", data={"operation": "reset"})
    flashed = client.get(reset.headers["Location"]).get_data(as_text=True)
    number = db.session.scalars(sa.select(FoiaRequest.tracking_number)).one()
    request_page = client.get(f"/staff/requests/{number}").get_data(as_text=True)

    assert ("is written to a file in" in flashed) is files
    assert ("A password reset link will be emailed to officer@cops.example.gov" in flashed) is (
        not files
    )
    assert ("<td>Written to a file, not sent (no mail server)</td>" in request_page) is files
    assert ("<td>Sent</td>" in request_page) is (not files)
