"""Messages both ways (issue 21): the staff `message` action, the requester's reply on the status
page, a reply ending the toll, the one conversation on both sides and "reply waiting"."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from foia_portal.core import deadlines
from foia_portal.extensions import db, limiter
from foia_portal.mail.models import OutboxMessage
from foia_portal.mail.outbox import reply_to_address
from foia_portal.platform.text import long_date
from foia_portal.requests.status_links import revoke_status_links, status_page_stamp, status_url
from foia_portal.staff.services import perform_action
from tests.fixtures.staff import login
from tests.helpers import PDF_BYTES

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


# --- 2. the requester's reply on the status page -------------------------------------------------


def reply(client, path: str, message: str = "", files=(), **extra):
    data = {"message": message, **extra}
    if files:
        data["attachments"] = list(files)
    return client.post(f"{path}/reply", data=data, content_type="multipart/form-data")


def test_a_reply_is_stored_with_its_files_emailed_to_the_office_and_shown_after_a_303(
    app, client, acknowledged
):
    app.config["FOIA_OFFICE_EMAIL"] = "foia@cops.example.gov"
    path = link_path(app, acknowledged)
    response = reply(
        client, path, "Here is the letter you asked for.",
        [(io.BytesIO(PDF_BYTES), "letter.pdf"), (io.BytesIO(b"plain notes\n"), "notes.txt")],
    )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{path}?replied=1#conversation")
    assert "Set-Cookie" not in response.headers
    db.session.refresh(acknowledged)
    event = acknowledged.events[-1]
    assert event.kind == "requester_replied" and event.public and event.actor_id is None
    assert event.message == "Here is the letter you asked for."
    files = [a for a in acknowledged.attachments if a.event_id == event.id]
    assert [(a.original_filename, a.kind) for a in files] == [
        ("letter.pdf", "reply"),
        ("notes.txt", "reply"),
    ]
    assert acknowledged.reply_waiting_since is not None
    assert acknowledged.status == "in_progress"  # not on hold: nothing else moves
    (notice,) = emails("workflow/reply_received")
    assert notice.recipient == "foia@cops.example.gov"  # unassigned: the office inbox
    assert "Here is the letter you asked for." in notice.body_text
    assert "letter.pdf" in notice.body_text and "/staff/requests/" in notice.body_text

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your reply was sent" in page and "Here is the letter you asked for." in page
    (download,) = re.findall(r'href="([^"]+)" download>letter.pdf<', page)
    got = client.get(download)
    assert got.status_code == 200 and got.data == PDF_BYTES
    got.close()


def test_a_reply_goes_to_the_assigned_officer(app, client, acknowledged, officer):
    perform_action(acknowledged, "assign", officer, {"assignee": officer.email}, today=DAY)
    db.session.commit()
    assert reply(client, link_path(app, acknowledged), "Any news?").status_code == 303
    (notice,) = emails("workflow/reply_received")
    assert notice.recipient == officer.email and "Olive Officer" in notice.body_text


def test_a_reply_changes_the_cached_status_page(app, client, acknowledged):
    path = link_path(app, acknowledged)
    assert "Second thoughts" not in client.get(path).get_data(as_text=True)  # cached now
    stamp = status_page_stamp(path.rsplit("/", 1)[1])
    assert reply(client, path, "Second thoughts: only 2024, please.").status_code == 303
    assert status_page_stamp(path.rsplit("/", 1)[1]) != stamp
    assert "Second thoughts: only 2024, please." in client.get(path).get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "files", "message"),
    [
        ({"message": ""}, [], "Write your reply, or attach a file."),
        ({"message": "x" * 10_001}, [], "10,000 characters or fewer"),
        ({"message": "bad\x07bell"}, [], "invisible control characters"),
        ({"message": "See file"}, [(b"<html><script>alert(1)</script>", "page.html")], "page.html"),
        ({"message": "See files"}, [(b"text", f"n{i}.txt") for i in range(6)], "at most 5 files"),
    ],
)
def test_a_bad_reply_is_refused_with_a_clear_message_and_keeps_the_text(
    app, client, acknowledged, data, files, message
):
    path = link_path(app, acknowledged)
    response = reply(
        client, path, data["message"], [(io.BytesIO(content), name) for content, name in files]
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html.unescape(page)
    if data["message"] and "\x07" not in data["message"]:
        assert html.escape(data["message"][:50]) in page  # nothing typed is lost
    db.session.refresh(acknowledged)
    assert (
        acknowledged.events[-1].kind == "acknowledged" and acknowledged.reply_waiting_since is None
    )
    assert emails("workflow/reply_received") == []


def test_a_reply_to_a_closed_request_is_refused_with_the_way_to_appeal(
    app, client, acknowledged, officer
):
    perform_action(
        acknowledged, "close", officer, {"disposition": "no_records", "message": "None found."},
        today=DAY,
    )  # fmt: skip
    db.session.commit()
    path = link_path(app, acknowledged)
    assert 'action="' + path + '/reply"' not in client.get(path).get_data(as_text=True)
    response = reply(client, path, "But I know they exist.")
    assert response.status_code == 409
    assert "appeal within 90 days" in response.get_data(as_text=True)
    db.session.refresh(acknowledged)
    assert acknowledged.events[-1].kind == "closed"


def test_a_reply_through_a_forged_or_revoked_link_is_refused(app, client, acknowledged):
    path = link_path(app, acknowledged)
    assert reply(client, path[:-3] + "abc", "Hello").status_code == 404
    revoke_status_links(acknowledged)
    db.session.commit()
    assert reply(client, path, "Hello").status_code == 404
    db.session.refresh(acknowledged)
    assert not [e for e in acknowledged.events if e.kind == "requester_replied"]


def test_the_reply_form_carries_no_session_token_and_sets_no_cookie(app, client, acknowledged):
    path = link_path(app, acknowledged)
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert f'action="{path}/reply"' in page and 'enctype="multipart/form-data"' in page
    assert 'name="message"' in page and 'name="attachments"' in page
    assert "csrf_token" not in page and "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    "config_overrides", [{"RATELIMIT_ENABLED": True, "RATELIMIT_STATUS_LOOKUPS": "2 per minute"}]
)
def test_replies_are_rate_limited_like_the_status_lookup(app, client, acknowledged):
    limiter.reset()
    path = link_path(app, acknowledged)
    answers = [reply(client, path, f"Reply {n}").status_code for n in range(3)]
    limiter.reset()
    assert answers == [303, 303, 429]
    db.session.refresh(acknowledged)
    assert len([e for e in acknowledged.events if e.kind == "requester_replied"]) == 2


# --- 3. a reply while on hold ends the toll -----------------------------------------------------


def test_a_reply_on_hold_ends_the_toll_the_day_it_arrives_through_the_resume_action(
    app, acknowledged, officer
):
    from foia_portal.requests.replies import record_reply
    from foia_portal.requests.services import StoredFiles

    app.config["FOIA_OFFICE_EMAIL"] = "foia@cops.example.gov"
    asked, answered = date(2026, 10, 15), date(2026, 10, 22)  # Thursday to Thursday
    perform_action(acknowledged, "request_info", officer, {"message": "Which years?"}, today=asked)
    db.session.commit()
    due_before = acknowledged.due_date
    with app.test_request_context("/"):
        record_reply(acknowledged, "Only 2024.", [], StoredFiles(), today=answered)
    db.session.commit()

    assert acknowledged.status == "in_progress" and acknowledged.hold_reason is None
    (hold,) = acknowledged.holds
    assert (hold.started_on, hold.ended_on) == (asked, answered)
    # Five business days stood still (16, 19, 20, 21, 22 October): the clock adds them.
    assert acknowledged.paused_business_days == 5
    assert acknowledged.due_date == deadlines.add_business_days(due_before, 5)
    replied, resumed = acknowledged.events[-2:]
    assert replied.kind == "requester_replied" and resumed.kind == "resumed"
    assert resumed.actor_id is None and resumed.public
    assert resumed.details["ended_by"] == "requester_reply"
    assert resumed.details["answered_on"] == "2026-10-22"
    assert resumed.previous_due_date == due_before
    assert resumed.due_date == acknowledged.due_date
    assert "§ 552(a)(6)(A)(ii)" in resumed.message
    # The requester is told the new due date, as when staff resume.
    (letter,) = emails("workflow/resumed")
    assert letter.subject.startswith("We are processing your request again")
    assert "ended the pause" in letter.body_text
    (notice,) = emails("workflow/reply_received")
    assert "ended the pause" in notice.body_text
    # Clarification tolls once: only a fee question can stop the clock again.
    assert acknowledged.clarification_toll_used


def test_both_sides_see_why_the_clock_runs_again(app, client, make_request, officer):
    foia_request = make_request(submitted_at=datetime(2026, 11, 30, 15, 0, tzinfo=UTC))
    today = deadlines.today_eastern()
    perform_action(foia_request, "acknowledge", officer, {"track": "simple"}, today=today)
    perform_action(foia_request, "request_info", officer, {"message": "Which years?"}, today=today)
    db.session.commit()
    path = link_path(app, foia_request)
    assert reply(client, path, "Only 2024.").status_code == 303
    db.session.refresh(foia_request)
    assert foia_request.status == "in_progress"
    assert foia_request.holds[0].ended_on == today

    page = html.unescape(client.get(path).get_data(as_text=True))
    assert "Processing resumed (clock running again)" in page
    assert "ended the pause: the clock runs again from that day" in page
    assert "We are waiting for your reply" not in page

    login(client, officer)
    staff_page = html.unescape(
        client.get(f"/staff/requests/{foia_request.tracking_number}").get_data(as_text=True)
    )
    assert "The requester replied" in staff_page and "Only 2024." in staff_page
    assert "Ended by the requester's reply on the status page" in staff_page


# --- 4. one conversation, on the page and in the public JSON --------------------------------------


def test_the_conversation_holds_every_letter_and_reply_oldest_first_with_files(
    app, client, make_request, officer
):
    foia_request = make_request(
        submitted_at=datetime(2026, 11, 30, 15, 0, tzinfo=UTC), fee_waiver=True
    )
    today = deadlines.today_eastern()

    def staff(action, **values):
        perform_action(foia_request, action, officer, values, today=today)
        db.session.commit()

    staff("acknowledge", track="complex", message="We have started.")
    staff("note", text="Internal: never shown.")
    staff("request_info", message="Which years do you mean?")
    path = link_path(app, foia_request)
    assert (
        reply(client, path, "Only 2024.", [(io.BytesIO(PDF_BYTES), "scope.pdf")]).status_code == 303
    )
    staff("extend", reason="consultation")
    staff("message", message="Still searching.")
    staff("decide_fee_waiver", decision="granted", reason="Public interest.")
    db.session.refresh(foia_request)

    response = client.get(
        f"/api/v1/requests/{foia_request.tracking_number}",
        query_string={"email": "ada@example.com"},
    )
    messages = response.get_json()["messages"]
    assert [(m["from"], m["text"]) for m in messages] == [
        ("office", "We have started."),
        ("office", "Which years do you mean?"),
        ("requester", "Only 2024."),
        ("office", "Your reply of " + long_date(today) + " ended the pause: the clock runs again "
                   "from that day (5 U.S.C. § 552(a)(6)(A)(ii))."),
        ("office", "Time extended because of unusual circumstances"),
        ("office", "Still searching."),
        ("office", "Public interest."),
    ]  # fmt: skip
    assert all(set(m) == {"from", "sent_at", "text", "attachments"} for m in messages)
    sent = [datetime.fromisoformat(m["sent_at"]) for m in messages]
    assert sent == sorted(sent)
    # The JSON lookup gives no download links (downloads only through the signed link).
    assert messages[2]["attachments"] == [{"name": "scope.pdf", "url": None}]
    assert "Internal: never shown." not in response.get_data(as_text=True)

    page = client.get(path).get_data(as_text=True)
    conversation = page[page.index('id="messages"') : page.index('id="reply"')]
    order = ["We have started.", "Which years do you mean?", "Only 2024.", "Still searching."]
    assert [conversation.index(text) for text in order] == sorted(
        conversation.index(text) for text in order
    )
    assert "Internal: never shown." not in page
    (link,) = re.findall(r'href="([^"]+)" download>scope.pdf<', conversation)
    download = client.get(link)
    assert download.status_code == 200 and download.data == PDF_BYTES
    download.close()


def test_a_closing_letter_carries_its_released_records_in_the_conversation(
    app, client, acknowledged, officer
):
    from foia_portal.requests.uploads import CheckedUpload

    released = CheckedUpload("records.pdf", "application/pdf", PDF_BYTES)
    perform_action(
        acknowledged, "close", officer,
        {"disposition": "full_grant", "message": "Here they are.", "released": [released]},
        today=DAY,
    )  # fmt: skip
    db.session.commit()
    view = client.get(
        f"/api/v1/requests/{acknowledged.tracking_number}",
        query_string={"email": "ada@example.com"},
    ).get_json()
    assert view["messages"][-1] == {
        "from": "office",
        "sent_at": view["messages"][-1]["sent_at"],
        "text": "Here they are.",
        "attachments": [{"name": "records.pdf", "url": None}],
    }
    page = client.get(link_path(app, acknowledged)).get_data(as_text=True)
    conversation = page[page.index('id="messages"') :]
    assert re.search(r'href="[^"]+/records/\d+" download>records.pdf<', conversation)


def test_a_requester_cannot_download_files_sent_with_the_request_itself(app, client, make_request):
    from foia_portal.requests.models import Attachment
    from foia_portal.requests.uploads import store_file

    foia_request = make_request()
    stored_name, sha256 = store_file(PDF_BYTES)
    attachment = Attachment(
        request=foia_request, kind="supporting", original_filename="id.pdf",
        stored_name=stored_name, content_type="application/pdf", size_bytes=len(PDF_BYTES),
        sha256=sha256,
    )  # fmt: skip
    db.session.add(attachment)
    db.session.commit()
    answer = client.get(f"{link_path(app, foia_request)}/records/{attachment.id}")
    answer.close()
    assert answer.status_code == 404


# --- 5. staff: the conversation and "reply waiting" -------------------------------------------------


def test_the_queue_filters_and_counts_requests_with_a_reply_waiting(
    app, client, make_request, officer
):
    from foia_portal.auth.services import issue_api_token
    from foia_portal.staff import queue

    waiting, answered, quiet = make_request(), make_request(), make_request()
    for foia_request in (waiting, answered):
        assert reply(client, link_path(app, foia_request), "Any news?").status_code == 303
    # Staff writing back (any action shown to the requester) answers the reply; a note does not.
    perform_action(answered, "message", officer, {"message": "Soon."}, today=DAY)
    perform_action(waiting, "note", officer, {"text": "Look at this."}, today=DAY)
    db.session.commit()
    assert waiting.reply_waiting_since is not None and answered.reply_waiting_since is None

    assert queue.summary(officer).reply_waiting == 1
    token = issue_api_token(officer)
    db.session.commit()
    listed = client.get(
        "/api/v1/staff/requests",
        query_string={"reply_waiting": "true"},
        headers={"Authorization": f"Bearer {token}"},
    ).get_json()
    assert [r["tracking_number"] for r in listed["results"]] == [waiting.tracking_number]
    assert listed["total"] == 1
    everything = client.get(
        "/api/v1/staff/requests", headers={"Authorization": f"Bearer {token}"}
    ).get_json()
    assert everything["total"] == 3

    login(client, officer)
    page = client.get("/staff/", query_string={"reply_waiting": "true"}).get_data(as_text=True)
    assert waiting.tracking_number in page
    assert answered.tracking_number not in page and quiet.tracking_number not in page
    assert (
        'id="filter-reply_waiting" name="reply_waiting" type="checkbox" value="1" checked' in page
    )
    assert re.search(r'<strong class="portal-count">1</strong> with a reply waiting', page)


def test_the_staff_request_page_shows_the_conversation_and_the_reply_waiting(
    app, client, acknowledged, officer
):
    app.config["FOIA_OFFICE_EMAIL"] = "foia@cops.example.gov"
    perform_action(acknowledged, "message", officer, {"message": "Can you narrow it?"}, today=DAY)
    db.session.commit()
    assert reply(
        client, link_path(app, acknowledged), "<script>alert(1)</script> Yes: 2024 only.",
        [(io.BytesIO(b"my notes\n"), "notes.txt")],
    ).status_code == 303  # fmt: skip
    login(client, officer)
    page = client.get(f"/staff/requests/{acknowledged.tracking_number}").get_data(as_text=True)
    conversation = page[page.index('id="conversation"') : page.index('id="actions-heading"')]
    assert conversation.index("Can you narrow it?") < conversation.index("Yes: 2024 only.")
    assert "From the requester" in conversation and "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in conversation
    (link,) = re.findall(r'href="(/staff/requests/[^"]+/attachments/\d+)">notes.txt<', conversation)
    download = client.get(link)
    assert download.status_code == 200 and download.data == b"my notes\n"
    download.close()
    assert 'id="reply-waiting"' in page
    (notice,) = emails("workflow/reply_received")
    assert "<script>" not in notice.body_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Yes: 2024 only." in notice.body_html
