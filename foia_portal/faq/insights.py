"""Search insights for the FAQ's editors: what readers search for, what finds nothing, and what
people filed a request about after the request form had shown them FAQ answers.

A search on the FAQ search page adds one to its query's row for the day (`FaqQueryDay`): the
query normalised (its words, lower case, without email addresses or long numbers) and nothing
about who searched. The request form's suggestions are kept by faq/services.py
(`FaqSuggestion`); a form "filed anyway" is one whose token a request carries. Rows older than
RETENTION_MONTHS are deleted by `flask faq insights prune` (the daily timer in deploy/).
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from foia_portal.core.deadlines import EASTERN, today_eastern
from foia_portal.extensions import db
from foia_portal.faq.models import QUERY_MAX, FaqQueryDay, FaqSuggestion
from foia_portal.faq.search import clean_query
from foia_portal.faq.words import WORD
from foia_portal.platform.counter_rows import bump_counter_row
from foia_portal.requests.models import FoiaRequest

RETENTION_MONTHS = 13
WINDOW_DAYS = 30  # the insights page looks at the last 30 days, today included
LISTED = 50  # queries per list on the page (the CSV has them all)
LONG_NUMBER = 5  # digits from which a number is dropped: a phone or tracking number, not a year

_EMAIL = re.compile(r"\S+@\S+")

_TABLE = FaqQueryDay.__table__
# One statement per search, compiled once: add one to the day's row for the query, and keep the
# number of answers when the search was run afresh (None: served from a kept page).
_COUNT_SEARCH = (
    sa.update(_TABLE)
    .where(_TABLE.c.day == sa.bindparam("on_day"), _TABLE.c.query == sa.bindparam("normalised"))
    .values(
        searches=_TABLE.c.searches + 1,
        results=sa.func.coalesce(sa.bindparam("found", type_=sa.Integer), _TABLE.c.results),
    )
    .returning(_TABLE.c.searches)
)


def normalise_query(raw: str | None) -> str:
    """A query as kept: its words, lower case, single spaces, at most 200 characters; email
    addresses and numbers of LONG_NUMBER digits or more (a phone or tracking number) left out,
    so that what someone typed about themselves is not kept."""
    text = _EMAIL.sub(" ", clean_query(raw))
    words = [
        word
        for word in WORD.findall(text.lower())
        if not (word.isdigit() and len(word) >= LONG_NUMBER)
    ]
    return " ".join(words)[:QUERY_MAX].rstrip()


def record_search(raw_query: str | None, found: int | None, on_day: date | None = None) -> bool:
    """Count one search of the FAQ search page, in a short transaction of its own, committed;
    `found` is the number of answers when the search ran (None when the page came from the
    cache). False when the query has no word to keep.

    A count is worth less than a request, so its commit does not wait for the disk: a kept
    search page is served in half a millisecond, and waiting for the disk took milliseconds.
    PostgreSQL: `synchronous_commit` off for this transaction (a crash may lose the last
    fraction of a second of counts, never corrupt anything). SQLite: `synchronous=NORMAL` on
    this connection while it counts (in WAL mode the database stays consistent; a power cut may
    lose the last counts), then its setting as before, or the connection is dropped.
    """
    query = normalise_query(raw_query)
    if not query:
        return False
    count = (
        _COUNT_SEARCH,
        {"on_day": on_day or today_eastern(), "normalised": query, "found": found},
    )
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            _count(connection, *count)
            connection.commit()
            return True
        previous = int(connection.exec_driver_sql("PRAGMA synchronous").scalar())
        connection.exec_driver_sql("PRAGMA synchronous = NORMAL")
        try:
            _count(connection, *count)
            connection.commit()
        finally:
            try:
                connection.rollback()
                connection.exec_driver_sql(f"PRAGMA synchronous = {previous:d}")
                connection.commit()
            except sa.exc.DBAPIError:
                connection.invalidate()
                raise
    return True


def _count(connection: sa.Connection, statement: sa.Update, values: dict) -> None:
    bump_counter_row(
        connection,
        statement,
        values,
        {"day": values["on_day"], "query": values["normalised"], "searches": 0, "results": None},
    )


@dataclass(frozen=True)
class QueryCount:
    query: str
    count: int  # searches, or requests filed
    results: int | None = None  # answers found the last time the query was searched afresh


def window_start(today: date | None = None) -> date:
    return (today or today_eastern()) - timedelta(days=WINDOW_DAYS - 1)


def _searched(since: date, limit: int | None, found_nothing: bool) -> list[QueryCount]:
    searches = sa.func.sum(FaqQueryDay.searches)
    earlier = aliased(FaqQueryDay)
    latest_results = (
        sa.select(earlier.results)
        .where(earlier.query == FaqQueryDay.query, earlier.results.is_not(None))
        .order_by(earlier.day.desc())
        .limit(1)
        .correlate(FaqQueryDay)
        .scalar_subquery()
    )
    statement = (
        sa.select(FaqQueryDay.query, searches, latest_results)
        .where(FaqQueryDay.day >= since)
        .group_by(FaqQueryDay.query)
        .order_by(searches.desc(), FaqQueryDay.query)
        .limit(limit)
    )
    if found_nothing:
        statement = statement.having(latest_results == 0)
    return [QueryCount(*row) for row in db.session.execute(statement)]


def most_searched(since: date, limit: int | None = LISTED) -> list[QueryCount]:
    """The queries searched most often since `since`, with how many answers each found."""
    return _searched(since, limit, found_nothing=False)


def found_nothing(since: date, limit: int | None = LISTED) -> list[QueryCount]:
    """The queries searched since `since` that found no answer the last time they were run."""
    return _searched(since, limit, found_nothing=True)


def filed_anyway(since: date, limit: int | None = LISTED) -> list[QueryCount]:
    """What people described on the request form, after it had shown them FAQ answers, before
    filing the request anyway: the last description each filed form sent for suggestions,
    normalised, with the number of requests filed."""
    filed = sa.exists().where(FoiaRequest.submission_token == FaqSuggestion.form_token)
    since_time = datetime.combine(since, time.min, tzinfo=EASTERN)
    last_per_form = (
        sa.select(sa.func.max(FaqSuggestion.id))
        .where(FaqSuggestion.created_at >= since_time, filed)
        .group_by(FaqSuggestion.form_token)
    )
    descriptions = db.session.scalars(
        sa.select(FaqSuggestion.query).where(FaqSuggestion.id.in_(last_per_form))
    )
    counts = Counter(q for q in map(normalise_query, descriptions) if q)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [QueryCount(query, count) for query, count in ordered[:limit]]


CSV_COLUMNS = ("list", "query", "count", "answers_found")


def insights_csv(since: date) -> str:
    """Every query of the three lists as CSV: list (most_searched, found_nothing,
    filed_anyway), query, count (searches, or requests filed), answers found (search lists)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    # Normalised queries hold only letters, digits and spaces: no cell starts a formula.
    for name, rows in (
        ("most_searched", most_searched(since, None)),
        ("found_nothing", found_nothing(since, None)),
        ("filed_anyway", filed_anyway(since, None)),
    ):
        for row in rows:
            writer.writerow(
                (name, row.query, row.count, "" if row.results is None else row.results)
            )
    return buffer.getvalue()


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def prune(today: date | None = None) -> int:
    """Delete the query counts older than RETENTION_MONTHS; returns how many rows went."""
    cutoff = months_before(today or today_eastern(), RETENTION_MONTHS)
    result = db.session.execute(sa.delete(FaqQueryDay).where(FaqQueryDay.day < cutoff))
    return result.rowcount
