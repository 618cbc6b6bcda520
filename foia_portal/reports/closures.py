"""A processed request's closing figures, computed once for the annual report and the dashboard.

Which requests count as processed in a period, the day each counts as closed, the business days
each took (days on hold left out, 5 U.S.C. § 552(a)(6)(A)(ii)) and what it was closed with
(disposition, exemptions). The annual report (`reports/annual.py`) and the dashboard
(`reports/dashboard.py`) both read them here; they differ only in the index the rows are read
through (a year: the covering index; a month: the date indexes). See docs/annual-report.md.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import NamedTuple

import sqlalchemy as sa

from foia_portal.core import deadlines
from foia_portal.core.deadlines import Pause
from foia_portal.core.vocabulary import (
    DISPOSITIONS_REQUIRING_EXEMPTIONS,
    EXEMPTIONS,
    Disposition,
    Status,
    Track,
)
from foia_portal.extensions import db
from foia_portal.requests.models import FoiaRequest, HoldPeriod

TRACKS = (Track.SIMPLE, Track.COMPLEX, Track.EXPEDITED)

# A request counts as closed when its status says so. Its close date is `closed_date`, never
# earlier than its `received_date`: a request filed on a Saturday is received on Monday, and a
# duplicate closed the same weekend must not be processed before it was received (that would
# break pending + received − processed = pending across a fiscal-year boundary). A closed row
# with no `closed_date` (hand-edited data) counts as closed on the day it was received.
IS_CLOSED = FoiaRequest.status == Status.CLOSED
closed_on = sa.case(
    (FoiaRequest.closed_date.is_(None), FoiaRequest.received_date),
    (FoiaRequest.closed_date < FoiaRequest.received_date, FoiaRequest.received_date),
    else_=FoiaRequest.closed_date,
)
COUNTED = FoiaRequest.is_test.is_(False)
# The day a processed request counts as closed (`closed_on`), NULL while it is open. As one
# expression it lets the annual report's filters be read from the report's covering index
# (`ix_foia_request_report`): with `status = 'closed'` on its own in the WHERE clause SQLite
# walks the queue's status index instead and reads every closed row from the table.
processed_on = sa.case((IS_CLOSED, closed_on))

# A year's rows are read this many at a time (a server-side cursor on PostgreSQL, whose driver
# would otherwise hold the whole year in memory).
BATCH_ROWS = 2_000


def closed_between(first: date, last: date) -> sa.ColumnElement[bool]:
    """Processed from `first` to `last`: the rule as it reads (no index in mind)."""
    return sa.and_(IS_CLOSED, closed_on >= first, closed_on <= last)


def processed_in_year(start: date, as_of: date) -> list[sa.ColumnElement[bool]]:
    """WHERE clauses for the requests processed in the period, read from the covering index.

    The same requests as `closed_between`, written so that SQLite reads them from the covering
    index `ix_foia_request_report` alone (the range on `received_date` is redundant: a request
    closed by `as_of` was received by then, since `closed_on` is never before receipt). The
    whole year is most of the index anyway; the dashboard's month reads `processed_by_date_index`,
    whose close-date range finds a few rows.
    """
    return [
        COUNTED,
        FoiaRequest.received_date <= as_of,
        processed_on.between(start, as_of),
    ]


def processed_by_date_index(first: date, last: date) -> list[list[sa.ColumnElement[bool]]]:
    """The requests of `closed_between(first, last)` as two disjoint sets of WHERE clauses, one
    per date index: closed on a day in the period (and not before it was received), or received
    in the period and closed on no day or an earlier one (`closed_on`). `status || ''` is the
    status with no index: SQLite, without statistics, would otherwise walk every closed request
    through the status index."""
    closed = FoiaRequest.status.concat("") == str(Status.CLOSED)
    return [
        [
            COUNTED,
            closed,
            FoiaRequest.closed_date.between(first, last),
            FoiaRequest.closed_date >= FoiaRequest.received_date,
        ],
        [
            COUNTED,
            closed,
            FoiaRequest.received_date.between(first, last),
            sa.or_(
                FoiaRequest.closed_date.is_(None),
                FoiaRequest.closed_date < FoiaRequest.received_date,
            ),
        ],
    ]


class Closure(NamedTuple):
    """One processed request: the day it counts as closed, its track, the business days it took."""

    closed: date
    track: str
    business_days: int


def closures(
    first: date, last: date, selections: Sequence[Sequence[sa.ColumnElement[bool]]]
) -> Iterator[Closure]:
    """Every request processed from `first` to `last`, with its closing figures.

    `selections` are WHERE clauses picking those requests: one set (`processed_in_year`) or
    several disjoint ones read through different indexes (`processed_by_date_index`). Two
    statements: the requests' holds, then four narrow columns per request, `BATCH_ROWS` at a
    time. Business days come from `deadlines.business_days_used` counting on a
    `BusinessDayCalendar`; nothing is kept per request.

    A request closed before anyone chose its track (a duplicate, a withdrawal) is a simple one.
    """
    connection = db.session.connection()
    ids = [sa.select(FoiaRequest.id).where(*where) for where in selections]
    holds: dict[int, list[Pause]] = defaultdict(list)
    for request_id, started_on, ended_on in connection.execute(
        sa.select(
            HoldPeriod.request_id, raw_date(HoldPeriod.started_on), raw_date(HoldPeriod.ended_on)
        ).where(HoldPeriod.request_id.in_(_union(ids)))
    ):
        holds[request_id].append(
            Pause(as_date(started_on), as_date(ended_on) if ended_on is not None else None)
        )

    # Most requests processed in a period were received within it or the year before; days
    # outside the table are added to it on first sight.
    between = deadlines.BusinessDayCalendar(first - timedelta(days=366), last).between
    tracks = {str(t) for t in TRACKS}
    no_holds: tuple[Pause, ...] = ()
    rows = [
        sa.select(
            FoiaRequest.id,
            raw_date(FoiaRequest.received_date),
            raw_date(FoiaRequest.closed_date),
            FoiaRequest.track,
        ).where(*where)
        for where in selections
    ]
    day: dict[date | str, date] = {}  # each day as read (ISO text on SQLite), converted once
    result = connection.execute(_union(rows).execution_options(yield_per=BATCH_ROWS))
    for partition in result.partitions():
        for request_id, received_read, closed_read, track in partition:
            # The same rule as `closed_on` in SQL: never closed before it was received (ISO
            # text compares as the dates do).
            if closed_read is None or closed_read < received_read:
                closed_read = received_read
            received, closed = day.get(received_read), day.get(closed_read)
            if received is None:
                received = day[received_read] = as_date(received_read)
            if closed is None:
                closed = day[closed_read] = as_date(closed_read)
            yield Closure(
                closed,
                track if track in tracks else Track.SIMPLE,
                deadlines.business_days_used(
                    received, closed, holds.get(request_id, no_holds), between
                ),
            )


def _union(selects: list[sa.Select]) -> sa.Select | sa.CompoundSelect:
    return selects[0] if len(selects) == 1 else sa.union_all(*selects)


def raw_date(column):
    """A date column read without the dialect's converter: SQLite hands back ISO text, which
    `date.fromisoformat` (`as_date`) reads far faster than SQLAlchemy's regex (it matters at
    100,000 rows); PostgreSQL's driver hands back dates already."""
    return sa.type_coerce(column, sa.String)


def as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def disposition_counts(start: date, as_of: date) -> tuple[dict[str, int], int]:
    """Processed requests per disposition, every disposition listed; unknown ones under "other"
    (and counted apart, the second value)."""
    rows = db.session.execute(
        sa.select(FoiaRequest.disposition, sa.func.count())
        .where(*processed_in_year(start, as_of))
        .group_by(FoiaRequest.disposition)
    ).all()
    counts = {str(d): 0 for d in Disposition}
    unknown = 0
    for disposition, count in rows:
        if disposition in counts:
            counts[disposition] += count
        else:
            counts[Disposition.OTHER] += count
            unknown += count
    return counts, unknown


def exemption_counts(start: date, as_of: date) -> dict[str, int]:
    """Each exemption once per processed request withholding records under it.

    DOJ Annual FOIA Report, section V.C: exemptions are counted for full and partial denials.
    The list is a JSON array, unnested by the database's own table function (the only
    dialect-specific SQL here: json_each on SQLite, json_array_elements_text on PostgreSQL).
    """
    unnest = (
        sa.func.json_array_elements_text
        if db.session.get_bind().dialect.name == "postgresql"
        else sa.func.json_each
    )
    cited = unnest(FoiaRequest.exemptions).table_valued("value")
    # The denials are picked on the covering index first; only their rows are then read for
    # the list (filtering in the outer query made SQLite read every row received by `as_of`).
    denials = sa.select(FoiaRequest.id).where(
        *processed_in_year(start, as_of),
        FoiaRequest.disposition.in_([str(d) for d in DISPOSITIONS_REQUIRING_EXEMPTIONS]),
    )
    rows = db.session.execute(
        sa.select(cited.c.value, sa.func.count(sa.distinct(FoiaRequest.id)))
        .select_from(FoiaRequest)
        .join(cited, sa.true())
        .where(FoiaRequest.id.in_(denials))
        .group_by(cited.c.value)
    )
    counts = dict.fromkeys(EXEMPTIONS, 0)
    for code, count in rows:
        if code in counts:
            counts[code] += count
    return counts


def median(values: list[int]) -> float | None:
    """The median of some days (to close, to decide), as the report and the dashboard print it."""
    if not values:
        return None
    return _tidy(statistics.median(values))


def average(values: list[int]) -> float | None:
    if not values:
        return None
    return _tidy(round(statistics.fmean(values), 2))


def _tidy(number: float) -> float:
    """5.0 → 5, 5.5 → 5.5: whole numbers print as whole numbers in JSON, CSV and pages."""
    return int(number) if float(number).is_integer() else float(number)
