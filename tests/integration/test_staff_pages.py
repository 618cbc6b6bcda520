"""The staff pages: the queue, one request run from receipt to closure, entry, users, audit."""

import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from foia_portal.core import deadlines
from foia_portal.extensions import db
from foia_portal.mail.models import OutboxMessage
from foia_portal.requests.models import Attachment, FoiaRequest
from tests.fixtures.staff import login


def page_of(response):
    return response.get_data(as_text=True)


@pytest.fixture
def signed_in(client, officer):
    login(client, officer)
    return client


@pytest.fixture
def recent(make_request):
    """A request received on the last business day, so its clock is running today."""
    today = deadlines.today_eastern()
    day = today if deadlines.is_business_day(today) else deadlines.next_business_day(today)
    day = day - timedelta(days=7)
    while not deadlines.is_business_day(day):
        day -= timedelta(days=1)
    return make_request(
        submitted_at=datetime(day.year, day.month, day.day, 14, 0, tzinfo=UTC),
        expedited=True,
        fee_waiver=True,
    )


def post_action(client, foia_request, action, **data):
    db.session.refresh(foia_request)
    data.setdefault("version", str(foia_request.version))
    if action == "close":
        data.setdefault("confirm", "y")  # the page's confirmation (test_staff_request_page.py)
    return client.post(
        f"/staff/requests/{foia_request.tracking_number}/actions/{action}", data=data
    )


def test_queue_lists_requests_with_due_dates_and_links(signed_in, recent):
    page = page_of(signed_in.get("/staff/"))
    assert recent.tracking_number in page and "Ada Lovelace" in page
    assert f"/staff/requests/{recent.tracking_number}" in page
    assert "Download this view as CSV" in page


def test_queue_refuses_bad_filters_with_a_message_and_keeps_what_was_typed(signed_in, recent):
    response = signed_in.get("/staff/?due_within=soon&q=lovelace")
    assert response.status_code == 422
    page = page_of(response)
    assert "Not a valid integer value." in page or "integer" in page
    assert 'value="soon"' in page and 'value="lovelace"' in page


def test_queue_csv_download_follows_the_filters(signed_in, recent, make_request):
    make_request(first_name="Zed", email="zed@example.com")
    response = signed_in.get("/staff/queue.csv?q=zed")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert "zed@example.com" in body and "ada@example.com" not in body


def test_request_page_explains_the_deadline_and_offers_only_allowed_actions(signed_in, recent):
    page = page_of(signed_in.get(f"/staff/requests/{recent.tracking_number}"))
    for words in (
        "The deadline, explained",
        "Statutory due date",
        "Business days used",
        "Expedited decision due",
        "Timeline",
    ):
        assert words in page
    assert "/actions/acknowledge" in page and "/actions/close" in page
    assert "/actions/extend" not in page and "/actions/resume" not in page
    assert "/actions/reopen" not in page


def test_an_officer_runs_a_request_from_receipt_to_closure_in_the_workspace(
    signed_in, recent, officer
):
    number = recent.tracking_number
    original_due = recent.due_date
    steps = [
        ("acknowledge", {"track": "complex"}),
        ("assign", {"assignee": officer.email}),
        ("note", {"text": "Searched the grants database."}),
        ("decide_expedited", {"decision": "denied", "reason": "No compelling need shown."}),
        ("decide_fee_waiver", {"decision": "granted", "reason": "Public interest."}),
        ("request_info", {"message": "Which fiscal years?", "reason": "clarification"}),
        ("resume", {}),
        ("extend", {"reason": "consultation"}),
        ("set_estimate", {"estimated_completion_date": "2027-06-30", "reason": "Consultation."}),
    ]
    for action, data in steps:
        response = post_action(signed_in, recent, action, **data)
        assert response.status_code == 303, (action, page_of(response)[:2000])
    db.session.refresh(recent)
    assert recent.due_date == deadlines.add_business_days(original_due, 10)

    response = post_action(
        signed_in,
        recent,
        "close",
        disposition="partial_grant",
        exemptions=["b6", "b7C"],
        message="Names of private individuals were withheld.",
        released=(io.BytesIO(b"%PDF-1.4 released records"), "records.pdf"),
    )
    assert response.status_code == 303, page_of(response)[:3000]
    db.session.refresh(recent)
    assert recent.status == "closed" and recent.exemptions == ["b6", "b7C"]
    released = db.session.scalars(sa.select(Attachment).where(Attachment.kind == "released")).all()
    assert [a.original_filename for a in released] == ["records.pdf"]

    kinds = [e.kind for e in recent.events]
    assert kinds == [
        "received",
        "acknowledged",
        "assigned",
        "note",
        "expedited_denied",
        "fee_waiver_granted",
        "information_requested",
        "resumed",
        "extended",
        "estimate_revised",
        "closed",
    ]
    assert all(e.actor_id == officer.id for e in recent.events[1:])
    emails = {m.kind for m in db.session.scalars(sa.select(OutboxMessage))}
    assert {
        "workflow/acknowledgment",
        "workflow/assigned",
        "workflow/expedited_decision",
        "workflow/fee_waiver_decision",
        "workflow/information_request",
        "workflow/resumed",
        "workflow/extension",
        "workflow/estimate_revised",
        "workflow/final_response",
    } <= emails

    page = page_of(signed_in.get(f"/staff/requests/{number}"))
    assert "Due date moved from" in page
    assert "Searched the grants database." in page and "Internal" in page
    assert "/actions/close" not in page and "/actions/note" in page


def test_an_action_the_status_does_not_allow_is_refused_with_409(signed_in, recent):
    response = post_action(signed_in, recent, "extend", reason="consultation")
    assert response.status_code == 409
    assert "not possible while the request is received" in page_of(response)


def test_a_stale_form_is_refused_with_a_reload_message(signed_in, recent, admin):
    stale_version = str(recent.version)
    from foia_portal.staff.services import perform_action

    perform_action(recent, "assign", admin, {"assignee": admin.email})
    db.session.commit()
    response = post_action(signed_in, recent, "acknowledge", track="simple", version=stale_version)
    assert response.status_code == 409
    assert "changed while you were working on it" in page_of(response)
    db.session.refresh(recent)
    assert recent.status == "received"


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("acknowledge", {}, "Choose a processing track."),
        ("note", {"text": "  "}, "Enter internal note."),
        (
            "close",
            {"disposition": "partial_grant", "message": "Kept text"},
            "Cite the exemptions that justify withholding records.",
        ),
        ("close", {"disposition": "", "message": "Kept text"}, "Choose a disposition."),
        ("assign", {"assignee": "nobody@example.com"}, "Choose an active staff member"),
    ],
)
def test_invalid_action_input_is_reshown_with_422_and_the_text_kept(
    signed_in, recent, action, data, message
):
    response = post_action(signed_in, recent, action, **data)
    assert response.status_code == 422
    page = page_of(response)
    assert message in page and "There is a problem" in page
    if "message" in data:
        assert data["message"] in page


def test_a_released_file_of_a_refused_type_is_named(signed_in, recent):
    response = post_action(
        signed_in,
        recent,
        "close",
        disposition="full_grant",
        message="Here.",
        released=(io.BytesIO(b"MZ\x90\x00\x03binary"), "tool.exe"),
    )
    assert response.status_code == 422 and "tool.exe" in page_of(response)


def test_staff_enter_a_mailed_request_and_the_clock_starts_on_the_day_received(
    signed_in, valid_request_fields
):
    data = dict(valid_request_fields, received_on="2026-10-03", channel="mail")
    response = signed_in.post("/staff/requests/new", data=data)
    assert response.status_code == 303, page_of(response)[-6000:]
    entered = db.session.scalar(sa.select(FoiaRequest))
    # Saturday 3 October → received Monday 5 October → due Tuesday 3 November 2026.
    assert entered.channel == "mail"
    assert str(entered.received_date) == "2026-10-05" and str(entered.due_date) == "2026-11-03"
    assert entered.tracking_number.startswith("COPS-2027-")  # FY 2027 began 1 October 2026


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"received_on": ""}, "Enter the date the request was received."),
        ({"received_on": "2099-01-01"}, "The date cannot be in the future."),
        ({"channel": ""}, "Choose how the request arrived."),
        ({"description": "short"}, "Describe the records"),
    ],
)
def test_staff_entry_errors_are_named(signed_in, valid_request_fields, changes, message):
    data = {**valid_request_fields, "received_on": "2026-10-05", "channel": "phone", **changes}
    response = signed_in.post("/staff/requests/new", data=data)
    assert response.status_code == 422 and message in page_of(response)


def test_staff_download_attachments_of_their_requests(signed_in, recent, app):
    post_action(
        signed_in,
        recent,
        "close",
        disposition="full_grant",
        message="Here.",
        released=(io.BytesIO(b"plain text records"), "records.txt"),
    )
    attachment = db.session.scalar(sa.select(Attachment))
    response = signed_in.get(
        f"/staff/requests/{recent.tracking_number}/attachments/{attachment.id}"
    )
    assert response.status_code == 200 and response.data == b"plain text records"
    assert "attachment" in response.headers["Content-Disposition"]
    response.close()


def test_admin_creates_a_user_issues_a_token_once_and_sees_the_audit_log(client, admin):
    login(client, admin)
    response = client.post(
        "/staff/users",
        data={
            "email": "new@cops.example.gov",
            "name": "New Person",
            "role": "officer",
            "password": "short",
        },
    )
    assert response.status_code == 422 and "at least 12 characters" in page_of(response)
    response = client.post(
        "/staff/users",
        data={
            "email": "new@cops.example.gov",
            "name": "New Person",
            "role": "officer",
            "password": "a-long-enough-password",
        },
    )
    assert response.status_code == 303
    from foia_portal.auth.models import StaffUser

    new = db.session.scalar(sa.select(StaffUser).where(StaffUser.email == "new@cops.example.gov"))
    response = client.post(f"/staff/users/{new.id}", data={"operation": "token"})
    assert response.status_code == 200
    token = page_of(response).split('<code class="portal-token">')[1].split("<")[0]
    from foia_portal.auth.services import user_for_bearer_token

    assert user_for_bearer_token(token).id == new.id
    assert token not in page_of(client.get("/staff/users"))
    assert (
        client.post(
            f"/staff/users/{new.id}", data={"operation": "role", "role": "admin"}
        ).status_code
        == 303
    )
    assert (
        client.post(f"/staff/users/{new.id}", data={"operation": "deactivate"}).status_code == 303
    )
    db.session.refresh(new)
    assert new.role == "admin" and not new.active and user_for_bearer_token(token) is None
    audit = page_of(client.get("/staff/audit"))
    for action in ("login", "user.create", "token.issue", "user.role", "user.deactivate"):
        assert action in audit


def test_faq_editing_with_preview_publish_and_category_order(signed_in):
    data = {
        "category": "Basics",
        "question": "What is FOIA?",
        "answer": "A **law**.",
        "slug": "",
        "published": "y",
    }
    response = signed_in.post("/staff/faqs/new", data={**data, "preview": "1"})
    assert response.status_code == 200 and "<strong>law</strong>" in page_of(response)
    from foia_portal.faq.models import Faq

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Faq)) == 0
    assert signed_in.post("/staff/faqs/new", data=data).status_code == 303
    faq = db.session.scalar(sa.select(Faq))
    assert (
        signed_in.post(f"/staff/faqs/{faq.id}/publish", data={"published": "0"}).status_code == 303
    )
    db.session.refresh(faq)
    assert not faq.published
    taken = signed_in.post("/staff/faqs/new", data={**data, "question": "Other?", "slug": faq.slug})
    assert taken.status_code == 422 and "Another FAQ uses this address" in page_of(taken)
    signed_in.post("/staff/faqs/new", data={**data, "category": "Fees", "question": "Cost?"})
    fees = db.session.scalar(sa.select(Faq).where(Faq.question == "Cost?")).category
    signed_in.post(f"/staff/faqs/categories/{fees.id}/move", data={"direction": "up"})
    db.session.refresh(fees)
    assert fees.position == 1


def test_outbox_page_lists_failed_emails_and_retries_them(signed_in):
    message = OutboxMessage(
        kind="x",
        recipient="ada@example.com",
        subject="Your request",
        body_text="t",
        status="failed",
        attempts=8,
        last_error="refused",
    )
    db.session.add(message)
    db.session.commit()
    assert "Your request" in page_of(signed_in.get("/staff/outbox"))
    response = signed_in.post(f"/staff/outbox/{message.id}/retry")
    assert response.status_code == 303
    db.session.refresh(message)
    assert message.status == "pending" and message.attempts == 0
