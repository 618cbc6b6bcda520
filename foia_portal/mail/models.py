"""The outbox: every email is a row written in the same transaction as the change it announces."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from foia_portal.extensions import db
from foia_portal.platform.types import UTCDateTime, utcnow


class OutboxMessage(db.Model):
    __table_args__ = (
        sa.Index("ix_outbox_message_status_next_attempt", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(60))  # the template, e.g. "requests/confirmation"
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(255))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    headers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("foia_request.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")  # pending|sent|failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"
