"""A counter per kind of data, moved on every change: the version cached pages key on.

`content_version(FAQ)` is one primary-key read; any flush of the app's session that adds, changes
or deletes a FAQ article or category moves the counter in the same transaction (a session hook,
so no service can forget it; faq/models.py declares which models move it). Votes change only the
helpfulness counts, which no public page shows, and so leave the counter alone.

Why a counter and not `max(updated_at)` or `max(id)`: those follow the order in which
transactions wrote, not the order in which they committed. On PostgreSQL a transaction that
wrote first and commits last would leave the maximum where it was, and a page kept meanwhile
would never learn of it. The counter's row is locked from the bump to the commit, so counters
follow commit order. Code that writes such rows with Core statements, outside the ORM's flush,
calls `bump_content_version(...)` itself.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from foia_portal.extensions import db
from foia_portal.platform.counter_rows import bump_counter_row

FAQ = "faq"


class ContentVersion(db.Model):
    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<ContentVersion {self.name}={self.version}>"


# Built once, like requests/links.py's stamp: building and keying this statement on every call
# cost twice what running it does, on every cached FAQ page.
_READ = sa.select(ContentVersion.version).where(ContentVersion.name == sa.bindparam("name"))


def content_version(name: str, session: Session | None = None) -> int:
    """The current version of `name` (0 before its first change), as committed.

    Read on a connection of its own: it is the one statement a cached page costs, and opening and
    closing a session around it took a fifth of such a page's time. Code that already works in a
    session (the FAQ search) passes it, and the read costs no second connection.
    """
    if session is not None:
        return session.scalar(_READ, {"name": name}) or 0
    with db.engine.connect() as connection:
        version = connection.scalar(_READ, {"name": name})
    return version or 0


def bump_content_version(name: str, session: Session | None = None) -> None:
    """Move `name`'s counter, in the caller's transaction (its row is made on first use)."""
    table = ContentVersion.__table__
    bump = (
        sa.update(table)
        .where(table.c.name == sa.bindparam("counter"))
        .values(version=table.c.version + 1)
        .returning(table.c.version)
    )
    connection = (session or db.session).connection()
    bump_counter_row(connection, bump, {"counter": name}, {"name": name, "version": 0})


def _changed(session: Session, kinds: tuple[type, ...], unshown: frozenset[str]) -> bool:
    """Whether this flush adds, deletes or changes a row of `kinds` (columns in `unshown` aside)."""
    if any(isinstance(instance, kinds) for instance in (*session.new, *session.deleted)):
        return True
    return any(
        isinstance(instance, kinds)
        and any(
            attr.history.has_changes()
            for attr in sa.inspect(instance).attrs
            if attr.key not in unshown
        )
        for instance in session.dirty
    )


# Which models move which counter, and the columns of theirs that no cached page shows: declared
# by each area beside its models (`moved_by`), so that this module depends on none of them.
_MOVED_BY: dict[str, tuple[tuple[type, ...], frozenset[str]]] = {}


def moved_by(name: str, *kinds: type, unshown: frozenset[str] = frozenset()) -> None:
    """Declare that any flush adding, deleting or changing a row of `kinds` moves `name`."""
    _MOVED_BY[name] = (kinds, unshown)


@event.listens_for(db.session, "before_flush")
def _bump_versions(session: Session, flush_context, instances) -> None:
    # On the app's session only: other sessions (a script's, a test's) are theirs to manage.
    for name, (kinds, unshown) in _MOVED_BY.items():
        if _changed(session, kinds, unshown):
            bump_content_version(name, session)
