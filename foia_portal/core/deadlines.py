"""The statutory clock: business days, federal holidays, tolling and extensions.

One module answers every deadline question, for pages, emails, the API, the queue and the report.

- 20 working days (Saturdays, Sundays and legal public holidays excepted) from receipt:
  5 U.S.C. § 552(a)(6)(A)(i).
- A request that arrives after business hours or on a non-business day is received the next
  business day (DOJ practice).
- The clock stops while the office waits for the requester (§ 552(a)(6)(A)(ii)): business days
  on hold are not counted. Convention: a pause from day A to day B stops the clock for the
  business days after A up to and including B, so a same-day pause and resume costs nothing.
- Unusual circumstances add 10 working days (§ 552(a)(6)(B)(i)).
- Expedited processing is decided within 10 calendar days (§ 552(a)(6)(E)(ii)(I)).
"""

from __future__ import annotations

from calendar import MONDAY, SATURDAY, SUNDAY, THURSDAY, monthrange
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import MAXYEAR, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

EASTERN = ZoneInfo("America/New_York")
RESPONSE_BUSINESS_DAYS = 20
EXTENSION_BUSINESS_DAYS = 10
EXPEDITED_DECISION_CALENDAR_DAYS = 10
BUSINESS_DAY_ENDS_HOUR = 17


# The legal public holidays of 5 U.S.C. § 6103(a) as they have stood since the Uniform Monday
# Holiday Act took effect in 1971, with the days off in lieu of E.O. 11582: a Saturday holiday
# is observed the Friday before, a Sunday one the Monday after. The `holidays` package knows the
# same and the earlier history, but loading it loads every country's rules, 6 MB in each worker
# (docs/performance.md, fix 35); so the years requests are filed in are worked out here, the
# package answers for earlier ones, and a test compares the two for every year it covers
# (1971-2100; it stops there, these rules do not).
MONDAY_HOLIDAYS_SINCE = 1971


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    last = date(year, month, monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _section_6103(year: int) -> dict[date, str]:
    """The holidays of `year` and the days they are observed on (named "… (observed)")."""
    observed_when_weekend = {
        date(year, 1, 1): "New Year's Day",
        date(year, 7, 4): "Independence Day",
        date(year, 12, 25): "Christmas Day",
    }
    if year >= 2021:
        observed_when_weekend[date(year, 6, 19)] = "Juneteenth National Independence Day"
    if year > 1977:
        observed_when_weekend[date(year, 11, 11)] = "Veterans Day"
    on_a_weekday = {
        _nth_weekday(year, 2, MONDAY, 3): "Washington's Birthday",
        _last_weekday(year, 5, MONDAY): "Memorial Day",
        _nth_weekday(year, 9, MONDAY, 1): "Labor Day",
        _nth_weekday(year, 10, MONDAY, 2): "Columbus Day",
        _nth_weekday(year, 11, THURSDAY, 4): "Thanksgiving Day",
    }
    if year >= 1986:
        on_a_weekday[_nth_weekday(year, 1, MONDAY, 3)] = "Martin Luther King Jr. Day"
    if year <= 1977:
        on_a_weekday[_nth_weekday(year, 10, MONDAY, 4)] = "Veterans Day"

    days = {**observed_when_weekend, **on_a_weekday}
    if year < MAXYEAR:
        # Next year's New Year's Day on a Saturday is observed on 31 December of this one.
        observed_when_weekend[date(year + 1, 1, 1)] = "New Year's Day"
    for day, name in observed_when_weekend.items():
        if day.weekday() == SATURDAY:
            off = day - timedelta(days=1)
        elif day.weekday() == SUNDAY:
            off = day + timedelta(days=1)
        else:
            continue
        if off.year == year:
            days[off] = f"{name} (observed)"
    return days


@lru_cache(maxsize=64)
def _holidays_for_year(year: int) -> dict[date, str]:
    if year >= MONDAY_HOLIDAYS_SINCE:
        return _section_6103(year)
    import holidays

    return dict(holidays.country_holidays("US", years=year, observed=True))


def federal_holiday(day: date) -> str | None:
    """The name of the federal holiday observed on `day`, or None."""
    # A 31 December observed for the next New Year's Day is in its own year's table.
    return _holidays_for_year(day.year).get(day)


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and federal_holiday(day) is None


def next_business_day(day: date) -> date:
    """The first business day strictly after `day`."""
    day += timedelta(days=1)
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def add_business_days(start: date, count: int) -> date:
    """The `count`-th business day after `start` (`start` itself is day 0)."""
    day = start
    for _ in range(count):
        day = next_business_day(day)
    return day


def business_days_between(start: date, end: date) -> int:
    """Business days after `start` up to and including `end`; negative when `end` is earlier."""
    if end < start:
        return -business_days_between(end, start)
    # Counted, not walked: the queue asks this for every row it shows, and walking day by day
    # cost a year of steps per long-overdue request (docs/performance.md).
    weeks, extra_days = divmod((end - start).days, 7)
    first_weekday = start.weekday()
    weekdays = weeks * 5 + sum(
        1 for offset in range(1, extra_days + 1) if (first_weekday + offset) % 7 < 5
    )
    return weekdays - len(holidays_between(start, end))


class BusinessDayCalendar:
    """Business days between two dates by table lookup, for thousands of requests at once.

    The same answers as `business_days_between`: the table from `first` to `last` is built by
    walking the days with `is_business_day`, and a day outside it is asked of
    `business_days_between` once and then kept. One lookup per day instead of a count per pair.
    """

    def __init__(self, first: date, last: date):
        self.first = first
        self._ordinal: dict[date, int] = {}
        count, day = 0, first
        while day <= last:
            if day != first and is_business_day(day):
                count += 1
            self._ordinal[day] = count
            day += timedelta(days=1)

    def ordinal(self, day: date) -> int:
        """Business days after `first` up to and including `day` (negative before `first`)."""
        found = self._ordinal.get(day)
        if found is None:
            found = self._ordinal[day] = business_days_between(self.first, day)
        return found

    def between(self, start: date, end: date) -> int:
        """Business days after `start` up to and including `end` (negative if `end` is earlier)."""
        try:
            return self._ordinal[end] - self._ordinal[start]
        except KeyError:
            return self.ordinal(end) - self.ordinal(start)


def holidays_between(start: date, end: date) -> list[tuple[date, str]]:
    """Federal holidays falling on weekdays after `start` up to and including `end`, in order."""
    return sorted(
        (day, name)
        for year in range(start.year, end.year + 1)
        for day, name in _holidays_for_year(year).items()
        if start < day <= end and day.weekday() < 5
    )


def received_date_for(
    submitted_at: datetime, business_day_ends_hour: int = BUSINESS_DAY_ENDS_HOUR
) -> date:
    """The business day a request counts as received: after hours or off days roll forward."""
    local = submitted_at.astimezone(EASTERN)
    day = local.date()
    if not is_business_day(day) or local.hour >= business_day_ends_hour:
        return next_business_day(day)
    return day


def fiscal_year_for(moment: datetime | date) -> int:
    """The federal fiscal year (1 October to 30 September) of a moment, in US Eastern time."""
    day = moment.astimezone(EASTERN).date() if isinstance(moment, datetime) else moment
    return day.year + 1 if day.month >= 10 else day.year


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    """First and last day of a federal fiscal year."""
    return date(fiscal_year - 1, 10, 1), date(fiscal_year, 9, 30)


def today_eastern() -> date:
    """Today's date at the office (US Eastern time), whatever the server's time zone."""
    return datetime.now(EASTERN).date()


def expedited_decision_due(received: date) -> date:
    return received + timedelta(days=EXPEDITED_DECISION_CALENDAR_DAYS)


@dataclass(frozen=True)
class Pause:
    """A time the clock was stopped: from `start` to `end` (None while still on hold)."""

    start: date
    end: date | None = None
    reason: str = "clarification"

    def business_days(
        self, today: date, between: Callable[[date, date], int] = business_days_between
    ) -> int:
        return max(0, between(self.start, self.end or today))


@dataclass(frozen=True)
class Deadline:
    """A due date with everything needed to explain how it was worked out."""

    received_date: date
    due_date: date
    base_business_days: int = RESPONSE_BUSINESS_DAYS
    extension_business_days: int = 0
    paused_business_days: int = 0
    pauses: tuple[Pause, ...] = ()
    holidays_skipped: tuple[tuple[date, str], ...] = field(default=())

    @property
    def total_business_days(self) -> int:
        return self.base_business_days + self.extension_business_days + self.paused_business_days


def compute_deadline(
    received: date,
    pauses: Iterable[Pause] = (),
    extension_business_days: int = 0,
    today: date | None = None,
) -> Deadline:
    """The statutory due date: 20 business days, plus any extension, plus business days on hold."""
    today = today or today_eastern()
    pauses = tuple(pauses)
    paused = sum(p.business_days(today) for p in pauses)
    total = RESPONSE_BUSINESS_DAYS + extension_business_days + paused
    due = add_business_days(received, total)
    return Deadline(
        received_date=received,
        due_date=due,
        extension_business_days=extension_business_days,
        paused_business_days=paused,
        pauses=pauses,
        holidays_skipped=tuple(holidays_between(received, due)),
    )


def business_days_left(due: date, today: date) -> int:
    """Business days from `today` to `due`: 0 on the due date, negative once it has passed."""
    return business_days_between(today, due)


def business_days_used(
    received: date,
    end: date,
    pauses: Sequence[Pause] = (),
    between: Callable[[date, date], int] = business_days_between,
) -> int:
    """Business days the office took from receipt to `end`, not counting days on hold.

    `between` counts business days; the reports pass a `BusinessDayCalendar`'s, which gives the
    same answers by table lookup.
    """
    on_hold = sum(p.business_days(end, between) for p in pauses) if pauses else 0
    return max(0, between(received, end) - on_hold)
