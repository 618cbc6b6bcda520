"""Staff accounts: creating users, signing in with a lockout, API tokens and the audit log.

Services change data, flush and return; the caller commits (see docs/staff-workflow.md).
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from foia_portal.auth.models import ApiToken, AuditEntry, StaffUser
from foia_portal.core.vocabulary import Role
from foia_portal.extensions import db
from foia_portal.platform.types import utcnow

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 256
# Failed sign-ins before an account is locked, and for how long (overridable in config).
DEFAULT_MAX_FAILED_LOGINS = 5
DEFAULT_LOCKOUT_MINUTES = 15
TOKEN_PREFIX = "foia_"  # noqa: S105  (a public marker, not a secret)
PASSWORD_RESET_MINUTES = 30
_RESET_SALT = "staff-password-reset"


@functools.cache
def _dummy_hash() -> str:
    """A hash to check against when the email is unknown: the same work as a real check, so
    timing does not reveal accounts. Made on first use, not at import: scrypt takes 32 MB and
    tens of milliseconds, which a worker that never signs anyone in need not spend."""
    return generate_password_hash("not-a-real-password-" + "x" * 20)


class AccountError(ValueError):
    """A user change that cannot be made; `field` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def hash_password(password: str) -> str:
    """Werkzeug's scrypt hash (salted, memory-hard)."""
    return generate_password_hash(password, method="scrypt")


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password or "") < PASSWORD_MIN_LENGTH:
        return f"Use a password of at least {PASSWORD_MIN_LENGTH} characters."
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"Use a password of at most {PASSWORD_MAX_LENGTH} characters."
    return None


def audit(
    actor: StaffUser | None, action: str, target: str | None = None, **details: Any
) -> AuditEntry:
    """Append an entry to the audit log (sign-ins, user changes, FAQ edits, tokens)."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target=(target or None) and target[:120],
        details=details,
    )
    db.session.add(entry)
    return entry


def find_user(email: str) -> StaffUser | None:
    return db.session.scalar(sa.select(StaffUser).where(StaffUser.email == normalise_email(email)))


def create_user(
    email: str, name: str, role: str, password: str, actor: StaffUser | None = None
) -> StaffUser:
    """Create a staff account; raises AccountError for a taken email, a bad role or password."""
    email = normalise_email(email)
    if role not in set(Role):
        raise AccountError(f"Choose a role: {', '.join(Role)}.", "role")
    if not email or "@" not in email:
        raise AccountError("Enter the person's work email address.", "email")
    if not (name or "").strip():
        raise AccountError("Enter the person's name.", "name")
    problem = password_problem(password)
    if problem:
        raise AccountError(problem, "password")
    if find_user(email) is not None:
        raise AccountError("A staff account with this email already exists.", "email")
    user = StaffUser(
        email=email,
        name=name.strip(),
        role=role,
        password_hash=hash_password(password),
        active=True,
        failed_logins=0,
        session_nonce=secrets.token_hex(8),
    )
    db.session.add(user)
    db.session.flush()
    audit(actor, "user.create", email, role=role)
    return user


def set_password(user: StaffUser, password: str, actor: StaffUser | None = None) -> None:
    problem = password_problem(password)
    if problem:
        raise AccountError(problem, "password")
    user.password_hash = hash_password(password)
    user.session_nonce = secrets.token_hex(8)  # signs the user out everywhere
    db.session.flush()
    audit(actor, "user.password", user.email)


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_RESET_SALT)


def _password_fingerprint(user: StaffUser) -> str:
    # Part of the reset token: once the password changes the token no longer matches, so a
    # link works once, and an older link dies when a newer one is used.
    return hashlib.sha256(user.password_hash.encode("utf-8")).hexdigest()[:16]


def password_reset_token(user: StaffUser) -> str:
    """A signed token for the reset link: good for PASSWORD_RESET_MINUTES, and for one use."""
    return _reset_serializer().dumps({"user": user.id, "password": _password_fingerprint(user)})


def user_for_reset_token(token: str) -> StaffUser | None:
    """The active user a reset token was made for; None if forged, expired or already used."""
    try:
        claims, issued_at = _reset_serializer().loads(token, return_timestamp=True)
    except BadSignature:
        return None
    if utcnow() - issued_at > timedelta(minutes=PASSWORD_RESET_MINUTES):
        return None
    if not isinstance(claims, dict):
        return None
    user = db.session.get(StaffUser, claims.get("user"))
    if user is None or not user.active:
        return None
    if not secrets.compare_digest(str(claims.get("password")), _password_fingerprint(user)):
        return None
    return user


def request_password_reset(email: str, reset_url_for, actor: StaffUser | None = None) -> bool:
    """Queue a reset link for an active account; False (and no email) for any other address.

    `reset_url_for(token)` makes the absolute link. The caller shows the same page either way,
    so the answer does not reveal which accounts exist.
    """
    from foia_portal.mail.outbox import queue_email

    user = find_user(email)
    if user is None or not user.active:
        audit(actor, "password.reset_requested", normalise_email(email)[:120], sent=False)
        return False
    queue_email(
        kind="auth/password_reset",
        recipient=user.email,
        subject=f"Reset your password – {current_app.config['AGENCY_NAME']} FOIA staff",
        context={
            "name": user.name,
            "reset_url": reset_url_for(password_reset_token(user)),
            "minutes": PASSWORD_RESET_MINUTES,
            "agency_name": current_app.config["AGENCY_NAME"],
        },
    )
    audit(actor, "password.reset_requested", user.email, sent=True)
    return True


def reset_password(user: StaffUser, password: str) -> None:
    """Set the password chosen through a reset link; the lockout ends with it."""
    set_password(user, password, actor=user)
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()


def change_role(user: StaffUser, role: str, actor: StaffUser) -> None:
    """Change a user's role; their sessions end so the new role applies at once."""
    if role not in set(Role):
        raise AccountError(f"Choose a role: {', '.join(Role)}.", "role")
    if user.role == role:
        return
    if user.role == Role.ADMIN and _last_active_admin(user):
        raise AccountError("This is the last active administrator; make someone else one first.")
    previous, user.role = user.role, role
    user.session_nonce = secrets.token_hex(8)
    db.session.flush()
    audit(actor, "user.role", user.email, previous=previous, role=role)


def set_active(user: StaffUser, active: bool, actor: StaffUser) -> None:
    """Deactivate (signs out, tokens stop working) or reactivate an account."""
    if user.active == active:
        return
    if not active and user.role == Role.ADMIN and _last_active_admin(user):
        raise AccountError("This is the last active administrator; it cannot be deactivated.")
    user.active = active
    user.session_nonce = secrets.token_hex(8)
    if active:
        user.failed_logins = 0
        user.locked_until = None
    db.session.flush()
    audit(actor, "user.activate" if active else "user.deactivate", user.email)


def _last_active_admin(user: StaffUser) -> bool:
    others = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(StaffUser)
        .where(StaffUser.role == Role.ADMIN, StaffUser.active.is_(True), StaffUser.id != user.id)
    )
    return not others


def lockout_settings() -> tuple[int, timedelta]:
    config = current_app.config
    return (
        int(config.get("LOGIN_MAX_FAILURES", DEFAULT_MAX_FAILED_LOGINS)),
        timedelta(minutes=int(config.get("LOGIN_LOCKOUT_MINUTES", DEFAULT_LOCKOUT_MINUTES))),
    )


@dataclass(frozen=True)
class SignInResult:
    user: StaffUser | None
    locked: bool = False  # for the log and the tests only: never shown to the person

    @property
    def ok(self) -> bool:
        return self.user is not None


def authenticate(email: str, password: str, remote_addr: str | None = None) -> SignInResult:
    """Check a sign-in; count failures per account and lock it for a while after too many.

    Whether the email exists, the password was wrong, or the account is locked or inactive, the
    caller shows the same message: the answer must not reveal which accounts exist.
    """
    max_failures, lock_for = lockout_settings()
    now = utcnow()
    user = find_user(email)
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        audit(None, "login.failed", normalise_email(email)[:120], reason="unknown", ip=remote_addr)
        return SignInResult(None)
    if user.locked_until is not None and user.locked_until > now:
        check_password_hash(_dummy_hash(), password or "")
        audit(user, "login.failed", user.email, reason="locked", ip=remote_addr)
        return SignInResult(None, locked=True)
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        user.failed_logins = (user.failed_logins or 0) + 1
        locked = user.failed_logins >= max_failures
        if locked:
            user.locked_until = now + lock_for
            user.failed_logins = 0
        db.session.flush()
        reason = "inactive" if not user.active else "password"
        audit(user, "login.failed", user.email, reason=reason, ip=remote_addr, locked=locked)
        return SignInResult(None, locked=locked)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.flush()
    audit(user, "login", user.email, ip=remote_addr)
    return SignInResult(user)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_api_token(user: StaffUser, actor: StaffUser | None = None) -> str:
    """A new bearer token for the staff API. Only its SHA-256 is stored: show it once."""
    if not user.active:
        raise AccountError("This account is deactivated; reactivate it before issuing a token.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=token_hash(raw)))
    db.session.flush()
    audit(actor or user, "token.issue", user.email)
    return raw


def revoke_tokens(user: StaffUser, actor: StaffUser | None = None) -> int:
    """Revoke every live token of a user; returns how many."""
    now = utcnow()
    live = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in live:
        token.revoked_at = now
    db.session.flush()
    audit(actor or user, "token.revoke", user.email, count=len(live))
    return len(live)


def live_token_count(user: StaffUser) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    )


def user_for_bearer_token(raw: str | None) -> StaffUser | None:
    """The active staff user a bearer token belongs to; None if missing, unknown or revoked."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = db.session.scalar(
        sa.select(ApiToken).where(
            ApiToken.token_hash == token_hash(raw), ApiToken.revoked_at.is_(None)
        )
    )
    if token is None or not token.user.active:
        return None
    return token.user


def active_staff() -> list[StaffUser]:
    """Everyone who can be assigned a request, by name."""
    return list(
        db.session.scalars(
            sa.select(StaffUser).where(StaffUser.active.is_(True)).order_by(StaffUser.name)
        )
    )
