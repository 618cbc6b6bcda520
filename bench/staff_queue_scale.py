"""How fast is the staff queue with a million requests? Run: python -m bench.staff_queue_scale.

Builds a throw-away PostgreSQL database, migrates it, fills it with N requests (default
1,000,000: 90 % closed, 5 % in progress, 3 % received, 2 % on hold, received over ten years,
two tracks, a few assignees) with plain INSERT … SELECT FROM generate_series, VACUUM ANALYZEs, then
times `staff.queue.queue_page` and `summary` for the views staff use: for each view its first
page (with the total, and rows only as the staff page runs it) and a page deep in the list,
reached by following the keyset cursors. Prints p50 / p99 in ms over --repeat runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FILL = """
INSERT INTO staff_user (id, email, name, role, password_hash, active, failed_logins,
                        created_at, session_nonce)
SELECT i, 'officer' || i || '@cops.example.gov', 'Officer ' || i, 'officer', 'x', true, 0,
       now(), 'n'
FROM generate_series(1, 20) AS i;

INSERT INTO requester (id, first_name, last_name, email, created_at)
SELECT i, 'First' || i, 'Last' || (i % 50000), 'person' || i || '@example.com', now()
FROM generate_series(1, :n) AS i;

INSERT INTO foia_request (
    id, tracking_number, fiscal_year, requester_id, description, fee_category, fee_waiver,
    expedited, delivery_format, channel, status, track, assignee_id, exemptions, submitted_at,
    received_date, due_date, extension_business_days, paused_business_days,
    clarification_toll_used, status_link_nonce, is_test, created_at, updated_at, version,
    closed_date)
SELECT i,
       'COPS-' || (2017 + i * 10 / :n) || '-' || lpad(i::text, 6, '0'),
       2017 + i * 10 / :n,
       i,
       'Records about grant number ' || i || ' and community policing in district ' || (i % 977),
       'other', false, false, 'electronic', 'web',
       CASE WHEN i % 100 < 90 THEN 'closed' WHEN i % 100 < 95 THEN 'in_progress'
            WHEN i % 100 < 98 THEN 'received' ELSE 'on_hold' END,
       CASE WHEN i % 3 = 0 THEN 'complex' ELSE 'simple' END,
       CASE WHEN i % 7 = 0 THEN NULL ELSE 1 + i % 20 END,
       '[]', now(),
       date '2016-10-01' + (i::bigint * 3650 / :n)::int,
       date '2016-10-01' + (i::bigint * 3650 / :n)::int + 28,
       0, 0, false, 'n', false, now(), now(), 1,
       CASE WHEN i % 100 < 90 THEN date '2016-10-01' + (i::bigint * 3650 / :n)::int + 20 END
FROM generate_series(1, :n) AS i;
"""

VIEWS = {
    "default (open, by due date)": {},
    "overdue": {"overdue": "1"},
    "mine": {"assignee": "mine"},
    "unassigned, complex": {"assignee": "unassigned", "track": "complex"},
    "due within 5 days": {"due_within": "5"},
    "all statuses, by received": {"status": "all", "sort": "received"},
    "closed, by tracking number": {"status": "closed", "sort": "tracking_number"},
    "received date range": {"status": "all", "received_from": "2020-01-01",
                            "received_to": "2020-03-31"},
    "search: tracking number": {"q": "COPS-2022-500000"},
    "search: requester email": {"q": "person424242@example.com"},
    "search: a word": {"q": "district"},
    "search: rare word, open only": {"q": "grant 999999", "status": "open"},
}  # fmt: skip


def percentiles(times: list[float]) -> str:
    """p50 and p99 of `times` (ms), printed side by side."""
    p99 = statistics.quantiles(times, n=100, method="inclusive")[98]
    return f"{statistics.median(times):8.1f} {p99:8.1f}"


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--deep", type=int, default=200, help="the deep page's number")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "FOIA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = parser.parse_args()

    from foia_portal import create_app
    from foia_portal.auth.models import StaffUser
    from foia_portal.extensions import db
    from foia_portal.staff import queue
    from tests.conftest import make_test_config

    admin = sa.create_engine(args.postgres_url, isolation_level="AUTOCOMMIT")
    name = f"foia_bench_queue_{os.getpid()}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        app = create_app(make_test_config(url, Path(tempfile.mkdtemp())))
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            start = time.perf_counter()
            with db.engine.begin() as connection:
                for statement in FILL.split(";\n"):
                    if statement.strip():
                        connection.execute(sa.text(statement), {"n": args.rows})
            # What autovacuum does for a live table: statistics, and the visibility map that
            # lets PostgreSQL answer counts from the indexes alone.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sa.text("VACUUM ANALYZE"))
            print(f"filled {args.rows:,} requests in {time.perf_counter() - start:.0f} s")
            user = db.session.get(StaffUser, 1)
            today = date(2024, 6, 3)
            print(f"{'view':40} {'p50 ms':>8} {'p99 ms':>8} {'rows':>6} {'total':>8}")
            for label, view in VIEWS.items():
                filters, errors = queue.parse_filters(MultiDict(view), user, today=today)
                assert not errors, errors
                page = queue.queue_page(filters)
                times = timed(lambda f=filters: queue.queue_page(f), args.repeat)
                print(f"{label:40} {percentiles(times)} {len(page.rows):6} {page.total:8}")
                # What the staff page runs per view: the page's rows only (its counts are cached
                # for a minute, staff/queue.py `cached_figures`).
                times = timed(lambda f=filters: queue.table_page(f), args.repeat)
                print(f"{'  … staff page: rows only':40} {percentiles(times)}")
                if page.next_cursor:
                    deep = queue.parse_filters(MultiDict(view), user, today=today)[0]
                    # Follow the cursors: a keyset page deep in the list costs what page 1 does.
                    middle = queue.queue_page(deep, with_total=False)
                    number = 1
                    for _ in range(args.deep - 1):
                        if not middle.next_cursor:
                            break
                        deep = queue.parse_filters(
                            MultiDict({**view, "after": middle.next_cursor}), user, today=today
                        )[0]
                        middle = queue.queue_page(deep, with_total=False)
                        number += 1
                    times = timed(lambda f=deep: queue.table_page(f), args.repeat)
                    print(f"{f'  … page {number}, rows only':40} {percentiles(times)}")
            times = timed(lambda: queue.summary(user, today), args.repeat)
            print(f"{'summary (counts at the top)':40} {percentiles(times)}")
            db.session.remove()
            db.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
