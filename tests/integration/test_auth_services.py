"""Staff accounts: passwords, the lockout, API tokens and the audit log."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from foia_portal.auth import services
from foia_portal.auth.models import AuditEntry
from foia_portal.extensions import db
from foia_portal.platform.types import utcnow
from tests.fixtures.staff import OFFICER_PASSWORD


def test_passwords_are_stored_as_scrypt_hashes(officer):
    assert officer.password_hash.startswith("scrypt:")
    assert OFFICER_PASSWORD not in officer.password_hash


@pytest.mark.parametrize(
    ("email", "name", "role", "password", "field"),
    [
        ("x@cops.example.gov", "X", "officer", "short", "password"),
        ("x@cops.example.gov", "X", "superuser", "long-enough-password", "role"),
        ("not-an-email", "X", "officer", "long-enough-password", "email"),
        ("x@cops.example.gov", "  ", "officer", "long-enough-password", "name"),
        ("OFFICER@cops.example.gov", "X", "officer", "long-enough-password", "email"),
    ],
)
def test_create_user_refuses_bad_input_naming_the_field(
    officer, email, name, role, password, field
):
    with pytest.raises(services.AccountError) as raised:
        services.create_user(email, name, role, password)
    assert raised.value.field == field


def test_correct_password_signs_in_and_resets_the_failure_count(officer):
    services.authenticate(officer.email, "wrong password!", None)
    result = services.authenticate(officer.email.upper(), OFFICER_PASSWORD, None)
    assert result.ok and result.user.id == officer.id
    assert officer.failed_logins == 0 and officer.last_login_at is not None


def test_repeated_failures_lock_the_account_even_against_the_right_password(app, officer):
    app.config["LOGIN_MAX_FAILURES"] = 3
    for _ in range(3):
        assert not services.authenticate(officer.email, "wrong password!", None).ok
    assert officer.locked_until is not None and officer.locked_until > utcnow()
    assert not services.authenticate(officer.email, OFFICER_PASSWORD, None).ok


def test_lock_expires(app, officer):
    officer.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert services.authenticate(officer.email, OFFICER_PASSWORD, None).ok


def test_deactivated_user_cannot_sign_in(officer, admin):
    services.set_active(officer, False, admin)
    assert not services.authenticate(officer.email, OFFICER_PASSWORD, None).ok


def test_unknown_email_fails_and_is_audited(app):
    assert not services.authenticate("nobody@cops.example.gov", "whatever-password", "10.0.0.1").ok
    entry = db.session.scalar(sa.select(AuditEntry))
    assert entry.action == "login.failed" and entry.details["reason"] == "unknown"


def test_api_token_is_stored_only_as_its_hash_and_finds_its_user(officer):
    raw = services.issue_api_token(officer)
    db.session.commit()
    assert raw.startswith("foia_")
    stored = officer.tokens[0]
    assert stored.token_hash == services.token_hash(raw) and raw not in stored.token_hash
    assert services.user_for_bearer_token(raw) == officer


@pytest.mark.parametrize("raw", [None, "", "foia_not-a-real-token", "Bearer x", "x" * 500])
def test_unknown_tokens_find_nobody(officer, raw):
    services.issue_api_token(officer)
    assert services.user_for_bearer_token(raw) is None


def test_revoked_token_and_deactivated_user_tokens_stop_working(officer, admin):
    raw = services.issue_api_token(officer)
    assert services.revoke_tokens(officer, admin) == 1
    assert services.user_for_bearer_token(raw) is None
    raw = services.issue_api_token(officer)
    services.set_active(officer, False, admin)
    assert services.user_for_bearer_token(raw) is None


def test_role_change_ends_the_users_sessions(officer, admin):
    nonce = officer.session_nonce
    services.change_role(officer, "admin", admin)
    assert officer.role == "admin" and officer.session_nonce != nonce


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(admin):
    with pytest.raises(services.AccountError):
        services.change_role(admin, "officer", admin)
    with pytest.raises(services.AccountError):
        services.set_active(admin, False, admin)


def test_user_changes_and_tokens_are_audited(officer, admin):
    services.change_role(officer, "admin", admin)
    services.issue_api_token(officer, admin)
    services.revoke_tokens(officer, admin)
    actions = list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-3:] == ["user.role", "token.issue", "token.revoke"]
    assert "user.create" in actions
