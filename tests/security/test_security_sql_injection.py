"""SQL injection: hostile values in searches, filters, sort orders and cursors are refused with a
message naming the parameter, or searched for as plain text; never a 500, never extra rows, and
the tables are all still there afterwards.

Every query is built with SQLAlchemy expressions and bound parameters; sort orders come from a
fixed table (staff/queue.py SORTS); LIKE searches escape % and _ (autoescape); FAQ search words
are quoted before they reach FTS5 or tsquery (faq/search.py). scripts/sqlmap_check.sh runs sqlmap
against the same endpoints over HTTP; the result is recorded in docs/sqlmap.md.
"""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from foia_portal.auth import services as accounts
from foia_portal.extensions import db
from foia_portal.faq.models import Faq
from foia_portal.requests.models import FoiaRequest
from tests.fixtures.staff import login

HOSTILE = [
    "' OR '1'='1",
    "' OR 1=1 --",
    '") OR 1=1 --',
    "1; DROP TABLE foia_request; --",
    "'; DELETE FROM faq; --",
    "x' UNION SELECT email, password_hash FROM staff_user --",
    "1' AND SLEEP(5) --",
    "'; SELECT pg_sleep(5); --",
    "%",
    "_",
    "%' --",
    "\\",
    "*",
    'NEAR("a" "b")',
    "a OR b AND NOT c",
    "col:value",
    "&|!<->:*",
    '"unterminated',
    "\u0000",
]


@pytest.fixture
def seeded(app, make_request):
    from foia_portal.faq import services as faq_services

    numbers = [
        make_request(
            first_name=name, last_name="Tester", email=f"{name.lower()}@example.com"
        ).tracking_number
        for name in ("Ada", "Grace", "Edsger")
    ]
    for question in ("How do I file a request?", "What does it cost?", "How long does it take?"):
        faq_services.create_faq(category="General", question=question, answer=f"About {question}")
    db.session.commit()
    return numbers


def assert_nothing_dropped(numbers_before: int = 3) -> None:
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FoiaRequest)) == numbers_before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Faq)) == 3


def test_faq_search_takes_any_text_as_words(client, seeded):
    for hostile, url in itertools.product(HOSTILE, ("/faq/search", "/api/v1/faq")):
        response = client.get(url, query_string={"q": hostile})
        assert response.status_code in (200, 422), (url, response.status_code)
        if url.startswith("/api/") and response.status_code == 200:
            # Only words count ("request" in "foia_request" finds the FAQ about requests): the
            # payload never turns into a condition true for every row.
            assert response.get_json()["total"] < 3, hostile
    assert_nothing_dropped()


@pytest.fixture
def staff(client, officer):
    login(client, officer)
    return client


def test_the_staff_search_matches_hostile_text_literally(staff, seeded):
    for hostile in HOSTILE:
        page = staff.get("/staff/", query_string={"q": hostile, "status": "all"})
        html = page.get_data(as_text=True)
        if page.status_code == 422:
            # Refused: said so at the search box.
            assert "usa-error-message" in html
        elif hostile.isprintable():
            assert page.status_code == 200
            for number in seeded:
                assert number not in html, f"{hostile!r} matched {number}"
        else:
            assert page.status_code == 200  # nothing printable: no search at all
    assert_nothing_dropped()


def test_invalid_utf8_in_query_strings_is_harmless(staff, seeded):
    for raw in ("%ED%A0%80", "%FF%FE", "%C0%A7%20OR%201=1", "%00%27"):
        for url in (f"/faq/search?q={raw}", f"/api/v1/faq?q={raw}", f"/staff/?status=all&q={raw}"):
            response = staff.get(url)
            assert response.status_code in (200, 422), url
    assert_nothing_dropped()


FILTERS = ["status", "track", "sort", "assignee", "after", "before", "per_page", "due_within",
           "received_from", "received_to"]  # fmt: skip


def test_hostile_filter_values_are_refused_naming_the_parameter(staff, seeded, officer):
    token = accounts.issue_api_token(officer)
    db.session.commit()
    for parameter, hostile in itertools.product(FILTERS, HOSTILE[:8]):
        page = staff.get("/staff/", query_string={parameter: hostile})
        assert page.status_code == 422, (parameter, hostile)
        html = page.get_data(as_text=True)
        # Listed in the error summary, linked to the filter it concerns.
        assert f'href="#filter-{parameter}"' in html, parameter

        api = staff.get(
            "/api/v1/staff/requests",
            query_string={parameter: hostile},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert api.status_code == 422, (parameter, hostile)
        assert parameter in api.get_json()["errors"]
    assert_nothing_dropped()


def test_hostile_tracking_numbers_and_emails_find_nothing(client, seeded):
    for hostile in HOSTILE:
        for data in (
            {"tracking_number": hostile, "email": "ada@example.com"},
            {"tracking_number": seeded[0], "email": hostile},
        ):
            response = client.post("/foia/status", data=data)
            assert response.status_code in (404, 422), data
            assert "Tester" not in response.get_data(as_text=True)
        api = client.get(f"/api/v1/requests/{seeded[0]}", query_string={"email": hostile})
        assert api.status_code in (404, 422)
        assert "Tester" not in api.get_data(as_text=True)
    assert_nothing_dropped()


OTHER_STAFF_URLS = [
    ("/staff/audit?before=1%20OR%201=1", 200),
    ("/staff/reports/annual?fy=2024%20OR%201=1", 422),
    ("/staff/reports/annual?fy=2024;DROP%20TABLE%20faq", 422),
    ("/staff/requests/COPS-2027-000001'%20OR%20'1'='1", 404),
    ("/staff/queue.csv?sort=due_date;DROP%20TABLE%20faq", 422),
]


def test_other_staff_parameters_refuse_or_ignore_hostile_values(client, admin, seeded):
    login(client, admin)
    for url, status in OTHER_STAFF_URLS:
        assert client.get(url).status_code == status, url
    assert_nothing_dropped()
