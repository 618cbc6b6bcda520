"""Staff users and their API tokens."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from foia_portal.core.vocabulary import Role
from foia_portal.extensions import db
from foia_portal.platform.append_only import append_only
from foia_portal.platform.types import UTCDateTime, utcnow


class StaffUser(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)  # stored lower-cased
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[str] = mapped_column(sa.String(20), default=Role.OFFICER)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Changing it signs the user out everywhere (it is part of the session's user id).
    session_nonce: Mapped[str] = mapped_column(sa.String(32), default="")

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    def __repr__(self) -> str:
        return f"<StaffUser {self.id} {self.role}>"


class ApiToken(db.Model):
    """A bearer token for the staff API; only its SHA-256 is stored, the token is shown once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[StaffUser] = relationship(back_populates="tokens", lazy="joined")

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} user={self.user_id}>"


@append_only
class AuditEntry(db.Model):
    """Staff actions outside a request's timeline (sign-ins, users, FAQ edits). Append-only."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    action: Mapped[str] = mapped_column(sa.String(60))
    target: Mapped[str | None] = mapped_column(sa.String(120))
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[StaffUser | None] = relationship()

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action}>"
