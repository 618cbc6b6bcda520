"""The annual report's figures, checked against a year worked out by hand.

FY 2026 runs from 1 October 2025 to 30 September 2026. Federal holidays met below: Columbus Day
13 Oct 2025, Thanksgiving 27 Nov, Christmas 25 Dec, New Year 1 Jan 2026, MLK Day 19 Jan,
Washington's Birthday 16 Feb, Memorial Day 25 May, Juneteenth 19 Jun, Independence Day observed
Fri 3 Jul, Labor Day 7 Sep. "bd" = business days after the first date up to and including the
second.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from foia_portal.core import deadlines
from foia_portal.core.vocabulary import EXEMPTIONS, Disposition
from foia_portal.extensions import db
from foia_portal.reports import annual, closures, exports
from foia_portal.reports.annual import annual_report
from foia_portal.reports.dashboard import dashboard_figures
from foia_portal.requests.models import FoiaRequest
from tests.fixtures.reports import eastern, make_request, make_suggestion

TODAY = date(2026, 11, 28)
d = date


@pytest.fixture
def fy2026(app):
    """A year of requests with known outcomes; the comments give each one's part in FY 2026."""
    r = {}
    # --- before the year ---
    # A: pending all year, overdue since Sep 2025. Pending at start and end, backlog.
    r["A"] = make_request(d(2025, 8, 4), due=d(2025, 9, 2), name="A")
    # B: pending at start, closed 20 Oct 2025. 15 Sep → 20 Oct = 24 bd (Columbus Day skipped).
    r["B"] = make_request(
        d(2025, 9, 15), closed=d(2025, 10, 20), disposition="full_grant", name="B"
    )
    # C: closed in FY 2025: no part in FY 2026, nor its expedited decision.
    r["C"] = make_request(
        d(2025, 9, 2), closed=d(2025, 9, 29), disposition="no_records", name="C",
        expedited_decision="granted", expedited_decided_at=eastern(d(2025, 9, 5)),
    )  # fmt: skip
    # --- straddling the start of the year ---
    # D: sent Tue 30 Sep 2025 at 6 p.m. (tracking number of FY 2025), received Wed 1 Oct 2025.
    # 1 Oct → 31 Oct = 21 bd. Exemptions b6 (twice in the list), b7C.
    r["D"] = make_request(
        d(2025, 10, 1), submitted_at=eastern(d(2025, 9, 30), 18), closed=d(2025, 10, 31),
        disposition="partial_grant", exemptions=["b6", "b7C", "b6"], name="D",
    )  # fmt: skip
    # Q: same evening, closed as a duplicate that night (closed_date 30 Sep), before it was even
    # received: it counts as closed on 1 Oct, FY 2026, 0 bd; no track chosen → simple.
    r["Q"] = make_request(
        d(2025, 10, 1), submitted_at=eastern(d(2025, 9, 30), 19), closed=d(2025, 9, 30),
        disposition="duplicate", track=None, name="Q",
    )  # fmt: skip
    # --- during the year ---
    # E: sent on Thanksgiving, received Fri 28 Nov. Complex, full denial b5 b6. → 12 Dec = 10 bd.
    r["E"] = make_request(
        d(2025, 11, 28), submitted_at=eastern(d(2025, 11, 27)), closed=d(2025, 12, 12),
        disposition="full_denial", exemptions=["b5", "b6"], track="complex", due=d(2025, 12, 29),
        name="E",
    )  # fmt: skip
    # H: reopened and closed again: counted once, at its last closure, 10 Apr 2026.
    # 1 Dec 2025 → 10 Apr 2026 = 90 bd. Due 30 Dec: past due at the ends of Dec to Mar.
    r["H"] = make_request(
        d(2025, 12, 1), closed=d(2026, 4, 10), disposition="no_records", due=d(2025, 12, 30),
        name="H",
    )  # fmt: skip
    # F: complex, on hold 12 → 26 Jan (9 bd). 5 Jan → 2 Mar = 38 bd − 9 = 29 bd. Due 17 Feb.
    r["F"] = make_request(
        d(2026, 1, 5), closed=d(2026, 3, 2), disposition="partial_grant", exemptions=["b5"],
        track="complex", holds=[(d(2026, 1, 12), d(2026, 1, 26))], due=d(2026, 2, 17), name="F",
    )  # fmt: skip
    # G: complex, extended (unusual circumstances), due 17 Mar; full grant 27 Mar = 38 bd.
    # Its stray exemption is not counted: exemptions count for denials only (DOJ V.C).
    r["G"] = make_request(
        d(2026, 2, 2), closed=d(2026, 3, 27), disposition="full_grant", track="complex",
        extension_business_days=10, due=d(2026, 3, 17), exemptions=["b4"], name="G",
    )  # fmt: skip
    # I: closed 20 Mar 2026, reopened in FY 2027 and open now: by the latest-closure rule it is
    # pending at the end of FY 2026 (and past its 30 Mar due date from March on).
    r["I"] = make_request(d(2026, 3, 2), due=d(2026, 3, 30), name="I")
    # K: expedited granted 4 calendar days after receipt; 6 → 24 Apr = 14 bd.
    r["K"] = make_request(
        d(2026, 4, 6), closed=d(2026, 4, 24), disposition="full_grant", track="expedited",
        expedited_decision="granted", expedited_decided_at=eastern(d(2026, 4, 10), 15), name="K",
    )  # fmt: skip
    # L: expedited denied after 14 calendar days (late); withdrawn 1 Jun: 4 May → 1 Jun = 19 bd.
    r["L"] = make_request(
        d(2026, 5, 4), closed=d(2026, 6, 1), disposition="withdrawn", due=d(2026, 6, 2),
        expedited_decision="denied", expedited_decided_at=eastern(d(2026, 5, 18)), name="L",
    )  # fmt: skip
    # M: fee waiver granted 8 Jun (5 bd); referred 22 Jun: 1 → 22 Jun = 14 bd (Juneteenth).
    r["M"] = make_request(
        d(2026, 6, 1), closed=d(2026, 6, 22), disposition="referred",
        fee_waiver_decision="granted", fee_waiver_decided_at=eastern(d(2026, 6, 8), 11), name="M",
    )  # fmt: skip
    # N: fee waiver denied 10 Jul (6 bd: 3 Jul observed holiday); on hold since 1 Sep, still on
    # hold at the end of the year: past its stored due date but not late.
    r["N"] = make_request(
        d(2026, 7, 1), status="on_hold", track="complex", due=d(2026, 9, 15),
        holds=[(d(2026, 9, 1), None)], fee_waiver_decision="denied",
        fee_waiver_decided_at=eastern(d(2026, 7, 10), 9), name="N",
    )  # fmt: skip
    # P: open, due 3 Aug: past due at the ends of Aug and Sep.
    r["P"] = make_request(d(2026, 7, 6), due=d(2026, 8, 3), name="P")
    # T: not an agency record, closed before a track was chosen: 3 → 5 Aug = 2 bd, simple.
    r["T"] = make_request(
        d(2026, 8, 3), closed=d(2026, 8, 5), disposition="not_agency_record", track=None, name="T"
    )
    # --- straddling the end of the year ---
    # O: received 14 Sep 2026, closed 2 Oct 2026 (FY 2027): pending at end, not processed.
    # 14 → 30 Sep = 12 bd pending.
    r["O"] = make_request(
        d(2026, 9, 14), closed=d(2026, 10, 2), disposition="full_grant", due=d(2026, 10, 13),
        name="O",
    )  # fmt: skip
    # V: FY 2027.
    r["V"] = make_request(d(2026, 10, 5), name="V")
    # --- FOIA.gov test submissions never count ---
    r["J"] = make_request(
        d(2026, 1, 15), closed=d(2026, 1, 20), disposition="full_grant", is_test=True,
        expedited_decision="granted", expedited_decided_at=eastern(d(2026, 1, 16)),
        fee_waiver_decision="granted", fee_waiver_decided_at=eastern(d(2026, 1, 16)), name="J",
    )  # fmt: skip
    r["J2"] = make_request(d(2025, 8, 1), due=d(2025, 8, 29), is_test=True, name="J2")

    # FAQ suggestions, one form token per request being written.
    make_suggestion("t1", eastern(d(2026, 2, 10)), ["fees", "records"])
    make_suggestion("t1", eastern(d(2026, 2, 10), 11), [])  # same session: answered, no request
    make_suggestion("t2", eastern(d(2026, 1, 4)), ["fees"], r["F"])  # filed anyway
    make_suggestion("t3", eastern(d(2026, 3, 1)), [])  # shown nothing: not counted
    make_suggestion("t4", eastern(d(2026, 1, 14)), ["fees"], r["J"])  # ended in a test submission
    make_suggestion("t5", eastern(d(2025, 9, 30), 23, 30), ["fees"])  # FY 2025 at the office
    make_suggestion("t6", eastern(d(2026, 9, 30), 23, 30), ["fees"])  # FY 2026 (UTC: 1 Oct)
    db.session.commit()
    return r


@pytest.fixture
def report(fy2026):
    return annual_report(2026, today=TODAY)


def test_a_year_of_requests_reconciles_by_hand(report):
    assert (report.pending_start, report.received, report.processed, report.pending_end) == (
        2,
        14,
        11,
        5,
    )
    assert report.reconciles
    assert report.complete
    assert (report.start, report.end, report.as_of) == (
        d(2025, 10, 1),
        d(2026, 9, 30),
        d(2026, 9, 30),
    )


def test_dispositions_count_each_processed_request_once_all_listed(report):
    assert report.dispositions == {
        "full_grant": 3,
        "partial_grant": 2,
        "full_denial": 1,
        "no_records": 1,
        "referred": 1,
        "withdrawn": 1,
        "fee_related": 0,
        "not_reasonably_described": 0,
        "improper_request": 0,
        "not_agency_record": 1,
        "duplicate": 1,
        "other": 0,
    }
    assert list(report.dispositions) == [str(x) for x in Disposition]
    assert report.dispositions_total == report.processed
    assert report.denied_for_other_reasons == 5


def test_exemptions_count_once_per_denial_citing_them(report):
    expected = dict.fromkeys(EXEMPTIONS, 0) | {"b5": 2, "b6": 2, "b7C": 1}
    assert report.exemptions == expected


def test_processing_time_per_track_excludes_days_on_hold(report):
    simple = report.processing_time["simple"]  # B 24, D 21, Q 0, H 90, L 19, M 14, T 2
    assert (simple.count, simple.median, simple.average, simple.lowest, simple.highest) == (
        7,
        19,
        24.29,
        0,
        90,
    )
    complex_ = report.processing_time["complex"]  # E 10, F 29, G 38
    assert (complex_.count, complex_.median, complex_.average) == (3, 29, 25.67)
    assert (complex_.lowest, complex_.highest) == (10, 38)
    expedited = report.processing_time["expedited"]  # K 14
    assert (expedited.count, expedited.median, expedited.lowest, expedited.highest) == (
        1,
        14,
        14,
        14,
    )


def test_processing_time_distribution_uses_the_doj_bands(report):
    bands = dict(report.time_distribution)
    assert bands["0–20"] == {"simple": 4, "complex": 1, "expedited": 1}
    assert bands["21–40"] == {"simple": 2, "complex": 2, "expedited": 0}
    assert bands["81–100"] == {"simple": 1, "complex": 0, "expedited": 0}
    assert sum(sum(c.values()) for c in bands.values()) == report.processed


def test_expedited_and_fee_waiver_decisions_of_the_year(report):
    assert (report.expedited.granted, report.expedited.denied) == (1, 1)
    assert (report.expedited.median_days, report.expedited.average_days) == (9, 9)
    assert report.expedited.within_limit == 1  # L was decided on day 14
    assert report.expedited.days_unit == "calendar"
    assert (report.fee_waivers.granted, report.fee_waivers.denied) == (1, 1)
    assert (report.fee_waivers.median_days, report.fee_waivers.average_days) == (5.5, 5.5)


def test_backlog_counts_past_due_requests_not_on_hold_at_year_end(report):
    assert report.backlog == 3  # A, I, P; N is on hold
    numbers = [p.tracking_number.rsplit("-", 1)[0] for p in report.oldest_pending]
    assert [p.received_date for p in report.oldest_pending] == [
        d(2025, 8, 4),
        d(2026, 3, 2),
        d(2026, 7, 1),
        d(2026, 7, 6),
        d(2026, 9, 14),
    ]
    assert numbers[0] == "TEST-2025"
    assert report.oldest_pending[-1].business_days_pending == 12


def test_months_show_flow_and_backlog_at_each_month_end(report):
    months = report.months
    assert [m.month for m in months][0::11] == [d(2025, 10, 1), d(2026, 9, 1)]
    assert [m.received for m in months] == [2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1]
    assert [m.closed for m in months] == [3, 0, 1, 0, 0, 2, 2, 0, 2, 0, 1, 0]
    assert [m.pending_at_end for m in months] == [1, 2, 2, 3, 4, 3, 2, 3, 2, 4, 4, 5]
    assert [m.backlog_at_end for m in months] == [1, 1, 2, 2, 3, 3, 2, 2, 2, 2, 3, 3]


def test_faq_sessions_answered_before_filing(report):
    assert report.faq.sessions_with_answers == 3  # t1, t2, t6
    assert report.faq.answered_without_filing == 2  # t1, t6
    assert report.faq.filed_anyway == 1  # t2
    assert report.faq.answered_share == pytest.approx(2 / 3)


def test_the_neighbouring_years_reconcile_with_this_one(fy2026):
    before = annual_report(2025, today=TODAY)
    after = annual_report(2027, today=TODAY)
    this = annual_report(2026, today=TODAY)
    assert before.pending_end == this.pending_start
    assert this.pending_end == after.pending_start
    assert before.reconciles and after.reconciles
    # FY 2027 so far: received V; processed O; pending A, I, N, P, V.
    assert (after.received, after.processed, after.pending_end) == (1, 1, 5)
    assert not after.complete and after.as_of == TODAY
    assert len(after.months) == 2


def test_a_request_reopened_and_closed_again_counts_in_the_year_of_its_last_closure(app):
    request = make_request(d(2025, 9, 2), closed=d(2025, 9, 20), disposition="full_grant")
    db.session.commit()
    assert annual_report(2025, today=TODAY).processed == 1
    # Reopened in FY 2026 (reopen clears closed_date), then closed again.
    request.status, request.closed_date, request.disposition = "in_progress", None, None
    db.session.commit()
    assert annual_report(2025, today=TODAY).processed == 0
    assert annual_report(2025, today=TODAY).pending_end == 1
    request.status, request.closed_date, request.disposition = (
        "closed",
        d(2025, 11, 3),
        "no_records",
    )
    db.session.commit()
    fy2025, fy2026 = annual_report(2025, today=TODAY), annual_report(2026, today=TODAY)
    assert (fy2025.processed, fy2025.pending_end) == (0, 1)
    assert (fy2026.pending_start, fy2026.processed, fy2026.dispositions["no_records"]) == (1, 1, 1)
    assert fy2025.reconciles and fy2026.reconciles


def test_an_unknown_disposition_counts_as_other(app):
    make_request(d(2026, 1, 5), closed=d(2026, 1, 6), disposition=None)
    make_request(d(2026, 1, 5), closed=d(2026, 1, 6), disposition="appeal_remand")
    db.session.commit()
    report = annual_report(2026, today=TODAY)
    assert report.dispositions["other"] == 2
    assert report.unknown_dispositions == 2
    assert report.dispositions_total == report.processed == 2


def test_only_the_ten_oldest_pending_requests_are_listed(app):
    for offset in range(12):
        make_request(d(2026, 1, 5) + timedelta(days=offset), name=f"old{offset}")
    db.session.commit()
    oldest = annual_report(2026, today=TODAY).oldest_pending
    assert len(oldest) == 10
    assert oldest[0].received_date == d(2026, 1, 5)
    assert oldest[-1].received_date == d(2026, 1, 14)


def test_an_empty_year_reports_zeros_and_no_statistics(app):
    report = annual_report(2026, today=TODAY)
    assert (report.pending_start, report.received, report.processed, report.pending_end) == (0,) * 4
    assert set(report.dispositions.values()) == {0}
    assert report.processing_time["simple"].median is None
    assert report.expedited.median_days is None
    assert report.faq.answered_share is None
    assert len(report.months) == 12


def test_json_lists_every_disposition_and_exemption(report):
    document = json.loads(exports.to_json(report))
    assert document["pending_start"] == 2
    assert document["received"] == 14
    assert document["processed"] == 11
    assert document["pending_end"] == 5
    assert document["reconciles"] is True
    assert set(document["dispositions"]) == {str(x) for x in Disposition}
    assert document["exemptions"]["b6"] == 2 and set(document["exemptions"]) == set(EXEMPTIONS)
    assert document["processing_time"]["complex"]["median"] == 29
    assert document["backlog"]["oldest_pending"][0]["received_date"] == "2025-08-04"
    assert document["months"][0] == {
        "month": "2025-10",
        "received": 2,
        "closed": 3,
        "pending_at_end": 1,
        "backlog_at_end": 1,
    }


def test_csv_has_one_figure_per_row(report):
    rows = list(csv.reader(io.StringIO(exports.to_csv(report))))
    assert rows[0] == ["section", "item", "value"]
    values = {(section, item): value for section, item, value in rows[1:]}
    assert values[("requests", "pending_start")] == "2"
    assert values[("requests", "pending_end")] == "5"
    assert values[("dispositions", "fee_related")] == "0"
    assert values[("dispositions", "total")] == "11"
    assert values[("exemptions", "b7C")] == "1"
    assert values[("processing_time_simple", "average")] == "24.29"
    assert values[("processing_time_expedited", "median")] == "14"
    assert values[("fee_waivers", "median_days")] == "5.5"
    assert values[("backlog", "pending_past_due")] == "3"
    assert values[("faq", "answered_without_filing")] == "2"


def test_dashboard_shows_this_month_backlog_and_median(app):
    today = d(2026, 11, 20)
    make_request(d(2026, 11, 2), due=d(2026, 12, 1))  # received this month, open
    make_request(d(2026, 10, 1), due=d(2026, 10, 29))  # past due
    make_request(
        d(2026, 10, 5), due=d(2026, 11, 2), status="on_hold", holds=[(d(2026, 11, 1), None)]
    )
    make_request(d(2026, 10, 6), closed=d(2026, 11, 10), disposition="full_grant")  # 24 bd
    make_request(d(2026, 11, 3), closed=d(2026, 11, 5), disposition="full_grant")  # 2 bd
    # 4 → 18 Nov = 9 bd (Veterans Day), 1 on hold → 8.
    make_request(
        d(2026, 11, 4), closed=d(2026, 11, 18), disposition="referred",
        holds=[(d(2026, 11, 6), d(2026, 11, 9))],
    )  # fmt: skip
    make_request(d(2026, 11, 5), is_test=True)
    make_request(d(2026, 10, 1), closed=d(2026, 10, 30), disposition="full_grant")  # last month
    db.session.commit()

    figures = dashboard_figures(today)
    assert (figures.received_this_month, figures.closed_this_month) == (3, 3)
    assert (figures.pending, figures.backlog) == (3, 1)
    assert figures.median_days_this_month == 8
    assert figures.net_change == 0
    assert figures.month_start == d(2026, 11, 1)


def test_weekend_and_after_hours_filings_show_as_filed_not_yet_received(app):
    saturday, friday = d(2026, 11, 21), d(2026, 11, 20)
    monday = d(2026, 11, 23)
    # Friday 6 p.m. and Saturday morning: both received by law on Monday the 23rd.
    make_request(monday, submitted_at=eastern(friday, 18))
    make_request(monday, submitted_at=eastern(saturday, 9))
    make_request(d(2026, 11, 2))
    db.session.commit()

    figures = dashboard_figures(saturday)
    assert (figures.received_this_month, figures.filed_not_yet_received) == (1, 2)
    figures = dashboard_figures(monday)
    assert (figures.received_this_month, figures.filed_not_yet_received) == (3, 0)

    report = annual_report(2027, today=saturday)
    assert (report.received, report.filed_not_yet_received) == (1, 2)
    assert report.reconciles
    assert annual_report(2027, today=friday).filed_not_yet_received == 1  # filed by Friday


def test_a_year_end_weekend_filing_is_filed_in_one_year_and_received_in_the_next(app):
    # Filed Tue 30 Sep 2025 (FY 2025) at 6 p.m., received by law Wed 1 Oct 2025 (FY 2026).
    make_request(d(2025, 10, 1), submitted_at=eastern(d(2025, 9, 30), 18))
    db.session.commit()
    fy2025, fy2026 = annual_report(2025, today=TODAY), annual_report(2026, today=TODAY)
    assert (fy2025.received, fy2025.filed_not_yet_received) == (0, 1)
    assert (fy2026.received, fy2026.filed_not_yet_received) == (1, 0)


def test_dashboard_of_a_quiet_month_has_no_median(app):
    figures = dashboard_figures(d(2026, 11, 2))
    assert figures.median_days_this_month is None
    assert figures.received_this_month == figures.closed_this_month == 0


@pytest.mark.parametrize(
    ("fiscal_year", "problem"),
    [
        (None, "Enter a fiscal year"),
        (1967, "from 1968"),
        (2028, "has not started yet"),
        (2027, None),
        (1968, None),
    ],
)
def test_fiscal_years_outside_the_foia_era_are_refused(fiscal_year, problem):
    message = annual.fiscal_year_problem(fiscal_year, TODAY)
    if problem is None:
        assert message is None
    else:
        assert problem in message


# ----------------------------------------------------------------------------------------------
# The year-wide method (covering index, ordinals, one pass) against the rules stated plainly


def _varied_requests(seed: int) -> None:
    """Two and a half years of requests with every oddity the report has rules for."""
    rng = random.Random(seed)
    dispositions = [*(str(x) for x in Disposition), "legacy_code"]
    for n in range(160):
        received = d(2024, 7, 1) + timedelta(days=rng.randrange(880))
        if received.weekday() >= 5:
            received += timedelta(days=7 - received.weekday())
        due = received + timedelta(days=rng.choice([-3, 0, 20, 28, 35, 60, 120, 300]))
        closed = None
        if rng.random() < 0.7:
            closed = received + timedelta(days=rng.choice([-2, -1, 0, 1, 5, 30, 90, 200, 400]))
            closed = min(closed, d(2026, 11, 27))
        holds, day = [], received
        for _ in range(rng.choice([0, 0, 1, 2])):
            start = day + timedelta(days=rng.randrange(1, 40))
            end = start + timedelta(days=rng.randrange(0, 30))
            if rng.random() < 0.4:  # a month's end, where the backlog is counted
                start, end = (s.replace(day=1) - timedelta(days=1) for s in (start, end))
            if rng.random() < 0.3:
                holds.append((start, None))  # still on hold (or closed while on hold)
                break
            holds.append((start, end))
            day = end
        request = make_request(
            received,
            closed=closed,
            disposition=rng.choice(dispositions) if closed else None,
            track=rng.choice(["simple", "complex", "expedited", None, "fast"]),
            status=None if closed or not holds or holds[-1][1] else "on_hold",
            exemptions=rng.sample(["b5", "b6", "b7C", "b6", "b3", "b99"], rng.randrange(4)),
            due=due,
            holds=holds,
            is_test=rng.random() < 0.05,
            name=f"V{n}",
        )
        if closed and rng.random() < 0.05:
            request.closed_date = None  # hand-edited: closed on its received date
    db.session.flush()


def _plain_report(fiscal_year: int, today: date) -> dict:
    """The report's rules (docs/annual-report.md) applied request by request, in Python."""
    start, end = deadlines.fiscal_year_bounds(fiscal_year)
    as_of = min(end, today)
    rows = [r for r in db.session.scalars(sa.select(FoiaRequest)) if not r.is_test]

    def closed_on(r):
        if r.status != "closed":
            return None
        return r.received_date if r.closed_date is None else max(r.closed_date, r.received_date)

    def pending(r, day):
        return r.received_date <= day and (closed_on(r) is None or closed_on(r) > day)

    def on_hold(r, day):
        return any(
            h.started_on <= day and (h.ended_on is None or h.ended_on > day) for h in r.holds
        )

    def backlog(day):
        return sum(1 for r in rows if pending(r, day) and r.due_date < day and not on_hold(r, day))

    processed = [r for r in rows if closed_on(r) is not None and start <= closed_on(r) <= as_of]
    days: dict[str, list[int]] = {"simple": [], "complex": [], "expedited": []}
    for r in processed:
        used = deadlines.business_days_between(r.received_date, closed_on(r))
        for h in r.holds:
            stop = h.ended_on or closed_on(r)
            used -= max(0, deadlines.business_days_between(h.started_on, stop))
        days[r.track if r.track in days else "simple"].append(max(0, used))
    dispositions = {str(x): 0 for x in Disposition}
    for r in processed:
        dispositions[r.disposition if r.disposition in dispositions else "other"] += 1
    exemptions = dict.fromkeys(EXEMPTIONS, 0)
    for r in processed:
        if r.disposition in ("full_denial", "partial_grant"):
            for code in set(r.exemptions) & set(EXEMPTIONS):
                exemptions[code] += 1
    months, month = [], start
    while month <= as_of:
        month_end = min(as_of, (month + timedelta(days=32)).replace(day=1) - timedelta(days=1))
        months.append(
            {
                "month": f"{month:%Y-%m}",
                "received": sum(1 for r in rows if f"{r.received_date:%Y-%m}" == f"{month:%Y-%m}"),
                "closed": sum(1 for r in processed if f"{closed_on(r):%Y-%m}" == f"{month:%Y-%m}"),
                "pending_at_end": sum(1 for r in rows if pending(r, month_end)),
                "backlog_at_end": backlog(month_end),
            }
        )
        month = month_end + timedelta(days=1)
    bands = [
        {
            "band": label,
            **{
                t: sum(1 for x in v if low <= x and (high is None or x <= high))
                for t, v in days.items()
            },
        }
        for label, low, high in annual.TIME_BANDS
    ]
    return {
        "pending_start": sum(1 for r in rows if pending(r, start - timedelta(days=1))),
        "received": sum(1 for r in rows if start <= r.received_date <= as_of),
        "processed": len(processed),
        "pending_end": sum(1 for r in rows if pending(r, as_of)),
        "dispositions": dispositions,
        "exemptions": exemptions,
        "processing_time": {
            t: {
                "count": len(v),
                "median": closures.median(v),
                "average": closures.average(v),
                "lowest": min(v, default=None),
                "highest": max(v, default=None),
            }
            for t, v in days.items()
        },
        "processing_time_distribution": bands,
        "pending_past_due": backlog(as_of),
        "months": months,
    }


@pytest.mark.parametrize("seed", [1, 2])
def test_the_report_matches_its_rules_applied_request_by_request(app, seed):
    _varied_requests(seed)
    for fiscal_year in (2025, 2026, 2027):
        got = exports.as_dict(annual_report(fiscal_year, today=TODAY))
        want = _plain_report(fiscal_year, TODAY)
        got["pending_past_due"] = got["backlog"]["pending_past_due"]
        assert {key: got[key] for key in want} == want, fiscal_year
        assert got["reconciles"]


def test_the_year_and_the_month_read_the_closures_the_rule_names(app):
    """The report's year (covering index) and the dashboard's month (date indexes) are read
    through other indexes than the rule as it reads (`closed_between`), and give its closures;
    the report's figures per track and per month are theirs."""
    _varied_requests(3)
    for start, as_of in ((d(2024, 10, 1), d(2025, 9, 30)), (d(2025, 10, 1), TODAY)):
        plain = [[closures.COUNTED, closures.closed_between(start, as_of)]]
        expected = sorted(closures.closures(start, as_of, plain))
        assert len(expected) > 20
        year = [closures.processed_in_year(start, as_of)]
        assert sorted(closures.closures(start, as_of, year)) == expected
        by_date = closures.processed_by_date_index(start, as_of)
        assert sorted(closures.closures(start, as_of, by_date)) == expected
        times = annual._processing_times(start, as_of)
        for track, days in times.durations.items():
            assert sorted(days) == sorted(c.business_days for c in expected if c.track == track)
        assert times.closed_per_month == Counter((c.closed.year, c.closed.month) for c in expected)
