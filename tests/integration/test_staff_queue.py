"""The queue query: filters, sort orders, keyset pages, the summary and the CSV export."""

import csv
import io
import re
import time
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from foia_portal.extensions import db
from foia_portal.staff import queue
from foia_portal.staff.services import perform_action
from tests.fixtures.staff import login

TODAY = date(2026, 11, 16)  # a Monday


def view(user=None, **args):
    filters, errors = queue.parse_filters(MultiDict(args), user, today=TODAY)
    assert errors == {}
    return queue.queue_page(filters)


def numbers(page):
    return [row.foia_request.tracking_number for row in page.rows]


@contextmanager
def counted_statements(app):
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def requests(make_request, officer, admin):
    """Five requests received on consecutive business days from Monday 5 October 2026."""
    made = []
    for day, name in zip((5, 6, 7, 8, 9), ("Ada", "Bea", "Cy", "Dee", "Eve"), strict=True):
        made.append(
            make_request(
                submitted_at=datetime(2026, 10, day, 14, 0, tzinfo=UTC),
                first_name=name,
                email=f"{name.lower()}@example.com",
            )
        )
    a, b, c, d, e = made
    for foia_request in (b, c, d):
        perform_action(
            foia_request, "acknowledge", officer, {"track": "simple"}, today=date(2026, 10, 13)
        )
    perform_action(b, "assign", admin, {"assignee": officer.email}, today=date(2026, 10, 13))
    perform_action(
        c, "request_info", officer, {"message": "Which years?"}, today=date(2026, 10, 14)
    )
    perform_action(
        d,
        "close",
        officer,
        {"disposition": "full_grant", "message": "Here."},
        today=date(2026, 10, 20),
    )
    perform_action(
        e, "note", officer, {"text": "Drone footage from the 2019 parade"}, today=date(2026, 10, 13)
    )
    db.session.commit()
    return made


def test_default_view_shows_open_requests_by_due_date(requests):
    a, b, c, d, e = requests
    assert numbers(view()) == [r.tracking_number for r in (a, b, c, e)]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"status": "closed"}, "d"),
        ({"status": "on_hold"}, "c"),
        ({"status": "all"}, "abcde"),
        ({"status": "received"}, "ae"),
        ({"track": "simple"}, "bc"),
        ({"assignee": "unassigned"}, "ace"),
        ({"assignee": "officer@cops.example.gov"}, "b"),
        ({"received_from": "2026-10-06", "received_to": "2026-10-08"}, "bc"),
        ({"q": "bea"}, "b"),
        ({"q": "dee@example.com"}, "d"),  # a whole email, exactly; a search covers every status
        ({"q": "DEE@EXAMPLE.COM"}, "d"),
        ({"q": "example.com"}, "abcde"),
        ({"q": "dee", "status": "open"}, ""),
        ({"q": "springfield illinois"}, "abcde"),
        ({"q": "100%"}, ""),  # wildcards are literal
        ({"q": "cops-2027-000002"}, "b"),
        ({"q": "000003"}, "c"),
    ],
)
def test_filters(requests, args, expected):
    by_letter = dict(zip("abcde", requests, strict=True))
    page = view(**args)
    assert sorted(numbers(page)) == sorted(by_letter[x].tracking_number for x in expected)
    assert page.total == len(expected)


def test_mine_means_the_signed_in_officer(requests, officer, admin):
    assert numbers(view(officer, assignee="mine")) == [requests[1].tracking_number]
    assert numbers(view(admin, assignee="mine")) == []


def test_overdue_never_includes_requests_on_hold_or_closed(requests):
    # On 16 November every due date (early November) has passed, the paused one included.
    a, b, c, d, e = requests
    page = view(overdue="1")
    assert sorted(numbers(page)) == sorted(r.tracking_number for r in (a, b, e))
    assert all(row.overdue and row.days_left < 0 for row in page.rows)
    on_hold = next(row for row in view(status="on_hold").rows)
    assert on_hold.days_left is None and not on_hold.overdue


def test_days_left_are_business_days(requests):
    a = requests[0]  # due Tuesday 3 November 2026; on Monday 16 November: 8 business days late
    row = next(r for r in view().rows if r.foia_request.id == a.id)
    assert row.days_left == -8  # 4, 5, 6, 9, 10, 12, 13, 16: Veterans Day (11th) is skipped


def test_due_within_counts_business_days_and_excludes_overdue(make_request):
    make_request(submitted_at=datetime(2026, 10, 5, 14, 0, tzinfo=UTC))  # due 3 Nov: overdue
    soon = make_request(submitted_at=datetime(2026, 10, 19, 14, 0, tzinfo=UTC))  # due 17 Nov
    later = make_request(submitted_at=datetime(2026, 10, 26, 14, 0, tzinfo=UTC))  # due 24 Nov
    assert numbers(view(due_within="0")) == []
    assert numbers(view(due_within="1")) == [soon.tracking_number]
    assert numbers(view(due_within="5")) == [soon.tracking_number]
    assert numbers(view(due_within="6")) == [soon.tracking_number, later.tracking_number]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"status": "pending"}, "status"),
        ({"track": "fast"}, "track"),
        ({"due_within": "soon"}, "due_within"),
        ({"due_within": "-1"}, "due_within"),
        ({"received_from": "2026-13-01"}, "received_from"),
        ({"received_from": "2026-10-09", "received_to": "2026-10-01"}, "received_to"),
        ({"sort": "random"}, "sort"),
        ({"assignee": "ghost@example.com"}, "assignee"),
        ({"after": "not-a-cursor"}, "after"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_filters_get_a_specific_message(app, args, field):
    filters, errors = queue.parse_filters(MultiDict(args), None, today=TODAY)
    assert list(errors) == [field] and errors[field][0]


@pytest.mark.parametrize("sort", ["due_date", "received", "tracking_number"])
def test_keyset_pages_cover_every_row_once_forwards_and_backwards(make_request, sort):
    start = datetime(2026, 10, 5, 14, 0, tzinfo=UTC)
    for i in range(7):
        make_request(submitted_at=start + timedelta(days=i // 2 * 7))  # ties on the dates
    everything = numbers(view(sort=sort, per_page="100"))
    seen, pages, args = [], [], {"sort": sort, "per_page": "3"}
    page = view(**args)
    while True:
        pages.append(page)
        seen += numbers(page)
        if not page.next_cursor:
            break
        page = view(**args, after=page.next_cursor)
    assert seen == everything and len(pages) == 3
    back = view(**args, before=pages[-1].previous_cursor)
    assert numbers(back) == numbers(pages[-2])
    assert back.previous_cursor and back.next_cursor
    first = view(**args, before=pages[1].previous_cursor)
    assert numbers(first) == numbers(pages[0]) and first.previous_cursor is None


def test_received_sort_is_newest_first(requests):
    assert numbers(view(sort="received", status="all"))[0] == requests[-1].tracking_number


def test_summary_counts(requests, officer):
    summary = queue.summary(officer, TODAY)
    assert summary.by_status == {"received": 2, "in_progress": 1, "on_hold": 1, "closed": 1}
    assert summary.overdue == 3 and summary.mine_open == 1


def test_filters_round_trip_through_the_url(app, officer):
    args = {"status": "all", "assignee": "mine", "overdue": "1", "q": "grant", "sort": "received"}
    filters, _ = queue.parse_filters(MultiDict(args), officer, today=TODAY)
    assert filters.args() == args
    again, _ = queue.parse_filters(MultiDict(filters.args()), officer, today=TODAY)
    assert again == filters


def test_csv_export_has_every_filtered_row_and_defuses_formulas(make_request):
    make_request(first_name='=HYPERLINK("http://x")')
    make_request()
    filters, _ = queue.parse_filters(MultiDict({"per_page": "1"}), None, today=TODAY)
    rows = list(csv.reader(io.StringIO("".join(queue.export_csv(filters)))))
    assert rows[0][0] == "tracking_number" and len(rows) == 3
    assert rows[1][1].startswith("'=")


def test_counts_stop_at_the_limit(make_request, monkeypatch):
    for _ in range(4):
        make_request()
    monkeypatch.setattr(queue, "COUNT_LIMIT", 2)
    filters, _ = queue.parse_filters(MultiDict(), None, today=TODAY)
    assert queue.count(filters, limit=2) == 3
    page = queue.queue_page(filters)
    assert page.total == 3 and page.total_is_capped and len(page.rows) == 4


def test_test_submissions_stay_out_of_the_queue_and_the_counts(make_request):
    real = make_request()
    test = make_request()
    test.is_test = True
    db.session.commit()
    assert numbers(view(status="all")) == [real.tracking_number]
    assert queue.summary(None, TODAY).by_status["received"] == 1


# --- the page's statement: one ordered index walk per status, merged ---------------------------


@pytest.fixture
def backlog(make_request, officer):
    """Eleven requests in every state, with ties on the due dates: late ones received in October
    (some acknowledged, one on hold, one closed), and some due within the next weeks."""
    made = []
    for i in range(8):
        made.append(make_request(submitted_at=datetime(2026, 10, 5 + i // 3, 14, 0, tzinfo=UTC)))
    for day in (9, 10, 10):
        made.append(make_request(submitted_at=datetime(2026, 11, day, 14, 0, tzinfo=UTC)))
    for foia_request in made[1::2]:
        perform_action(
            foia_request, "acknowledge", officer, {"track": "simple"}, today=date(2026, 10, 13)
        )
    perform_action(made[3], "request_info", officer, {"message": "Which?"}, today=TODAY)
    perform_action(
        made[5], "close", officer, {"disposition": "full_grant", "message": "."}, today=TODAY
    )
    db.session.commit()
    return made


def one_ordered_scan(filters):
    """Every row of a view the plain way (`status IN (…) ORDER BY due_date, id`)."""
    query = queue._order_and_seek(queue.base_query(filters), filters.sort, "", False)
    return [r.tracking_number for r in db.session.scalars(query)]


@pytest.mark.parametrize(
    "args",
    [{}, {"overdue": "1"}, {"due_within": "30"}, {"overdue": "1", "track": "simple"},
     {"status": "on_hold"}, {"assignee": "unassigned"}, {"overdue": "1", "status": "closed"}],
)  # fmt: skip
def test_the_merged_walk_pages_like_one_ordered_scan_both_ways(backlog, officer, args):
    filters, errors = queue.parse_filters(MultiDict({**args, "per_page": "2"}), officer, TODAY)
    assert errors == {}
    everything = one_ordered_scan(filters)
    seen, pages, page = [], [], queue.table_page(filters)
    while True:
        pages.append(page)
        assert [r.tracking_number for r in page.rows] == numbers(
            queue.queue_page(replace(filters, after=page.filters.after), with_total=False)
        )  # the HTML table's plain rows and the API's objects agree
        seen += [r.tracking_number for r in page.rows]
        if not page.next_cursor:
            break
        page = queue.table_page(replace(filters, after=page.next_cursor))
    assert seen == everything
    if len(pages) > 1:
        back = queue.table_page(replace(filters, before=pages[-1].previous_cursor))
        assert back.rows == pages[-2].rows


def test_the_overdue_page_walks_an_index_and_sorts_no_more_than_a_page(app, backlog):
    if db.engine.dialect.name != "sqlite":
        pytest.skip(
            "EXPLAIN QUERY PLAN is SQLite's; PostgreSQL's plan is in docs/staff-workflow.md"
        )
    filters, _ = queue.parse_filters(MultiDict({"overdue": "1"}), None, TODAY)
    statement = queue.page_query(filters, "2026-10-01_1", False, table=True)
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    plan = [row[-1] for row in db.session.execute(sa.text("EXPLAIN QUERY PLAN " + sql))]
    walks = [step for step in plan if "foia_request" in step and "USING" in step]
    assert walks[0].startswith("SEARCH foia_request USING INTEGER PRIMARY KEY")
    assert all("ix_foia_request_status_due_date (status=? AND due_date" in s for s in walks[1:])
    assert len(walks) == 3 and not any(s.startswith("SCAN foia_request") for s in plan)


# --- the indexes of foia_request: what a new row enters, and what each query reads ------------


def test_a_new_request_enters_nine_indexes(app, make_request):
    """Each index a new row enters is one more b-tree page written at commit (inside SQLite's
    write lock): indexes on columns a new request leaves NULL are partial (docs/performance.md)."""
    from foia_portal.requests.models import FoiaRequest

    new = make_request()
    db.session.commit()
    table = FoiaRequest.__table__
    dialect = db.engine.dialect.name
    entered = sorted(
        index.name
        for index in table.indexes
        if (where := index.dialect_options[dialect]["where"]) is None
        or db.session.scalar(sa.select(table.c.id).where(table.c.id == new.id, where))
    )
    assert entered == [
        "ix_foia_request_assignee_status",  # the unassigned view: assignee_id IS NULL
        "ix_foia_request_due_date",
        "ix_foia_request_open_due_date",
        "ix_foia_request_received_date",
        "ix_foia_request_report",
        "ix_foia_request_requester_id",
        "ix_foia_request_status_due_date",
    ]
    unique = [c for c in table.constraints if isinstance(c, sa.UniqueConstraint)]
    assert len(unique) == 2  # tracking_number, submission_token (FOIA.gov's id: a partial index)


def sqlite_plans(run) -> list[str]:
    """The EXPLAIN QUERY PLAN of every SELECT on foia_request that `run()` sends (SQLite only:
    without ANALYZE its plans do not depend on how many rows there are)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL's plans are in the commit log")
    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    connection = db.session.connection()
    return [
        " / ".join(row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + s, p))
        for s, p in sent
        if s.lstrip().startswith("SELECT") and "foia_request" in s
    ]


def test_the_partial_indexes_still_serve_their_queries(app, backlog, officer):
    from foia_portal.reports.annual import annual_report
    from foia_portal.reports.dashboard import dashboard_figures

    def uses(plans, step):
        return any(step in plan for plan in plans)

    summary = sqlite_plans(lambda: queue.summary(officer, TODAY))
    assert uses(summary, "USING INDEX ix_foia_request_closed_date (closed_date>?)")
    dashboard = sqlite_plans(lambda: dashboard_figures(TODAY))
    assert uses(dashboard, "USING INDEX ix_foia_request_closed_date (closed_date>? AND closed_")
    report = sqlite_plans(lambda: annual_report(2027, today=TODAY))
    for column in ("expedited_decided_at", "fee_waiver_decided_at"):
        assert uses(report, f"INDEX ix_foia_request_{column} ({column}>? AND {column}<?)")
    filters, _ = queue.parse_filters(MultiDict({"assignee": "mine"}), officer, TODAY)
    mine = sqlite_plans(lambda: queue.table_page(filters))
    assert uses(mine, "USING INDEX ix_foia_request_open_assignee_due_date (assignee_id=?)")


def test_the_unassigned_received_and_all_statuses_views_keep_their_indexes(app, backlog):
    """The indexes every new row still enters, and why: the unassigned view (assignee_id IS
    NULL), the received sort over every status and the report's oldest pending (in
    (received_date, id) order, which the report's covering index is not), every status by due
    date."""
    from foia_portal.reports import annual

    def walk(**args):
        filters, _ = queue.parse_filters(MultiDict(args), None, TODAY)
        plans = sqlite_plans(lambda: queue.table_page(filters))
        assert not any(step == "SCAN foia_request" for p in plans for step in p.split(" / "))
        return plans

    unassigned = walk(assignee="unassigned")[0]
    assert "ix_foia_request_assignee_status (assignee_id=? AND status=?)" in unassigned
    everyone = walk(assignee="unassigned", status="all")[0]
    assert "ix_foia_request_assignee_status (assignee_id=?)" in everyone
    received = walk(status="all", sort="received")[0]
    assert received.startswith("SCAN foia_request USING INDEX ix_foia_request_received_date")
    assert "TEMP B-TREE" not in received
    by_due_date = walk(status="all")[0]
    assert by_due_date.startswith("SCAN foia_request USING INDEX ix_foia_request_due_date")
    assert "TEMP B-TREE" not in by_due_date
    oldest = sqlite_plans(lambda: annual._oldest_pending(TODAY))
    assert oldest == [
        "SEARCH foia_request USING INDEX ix_foia_request_received_date (received_date<?)"
    ]


# --- figures kept between page views ------------------------------------------------------------


@pytest.fixture
def signed_in(client, officer):
    login(client, officer)
    return client


def counts_on_page(client, path="/staff/"):
    page = client.get(path).get_data(as_text=True)
    assert "Counts as of" in page
    return {
        label: int(number)
        for label, number in re.findall(
            r">(Received|In progress)</a>: <strong>(\d+)</strong>", page
        )
    }


def test_counts_are_cached_for_a_minute(signed_in, make_request, app):
    make_request()
    counts_on_page(signed_in, "/staff/?overdue=1")
    with counted_statements(app) as statements:
        counts_on_page(signed_in, "/staff/?overdue=1")
    assert not any("count(" in s.lower() for s in statements), statements


def test_a_change_shows_in_the_counts_once_they_are_a_minute_old(
    signed_in, make_request, monkeypatch
):
    monkeypatch.setattr(queue, "FIGURES_TIMEOUT_SECONDS", 1)
    make_request()
    assert counts_on_page(signed_in)["Received"] == 1
    make_request()
    assert counts_on_page(signed_in)["Received"] == 1  # cached, less than its timeout old
    time.sleep(1.1)
    assert counts_on_page(signed_in)["Received"] == 2


def test_a_new_day_recounts(app, make_request):
    make_request()
    calls = []
    for today in (TODAY, TODAY, TODAY + timedelta(days=1)):
        queue.cached_figures(("summary", today), lambda: calls.append(1))
    assert len(calls) == 2


def test_the_table_is_exact_a_new_request_shows_at_once(signed_in, make_request):
    first = make_request()
    assert first.tracking_number in signed_in.get("/staff/").get_data(as_text=True)
    second = make_request()  # someone else's doing, a second later: the rows are never kept stale
    page = signed_in.get("/staff/").get_data(as_text=True)
    assert first.tracking_number in page and second.tracking_number in page


def test_the_dashboards_closures_read_by_date_index_are_the_reports_closures(make_request, officer):
    from foia_portal.reports import closures

    made = [make_request(submitted_at=datetime(2026, 10, d, 14, 0, tzinfo=UTC)) for d in (5, 6, 7)]
    made.append(make_request(submitted_at=datetime(2026, 11, 2, 14, 0, tzinfo=UTC)))
    for foia_request in made:
        perform_action(
            foia_request, "acknowledge", officer, {"track": "simple"}, today=date(2026, 10, 8)
        )
    perform_action(made[0], "request_info", officer, {"message": "?"}, today=date(2026, 10, 9))
    perform_action(made[0], "resume", officer, {}, today=date(2026, 10, 20))
    for foia_request, day in zip(made, (3, 10, 12, 13), strict=True):
        perform_action(
            foia_request, "close", officer, {"disposition": "full_grant", "message": "."},
            today=date(2026, 11, day),
        )  # fmt: skip
    made[1].closed_date = None  # hand-edited rows: counted as closed on the day received
    made[3].closed_date = date(2026, 10, 30)  # "closed" before it was received
    db.session.commit()
    for first, last in ((date(2026, 11, 1), TODAY), (date(2026, 10, 1), date(2026, 10, 31))):
        plain = [[closures.COUNTED, closures.closed_between(first, last)]]
        expected = sorted(closures.closures(first, last, plain))
        by_date = closures.processed_by_date_index(first, last)
        assert sorted(closures.closures(first, last, by_date)) == expected
        year = [closures.processed_in_year(first, last)]
        assert sorted(closures.closures(first, last, year)) == expected
    november = closures.processed_by_date_index(date(2026, 11, 1), TODAY)
    assert len(list(closures.closures(date(2026, 11, 1), TODAY, november))) == 3


def test_a_new_colleague_joins_the_assignee_filter_at_once(signed_in, make_user):
    assert "Newcomer Nell" not in signed_in.get("/staff/").get_data(as_text=True)
    make_user("nell@example.gov", "Newcomer Nell", "officer")
    assert "Newcomer Nell" in signed_in.get("/staff/").get_data(as_text=True)
