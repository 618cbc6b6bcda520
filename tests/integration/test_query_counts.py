"""SQL statements per page must not grow with the number of rows a page shows (no N+1).

Each page is rendered once with 3 rows and once with 30 (FAQs, requests, timeline events),
counting the statements sent to the database with a `before_cursor_execute` listener. The count
must be the same: a page that lazily loads one relationship per row would send 27 more. Data
comes from the benchmark's seeding (bench/seed.py), so rows have realistic timelines: assignees,
holds, extensions, closures.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from bench import seed
from tests.fixtures.staff import login
from tests.helpers import counted_statements

SMALL, LARGE = 3, 30


@pytest.fixture
def config_overrides():
    # What must not grow is the work of rendering a page: a page served from the page cache
    # (tests/integration/test_page_cache.py covers it) or queue figures cached a minute would hide it.
    return {"PAGE_CACHE_ENABLED": False, "CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}


def statements_for(client, path: str, public: bool) -> list[str]:
    """Statements of one GET, after a first GET has warmed whatever is loaded once.

    A public page must also set no cookie, so that it can be cached.
    """
    from foia_portal.extensions import db

    first = client.get(path)
    assert first.status_code == 200, (path, first.status_code)
    db.session.remove()  # what a new request in a real server starts with
    with counted_statements() as statements:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    if public:
        assert "Set-Cookie" not in response.headers, path
    db.session.remove()
    return statements


# -- building the rows ---------------------------------------------------------------------


def grow_faqs(count: int) -> None:
    from foia_portal.extensions import db

    seed.seed_faqs(db.engine, count)


def first_faq_slug() -> str:
    from foia_portal.extensions import db
    from foia_portal.faq.models import Faq

    return db.session.scalar(
        sa.select(Faq.slug).where(Faq.published.is_(True)).order_by(Faq.id).limit(1)
    )


def grow_requests(count: int) -> None:
    """`count` requests or so, with the seeding's timelines (the queue shows open ones)."""
    from foia_portal.extensions import db

    seed.seed_requests(db.engine, count)


def grow_timeline(foia_request_id: int, count: int) -> None:
    """Bring a request's timeline to `count` public events by different staff, with holds."""
    from foia_portal.extensions import db
    from foia_portal.requests.models import FoiaRequest, HoldPeriod, RequestEvent

    officers = seed.seed_staff(db.engine)
    foia_request = db.session.get(FoiaRequest, foia_request_id)
    have = len(foia_request.events)
    start = date(2026, 10, 6)
    for n in range(have, count):
        asked = n % 2 == 0
        day = start + timedelta(days=n)
        if asked:
            db.session.add(
                HoldPeriod(request=foia_request, reason="clarification", started_on=day,
                           ended_on=day + timedelta(days=1))
            )  # fmt: skip
        db.session.add(
            RequestEvent(
                request=foia_request,
                kind="request_info" if asked else "resume",
                public=True,
                message="Please tell us which grant years you mean." if asked else None,
                actor_id=officers[1 + n % (len(officers) - 1)],
                created_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC),
                details={"reason": "clarification"} if asked else {},
                due_date=foia_request.due_date,
            )
        )
    db.session.commit()


# -- the pages -------------------------------------------------------------------------------


def faq_index(context, rows: int) -> str:
    grow_faqs(rows)
    return "/faq"


def faq_article(context, rows: int) -> str:
    grow_faqs(rows)
    return f"/faq/{first_faq_slug()}"


def faq_search(context, rows: int) -> str:
    grow_faqs(rows)
    # Every seeded answer says "see also the questions about …": all rows match.
    return "/faq/search?q=questions"


def status_page(context, rows: int) -> str:
    grow_timeline(context["id"], rows)
    return f"/foia/status/{context['token']}"


def staff_queue(context, rows: int) -> str:
    grow_requests(rows)
    return "/staff/"


def staff_queue_overdue(context, rows: int) -> str:
    grow_requests(rows)
    return "/staff/?overdue=1&sort=due_date"


def staff_request_page(context, rows: int) -> str:
    grow_timeline(context["id"], rows)
    return f"/staff/requests/{context['tracking_number']}"


PAGES: dict[str, tuple[Callable[[dict, int], str], bool]] = {
    # name: (build rows and return the path, signed in?)
    "faq_index": (faq_index, False),
    "faq_article": (faq_article, False),
    "faq_search": (faq_search, False),
    "status_page": (status_page, False),
    "staff_queue": (staff_queue, True),
    "staff_queue_overdue": (staff_queue_overdue, True),
    "staff_request_page": (staff_request_page, True),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_statements_per_page_do_not_grow_with_rows(page, client, officer, make_request):
    from foia_portal.requests.status_links import status_token

    build, signed_in = PAGES[page]
    foia_request = make_request()
    context = {
        "id": foia_request.id,
        "tracking_number": foia_request.tracking_number,
        "token": status_token(foia_request),
    }
    if signed_in:
        assert login(client, officer).status_code == 303

    small = statements_for(client, build(context, SMALL), public=not signed_in)
    large = statements_for(client, build(context, LARGE), public=not signed_in)

    assert len(large) == len(small), (
        f"{page}: {len(small)} statements with {SMALL} rows, {len(large)} with {LARGE}:\n"
        + "\n".join(large)
    )


def test_the_counter_sees_a_page_that_loads_one_row_at_a_time(app, make_request):
    """The listener really counts: lazily loading each request's requester grows with rows."""
    from foia_portal.extensions import db
    from foia_portal.requests.models import FoiaRequest

    def lazy_page() -> int:
        db.session.remove()
        with counted_statements() as statements:
            for foia_request in db.session.scalars(
                sa.select(FoiaRequest).options(sa.orm.lazyload(FoiaRequest.requester))
            ):
                assert foia_request.requester.email
        return len(statements)

    make_request()
    one = lazy_page()
    make_request()
    make_request()
    assert lazy_page() == one + 2
