"""Counter rows (tracking-number sequences, content versions): bumped in place, made on first use.

The bump is a plain `UPDATE … RETURNING`, which SQLAlchemy compiles once and keeps. The dialects'
`INSERT … ON CONFLICT` is not kept (their `insert` opts out of the statement cache), so it runs
only on a counter's very first use, to make the row; `DO NOTHING` lets two first uses at once
make it once (on PostgreSQL the second waits for the first to commit).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite


def bump_counter_row(
    connection: sa.Connection, bump: sa.Update, key: dict[str, Any], first_row: dict[str, Any]
) -> Any:
    """Run `bump` (an UPDATE of one row RETURNING its new value), making the row if it is not there.

    `first_row` is the row as it stands before its first bump. Returns the bumped value.
    """
    value = connection.execute(bump, key).scalar_one_or_none()
    if value is None:
        insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
        connection.execute(insert(bump.table).values(**first_row).on_conflict_do_nothing())
        value = connection.execute(bump, key).scalar_one()
    return value
