"""Messages both ways (issue 21): the staff `message` action, the requester's reply on the status
page, a reply ending the toll, the one conversation on both sides and "reply waiting"."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from foia_portal.extensions import db
from foia_portal.mail.models import OutboxMessage
from foia_portal.mail.outbox import reply_to_address
from foia_portal.requests.status_links import status_url
from foia_portal.staff.services import perform_action
from tests.fixtures.staff import login

DAY = date(2026, 10, 15)


def emails(kind: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        )
    )


def link_path(app, foia_request) -> str:
    with app.test_request_context("/"):
        return status_url(foia_request)


@pytest.fixture
def foia_request(make_request):
    return make_request()


@pytest.fixture
def acknowledged(foia_request, officer):
    perform_action(foia_request, "acknowledge", officer, {"track": "simple"}, today=DAY)
    db.session.commit()
    return foia_request


# --- 1. the staff `message` action --------------------------------------------------------------


def test_a_message_changes_neither_status_nor_clock_and_is_emailed_with_a_way_to_reply(
    app, acknowledged, officer
):
    before = (acknowledged.status, acknowledged.due_date, acknowledged.paused_business_days)
    event = perform_action(
        acknowledged, "message", officer, {"message": "We found 3 boxes.\nMore soon."}, today=DAY
    )
    db.session.commit()
    assert (acknowledged.status, acknowledged.due_date, acknowledged.paused_business_days) == before
    assert event.kind == "message" and event.public and event.actor_id == officer.id
    assert event.message == "We found 3 boxes.\nMore soon."
    assert event.details["changes"] == {}
    (email,) = emails("workflow/message")
    assert email.recipient == "ada@example.com"
    assert "We found 3 boxes." in email.body_text and "We found 3 boxes." in email.body_html
    link = app.config["PUBLIC_BASE_URL"] + link_path(app, acknowledged)
    assert f"{link}#reply" in email.body_text and f'href="{link}#reply"' in email.body_html
    assert "Replying to this email also reaches our FOIA office" in email.body_text
    assert email.headers["Reply-To"] == reply_to_address() is not None  # the office inbox


def test_a_message_needs_its_text(acknowledged, officer):
    from foia_portal.staff.services import ActionInvalid

    with pytest.raises(ActionInvalid) as refused:
        perform_action(acknowledged, "message", officer, {"message": "  "}, today=DAY)
    assert list(refused.value.errors) == ["message"]


def test_staff_send_a_message_from_the_request_page_and_the_requester_reads_it(
    app, client, acknowledged, officer
):
    login(client, officer)
    number = acknowledged.tracking_number
    page = client.get(f"/staff/requests/{number}").get_data(as_text=True)
    assert 'aria-controls="action-message"' in page
    response = client.post(
        f"/staff/requests/{number}/actions/message",
        data={"message": "Your records are being scanned.", "version": acknowledged.version},
    )
    assert response.status_code == 303
    db.session.refresh(acknowledged)
    assert acknowledged.status == "in_progress"
    status_page = client.get(link_path(app, acknowledged)).get_data(as_text=True)
    assert "Your records are being scanned." in status_page


def test_the_staff_api_takes_the_message_action(client, acknowledged, officer):
    from foia_portal.auth.services import issue_api_token

    token = issue_api_token(officer)
    db.session.commit()
    response = client.post(
        f"/api/v1/staff/requests/{acknowledged.tracking_number}/actions",
        json={"action": "message", "message": "A word about your request."},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["event"]["kind"] == "message" and body["request"]["status"] == "in_progress"
    missing = client.post(
        f"/api/v1/staff/requests/{acknowledged.tracking_number}/actions",
        json={"action": "message"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert missing.status_code == 422 and "message" in missing.get_json()["errors"]
    assert len(emails("workflow/message")) == 1


def test_a_closed_request_can_still_be_written_to(acknowledged, officer):
    perform_action(
        acknowledged, "close", officer,
        {"disposition": "no_records", "message": "We found nothing."}, today=DAY,
    )  # fmt: skip
    event = perform_action(acknowledged, "message", officer, {"message": "One more thing."})
    db.session.commit()
    assert event.kind == "message" and acknowledged.status == "closed"
    assert re.search("One more thing", emails("workflow/message")[0].body_text)
