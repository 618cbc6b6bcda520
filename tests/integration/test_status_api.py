"""GET /api/v1/requests/<tracking_number>?email=: the public view, to the requester only."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from foia_portal.extensions import limiter
from foia_portal.requests.public_view import public_view
from foia_portal.requests.uploads import CheckedUpload
from tests.helpers import PDF_BYTES

CONTRACT_KEYS = {
    "tracking_number", "status", "track", "received_date", "due_date",
    "estimated_completion_date", "disposition", "timeline",
}  # fmt: skip
# Friday 20 November 2026, 10:00 Eastern.
SUBMITTED_AT = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
NOT_FOUND = {"error": "No request matches this tracking number and email address."}


def lookup(client, number: str, email: str | None = "ada@example.com"):
    query = {} if email is None else {"email": email}
    return client.get(f"/api/v1/requests/{number}", query_string=query)


def test_the_requester_gets_the_public_view(client, file_request):
    foia_request = file_request(submitted_at=SUBMITTED_AT)

    response = lookup(client, foia_request.tracking_number)

    assert response.status_code == 200
    body = response.get_json()
    assert body.keys() >= CONTRACT_KEYS
    assert body["tracking_number"] == foia_request.tracking_number
    assert body["status"] == "received"
    assert body["track"] is None
    assert body["received_date"] == "2026-11-20"
    assert body["due_date"] == "2026-12-21"
    assert body["estimated_completion_date"] is None
    assert body["disposition"] is None
    assert [(e["kind"], e["date"]) for e in body["timeline"]] == [("received", "2026-11-20")]
    assert body["deadline"]["holidays_skipped"] == [
        {"date": "2026-11-26", "name": "Thanksgiving Day"}
    ]
    assert body["deadline"]["total_business_days"] == 20
    assert any("Thanksgiving" in sentence for sentence in body["deadline"]["explanation"])
    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("number", "email"),
    [
        ("cops-2027-000001", "ada@example.com"),
        ("COPS-2027-000001", "  ADA@Example.COM "),
        (" cops-2027-000001 ", "Ada@example.com"),
    ],
)
def test_case_and_whitespace_are_forgiven(client, file_request, number, email):
    file_request(submitted_at=SUBMITTED_AT)
    assert lookup(client, number, email).status_code == 200


def test_a_wrong_email_and_an_unknown_number_get_the_same_404(client, file_request):
    foia_request = file_request(submitted_at=SUBMITTED_AT)

    wrong_email = lookup(client, foia_request.tracking_number, "eve@example.com")
    unknown_number = lookup(client, "COPS-2027-999999")
    malformed = lookup(client, "not-a-number")

    for response in (wrong_email, unknown_number, malformed):
        assert response.status_code == 404
        assert response.get_json() == NOT_FOUND


@pytest.mark.parametrize("email", [None, "", "   "])
def test_a_missing_email_is_a_clear_422(client, file_request, email):
    foia_request = file_request()
    response = lookup(client, foia_request.tracking_number, email)
    assert response.status_code == 422
    assert "email" in response.get_json()["errors"]


def test_the_view_follows_the_request_through_the_workflow(
    client, file_request, act, officer, make_user
):
    foia_request = file_request(submitted_at=SUBMITTED_AT)
    boss = make_user("boss@cops.example.gov", "Bertha Boss", role="admin")
    act(foia_request, "acknowledge", officer, today=date(2026, 11, 23), track="complex")
    act(foia_request, "assign", boss, assignee=officer.email)
    act(foia_request, "note", boss, text="Internal: the mayor's office called about this.")
    act(
        foia_request, "request_info", officer, today=date(2026, 11, 24),
        message="Please narrow the date range.",
    )  # fmt: skip
    act(foia_request, "resume", officer, today=date(2026, 12, 1), answered_on=date(2026, 12, 1))
    act(foia_request, "extend", officer, today=date(2026, 12, 2), reason="voluminous_records")
    act(
        foia_request, "close", officer, today=date(2026, 12, 10),
        disposition="partial_grant", exemptions=["b6", "b7C"],
        message="We release 1 record in part.",
        released=[CheckedUpload("grant-award.pdf", "application/pdf", PDF_BYTES)],
    )  # fmt: skip

    body = lookup(client, foia_request.tracking_number).get_json()

    assert (body["status"], body["track"], body["disposition"]) == (
        "closed", "complex", "partial_grant",
    )  # fmt: skip
    assert [e["code"] for e in body["exemptions"]] == ["b6", "b7C"]
    kinds = [e["kind"] for e in body["timeline"]]
    assert kinds == ["received", "acknowledged", "information_requested", "resumed",
                     "extended", "closed"]  # fmt: skip
    messages = [e["message"] for e in body["timeline"] if e["message"]]
    assert "Please narrow the date range." in messages
    assert "We release 1 record in part." in messages
    deadline = body["deadline"]
    assert deadline["extension_business_days"] == 10
    # Paused 24 November to 1 December: 25, 27, 30 November and 1 December (Thanksgiving skipped).
    assert deadline["paused_business_days"] == 4
    assert deadline["total_business_days"] == 34
    assert deadline["pauses"][0]["start"] == "2026-11-24"
    assert body["estimated_completion_date"] is not None
    [record] = body["released_records"]
    assert record["filename"] == "grant-award.pdf"
    assert record["download_url"] is None  # downloads only through the signed link
    assert body["assigned_officer"]["name"] == officer.name

    text = json.dumps(body)
    assert "mayor" not in text  # internal note
    assert "Bertha" not in text and "boss@" not in text  # other staff
    assert officer.email not in text  # staff mailboxes are not published
    assert "1 Main Street" not in text and "555-0100" not in text  # requester's own details


def test_public_view_serialises_every_date_as_iso_text(app, file_request):
    foia_request = file_request(submitted_at=SUBMITTED_AT)
    body = public_view(foia_request)
    assert json.loads(json.dumps(body)) == body  # nothing but JSON types
    assert body["submitted_at"] == "2026-11-20T15:00:00+00:00"


@pytest.mark.parametrize(
    "config_overrides", [{"RATELIMIT_ENABLED": True, "RATELIMIT_STATUS_LOOKUPS": "3 per minute"}]
)
def test_api_lookups_count_against_the_status_lookup_limit(client, file_request):
    limiter.reset()
    foia_request = file_request()
    for _ in range(2):
        assert lookup(client, foia_request.tracking_number, "eve@example.com").status_code == 404
    form = client.post(
        "/foia/status", data={"tracking_number": "COPS-2027-999999", "email": "eve@example.com"}
    )
    assert form.status_code == 404
    blocked = lookup(client, foia_request.tracking_number)
    assert blocked.status_code == 429
    assert "error" in blocked.get_json()
    limiter.reset()
