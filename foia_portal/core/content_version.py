"""A counter per kind of data, moved on every change: the stamp that kept pages and figures key on.

`content_version(FAQ)` is one primary-key read; any flush that adds, changes or deletes a FAQ
article or category moves the counter in the same transaction (a session hook, so no service can
forget it). Votes change only the helpfulness counts, which no public page shows, and so leave
the counter alone. `REQUESTS` moves likewise with any request, requester, timeline event, hold
or attachment: the staff queue's data version.

Why a counter and not `max(updated_at)` or `max(id)`: those follow the order in which
transactions wrote, not the order in which they committed. On PostgreSQL a transaction that
wrote first and commits last would leave the maximum where it was, and a page kept meanwhile
would never learn of it. The counter's row is locked from the bump to the commit, so counters
follow commit order. Code that writes such rows with Core statements, outside the ORM's flush
(request intake does), calls `bump_content_version(...)` itself.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from foia_portal.extensions import db

FAQ = "faq"
REQUESTS = "requests"


class ContentVersion(db.Model):
    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<ContentVersion {self.name}={self.version}>"


_TABLE = ContentVersion.__table__
_READ = sa.select(_TABLE.c.version).where(_TABLE.c.name == sa.bindparam("name"))


def content_version(name: str) -> int:
    """The current version of `name` (0 before its first change).

    Read on a connection of its own, not through the session: this is the one statement a
    cached page costs, and a session's setup and teardown cost three times the read.
    """
    with db.engine.connect() as connection:
        return connection.execute(_READ, {"name": name}).scalar() or 0


def bump_content_version(name: str, session: Session | None = None) -> None:
    """Move `name`'s counter, in the caller's transaction (an upsert: the row may not exist yet)."""
    session = session or db.session
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = ContentVersion.__table__
    statement = dialect.insert(table).values(name=name, version=1)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.name], set_={"version": table.c.version + 1}
    )
    session.execute(statement)


# Columns whose change no cached page shows.
UNSHOWN_FAQ_COLUMNS = frozenset({"helpful_yes", "helpful_no"})


def _faq_content_changed(session: Session) -> bool:
    from foia_portal.faq.models import Faq, FaqCategory

    for instance in (*session.new, *session.deleted):
        if isinstance(instance, (Faq, FaqCategory)):
            return True
    for instance in session.dirty:
        if isinstance(instance, FaqCategory) and session.is_modified(instance):
            return True
        if isinstance(instance, Faq):
            state = sa.inspect(instance)
            changed = {
                attr.key for attr in state.attrs if attr.history.has_changes()
            } - UNSHOWN_FAQ_COLUMNS
            if changed:
                return True
    return False


def _request_data_changed(session: Session) -> bool:
    from foia_portal.requests.models import (
        Attachment,
        FoiaRequest,
        HoldPeriod,
        Requester,
        RequestEvent,
    )

    kinds = (FoiaRequest, RequestEvent, Attachment, HoldPeriod, Requester)
    if any(isinstance(instance, kinds) for instance in (*session.new, *session.deleted)):
        return True
    return any(isinstance(i, kinds) and session.is_modified(i) for i in session.dirty)


@event.listens_for(Session, "before_flush")
def _bump_versions(session: Session, flush_context, instances) -> None:
    if _faq_content_changed(session):
        bump_content_version(FAQ, session)
    if _request_data_changed(session):
        bump_content_version(REQUESTS, session)
