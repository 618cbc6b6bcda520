"""The statutory clock, checked against worked examples and with hypothesis."""

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foia_portal import PROJECT_DIR
from foia_portal.core import deadlines
from foia_portal.core.deadlines import (
    EASTERN,
    BusinessDayCalendar,
    Pause,
    add_business_days,
    business_days_between,
    business_days_left,
    business_days_used,
    compute_deadline,
    expedited_decision_due,
    federal_holiday,
    fiscal_year_bounds,
    fiscal_year_for,
    is_business_day,
    received_date_for,
)


def eastern(*args) -> datetime:
    return datetime(*args, tzinfo=EASTERN)


@pytest.mark.parametrize(
    ("day", "holiday"),
    [
        (date(2026, 11, 26), "Thanksgiving Day"),
        (date(2026, 12, 25), "Christmas Day"),
        (date(2027, 1, 1), "New Year's Day"),
        (date(2027, 1, 18), "Martin Luther King Jr. Day"),
        # A Saturday holiday is observed the Friday before (Independence Day 2026).
        (date(2026, 7, 3), "Independence Day (observed)"),
        # A Sunday holiday is observed the Monday after (New Year's Day 2023).
        (date(2023, 1, 2), "New Year's Day (observed)"),
        # New Year's Day 2028 is a Saturday: observed on Friday 31 December 2027.
        (date(2027, 12, 31), "New Year's Day (observed)"),
    ],
)
def test_federal_holidays_include_observed_dates(day, holiday):
    assert federal_holiday(day) == holiday
    assert not is_business_day(day)


@pytest.mark.parametrize(
    ("day", "holiday"),
    [
        # Before the Monday holidays (1971): Washington's Birthday on 22 February.
        (date(1968, 2, 22), "Washington's Birthday"),
        # 1971-1977: Veterans Day on the fourth Monday of October.
        (date(1975, 10, 27), "Veterans Day"),
        (date(2021, 6, 18), "Juneteenth National Independence Day (observed)"),
    ],
)
def test_federal_holidays_follow_the_law_of_their_year(day, holiday):
    assert federal_holiday(day) == holiday


def test_the_holiday_rules_match_the_holidays_package_every_year_it_covers():
    import holidays

    for year in range(deadlines.MONDAY_HOLIDAYS_SINCE, 2101):
        package = holidays.country_holidays("US", years=year, observed=True)
        assert deadlines._section_6103(year) == dict(package), year


def test_working_out_a_deadline_does_not_load_every_countrys_holidays():
    # The `holidays` package loads its 280 countries together: 6 MB in each web worker.
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from foia_portal.core.deadlines import compute_deadline\n"
        "compute_deadline(date(2026, 6, 15))\n"
        "print(sorted(m for m in sys.modules if m.startswith('holidays')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_the_day_after_thanksgiving_is_a_business_day():
    assert is_business_day(date(2026, 11, 27))


@pytest.mark.parametrize(
    ("received", "due", "why"),
    [
        # Thanksgiving: Monday 23 Nov 2026; Thursday 26 Nov is skipped.
        (date(2026, 11, 23), date(2026, 12, 22), "Thanksgiving"),
        # Christmas and New Year's Day 2027 both skipped.
        (date(2026, 12, 15), date(2027, 1, 14), "Christmas/New Year"),
        # Martin Luther King Jr. Day (Mon 18 Jan) and Washington's Birthday (Mon 15 Feb).
        (date(2027, 1, 15), date(2027, 2, 16), "two Monday holidays"),
        # No holiday: exactly four weeks.
        (date(2027, 3, 1), date(2027, 3, 29), "plain weeks"),
    ],
)
def test_due_date_is_twenty_business_days_after_receipt(received, due, why):
    assert compute_deadline(received).due_date == due, why


def test_deadline_lists_the_holidays_it_skipped():
    deadline = compute_deadline(date(2026, 12, 15))
    assert [name for _, name in deadline.holidays_skipped] == ["Christmas Day", "New Year's Day"]


@pytest.mark.parametrize(
    ("submitted", "received"),
    [
        (eastern(2026, 11, 24, 16, 59), date(2026, 11, 24)),  # before 5 p.m.: same day
        (eastern(2026, 11, 24, 17, 0), date(2026, 11, 25)),  # 5 p.m. or later: next business day
        (eastern(2026, 11, 25, 18, 30), date(2026, 11, 27)),  # evening before Thanksgiving
        (eastern(2026, 11, 26, 10, 0), date(2026, 11, 27)),  # on Thanksgiving
        (eastern(2026, 11, 28, 10, 0), date(2026, 11, 30)),  # Saturday
        (eastern(2026, 12, 24, 20, 0), date(2026, 12, 28)),  # Christmas Eve night, then a weekend
    ],
)
def test_after_hours_weekend_and_holiday_receipts_count_from_the_next_business_day(
    submitted, received
):
    assert received_date_for(submitted) == received


def test_receipt_is_judged_in_eastern_time_whatever_the_server_zone():
    # 21:30 UTC on 24 Nov 2026 is 16:30 in Washington: still the same business day.
    assert received_date_for(datetime(2026, 11, 24, 21, 30, tzinfo=UTC)) == date(2026, 11, 24)
    # 22:30 UTC is 17:30 Eastern: the next business day.
    assert received_date_for(datetime(2026, 11, 24, 22, 30, tzinfo=UTC)) == date(2026, 11, 25)


@pytest.mark.parametrize(
    ("moment", "fiscal_year"),
    [
        (eastern(2026, 10, 1, 0, 30), 2027),
        (datetime(2026, 10, 1, 3, 0, tzinfo=UTC), 2026),  # still 30 September in Washington
        (eastern(2027, 9, 30, 23, 59), 2027),
        (date(2026, 9, 30), 2026),
    ],
)
def test_fiscal_year_starts_on_the_first_of_october_eastern(moment, fiscal_year):
    assert fiscal_year_for(moment) == fiscal_year


def test_fiscal_year_bounds():
    assert fiscal_year_bounds(2027) == (date(2026, 10, 1), date(2027, 9, 30))


def test_a_pause_stops_the_clock_for_the_business_days_on_hold():
    received = date(2026, 11, 2)
    # On hold Monday 9 Nov to Friday 13 Nov: 10, 12 and 13 Nov stop the clock (11 Nov is
    # Veterans Day, not a business day anyway).
    deadline = compute_deadline(received, [Pause(date(2026, 11, 9), date(2026, 11, 13))])
    assert deadline.paused_business_days == 3
    assert deadline.due_date == add_business_days(received, 23)
    assert deadline.due_date == date(2026, 12, 7)


def test_a_same_day_pause_and_resume_costs_nothing():
    received = date(2026, 11, 2)
    same_day = compute_deadline(received, [Pause(date(2026, 11, 9), date(2026, 11, 9))])
    assert same_day.due_date == compute_deadline(received).due_date


def test_an_open_pause_keeps_moving_the_due_date_until_today():
    received = date(2026, 11, 2)
    pause = Pause(date(2026, 11, 9))
    monday = compute_deadline(received, [pause], today=date(2026, 11, 16))
    tuesday = compute_deadline(received, [pause], today=date(2026, 11, 17))
    assert tuesday.due_date == next_day(monday.due_date)


def next_day(day: date) -> date:
    return add_business_days(day, 1)


def test_an_extension_adds_ten_business_days():
    received = date(2027, 3, 1)
    extended = compute_deadline(received, extension_business_days=10)
    assert extended.due_date == date(2027, 4, 12)
    assert extended.total_business_days == 30


def test_expedited_decision_is_due_in_ten_calendar_days():
    assert expedited_decision_due(date(2026, 11, 23)) == date(2026, 12, 3)


def test_days_left_is_zero_on_the_due_date_and_negative_after():
    due = date(2026, 12, 22)
    assert business_days_left(due, due) == 0
    assert business_days_left(due, date(2026, 12, 21)) == 1
    assert business_days_left(due, date(2026, 12, 24)) == -2


def test_business_days_used_leaves_out_days_on_hold():
    received = date(2026, 11, 2)
    pauses = [Pause(date(2026, 11, 9), date(2026, 11, 13))]
    assert business_days_used(received, date(2026, 11, 20), pauses) == (
        business_days_between(received, date(2026, 11, 20)) - 3
    )


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


@given(days)
def test_due_date_is_always_a_business_day_after_receipt(received):
    due = compute_deadline(received).due_date
    assert is_business_day(due)
    assert due > received
    assert business_days_between(received, due) == 20


@given(days, st.integers(min_value=0, max_value=60))
def test_adding_business_days_and_counting_them_agree(start, count):
    assert business_days_between(start, add_business_days(start, count)) == count


@given(days, st.integers(min_value=0, max_value=23), st.integers(min_value=0, max_value=40))
def test_receipt_is_always_a_business_day_never_earlier_than_arrival(day, hour, minutes):
    moment = datetime(day.year, day.month, day.day, hour, tzinfo=EASTERN) + timedelta(
        minutes=minutes
    )
    received = received_date_for(moment)
    assert is_business_day(received)
    assert received >= moment.date()


@given(days, st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=30))
def test_pauses_never_bring_the_due_date_earlier(received, start_offset, length):
    start = received + timedelta(days=start_offset)
    paused = compute_deadline(received, [Pause(start, start + timedelta(days=length))])
    assert paused.due_date >= compute_deadline(received).due_date


# --- many requests at once: the calendar table the reports count on ----------------------------

FOUR_YEARS = BusinessDayCalendar(date(2024, 1, 1), date(2027, 12, 31))
table_days = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))


@settings(max_examples=200, deadline=None)
@given(table_days, table_days)
def test_the_calendar_table_agrees_with_the_deadline_calculator(start, end):
    assert FOUR_YEARS.between(start, end) == business_days_between(start, end)


@given(days, days)
def test_days_outside_the_calendar_table_are_counted_by_the_calculator(start, end):
    calendar = BusinessDayCalendar(date(2026, 1, 1), date(2026, 1, 31))
    assert calendar.between(start, end) == business_days_between(start, end)


def test_business_days_used_counts_the_same_on_the_calendar_table():
    calendar = BusinessDayCalendar(date(2026, 1, 1), date(2026, 1, 31))
    received = date(2025, 12, 29)
    pauses = [Pause(date(2026, 1, 12), date(2026, 1, 26)), Pause(date(2026, 1, 28))]
    for end in (date(2026, 1, 30), date(2026, 2, 20)):
        on_table = business_days_used(received, end, pauses, calendar.between)
        assert on_table == business_days_used(received, end, pauses)
    # 30 Dec to 12 Jan (New Year's Day off), then 27 and 28 Jan: on hold from then on.
    assert business_days_used(received, date(2026, 2, 20), pauses) == 9 + 2
