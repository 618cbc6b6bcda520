"""The Annual FOIA Report of one fiscal year, computed from the requests.

One computation for every caller: the report page, its CSV and JSON downloads
(`reports/exports.py`) and `flask report annual`. Counts are SQL aggregates (conditional sums in
one pass over the request table, GROUP BY); the processing-time statistics come from each
processed request's closing figures (`reports/closures.py`, shared with the dashboard), because a
median cannot be aggregated portably and business days depend on the federal holiday calendar.
See docs/annual-report.md for every rule and why.

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

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

import sqlalchemy as sa

from foia_portal.core import deadlines
from foia_portal.core.vocabulary import Disposition
from foia_portal.extensions import db
from foia_portal.faq.models import FaqSuggestion
from foia_portal.platform.types import utcnow
from foia_portal.reports.closures import (
    COUNTED,
    IS_CLOSED,
    TRACKS,
    average,
    closed_between,
    closed_on,
    closures,
    disposition_counts,
    exemption_counts,
    median,
    processed_in_year,
)
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

OLDEST_PENDING_LIMIT = 10


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


def annual_report(fiscal_year: int, *, today: date | None = None) -> AnnualReport:
    """The DOJ Annual FOIA Report figures of one fiscal year (1 October – 30 September)."""
    today = today or deadlines.today_eastern()
    start, end = deadlines.fiscal_year_bounds(fiscal_year)
    as_of = min(end, today)
    months = _month_starts(start, as_of) if as_of >= start else []

    counts = _headline_counts(start, as_of)
    dispositions, unknown = disposition_counts(start, as_of)
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
        exemptions=exemption_counts(start, as_of),
        processing_time={
            track: TimeStats(
                count=len(days),
                median=median(days),
                average=average(days),
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
        "processed": _sum_if(closed_between(start, as_of)),
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


class ProcessingTimes(NamedTuple):
    """Business days to close per track (days on hold left out), and closures per month."""

    durations: dict[str, list[int]]
    closed_per_month: Counter[tuple[int, int]]


def _processing_times(start: date, as_of: date) -> ProcessingTimes:
    """The closing figures of every request processed in the period (`closures`, read from the
    covering index): business days to close per track, and closures per month of `closed_on`."""
    durations: dict[str, list[int]] = {str(t): [] for t in TRACKS}
    per_day: Counter[date] = Counter()
    for closed, track, business_days in closures(start, as_of, [processed_in_year(start, as_of)]):
        durations[track].append(business_days)
        per_day[closed] += 1
    per_month: Counter[tuple[int, int]] = Counter()
    for day, count in per_day.items():
        per_month[day.year, day.month] += count
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
        median_days=median(days),
        average_days=average(days),
        days_unit="calendar",
        within_limit=sum(1 for d in days if d <= EXPEDITED_DECISION_DAYS),
    )


def _fee_waiver_decisions(start: date, as_of: date) -> DecisionStats:
    """Fee waivers decided in the year; days are business days, like processing times."""
    rows = _decisions(
        FoiaRequest.fee_waiver_decision, FoiaRequest.fee_waiver_decided_at, start, as_of
    )
    between = deadlines.BusinessDayCalendar(start, as_of).between
    days = [max(0, between(received, decided)) for _, received, decided in rows]
    return DecisionStats(
        granted=sum(1 for decision, _, _ in rows if decision == "granted"),
        denied=sum(1 for decision, _, _ in rows if decision == "denied"),
        median_days=median(days),
        average_days=average(days),
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
