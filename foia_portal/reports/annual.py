"""The Annual FOIA Report and the dashboard figures, computed from the queue.

One service answers every caller: the report page, its CSV and JSON downloads, `flask report
annual` and the staff queue's dashboard. Counts are SQL aggregates (conditional sums in one pass
over the request table, GROUP BY); only the processing-time statistics fetch a few
columns per processed request, because a median cannot be aggregated portably and business days
depend on the federal holiday calendar. See docs/annual-report.md for every rule and why.

Rules, following the DOJ Annual FOIA Report (5 U.S.C. § 552(e)):
- A request is *received* in the fiscal year of its `received_date` (the business day the
  statutory clock started), not of its tracking number.
- A request is *processed* in the fiscal year of its latest closure: a request that is reopened
  and closed again counts once, when it was closed last; while reopened it is pending again.
- `is_test` submissions (FOIA.gov portal tests) never count.
- pending at start + received − processed = pending at end. The four are counted separately
  in SQL (shown on the page, `reconciles`); with these rules and `closed_on` it holds for any
  data, so a failure means one of the four counts was changed inconsistently.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa

from foia_portal.core import deadlines
from foia_portal.core.types import utcnow
from foia_portal.core.vocabulary import (
    DISPOSITIONS_REQUIRING_EXEMPTIONS,
    EXEMPTIONS,
    OPEN_STATUSES,
    Disposition,
    Status,
    Track,
)
from foia_portal.extensions import db
from foia_portal.faq.models import FaqSuggestion
from foia_portal.requests.models import FoiaRequest, HoldPeriod

# The FOIA took effect on 4 July 1967; FY 1968 is the first fiscal year it covered in full.
FIRST_FISCAL_YEAR = 1968

# § 552(a)(6)(E)(ii)(I): expedited processing is decided within 10 calendar days.
EXPEDITED_DECISION_DAYS = deadlines.EXPEDITED_DECISION_CALENDAR_DAYS

# The processing-time bands of the DOJ Annual FOIA Report, section VII.C (business days).
TIME_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0–20", 0, 20),
    ("21–40", 21, 40),
    ("41–60", 41, 60),
    ("61–80", 61, 80),
    ("81–100", 81, 100),
    ("101–120", 101, 120),
    ("121–140", 121, 140),
    ("141–160", 141, 160),
    ("161–180", 161, 180),
    ("181–200", 181, 200),
    ("201–300", 201, 300),
    ("301–400", 301, 400),
    ("Over 400", 401, None),
)

TRACKS = (Track.SIMPLE, Track.COMPLEX, Track.EXPEDITED)
OLDEST_PENDING_LIMIT = 10

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


# ----------------------------------------------------------------------------------------------
# The figures


@dataclass(frozen=True)
class TimeStats:
    """Processing time of one track, in business days with days on hold left out."""

    count: int
    median: float | None
    average: float | None
    lowest: int | None
    highest: int | None


@dataclass(frozen=True)
class DecisionStats:
    """Expedited-processing or fee-waiver decisions made during the year."""

    granted: int
    denied: int
    median_days: float | None
    average_days: float | None
    days_unit: str  # "calendar" (expedited, § 552(a)(6)(E)) or "business"
    # Expedited only: decisions made within the 10 calendar days the statute allows.
    within_limit: int | None = None

    @property
    def decided(self) -> int:
        return self.granted + self.denied


@dataclass(frozen=True)
class PendingRequest:
    """One of the oldest requests still pending when the year ended."""

    tracking_number: str
    received_date: date
    due_date: date
    status: str  # today's status: it may have been closed since the period ended
    business_days_pending: int


@dataclass(frozen=True)
class MonthFigures:
    """One month of the year: what came in, what went out, and what was left at its end."""

    month: date  # the first day of the month
    received: int
    closed: int
    pending_at_end: int
    backlog_at_end: int

    @property
    def label(self) -> str:
        return f"{self.month:%b %Y}"


@dataclass(frozen=True)
class FaqFigures:
    """People shown FAQ answers while writing a request, and whether they filed anyway."""

    sessions_with_answers: int
    answered_without_filing: int
    filed_anyway: int

    @property
    def answered_share(self) -> float | None:
        """Share of the sessions that saw answers and did not file (0–1)."""
        if not self.sessions_with_answers:
            return None
        return self.answered_without_filing / self.sessions_with_answers


@dataclass(frozen=True)
class AnnualReport:
    """Everything the DOJ Annual FOIA Report asks of one office for one fiscal year."""

    fiscal_year: int
    start: date
    end: date
    as_of: date  # `end`, or today while the year is still running
    generated_at: datetime
    pending_start: int
    received: int
    processed: int
    pending_end: int
    dispositions: dict[str, int]
    exemptions: dict[str, int]
    processing_time: dict[str, TimeStats]
    time_distribution: list[tuple[str, dict[str, int]]]
    expedited: DecisionStats
    fee_waivers: DecisionStats
    backlog: int
    oldest_pending: list[PendingRequest]
    months: list[MonthFigures]
    faq: FaqFigures
    unknown_dispositions: int = 0  # closed without a known disposition; counted under "other"
    # Filed by `as_of` but received by law after it (a weekend, holiday or after-hours filing is
    # received the next business day): shown beside `received`, never counted in it.
    filed_not_yet_received: int = 0

    @property
    def complete(self) -> bool:
        """False while the fiscal year is still running (figures are year to date)."""
        return self.as_of >= self.end

    @property
    def reconciles(self) -> bool:
        """The report's own check: pending at start + received − processed = pending at end."""
        return self.pending_start + self.received - self.processed == self.pending_end

    @property
    def dispositions_total(self) -> int:
        return sum(self.dispositions.values())

    @property
    def denied_for_other_reasons(self) -> int:
        """Column 4 of the DOJ table: full denials for reasons other than exemptions."""
        return sum(
            count
            for name, count in self.dispositions.items()
            if name
            not in {Disposition.FULL_GRANT, Disposition.PARTIAL_GRANT, Disposition.FULL_DENIAL}
        )

    def as_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready values (dates as ISO strings)."""
        return {
            "fiscal_year": self.fiscal_year,
            "period": {
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
                "as_of": self.as_of.isoformat(),
                "complete": self.complete,
            },
            "generated_at": self.generated_at.isoformat(),
            "pending_start": self.pending_start,
            "received": self.received,
            "processed": self.processed,
            "pending_end": self.pending_end,
            "reconciles": self.reconciles,
            "dispositions": dict(self.dispositions),
            "dispositions_total": self.dispositions_total,
            "exemptions": dict(self.exemptions),
            "processing_time": {
                track: asdict(stats) for track, stats in self.processing_time.items()
            },
            "processing_time_distribution": [
                {"band": band, **counts} for band, counts in self.time_distribution
            ],
            "expedited": {**asdict(self.expedited), "decided": self.expedited.decided},
            "fee_waivers": {**asdict(self.fee_waivers), "decided": self.fee_waivers.decided},
            "backlog": {
                "pending_past_due": self.backlog,
                "oldest_pending": [
                    {
                        "tracking_number": p.tracking_number,
                        "received_date": p.received_date.isoformat(),
                        "due_date": p.due_date.isoformat(),
                        "status": p.status,
                        "business_days_pending": p.business_days_pending,
                    }
                    for p in self.oldest_pending
                ],
            },
            "months": [
                {
                    "month": f"{m.month:%Y-%m}",
                    "received": m.received,
                    "closed": m.closed,
                    "pending_at_end": m.pending_at_end,
                    "backlog_at_end": m.backlog_at_end,
                }
                for m in self.months
            ],
            "faq": {
                "sessions_with_answers": self.faq.sessions_with_answers,
                "answered_without_filing": self.faq.answered_without_filing,
                "filed_anyway": self.faq.filed_anyway,
            },
        }

    def to_json(self) -> str:
        """The report as a JSON document (the `--format json` output and the download)."""
        return json.dumps(self.as_dict(), indent=2)

    def csv_rows(self) -> list[tuple[str, str, Any]]:
        """The report as (section, item, value) rows: one figure per row, easy to pivot."""
        rows: list[tuple[str, str, Any]] = [
            ("period", "fiscal_year", self.fiscal_year),
            ("period", "start", self.start.isoformat()),
            ("period", "end", self.end.isoformat()),
            ("period", "as_of", self.as_of.isoformat()),
            ("period", "complete", str(self.complete).lower()),
            ("requests", "pending_start", self.pending_start),
            ("requests", "received", self.received),
            ("requests", "processed", self.processed),
            ("requests", "pending_end", self.pending_end),
            ("requests", "reconciles", str(self.reconciles).lower()),
        ]
        rows += [("dispositions", name, count) for name, count in self.dispositions.items()]
        rows.append(("dispositions", "total", self.dispositions_total))
        rows += [("exemptions", name, count) for name, count in self.exemptions.items()]
        for track, stats in self.processing_time.items():
            for measure, value in asdict(stats).items():
                rows.append((f"processing_time_{track}", measure, _blank(value)))
        for band, counts in self.time_distribution:
            for track, count in counts.items():
                rows.append((f"processing_time_distribution_{track}", band, count))
        for name, stats in (("expedited", self.expedited), ("fee_waivers", self.fee_waivers)):
            for measure, value in asdict(stats).items():
                if measure == "within_limit" and value is None:
                    continue
                rows.append((name, measure, _blank(value)))
        rows.append(("backlog", "pending_past_due", self.backlog))
        for p in self.oldest_pending:
            rows.append(("oldest_pending", p.tracking_number, p.received_date.isoformat()))
        for m in self.months:
            key = f"{m.month:%Y-%m}"
            rows += [
                ("month_received", key, m.received),
                ("month_closed", key, m.closed),
                ("month_pending_at_end", key, m.pending_at_end),
                ("month_backlog_at_end", key, m.backlog_at_end),
            ]
        rows += [
            ("faq", "sessions_with_answers", self.faq.sessions_with_answers),
            ("faq", "answered_without_filing", self.faq.answered_without_filing),
            ("faq", "filed_anyway", self.faq.filed_anyway),
        ]
        return rows

    def to_csv(self) -> str:
        """The report as CSV with a header row `section,item,value`."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(("section", "item", "value"))
        writer.writerows(self.csv_rows())
        return out.getvalue()


def _blank(value: Any) -> Any:
    return "" if value is None else value


# ----------------------------------------------------------------------------------------------
# Business days in bulk


class BusinessDayCalendar:
    """Business days between two dates by table lookup, for thousands of requests at once.

    Same answer as `deadlines.business_days_between` (the one deadline calculator, which it
    asks day by day when building the table) but O(1) per request instead of a walk per request.
    """

    def __init__(self, first: date, last: date):
        self.first, self.last = first, last
        self._ordinal: dict[date, int] = {}
        count, day = 0, first
        while day <= last:
            if day != first and deadlines.is_business_day(day):
                count += 1
            self._ordinal[day] = count
            day += timedelta(days=1)

    @classmethod
    def covering(cls, days: Iterable[date | None]) -> BusinessDayCalendar:
        known = [d for d in days if d is not None]
        if not known:
            today = deadlines.today_eastern()
            return cls(today, today)
        return cls(min(known), max(known))

    def between(self, start: date, end: date) -> int:
        """Business days after `start` up to and including `end` (negative if `end` is earlier)."""
        ordinal = self._ordinal
        if start in ordinal and end in ordinal:
            return ordinal[end] - ordinal[start]
        return deadlines.business_days_between(start, end)

    def ordinals(self) -> dict[date | str, int]:
        """Business days since `first` per day, keyed by the date and by its ISO text too.

        Rows read with `_raw_date` hold ISO text on SQLite and dates on PostgreSQL; both look
        up here without being converted. Business days between two days are the difference of
        their ordinals. Days outside the span are not in the table: use `ordinal()` for them.
        """
        table: dict[date | str, int] = dict(self._ordinal)
        table.update((day.isoformat(), count) for day, count in self._ordinal.items())
        return table

    def ordinal(self, day: date | str) -> int:
        """Business days after `first` up to and including `day` (negative before `first`)."""
        day = _as_date(day)
        if day in self._ordinal:
            return self._ordinal[day]
        return deadlines.business_days_between(self.first, day)

    def used(self, received: date, end: date, holds: Sequence[tuple[date, date | None]]) -> int:
        """Business days from receipt to `end`, days on hold excluded (as `business_days_used`)."""
        # § 552(a)(6)(A)(ii): the clock stops while the office waits for the requester.
        used = self.between(received, end)
        for start, stop in holds:
            used -= max(0, self.between(start, stop or end))
        return max(0, used)


# ----------------------------------------------------------------------------------------------
# Checks shared by the page and the command line


def current_fiscal_year(today: date | None = None) -> int:
    return deadlines.fiscal_year_for(today or deadlines.today_eastern())


def fiscal_year_problem(fiscal_year: int | None, today: date | None = None) -> str | None:
    """Why `fiscal_year` cannot be reported on, or None when it can."""
    current = current_fiscal_year(today)
    if fiscal_year is None:
        return "Enter a fiscal year, for example 2026."
    if fiscal_year < FIRST_FISCAL_YEAR:
        return f"Enter a fiscal year from {FIRST_FISCAL_YEAR} (the first year of the FOIA) onward."
    if fiscal_year > current:
        return (
            f"Fiscal year {fiscal_year} has not started yet; "
            f"the latest you can report on is {current}."
        )
    return None


# ----------------------------------------------------------------------------------------------
# The annual report


def _sum_if(condition) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _pending_on(day: date):
    """Received by `day` and not closed by then."""
    return sa.and_(FoiaRequest.received_date <= day, sa.or_(sa.not_(IS_CLOSED), closed_on > day))


def _past_due_on(day: date):
    """Pending on `day` and past its due date (on hold or not)."""
    return sa.and_(_pending_on(day), FoiaRequest.due_date < day)


def _on_hold_on(day: date):
    """The hold row in the query covers `day`: the clock was stopped that day."""
    return sa.and_(
        HoldPeriod.started_on <= day,
        sa.or_(HoldPeriod.ended_on.is_(None), HoldPeriod.ended_on > day),
    )


def _closed_between(first: date, last: date):
    return sa.and_(IS_CLOSED, closed_on >= first, closed_on <= last)


def _month_starts(start: date, as_of: date) -> list[date]:
    months, month = [], start
    while month <= as_of:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def _month_end(month: date) -> date:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _eastern_midnight_utc(day: date) -> datetime:
    """The instant a day begins at the office, as a UTC timestamp for comparing stored instants."""
    return datetime.combine(day, time(0), tzinfo=deadlines.EASTERN).astimezone(UTC)


def _eastern_date(moment: datetime) -> date:
    return moment.astimezone(deadlines.EASTERN).date()


def _median(values: list[int]) -> float | None:
    if not values:
        return None
    return _tidy(statistics.median(values))


def _average(values: list[int]) -> float | None:
    if not values:
        return None
    return _tidy(round(statistics.fmean(values), 2))


def _tidy(number: float) -> float:
    """5.0 → 5, 5.5 → 5.5: whole numbers print as whole numbers in JSON, CSV and pages."""
    return int(number) if float(number).is_integer() else float(number)


def annual_report(fiscal_year: int, *, today: date | None = None) -> AnnualReport:
    """The DOJ Annual FOIA Report figures of one fiscal year (1 October – 30 September)."""
    today = today or deadlines.today_eastern()
    start, end = deadlines.fiscal_year_bounds(fiscal_year)
    as_of = min(end, today)
    months = _month_starts(start, as_of) if as_of >= start else []

    counts = _headline_counts(start, as_of)
    dispositions, unknown = _disposition_counts(start, as_of)
    times = _processing_times(start, as_of)
    durations = times.durations
    # The year-end backlog is the last month's (its end is cut at `as_of`): one count for both.
    backlog = _backlog_on_days(
        [min(_month_end(month), as_of) for month in months] if months else [as_of], as_of
    )
    return AnnualReport(
        fiscal_year=fiscal_year,
        start=start,
        end=end,
        as_of=as_of,
        generated_at=utcnow(),
        pending_start=counts["pending_start"],
        received=counts["received"],
        processed=counts["processed"],
        pending_end=counts["pending_end"],
        dispositions=dispositions,
        exemptions=_exemption_counts(start, as_of),
        processing_time={
            track: TimeStats(
                count=len(days),
                median=_median(days),
                average=_average(days),
                lowest=min(days) if days else None,
                highest=max(days) if days else None,
            )
            for track, days in durations.items()
        },
        time_distribution=_distribution(durations),
        expedited=_expedited_decisions(start, as_of),
        fee_waivers=_fee_waiver_decisions(start, as_of),
        backlog=backlog[-1],
        oldest_pending=_oldest_pending(as_of),
        months=_month_figures(
            months, as_of, counts["pending_start"], times.closed_per_month, backlog
        ),
        faq=_faq_figures(start, as_of),
        unknown_dispositions=unknown,
        filed_not_yet_received=_filed_not_yet_received(as_of),
    )


def _filed_not_yet_received(as_of: date) -> int:
    """Requests that reached us by the end of `as_of` (Eastern) but are received by law later."""
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            COUNTED,
            FoiaRequest.received_date > as_of,
            FoiaRequest.submitted_at < _eastern_midnight_utc(as_of + timedelta(days=1)),
        )
    )


def _headline_counts(start: date, as_of: date) -> dict[str, int]:
    """Pending at start, received, processed and pending at end: one pass, each counted on its
    own, so that the reconciliation checks that the four definitions agree."""
    columns = {
        "pending_start": _sum_if(_pending_on(start - timedelta(days=1))),
        "received": _sum_if(FoiaRequest.received_date.between(start, as_of)),
        "processed": _sum_if(_closed_between(start, as_of)),
        "pending_end": _sum_if(_pending_on(as_of)),
    }
    query = sa.select(*(expression.label(name) for name, expression in columns.items())).where(
        COUNTED,
        FoiaRequest.received_date <= as_of,
        # Requests closed before the year began play no part in it.
        sa.or_(sa.not_(IS_CLOSED), closed_on >= start),
    )
    row = db.session.execute(query).one()
    return {name: int(row._mapping[name]) for name in columns}


def _month_figures(
    months: list[date],
    as_of: date,
    pending_start: int,
    closed: Counter[tuple[int, int]],
    backlog: list[int],
) -> list[MonthFigures]:
    """Received and closed per month, and what was pending and past due at each month's end.

    Pending at a month's end follows from the flow (start + received − closed so far), the same
    identity the headline figures are checked against; the backlog (one figure per month, the
    last one cut at `as_of`) is counted in SQL by `_backlog_on_days`.
    """
    if not months:
        return []
    received = _received_per_month(months[0], as_of)
    figures, pending = [], pending_start
    for i, month in enumerate(months):
        key = (month.year, month.month)
        pending += received.get(key, 0) - closed.get(key, 0)
        figures.append(
            MonthFigures(
                month=month,
                received=received.get(key, 0),
                closed=closed.get(key, 0),
                pending_at_end=pending,
                backlog_at_end=backlog[i],
            )
        )
    return figures


def _received_per_month(start: date, as_of: date) -> dict[tuple[int, int], int]:
    """Requests received per (year, month): counted per day on the covering index (no date
    function per row, no sort), a few hundred days added up into months here."""
    rows = db.session.execute(
        sa.select(FoiaRequest.received_date, sa.func.count())
        .where(COUNTED, FoiaRequest.received_date.between(start, as_of))
        .group_by(FoiaRequest.received_date)
    )
    months: Counter[tuple[int, int]] = Counter()
    for day, count in rows:
        months[day.year, day.month] += count
    return dict(months)


def _backlog_on_days(days: list[date], as_of: date) -> list[int]:
    """DOJ "backlog" on each day: pending beyond the statutory time limit.

    A request waiting for its requester is not late (§ 552(a)(6)(A)(ii) stops the clock),
    whatever its stored due date says, so requests on hold that day are taken off. Two
    aggregates, both one pass: past due on each day, and of those, on hold that day (holds
    never overlap, so counting hold rows counts requests). A correlated EXISTS per day and row
    would do the same in one query, but PostgreSQL runs it as a sub-plan per row and month.
    """
    relevant = (
        COUNTED,
        # Only a request due before the period ends can be past due on one of these days.
        FoiaRequest.due_date < as_of,
        FoiaRequest.received_date <= as_of,
        sa.or_(sa.not_(IS_CLOSED), closed_on >= min(days)),
    )
    past_due = db.session.execute(
        sa.select(*(_sum_if(_past_due_on(day)) for day in days)).where(*relevant)
    ).one()
    on_hold = db.session.execute(
        sa.select(*(_sum_if(sa.and_(_past_due_on(day), _on_hold_on(day))) for day in days))
        .select_from(HoldPeriod)
        .join(FoiaRequest, HoldPeriod.request_id == FoiaRequest.id)
        .where(*relevant, HoldPeriod.started_on <= as_of)
    ).one()
    return [int(late) - int(paused) for late, paused in zip(past_due, on_hold, strict=True)]


def _processed(start: date, as_of: date) -> list:
    """WHERE clauses for the requests processed in the period (index-friendly first)."""
    return [
        COUNTED,
        IS_CLOSED,
        sa.or_(
            FoiaRequest.closed_date.between(start, as_of),
            FoiaRequest.received_date.between(start, as_of),
        ),
        closed_on.between(start, as_of),
    ]


def _processed_in_year(start: date, as_of: date) -> list:
    """WHERE clauses for the requests processed in the period, for the annual report.

    The same requests as `_processed`, written so that SQLite reads them from the covering
    index `ix_foia_request_report` alone (the range on `received_date` is redundant: a request
    closed by `as_of` was received by then, since `closed_on` is never before receipt). The
    whole year is most of the index anyway; the dashboard's month keeps `_processed`, whose
    close-date range finds a few rows.
    """
    return [
        COUNTED,
        FoiaRequest.received_date <= as_of,
        processed_on.between(start, as_of),
    ]


def _disposition_counts(start: date, as_of: date) -> tuple[dict[str, int], int]:
    """Processed requests per disposition, every disposition listed; unknown ones under "other"."""
    rows = db.session.execute(
        sa.select(FoiaRequest.disposition, sa.func.count())
        .where(*_processed_in_year(start, as_of))
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


def _exemption_counts(start: date, as_of: date) -> dict[str, int]:
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
        *_processed_in_year(start, as_of),
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


class Closure(NamedTuple):
    """One processed request: when it came and went, its track, and business days it took."""

    received: date
    closed: date
    track: str
    business_days: int


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _raw_date(column):
    """A date column read without the dialect's converter: SQLite hands back ISO text, which
    `date.fromisoformat` reads far faster than SQLAlchemy's regex (it matters at 100,000 rows);
    PostgreSQL's driver hands back dates already."""
    return sa.type_coerce(column, sa.String)


def _closures(start: date, as_of: date) -> list[Closure]:
    """Every request processed in the period, with its business days to close, days on hold
    excluded (§ 552(a)(6)(A)(ii)). One row of four columns per request, plus its holds.

    A request closed before anyone chose its track (a duplicate, a withdrawal) is a simple one.
    """
    connection = db.session.connection()
    rows = connection.execute(
        sa.select(
            FoiaRequest.id,
            _raw_date(FoiaRequest.received_date),
            _raw_date(FoiaRequest.closed_date),
            FoiaRequest.track,
        ).where(*_processed(start, as_of))
    ).all()
    holds: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for request_id, started_on, ended_on in connection.execute(
        sa.select(
            HoldPeriod.request_id, _raw_date(HoldPeriod.started_on), _raw_date(HoldPeriod.ended_on)
        )
        .join(FoiaRequest, HoldPeriod.request_id == FoiaRequest.id)
        .where(*_processed(start, as_of))
    ):
        holds[request_id].append(
            (_as_date(started_on), _as_date(ended_on) if ended_on is not None else None)
        )

    received_dates = [_as_date(row[1]) for row in rows]
    calendar = BusinessDayCalendar.covering(
        [
            *received_dates,
            as_of,
            *(day for spans in holds.values() for span in spans for day in span),
        ]
    )
    tracks = {str(t) for t in TRACKS}
    no_holds: tuple = ()
    closures = []
    for (request_id, _, closed_date, track), received in zip(rows, received_dates, strict=True):
        # The same rule as `closed_on` in SQL: never closed before it was received.
        closed = max(_as_date(closed_date), received) if closed_date is not None else received
        closures.append(
            Closure(
                received,
                closed,
                track if track in tracks else Track.SIMPLE,
                calendar.used(received, closed, holds.get(request_id, no_holds)),
            )
        )
    return closures


class ProcessingTimes(NamedTuple):
    """Business days to close per track (days on hold left out), and closures per month."""

    durations: dict[str, list[int]]
    closed_per_month: Counter[tuple[int, int]]


def _processing_times(start: date, as_of: date) -> ProcessingTimes:
    """Business days to close of every request processed in the period, days on hold excluded
    (§ 552(a)(6)(A)(ii)), per track; and the closures per month (of `closed_on`).

    The same figures as `_closures`, which stays the plain statement of the rule (a test
    compares the two on varied data) and serves the dashboard's month. For a year of rows:
    four narrow columns read from the covering index in batches of 2,000 (a server-side cursor
    on PostgreSQL, whose driver would otherwise hold the whole year in memory) and the year's
    holds; dates are looked up as they come (ISO text on SQLite) in a table of business-day
    ordinals, so nothing is converted and no object is kept per request.
    A request closed before anyone chose its track (a duplicate, a withdrawal) is a simple one.
    """
    connection = db.session.connection()
    processed = _processed_in_year(start, as_of)
    holds: dict[int, list[tuple[Any, Any]]] = defaultdict(list)
    for request_id, started_on, ended_on in connection.execute(
        sa.select(
            HoldPeriod.request_id, _raw_date(HoldPeriod.started_on), _raw_date(HoldPeriod.ended_on)
        )
        .join(FoiaRequest, HoldPeriod.request_id == FoiaRequest.id)
        .where(*processed)
    ):
        holds[request_id].append((started_on, ended_on))

    # Most requests of a year were received within it or the year before; days outside the
    # table are added to it on first sight (ordinals stay additive, so any day works).
    calendar = BusinessDayCalendar(start - timedelta(days=366), as_of)
    ordinals = calendar.ordinals()

    def ordinal(day: Any) -> int:
        found = ordinals.get(day)
        if found is None:
            found = ordinals[day] = calendar.ordinal(day)
        return found

    tracks = {str(t) for t in TRACKS}
    durations: dict[str, list[int]] = {str(t): [] for t in TRACKS}
    closed_on_days: Counter[Any] = Counter()
    result = connection.execute(
        sa.select(
            FoiaRequest.id,
            _raw_date(FoiaRequest.received_date),
            _raw_date(FoiaRequest.closed_date),
            FoiaRequest.track,
        )
        .where(*processed)
        .execution_options(yield_per=2_000)
    )
    lookup = ordinals.get
    for rows in result.partitions():
        for request_id, received, closed, track in rows:
            # The same rule as `closed_on` in SQL: never closed before it was received (ISO
            # text compares as the dates do, on SQLite as in this loop).
            if closed is None or closed < received:
                closed = received
            closed_on_days[closed] += 1
            from_day, to_day = lookup(received), lookup(closed)
            if from_day is None or to_day is None:
                from_day, to_day = ordinal(received), ordinal(closed)
            used = to_day - from_day
            for started_on, ended_on in holds.get(request_id, ()):
                used -= max(0, ordinal(ended_on or closed) - ordinal(started_on))
            durations[track if track in tracks else Track.SIMPLE].append(max(0, used))

    per_month: Counter[tuple[int, int]] = Counter()
    for day, count in closed_on_days.items():
        closed_date = _as_date(day)
        per_month[closed_date.year, closed_date.month] += count
    return ProcessingTimes(durations, per_month)


def _distribution(durations: dict[str, list[int]]) -> list[tuple[str, dict[str, int]]]:
    """Requests per DOJ band and track: two binary searches per band in the sorted days."""
    ordered = {track: sorted(days) for track, days in durations.items()}
    table = []
    for label, low, high in TIME_BANDS:
        table.append(
            (
                label,
                {
                    track: (len(days) if high is None else bisect_right(days, high))
                    - bisect_left(days, low)
                    for track, days in ordered.items()
                },
            )
        )
    return table


def _decisions(
    decision_column, decided_at_column, start: date, as_of: date
) -> list[tuple[str, date, date]]:
    """(decision, received_date, decision day) of decisions made at the office during the period."""
    rows = db.session.execute(
        sa.select(decision_column, FoiaRequest.received_date, decided_at_column).where(
            COUNTED,
            decided_at_column >= _eastern_midnight_utc(start),
            decided_at_column < _eastern_midnight_utc(as_of + timedelta(days=1)),
            decision_column.in_(["granted", "denied"]),
        )
    ).all()
    return [(decision, received, _eastern_date(at)) for decision, received, at in rows]


def _expedited_decisions(start: date, as_of: date) -> DecisionStats:
    """Expedited processing decided in the year; days are calendar days (§ 552(a)(6)(E)(ii)(I))."""
    rows = _decisions(
        FoiaRequest.expedited_decision, FoiaRequest.expedited_decided_at, start, as_of
    )
    days = [max(0, (decided - received).days) for _, received, decided in rows]
    return DecisionStats(
        granted=sum(1 for decision, _, _ in rows if decision == "granted"),
        denied=sum(1 for decision, _, _ in rows if decision == "denied"),
        median_days=_median(days),
        average_days=_average(days),
        days_unit="calendar",
        within_limit=sum(1 for d in days if d <= EXPEDITED_DECISION_DAYS),
    )


def _fee_waiver_decisions(start: date, as_of: date) -> DecisionStats:
    """Fee waivers decided in the year; days are business days, like processing times."""
    rows = _decisions(
        FoiaRequest.fee_waiver_decision, FoiaRequest.fee_waiver_decided_at, start, as_of
    )
    calendar = BusinessDayCalendar.covering(
        [d for _, received, decided in rows for d in (received, decided)]
    )
    days = [max(0, calendar.between(received, decided)) for _, received, decided in rows]
    return DecisionStats(
        granted=sum(1 for decision, _, _ in rows if decision == "granted"),
        denied=sum(1 for decision, _, _ in rows if decision == "denied"),
        median_days=_median(days),
        average_days=_average(days),
        days_unit="business",
    )


def _oldest_pending(as_of: date) -> list[PendingRequest]:
    """The ten oldest requests pending at the end of the period (DOJ report, section XII.C)."""
    rows = db.session.execute(
        sa.select(
            FoiaRequest.tracking_number,
            FoiaRequest.received_date,
            FoiaRequest.due_date,
            FoiaRequest.status,
        )
        .where(COUNTED, _pending_on(as_of))
        .order_by(FoiaRequest.received_date, FoiaRequest.id)
        .limit(OLDEST_PENDING_LIMIT)
    ).all()
    return [
        PendingRequest(
            tracking_number=number,
            received_date=received,
            due_date=due,
            status=status,
            business_days_pending=max(0, deadlines.business_days_between(received, as_of)),
        )
        for number, received, due, status in rows
    ]


def _faq_figures(start: date, as_of: date) -> FaqFigures:
    """Request-writing sessions (one form token each) that were shown FAQ answers in the period.

    A session "answered by the FAQ" saw answers and never became a request; "filed anyway" saw
    answers and still filed. Sessions that end in a test submission do not count.
    """
    showed = sa.func.json_array_length(FaqSuggestion.faq_slugs) > 0
    sessions = (
        sa.select(
            FaqSuggestion.form_token,
            sa.func.max(sa.case((showed, 1), else_=0)).label("showed"),
            sa.func.max(sa.case((FoiaRequest.id.is_not(None), 1), else_=0)).label("filed"),
            sa.func.max(sa.case((FoiaRequest.is_test.is_(True), 1), else_=0)).label("test"),
        )
        # The request filed from the form, if any, carries the form's token.
        .outerjoin(FoiaRequest, FoiaRequest.submission_token == FaqSuggestion.form_token)
        .group_by(FaqSuggestion.form_token)
        .having(
            sa.func.min(FaqSuggestion.created_at) >= _eastern_midnight_utc(start),
            sa.func.min(FaqSuggestion.created_at)
            < _eastern_midnight_utc(as_of + timedelta(days=1)),
        )
        .subquery()
    )
    shown = sa.and_(sessions.c.showed == 1, sessions.c.test == 0)
    row = db.session.execute(
        sa.select(
            _sum_if(shown),
            _sum_if(sa.and_(shown, sessions.c.filed == 0)),
            _sum_if(sa.and_(shown, sessions.c.filed == 1)),
        )
    ).one()
    return FaqFigures(*(int(value) for value in row))


# ----------------------------------------------------------------------------------------------
# The dashboard on the staff queue


@dataclass(frozen=True)
class DashboardFigures:
    """This month's flow, today's backlog and how long this month's closures took."""

    today: date
    month_start: date
    received_this_month: int
    closed_this_month: int
    pending: int
    backlog: int
    median_days_this_month: float | None
    closed_counted: int = field(default=0)
    # Filed on a weekend, a holiday or after 17:00 Eastern: received by law the next business
    # day, so not yet in `received_this_month` although the queue lists them.
    filed_not_yet_received: int = field(default=0)

    @property
    def net_change(self) -> int:
        """Received minus closed: positive when the queue grew this month."""
        return self.received_this_month - self.closed_this_month


def dashboard_figures(today: date | None = None) -> DashboardFigures:
    """The figures the staff queue shows at the top: three statements and one median.

    Each reads the rows it counts (this month's arrivals and closures by their date indexes, the
    open requests by the status index), so the staff queue keeps these figures between page views
    (staff/queue.py, `kept`) rather than counting on every view.
    """
    today = today or deadlines.today_eastern()
    month_start = today.replace(day=1)
    received, filed_not_yet_received = db.session.execute(
        sa.select(
            sa.func.count().filter(FoiaRequest.received_date <= today),
            sa.func.count().filter(FoiaRequest.received_date > today),
        ).where(COUNTED, FoiaRequest.received_date >= month_start)
    ).one()
    # Open statuses listed (not "not closed") so that the (status, due_date) index serves.
    open_request = FoiaRequest.status.in_([str(s) for s in OPEN_STATUSES])
    running = FoiaRequest.status.in_([Status.RECEIVED, Status.IN_PROGRESS])
    pending, backlog = db.session.execute(
        sa.select(
            sa.func.count(),
            # While on hold the clock is stopped (§ 552(a)(6)(A)(ii)): not overdue, whatever the date.
            sa.func.count().filter(running, FoiaRequest.due_date < today),
        ).where(COUNTED, open_request, FoiaRequest.received_date <= today)
    ).one()
    closed_days = _business_days_to_close(month_start, today)
    return DashboardFigures(
        today=today,
        month_start=month_start,
        received_this_month=received or 0,
        closed_this_month=len(closed_days),
        pending=pending or 0,
        backlog=backlog or 0,
        median_days_this_month=_median(closed_days),
        closed_counted=len(closed_days),
        filed_not_yet_received=filed_not_yet_received or 0,
    )


def _closed_between_by_date_index(first: date, last: date) -> list[list]:
    """`_processed(first, last)` as two disjoint sets of WHERE clauses, one per date index: closed
    on a day in the period (and not before it was received), or received in the period and closed
    on no day or an earlier one (`closed_on`). `status || ''` is the status with no index: SQLite,
    without statistics, would otherwise walk every closed request through the status index."""
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


def _business_days_to_close(first: date, last: date) -> list[int]:
    """Business days each request processed in the period took, days on hold left out
    (§ 552(a)(6)(A)(ii)): what `_closures` gives, read through the date indexes."""
    connection = db.session.connection()
    parts = _closed_between_by_date_index(first, last)
    rows = connection.execute(
        sa.union_all(
            *(
                sa.select(
                    FoiaRequest.id,
                    _raw_date(FoiaRequest.received_date),
                    _raw_date(FoiaRequest.closed_date),
                ).where(*part)
                for part in parts
            )
        )
    ).all()
    ids = sa.union_all(*(sa.select(FoiaRequest.id).where(*part) for part in parts))
    holds: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for request_id, started_on, ended_on in connection.execute(
        sa.select(
            HoldPeriod.request_id, _raw_date(HoldPeriod.started_on), _raw_date(HoldPeriod.ended_on)
        ).where(HoldPeriod.request_id.in_(ids))
    ):
        holds[request_id].append(
            (_as_date(started_on), _as_date(ended_on) if ended_on is not None else None)
        )
    received_dates = [_as_date(row[1]) for row in rows]
    calendar = BusinessDayCalendar.covering(
        [*received_dates, last, *(d for spans in holds.values() for span in spans for d in span)]
    )
    days = []
    for (request_id, _, closed_date), received in zip(rows, received_dates, strict=True):
        # The same rule as `closed_on` in SQL: never closed before it was received.
        closed = max(_as_date(closed_date), received) if closed_date is not None else received
        days.append(calendar.used(received, closed, holds.get(request_id, ())))
    return days
