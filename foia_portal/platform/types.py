"""Column types shared by the models."""

from datetime import UTC, datetime

import sqlalchemy as sa


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware UTC timestamp on every database.

    PostgreSQL keeps `timestamptz`; SQLite has no time zones, so values are stored as naive UTC and
    given their zone back when read.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)
