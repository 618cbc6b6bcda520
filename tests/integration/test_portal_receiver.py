"""The FOIA.gov Agency API v1.1.0 receiver: POST /api/foia-portal/requests."""

from __future__ import annotations

import base64
import copy
import hashlib
import threading

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from foia_portal.extensions import db
from foia_portal.mail.models import OutboxMessage
from foia_portal.requests import foiagov
from foia_portal.requests.models import Attachment, FoiaRequest, RequestEvent
from tests.helpers import EXE_BYTES, PDF_BYTES, PNG_BYTES

SECRET = "portal-shared-secret-for-tests-0123456789"
URL = "/api/foia-portal/requests"
HEADERS = {"FOIA-API-SECRET": SECRET}


@pytest.fixture
def config_overrides():
    return {"FOIA_PORTAL_SECRET": SECRET, "FOIA_OFFICE_EMAIL": "foia-office@cops.example.gov"}


def file_object(name: str, content: bytes, content_type: str = "application/pdf") -> dict:
    return {
        "filename": name,
        "content_type": content_type,
        "filesize": len(content),
        "filedata": base64.b64encode(content).decode("ascii"),
    }


def portal_payload(request_id: int = 4242, **changes) -> dict:
    """A payload with every published v1.1.0 field, plus two agency-specific ones."""
    payload = {
        "version": "1.1.0",
        "request_id": request_id,
        "agency": "Department of Justice",
        "agency_component_name": "Office of Community Oriented Policing Services",
        "request_description": "All grant award documents for COPS hiring grants made to "
        "Springfield, Illinois, in fiscal year 2024.",
        "name_first": "George",
        "name_last": "Washington",
        "address_line1": "1800 F Street",
        "address_line2": "Suite 400",
        "address_city": "Mount Vernon",
        "address_state_province": "Virginia",
        "address_zip_postal_code": "22121",
        "address_country": "United States",
        "email": "George.Washington@Example.com",
        "phone_number": "+1 202 555 0100",
        "fax_number": "+1 202 555 0199",
        "company_organization": "Mount Vernon Gazette",
        "fee_amount_willing": "$50.00",
        "fee_waiver": "yes",
        "fee_waiver_explanation": "The records will be published for the public.",
        "request_category": "media",
        "expedited_processing": "no",
        "expedited_processing_explanation": "",
        "attachments_supporting_documentation": [file_object("letter.pdf", PDF_BYTES)],
        "pdf": file_object("request.pdf", PDF_BYTES + b"% whole request\n"),
        "testing": False,
        "contract_number": "GS-5547",
        "region": "9",
    }
    payload.update(changes)
    return payload


def post(client, payload, headers=HEADERS):
    return client.post(URL, json=payload, headers=headers)


def stored_requests() -> list[FoiaRequest]:
    return list(db.session.scalars(sa.select(FoiaRequest).order_by(FoiaRequest.id)))


# --- authentication ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"FOIA-API-SECRET": ""}, {"FOIA-API-SECRET": "wrong"}, {"FOIA-API-SECRET": SECRET + "x"}],
    ids=["missing", "empty", "wrong", "longer"],
)
def test_a_missing_or_wrong_secret_is_refused_in_the_portal_format(client, headers):
    response = post(client, portal_payload(), headers)

    assert response.status_code == 401
    body = response.get_json()
    assert set(body) == {"code", "message", "description"}
    assert body["code"] == "unauthorized"
    assert stored_requests() == []


@pytest.mark.parametrize("config_overrides", [{"FOIA_PORTAL_SECRET": None}])
def test_without_a_configured_secret_every_submission_is_refused(client):
    response = post(client, portal_payload(), {"FOIA-API-SECRET": "anything"})

    assert response.status_code == 401
    assert "FOIA_PORTAL_SECRET" in response.get_json()["description"]


def test_the_secret_is_compared_in_constant_time(app, monkeypatch):
    calls = []
    real = foiagov.hmac.compare_digest
    monkeypatch.setattr(
        foiagov.hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b)
    )
    with app.test_request_context():
        assert foiagov.secret_is_valid(SECRET)
        assert not foiagov.secret_is_valid("nope")
    assert len(calls) == 2


# --- refusing what is not the portal's JSON ---------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"request_description": None}, "request_description"),
        ({"request_description": "   "}, "request_description"),
        ({"request_id": None}, "request_id"),
        ({"request_id": "abc"}, "request_id"),
        ({"request_id": True}, "request_id"),
        ({"request_id": 0}, "request_id"),
        ({"version": None}, "version"),
        ({"agency": None}, "agency"),
        ({"agency_component_name": None}, "agency_component_name"),
        ({"fee_waiver": "maybe"}, "fee_waiver"),
        ({"expedited_processing": 3}, "expedited_processing"),
        ({"testing": "perhaps"}, "testing"),
        ({"email": ["a@example.com"]}, "email"),
        ({"attachments_supporting_documentation": "letter.pdf"},
         "attachments_supporting_documentation"),
        ({"attachments_supporting_documentation": [{"filename": "x.pdf", "filedata": "%%%"}]},
         "attachments_supporting_documentation"),
        ({"pdf": {"filename": "r.pdf"}}, "pdf"),
    ],
)  # fmt: skip
def test_a_payload_that_is_not_the_portals_json_is_refused_with_400(client, changes, field):
    response = post(client, portal_payload(**changes))

    assert response.status_code == 400
    body = response.get_json()
    assert set(body) == {"code", "message", "description"}
    assert field in body["description"]
    assert stored_requests() == []


def test_a_missing_request_description_is_named_in_the_error(client):
    payload = portal_payload()
    del payload["request_description"]

    response = post(client, payload)

    assert response.status_code == 400
    assert response.get_json()["code"] == "missing_field"
    assert "request_description: is required" in response.get_json()["description"]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        ("{not json", "application/json", 400, "invalid_request"),
        ("[1, 2]", "application/json", 400, "invalid_field"),
        ("request_id=1", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ],
)
def test_a_body_that_is_not_json_gets_a_portal_format_error(
    client, body, content_type, status, code
):
    response = client.post(URL, data=body, content_type=content_type, headers=HEADERS)

    assert response.status_code == status
    assert response.get_json()["code"] == code
    assert set(response.get_json()) == {"code", "message", "description"}


def test_other_methods_are_answered_in_the_portal_format(client):
    response = client.get(URL, headers=HEADERS)

    assert response.status_code == 405
    assert set(response.get_json()) == {"code", "message", "description"}


# --- receiving -----------------------------------------------------------------------------


def test_a_portal_request_is_stored_through_intake_and_answered_in_the_portal_format(client):
    response = post(client, portal_payload())

    assert response.status_code == 200
    body = response.get_json()
    [stored] = stored_requests()
    assert body == {"id": stored.id, "status_tracking_number": stored.tracking_number}
    assert stored.channel == "foia_gov"
    assert stored.status == "received"
    assert stored.portal_request_id == 4242
    assert stored.due_date > stored.received_date
    assert stored.requester.first_name == "George"
    assert stored.requester.last_name == "Washington"
    assert stored.requester.email == "george.washington@example.com"
    assert stored.requester.street == "1800 F Street, Suite 400"
    assert stored.requester.zip_code == "22121"
    assert stored.requester.organization == "Mount Vernon Gazette"
    assert stored.fee_limit == 50
    assert stored.fee_waiver is True
    assert stored.fee_waiver_reason == "The records will be published for the public."
    assert stored.expedited is False
    assert [e.kind for e in stored.events] == ["received", "foia_gov_received"]


def test_the_payload_is_kept_with_agency_fields_and_without_file_data(client):
    post(client, portal_payload())

    [stored] = stored_requests()
    kept = stored.portal_payload
    assert kept["contract_number"] == "GS-5547"
    assert kept["region"] == "9"
    assert kept["fax_number"] == "+1 202 555 0199"
    assert kept["request_category"] == "media"
    assert "filedata" not in kept["pdf"]
    assert kept["pdf"]["filename"] == "request.pdf"
    assert all("filedata" not in a for a in kept["attachments_supporting_documentation"])


def test_staff_see_the_portal_only_fields_in_a_private_timeline_note(client):
    post(client, portal_payload())

    [stored] = stored_requests()
    note = next(e for e in stored.events if e.kind == "foia_gov_received")
    assert note.public is False
    assert "contract_number: GS-5547" in note.message
    assert "Fax: +1 202 555 0199" in note.message
    assert "“media”" in note.message
    assert note.details["agency_fields"] == {"contract_number": "GS-5547", "region": "9"}


def test_supporting_documents_and_the_portals_pdf_are_stored_as_attachments(client, app):
    post(client, portal_payload())

    [stored] = stored_requests()
    names = [a.original_filename for a in stored.attachments]
    assert names == ["letter.pdf", "request.pdf"]
    for attachment in stored.attachments:
        assert attachment.content_type == "application/pdf"
        path = foiagov.current_app.config["UPLOAD_FOLDER"] + "/" + attachment.stored_name
        with open(path, "rb") as stored_file:
            assert stored_file.read().startswith(b"%PDF-1.4")


@pytest.mark.parametrize(
    ("portal_category", "ours"),
    [
        ("individual", "other"),
        ("media", "news_media"),
        ("Representative of the news media", "news_media"),
        ("educational", "educational"),
        ("Educational Institution", "educational"),
        ("scientific", "scientific"),
        ("Non-commercial scientific institution", "scientific"),
        ("commercial", "commercial"),
        ("Commercial use", "commercial"),
        ("All other", "other"),
        (None, "other"),
        ("something new", "other"),
    ],
)
def test_the_portals_request_category_maps_to_our_fee_category(client, portal_category, ours):
    post(client, portal_payload(request_category=portal_category))

    [stored] = stored_requests()
    assert stored.fee_category == ours
    assert stored.portal_payload["request_category"] == portal_category


def test_the_requester_gets_the_confirmation_and_staff_the_notice(client):
    post(client, portal_payload())

    recipients = set(db.session.scalars(sa.select(OutboxMessage.recipient)))
    assert "george.washington@example.com" in recipients
    assert "foia-office@cops.example.gov" in recipients


def test_a_portal_request_shows_up_in_the_staff_queue_like_any_other(client):
    from foia_portal.staff import queue

    post(client, portal_payload())

    filters, errors = queue.parse_filters(MultiDict())
    page = queue.queue_page(filters)
    assert errors == {}
    assert [row.foia_request.portal_request_id for row in page.rows] == [4242]


# --- test submissions ------------------------------------------------------------------------


def test_a_testing_submission_is_stored_flagged_and_sends_no_email(client):
    response = post(client, portal_payload(testing=True))

    assert response.status_code == 200
    [stored] = stored_requests()
    assert stored.is_test is True
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_a_testing_submission_is_kept_out_of_the_staff_queue(client):
    from foia_portal.staff import queue

    post(client, portal_payload(testing=True))

    filters, _ = queue.parse_filters(MultiDict())
    assert queue.queue_page(filters).rows == []


# --- repeats ---------------------------------------------------------------------------------


def test_a_repeated_request_id_gets_the_first_answer_and_creates_nothing(client):
    first = post(client, portal_payload())
    again = post(client, portal_payload(request_description="A retry with other text entirely."))

    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert len(stored_requests()) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 2


def test_different_request_ids_are_different_requests(client):
    first = post(client, portal_payload(request_id=1))
    second = post(client, portal_payload(request_id=2))

    assert first.get_json()["id"] != second.get_json()["id"]
    assert len(stored_requests()) == 2


def test_simultaneous_repeats_create_one_request_and_get_one_answer(app, db_dialect):
    if db_dialect != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL's concurrency")
    attempts = 5  # the portal retries up to five times
    barrier = threading.Barrier(attempts)
    answers: list = [None] * attempts

    def deliver(index: int) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(URL, json=portal_payload(request_id=777), headers=HEADERS)
        answers[index] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    db.session.remove()
    stored = stored_requests()
    assert len(stored) == 1
    expected = (200, {"id": stored[0].id, "status_tracking_number": stored[0].tracking_number})
    assert answers == [expected] * attempts
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 2
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(RequestEvent)
            .where(RequestEvent.kind == "received")
        )
        == 1
    )


# --- the limits the portal promises: 10,000 characters, 20 MB -----------------------------------


def test_ten_thousand_character_texts_are_kept_whole(client):
    long_text = ("Records about community policing grants. " * 300)[:10_000]
    payload = portal_payload(
        request_description=long_text,
        fee_waiver_explanation=long_text,
        expedited_processing="yes",
        expedited_processing_explanation=long_text,
        name_first="G" * 10_000,
    )

    response = post(client, payload)

    assert response.status_code == 200
    [stored] = stored_requests()
    assert stored.description == long_text
    assert stored.fee_waiver_reason == long_text
    assert stored.expedited_reason == long_text
    assert stored.expedited is True
    # A name longer than its column is cut there, kept whole in the payload, and noted for staff.
    assert stored.requester.first_name == "G" * 100
    assert stored.portal_payload["name_first"] == "G" * 10_000
    note = next(e for e in stored.events if e.kind == "foia_gov_received")
    assert "name_first is 10,000 characters" in note.message


@pytest.mark.slow
def test_a_twenty_megabyte_attachment_is_received_and_stored_intact(client, app):
    limit = app.config["MAX_ATTACHMENT_BYTES"]
    assert limit == 20 * 1024 * 1024
    content = PDF_BYTES + b"0" * (limit - len(PDF_BYTES))
    payload = portal_payload(
        attachments_supporting_documentation=[file_object("big.pdf", content)],
    )

    response = post(client, payload)

    assert response.status_code == 200
    [stored] = stored_requests()
    big = next(a for a in stored.attachments if a.original_filename == "big.pdf")
    assert big.size_bytes == limit
    assert big.sha256 == hashlib.sha256(content).hexdigest()


def test_a_file_over_twenty_megabytes_is_not_stored_but_the_request_is(client, app):
    content = PDF_BYTES + b"0" * app.config["MAX_ATTACHMENT_BYTES"]
    payload = portal_payload(
        attachments_supporting_documentation=[file_object("huge.pdf", content)]
    )

    response = post(client, payload)

    assert response.status_code == 200
    [stored] = stored_requests()
    assert [a.original_filename for a in stored.attachments] == ["request.pdf"]
    note = next(e for e in stored.events if e.kind == "foia_gov_received")
    assert "“huge.pdf” is larger than 20 MB" in note.message


def test_an_attachment_of_a_refused_type_is_named_for_staff_and_the_request_kept(client):
    payload = portal_payload(
        attachments_supporting_documentation=[
            file_object("photo.png", PNG_BYTES, "image/png"),
            file_object("tool.exe", EXE_BYTES, "application/octet-stream"),
        ]
    )

    response = post(client, payload)

    assert response.status_code == 200
    [stored] = stored_requests()
    assert [a.original_filename for a in stored.attachments] == ["photo.png", "request.pdf"]
    note = next(e for e in stored.events if e.kind == "foia_gov_received")
    assert "“tool.exe” is not a" in note.message


@pytest.mark.parametrize(
    "config_overrides", [{"FOIA_PORTAL_SECRET": SECRET, "MAX_ATTACHMENT_BYTES": 1024}]
)
def test_a_body_larger_than_the_portal_limit_is_refused_before_it_is_read(client, app):
    with app.test_request_context():
        limit = foiagov.body_limit()
    response = client.post(
        URL,
        data=b"{" + b" " * (limit + 1) + b"}",
        content_type="application/json",
        headers=HEADERS,
    )

    assert response.status_code == 413
    assert response.get_json()["code"] == "too_large"


# --- reading helpers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [("25", "25.00"), ("$1,000.50", "1000.50"), ("", None), ("no limit", None), ("-5", None),
     ("NaN", None), ("1e400", None)],
)  # fmt: skip
def test_fee_amounts_are_read_from_the_portals_text(text, amount):
    result = foiagov.parse_fee_limit(text)
    assert (str(result) if result is not None else None) == amount


def test_an_invalid_email_is_kept_in_the_payload_and_noted_for_staff(client):
    post(client, portal_payload(email="not an address"))

    [stored] = stored_requests()
    assert stored.requester.email == ""
    assert stored.portal_payload["email"] == "not an address"
    note = next(e for e in stored.events if e.kind == "foia_gov_received")
    assert "is not valid" in note.message


def test_the_payload_given_is_not_changed_by_reading_it():
    payload = portal_payload()
    before = copy.deepcopy(payload)
    kept = foiagov.without_file_data(payload)
    assert payload == before
    assert "filedata" not in kept["pdf"]


def test_a_request_without_names_is_stored_and_the_gap_noted(client):
    payload = portal_payload(name_first=None, name_last="")

    response = post(client, payload)

    assert response.status_code == 200
    [stored] = stored_requests()
    assert stored.requester.first_name == foiagov.NAME_NOT_GIVEN
    assert stored.requester.last_name == foiagov.NAME_NOT_GIVEN
    note = next(e for e in stored.events if e.kind == "foia_gov_received")
    assert "No name_first was given" in note.message
