"""Forgotten passwords: an emailed single-use link valid 30 minutes, an administrator's reset,
the system use notification, and sign-in limits per address and account."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from foia_portal.auth import services
from foia_portal.extensions import db
from foia_portal.mail.models import OutboxMessage
from foia_portal.platform.types import utcnow
from tests.fixtures.staff import OFFICER_PASSWORD, login

NEW_PASSWORD = "a-brand-new-password"  # noqa: S105


def reset_emails():
    return db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "auth/password_reset")
    ).all()


def reset_path_from(message: OutboxMessage) -> str:
    url = re.search(r"https?://\S+/staff/password/reset/\S+", message.body_text).group(0)
    return url[url.index("/staff/") :]


def ask_for_reset(client, email):
    return client.post("/staff/password/forgot", data={"email": email}, follow_redirects=True)


def test_sign_in_page_shows_the_system_use_notification_and_a_forgotten_password_link(client):
    page = client.get("/staff/login").get_data(as_text=True)
    assert "System use notification" in page
    assert "U.S. Government information system" in page
    assert "no reasonable expectation of privacy" in page
    assert 'href="/staff/password/forgot"' in page
    assert "Forgot your password?" in page


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client, officer):
    known = ask_for_reset(client, officer.email)
    unknown = ask_for_reset(client, "nobody@cops.example.gov")
    assert known.status_code == unknown.status_code == 200
    sent = "belongs to an active staff account, we will email it a link"
    assert f"If officer@cops.example.gov {sent}" in known.get_data(as_text=True)
    assert f"If nobody@cops.example.gov {sent}" in unknown.get_data(as_text=True)
    emails = reset_emails()
    assert [message.recipient for message in emails] == [officer.email]
    assert "within 30 minutes" in emails[0].body_text


def test_an_invalid_email_is_named_at_its_field(client):
    response = client.post("/staff/password/forgot", data={"email": "not-an-address"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter a valid email address" in page and "<title>Error:" in page
    assert reset_emails() == []


def test_the_reset_link_sets_a_new_password_once(client, officer):
    ask_for_reset(client, officer.email)
    path = reset_path_from(reset_emails()[0])
    assert "Choose a new password" in client.get(path).get_data(as_text=True)
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 303 and response.headers["Location"].endswith("/staff/login")
    assert login(client, officer, NEW_PASSWORD).status_code == 303
    client.post("/staff/logout")

    again = client.post(
        path, data={"password": "another-password-x", "confirm": "another-password-x"}
    )
    assert again.status_code == 303 and again.headers["Location"].endswith("/staff/password/forgot")
    assert login(client, officer, NEW_PASSWORD).status_code == 303


def test_the_new_password_is_checked_at_its_fields(client, officer):
    ask_for_reset(client, officer.email)
    path = reset_path_from(reset_emails()[0])
    short = client.post(path, data={"password": "short", "confirm": "short"})
    assert short.status_code == 422 and "at least 12 characters" in short.get_data(as_text=True)
    mismatch = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 422
    assert "The two passwords do not match." in mismatch.get_data(as_text=True)
    assert login(client, officer).status_code == 303  # the old password still works


def test_a_reset_link_expires_after_30_minutes(client, officer, monkeypatch):
    token = services.password_reset_token(officer)
    assert services.user_for_reset_token(token) == officer
    later = utcnow() + timedelta(minutes=31)
    monkeypatch.setattr(services, "utcnow", lambda: later)
    assert services.user_for_reset_token(token) is None
    response = client.get(f"/staff/password/reset/{token}", follow_redirects=True)
    assert "expired or has already been used" in response.get_data(as_text=True)


@pytest.mark.parametrize("token", ["nonsense", "eyJ1c2VyIjoxfQ.forged.signature"])
def test_a_forged_reset_link_is_refused(client, officer, token):
    response = client.get(f"/staff/password/reset/{token}")
    assert response.status_code == 303
    assert services.user_for_reset_token(token) is None


def test_a_deactivated_account_gets_no_reset_email(client, officer, admin):
    services.set_active(officer, False, admin)
    db.session.commit()
    ask_for_reset(client, officer.email)
    assert reset_emails() == []


def test_an_administrator_can_email_a_staff_member_a_reset_link(client, officer, admin):
    login(client, admin)
    response = client.post(
        f"/staff/users/{officer.id}", data={"operation": "reset"}, follow_redirects=True
    )
    assert "A password reset link will be emailed to officer@cops.example.gov" in response.get_data(
        as_text=True
    )
    assert [message.recipient for message in reset_emails()] == [officer.email]


def test_the_cli_resets_a_password_and_ends_a_lockout(app, runner, officer):
    officer.locked_until = utcnow() + timedelta(minutes=10)
    db.session.commit()
    result = runner.invoke(
        args=["users", "reset-password", officer.email, "--password-stdin"],
        input=NEW_PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    client = app.test_client()
    assert login(client, officer, NEW_PASSWORD).status_code == 303
    too_short = runner.invoke(
        args=["users", "reset-password", officer.email, "--password-stdin"], input="short\n"
    )
    assert too_short.exit_code != 0 and "at least 12 characters" in too_short.output


@pytest.mark.parametrize(
    "config_overrides",
    [
        {
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_LOGIN": "3 per minute",
            "RATELIMIT_LOGIN_ADDRESS": "8 per minute",
        }
    ],
)
def test_colleagues_behind_one_address_each_keep_their_own_sign_in_budget(
    client, officer, make_user
):
    colleague = make_user("colleague@cops.example.gov")
    for _ in range(3):
        client.post("/staff/login", data={"email": officer.email, "password": "wrong-guess-x"})
    refused = login(client, officer)
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Too many sign-in attempts" in page and "Forgot your password?" in page
    assert login(client, colleague, OFFICER_PASSWORD).status_code == 303  # not locked out
    client.post("/staff/logout")
    # … while the address as a whole is still capped over every account.
    for n in range(4):
        client.post("/staff/login", data={"email": f"x{n}@cops.example.gov", "password": "guess"})
    assert login(client, colleague, OFFICER_PASSWORD).status_code == 429
