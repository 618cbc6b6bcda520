"""The next tracking number (its form: core/tracking.py).

Gap-free and safe under concurrent submissions: the counter row is bumped with a single
`UPDATE … RETURNING` inside the submitting transaction. PostgreSQL holds the row lock until that
transaction ends, so a second submission waits instead of reading the same value; a rolled-back
submission rolls its number back too, so numbers are never skipped nor reused. SQLite serialises
writers on the whole database, which gives the same guarantee.
"""

from datetime import datetime

import sqlalchemy as sa

from foia_portal.core.deadlines import fiscal_year_for
from foia_portal.core.tracking import AGENCY_CODE_PATTERN, format_tracking_number
from foia_portal.extensions import db
from foia_portal.platform.counter_rows import bump_counter_row
from foia_portal.requests.models import TrackingSequence


def next_tracking_number(agency_code: str, received_at: datetime) -> tuple[str, int]:
    """Reserve the next number of the fiscal year of `received_at`; returns (number, fiscal year).

    One statement in the common case: the bump. The counter row of a new fiscal year is created
    on its first submission (`ON CONFLICT DO NOTHING`: two first submissions at once create it
    once; on PostgreSQL the second waits for the first to commit), then bumped.
    """
    if not AGENCY_CODE_PATTERN.match(agency_code):
        raise ValueError("AGENCY_CODE must be 2 to 10 capital letters")
    fiscal_year = fiscal_year_for(received_at)
    table = TrackingSequence.__table__
    bump = (
        sa.update(table)
        .where(table.c.agency_code == agency_code, table.c.fiscal_year == fiscal_year)
        .values(last_value=table.c.last_value + 1)
        .returning(table.c.last_value)
    )
    sequence = bump_counter_row(
        db.session.connection(),
        bump,
        {},
        {"agency_code": agency_code, "fiscal_year": fiscal_year, "last_value": 0},
    )
    return format_tracking_number(agency_code, fiscal_year, sequence), fiscal_year
