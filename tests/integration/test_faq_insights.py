"""Search insights for the FAQ's editors: counted per query and day with nothing about the
reader, the three lists, the CSV, a draft FAQ from a query that found nothing, and pruning."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from foia_portal.core.deadlines import today_eastern
from foia_portal.extensions import db
from foia_portal.faq import insights, services
from foia_portal.faq.models import Faq, FaqQueryDay
from tests.fixtures.staff import login
from tests.helpers import PROJECT_DIR


def rows() -> list[tuple]:
    query = sa.select(FaqQueryDay.day, FaqQueryDay.query, FaqQueryDay.searches, FaqQueryDay.results)
    return [tuple(row) for row in db.session.execute(query.order_by(FaqQueryDay.query))]


def file_request(token: str) -> None:
    """File a request from the form whose token is `token` (as the request form does)."""
    from foia_portal.requests import services as intake

    intake.submit_request(
        intake.Intake(
            fields={
                "first_name": "Ada",
                "last_name": "Lovelace",
                "email": "ada@example.com",
                "description": "Grant files",
                "fee_category": "other",
            },
            submission_token=token,
        ),
        intake.StoredFiles(),
    )
    db.session.commit()


def counted(day: date, query: str, searches: int, results: int | None) -> None:
    db.session.add(FaqQueryDay(day=day, query=query, searches=searches, results=results))
    db.session.commit()


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("How do I file a FOIA request?", "how do i file a foia request"),
        ("  FEE   waiver!!  ", "fee waiver"),
        ("my request COPS-2027-000042 is late", "my request cops 2027 is late"),
        ("write to ada@example.com about fees", "write to about fees"),
        ("call 202 555 0100 or 2025550100", "call 202 555 0100 or"),
        ("¿Cuánto cuesta?", "cuánto cuesta"),
        ("?!…", ""),
        ("fee\x00waiver", "fee waiver"),
        ("x" * 300, "x" * 200),
    ],
)
def test_queries_are_kept_as_words_without_addresses_or_long_numbers(typed, kept):
    assert insights.normalise_query(typed) == kept


def test_every_first_page_search_counts_once_per_day_cached_or_not(client, small_faq):
    for _ in range(3):
        assert client.get("/faq/search?q=Fee+waiver").status_code == 200
    client.get("/faq/search?q=fee%20WAIVER%3F")  # the same query, normalised
    client.get("/faq/search?q=fee+waiver&page=2")  # paging is not a new search
    client.get("/faq/search?q=%3F%21")  # no word: nothing to keep
    client.get("/faq/search?q=zebra+quokka")
    today = today_eastern()
    assert rows() == [(today, "fee waiver", 4, 2), (today, "zebra quokka", 1, 0)]


def test_nothing_about_the_reader_is_kept(app):
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("faq_query_day")}
    assert columns == {"day", "query", "searches", "results"}


def test_a_search_counted_from_the_cache_keeps_what_the_last_fresh_search_found(app):
    today = today_eastern()
    insights.record_search("fees", 3, on_day=today - timedelta(days=1))
    insights.record_search("fees", None, on_day=today)  # served from a kept page
    db.session.commit()
    assert rows() == [(today - timedelta(days=1), "fees", 1, 3), (today, "fees", 1, None)]
    assert insights.most_searched(insights.window_start()) == [insights.QueryCount("fees", 2, 3)]


def test_a_failure_to_count_never_costs_the_reader_the_page(client, small_faq, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("UPDATE faq_query_day", {}, Exception("database is locked"))

    monkeypatch.setattr(insights, "record_search", broken)
    response = client.get("/faq/search?q=fees")
    assert response.status_code == 200
    assert "answers found" in response.get_data(as_text=True)


def test_the_lists_cover_the_last_30_days(app):
    today = today_eastern()
    start = insights.window_start(today)
    assert (today - start).days == 29
    counted(today, "fee waiver", 5, 2)
    counted(start, "fee waiver", 1, 2)
    counted(start, "appeal", 3, 1)
    counted(start - timedelta(days=1), "old query", 50, 0)
    counted(today, "zebra", 2, 0)
    counted(today - timedelta(days=3), "quokka", 4, 0)
    counted(today, "quokka", 1, 1)  # an FAQ was written since: it found something
    counted(today, "axolotl", 1, None)
    counted(today - timedelta(days=40), "axolotl", 1, 0)  # the last fresh search found nothing

    assert [(r.query, r.count, r.results) for r in insights.most_searched(start)] == [
        ("fee waiver", 6, 2),
        ("quokka", 5, 1),
        ("appeal", 3, 1),
        ("zebra", 2, 0),
        ("axolotl", 1, 0),
    ]
    assert [(r.query, r.count) for r in insights.found_nothing(start)] == [
        ("zebra", 2),
        ("axolotl", 1),
    ]
    assert [r.query for r in insights.most_searched(start, limit=2)] == ["fee waiver", "quokka"]


def test_filed_anyway_lists_what_filed_forms_last_described(app):
    def shown(token: str, query: str) -> None:
        # A new list each time: the same list twice running is recorded once.
        services.record_suggestions_shown(token, query, [f"faq-{len(query)}"])

    shown("a" * 24, "grant records")
    shown("a" * 24, "Grant records for Springfield")  # the same form, later
    shown("b" * 24, "grant records for springfield!")
    shown("c" * 24, "body cameras")  # never filed
    shown("d" * 24, "fee waiver")
    db.session.commit()
    for token in ("a" * 24, "b" * 24, "d" * 24):
        file_request(token)
    found = insights.filed_anyway(insights.window_start())
    assert found == [
        insights.QueryCount("grant records for springfield", 2),
        insights.QueryCount("fee waiver", 1),
    ]


def test_staff_see_the_three_lists_with_links_and_download_them(client, officer):
    today = today_eastern()
    counted(today, "fee waiver", 5, 2)
    counted(today, "body camera footage", 3, 0)
    services.record_suggestions_shown("e" * 24, "police reports", ["some-faq"])
    db.session.commit()
    file_request("e" * 24)
    login(client, officer)

    page = client.get("/staff/faqs/insights")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<h1>Search insights</h1>" in html
    assert 'href="/faq/search?q=fee+waiver"' in html  # try it
    assert 'href="/staff/faqs/new?question=body+camera+footage"' in html  # start a draft
    assert "police reports" in html
    assert 'href="/staff/faqs/insights.csv"' in html

    download = client.get("/staff/faqs/insights.csv")
    assert download.mimetype == "text/csv"
    assert "attachment" in download.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert table == [
        ["list", "query", "count", "answers_found"],
        ["most_searched", "fee waiver", "5", "2"],
        ["most_searched", "body camera footage", "3", "0"],
        ["found_nothing", "body camera footage", "3", "0"],
        ["filed_anyway", "police reports", "1", ""],
    ]


def test_a_query_that_found_nothing_starts_a_draft_faq_with_it(client, officer):
    login(client, officer)
    html = client.get(f"/staff/faqs/new?question={quote('body camera footage')}").get_data(
        as_text=True
    )
    assert 'value="Body camera footage"' in html
    assert 'name="published"' in html and "checked" not in html.split('name="published"')[1][:80]
    saved = client.post(
        "/staff/faqs/new",
        data={
            "category": "Records",
            "question": "Can I get body camera footage?",
            "answer": "Not from this office.",
        },
    )
    assert saved.status_code == 303
    [faq] = db.session.scalars(sa.select(Faq)).all()
    assert not faq.published  # a draft until an editor publishes it


def test_the_insights_pages_are_for_staff_only(client):
    for path in ("/staff/faqs/insights", "/staff/faqs/insights.csv"):
        assert client.get(path).status_code in (302, 303)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 3, 31), 1, date(2027, 2, 28)),
        (date(2028, 3, 31), 1, date(2028, 2, 29)),
        (date(2027, 1, 15), 13, date(2025, 12, 15)),
        (date(2027, 12, 1), 12, date(2026, 12, 1)),
    ],
)
def test_months_before(day, months, expected):
    assert insights.months_before(day, months) == expected


def test_prune_deletes_counts_older_than_13_months(app, runner):
    today = today_eastern()
    cutoff = insights.months_before(today, 13)
    counted(cutoff - timedelta(days=1), "too old", 1, 0)
    counted(cutoff, "kept", 1, 0)
    counted(today, "today", 1, 1)
    result = runner.invoke(args=["faq", "insights", "prune"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 search count(s)" in result.output
    assert [row[1] for row in rows()] == ["kept", "today"]
    assert "Deleted 0" in runner.invoke(args=["faq", "insights", "prune"]).output


def test_the_daily_timer_runs_the_prune(app):

    deploy = PROJECT_DIR / "deploy"
    service = (deploy / "foia-portal-daily.service").read_text()
    timer = (deploy / "foia-portal-daily.timer").read_text()
    assert "flask --app foia_portal faq insights prune" in service
    assert "OnCalendar=" in timer and "Persistent=true" in timer


def test_counting_leaves_the_connection_as_durable_as_it_was(app, db_dialect):
    assert insights.record_search("fees", 1)
    with db.engine.connect() as connection:
        if db_dialect == "sqlite":
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        else:
            assert connection.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"
    assert rows() == [(today_eastern(), "fees", 1, 1)]
