"""POST /api/v1/requests: filing a request as JSON, with the web form's rules."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from foia_portal.extensions import db
from foia_portal.mail.models import OutboxMessage
from foia_portal.requests.models import FoiaRequest

URL = "/api/v1/requests"


def stored() -> list[FoiaRequest]:
    return list(db.session.scalars(sa.select(FoiaRequest)))


def test_a_valid_request_is_filed_and_answered_with_201(client, valid_request_fields):
    response = client.post(URL, json=valid_request_fields)

    assert response.status_code == 201
    body = response.get_json()
    [foia_request] = stored()
    assert body["tracking_number"] == foia_request.tracking_number
    assert body["status"] == "received"
    assert body["due_date"] == foia_request.due_date.isoformat()
    assert body["received_date"] == foia_request.received_date.isoformat()
    assert body["channel"] == "api"
    assert body["status_url"].startswith("http://127.0.0.1:5000/foia/status/")
    assert response.headers["Location"] == f"/api/v1/requests/{foia_request.tracking_number}"
    assert foia_request.channel == "api"
    assert foia_request.requester.email == "ada@example.com"
    assert str(foia_request.fee_limit) == "50.00"


def test_the_requester_gets_a_confirmation_email(client, valid_request_fields):
    client.post(URL, json=valid_request_fields)

    recipients = list(db.session.scalars(sa.select(OutboxMessage.recipient)))
    assert "ada@example.com" in recipients


def test_the_status_link_opens_the_requesters_page(client, valid_request_fields):
    body = client.post(URL, json=valid_request_fields).get_json()

    page = client.get(body["status_url"].removeprefix("http://127.0.0.1:5000"))

    assert page.status_code == 200
    assert body["tracking_number"] in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "field", "message_part"),
    [
        ({"first_name": ""}, "first_name", "first name"),
        ({"email": "not-an-address"}, "email", "Enter an email address like"),
        ({"description": "too short"}, "description", "20 to 10,000"),
        ({"description": "x" * 10_001}, "description", "20 to 10,000"),
        ({"fee_category": "pirate"}, "fee_category", ""),
        ({"fee_limit": -1}, "fee_limit", "from 0 to 1,000,000 dollars"),
        ({"fee_limit": "lots"}, "fee_limit", ""),
        ({"fee_limit": "1e3"}, "fee_limit", "in numbers"),
        ({"fee_limit": "1_000"}, "fee_limit", "in numbers"),
        ({"fee_limit": "NaN"}, "fee_limit", "in numbers"),
        ({"fee_limit": 2_000_000}, "fee_limit", "1,000,000"),
        ({"last_name": "\r"}, "last_name", "last name"),
        ({"first_name": "Ada\u0007"}, "first_name", "control characters"),
        ({"fee_waiver": True}, "fee_waiver_reason", "waived"),
        ({"expedited": True, "expedited_reason": "A threat.", "expedited_certified": False},
         "expedited_certified", "certify"),
        ({"expedited": "yes"}, "expedited", "true or false"),
        ({"date_from": "2024-05-01", "date_to": "2024-01-01"}, "date_to", "before the start"),
        ({"date_from": "yesterday"}, "date_from", ""),
        ({"favourite_colour": "blue"}, "favourite_colour", "Unknown field"),
        ({"first_name": 42}, "first_name", "string"),
    ],
)  # fmt: skip
def test_an_invalid_field_is_answered_422_with_its_message(
    client, valid_request_fields, changes, field, message_part
):
    response = client.post(URL, json={**valid_request_fields, **changes})

    assert response.status_code == 422
    body = response.get_json()
    assert field in body["errors"]
    assert message_part.lower() in " ".join(body["errors"][field]).lower()
    assert stored() == []


def test_a_body_that_is_not_an_object_is_a_422_on_the_body(client):
    response = client.post(URL, json=["a", "list"])

    assert response.status_code == 422
    assert "_body" in response.get_json()["errors"]


def test_a_ten_thousand_character_description_is_accepted(client, valid_request_fields):
    text = ("Grant files for community policing. " * 300)[:10_000]

    response = client.post(URL, json={**valid_request_fields, "description": text})

    assert response.status_code == 201
    assert stored()[0].description == text


@pytest.mark.parametrize(
    "config_overrides", [{"RATELIMIT_ENABLED": True, "RATELIMIT_SUBMISSIONS": "2 per hour"}]
)
def test_submissions_are_rate_limited_like_the_form(client, valid_request_fields):
    from foia_portal.extensions import limiter

    limiter.reset()
    answers = [client.post(URL, json=valid_request_fields).status_code for _ in range(3)]

    assert answers == [201, 201, 429]
    last = client.post(URL, json=valid_request_fields)
    assert last.get_json()["error"].startswith("Too many requests")
    assert "Retry-After" in last.headers
    assert len(stored()) == 2
