"""The requester's status page: lookup by number and email, the signed link, released records."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from foia_portal.extensions import db, limiter
from foia_portal.mail.models import OutboxMessage
from foia_portal.requests.models import Attachment
from foia_portal.requests.routes import NO_MATCH
from foia_portal.requests.status_links import revoke_status_links, status_url
from foia_portal.requests.uploads import CheckedUpload, store_file
from tests.helpers import PDF_BYTES

# Friday 20 November 2026, 10:00 Eastern.
SUBMITTED_AT = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def link_path(app, foia_request) -> str:
    with app.test_request_context("/"):
        return status_url(foia_request)


def look_up(client, number: str, email: str = "ada@example.com"):
    return client.post("/foia/status", data={"tracking_number": number, "email": email})


def look_up_and_follow(client, number: str, email: str = "ada@example.com"):
    answer = look_up(client, number, email)
    assert answer.status_code == 303, answer.status_code
    return client.get(answer.headers["Location"])


def status_of(client, path: str) -> int:
    """The status code of a GET, closing the response (a download holds its file open)."""
    response = client.get(path)
    response.close()
    return response.status_code


def without_nonces(html: str) -> str:
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)


def test_lookup_form_asks_for_number_and_email_and_sets_no_cookie(client):
    response = client.get("/foia/status")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="tracking_number"' in html and 'name="email"' in html
    assert 'for="tracking_number"' in html and 'for="email"' in html
    assert "csrf_token" not in html
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    ("number", "email"),
    [
        ("COPS-2027-000001", "ada@example.com"),
        ("  cops-2027-000001 ", " ADA@Example.com  "),
        ("cops - 2027 - 000001", "Ada@EXAMPLE.COM"),
    ],
)
def test_the_right_pair_shows_the_request_whatever_the_case_and_spacing(
    client, file_request, number, email
):
    foia_request = file_request(submitted_at=SUBMITTED_AT)
    answer = look_up(client, number, email)
    # Post/redirect/get: the lookup sends the requester to their signed page.
    assert answer.status_code == 303
    assert answer.headers["Location"] == link_path(client.application, foia_request)
    assert answer.headers["Cache-Control"] == "private, no-store"
    assert "Set-Cookie" not in answer.headers
    response = client.get(answer.headers["Location"])
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "COPS-2027-000001" in html
    assert "Received" in html and "Friday, November 20, 2026" in html
    assert "Monday, December 21, 2026" in html
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_wrong_email_and_an_unknown_number_get_the_same_answer(client, file_request):
    foia_request = file_request()
    description = foia_request.description

    wrong_email = look_up(client, "COPS-2027-000001", "eve@example.com")
    unknown = look_up(client, "COPS-2027-000002", "eve@example.com")

    assert wrong_email.status_code == unknown.status_code == 404
    same_input = without_nonces(unknown.get_data(as_text=True)).replace("000002", "000001")
    assert without_nonces(wrong_email.get_data(as_text=True)) == same_input
    assert NO_MATCH in wrong_email.get_data(as_text=True)
    assert description not in wrong_email.get_data(as_text=True)


@pytest.mark.parametrize(
    ("number", "email", "field", "message"),
    [
        ("", "ada@example.com", "tracking_number", "Enter your tracking number."),
        ("12345", "ada@example.com", "tracking_number", "as it appears in your confirmation"),
        ("COPS-2027-000001", "", "email", "Enter the email address you gave"),
        ("COPS-2027-000001", "not-an-email", "email", "Enter an email address"),
    ],
)
def test_an_incomplete_lookup_is_shown_again_with_a_clear_message(
    client, number, email, field, message
):
    response = look_up(client, number, email)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-summary"' in html
    assert f'href="#{field}"' in html
    assert message in html
    if email:
        assert f'value="{email}"' in html  # nothing typed is lost


@pytest.mark.parametrize(
    "config_overrides", [{"RATELIMIT_ENABLED": True, "RATELIMIT_STATUS_LOOKUPS": "3 per minute"}]
)
def test_lookups_are_rate_limited(client, file_request):
    limiter.reset()
    file_request()
    for number in ("COPS-2027-000007", "COPS-2027-000008", "COPS-2027-000009"):
        assert look_up(client, number).status_code == 404
    blocked = look_up(client, "COPS-2027-000001")
    assert blocked.status_code == 429
    assert "COPS-2027-000001" not in blocked.get_data(as_text=True)
    assert client.get("/foia/status").status_code == 200  # reading the form is not limited
    limiter.reset()


def test_the_signed_link_opens_the_page_without_typing(app, client, file_request):
    foia_request = file_request(submitted_at=SUBMITTED_AT)
    response = client.get(link_path(app, foia_request))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "COPS-2027-000001" in html
    assert "Received" in html  # the status label
    assert "Thanksgiving Day" in html  # how the due date was worked out
    assert "Not set yet" in html  # estimated completion date
    assert "Set-Cookie" not in response.headers
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_links_are_itsdangerous_tokens_and_compressed_ones_still_open(app, client, file_request):
    from itsdangerous import URLSafeSerializer

    from foia_portal.requests.status_links import SALT

    foia_request = file_request(submitted_at=SUBMITTED_AT)
    reference = URLSafeSerializer(app.config["SECRET_KEY"], salt=SALT)
    token = reference.dumps([foia_request.id, foia_request.status_link_nonce])
    assert link_path(app, foia_request) == f"/foia/status/{token}"
    # itsdangerous compresses a payload when that makes it shorter (a repetitive nonce): such a
    # link opens the page too.
    foia_request.status_link_nonce = "f" * 16
    db.session.commit()
    compressed = reference.dumps([foia_request.id, "f" * 16])
    assert compressed.startswith(".")
    assert client.get(f"/foia/status/{compressed}").status_code == 200


@pytest.mark.parametrize("tamper", ["forged", "revoked"])
def test_a_forged_or_revoked_link_shows_the_lookup_form_instead(app, client, file_request, tamper):
    foia_request = file_request()
    path = link_path(app, foia_request)
    if tamper == "forged":
        path = path[:-3] + ("abc" if not path.endswith("abc") else "xyz")
    else:
        revoke_status_links(foia_request)
        db.session.commit()
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "This status link does not work" in html
    assert 'name="tracking_number"' in html
    assert foia_request.description not in html


def test_the_page_shows_public_events_and_office_messages_but_nothing_internal(
    app, client, file_request, act, officer, make_user
):
    foia_request = file_request(submitted_at=SUBMITTED_AT)
    boss = make_user("boss@cops.example.gov", "Bertha Boss", role="admin")
    act(foia_request, "acknowledge", boss, today=date(2026, 11, 23), track="simple")
    act(foia_request, "assign", boss, assignee=officer.email)
    act(foia_request, "note", boss, text="Internal: the mayor's office called.")
    act(
        foia_request, "request_info", officer, today=date(2026, 11, 24),
        message="Please narrow the date range to <2024>.",
    )  # fmt: skip

    html = client.get(link_path(app, foia_request)).get_data(as_text=True)

    assert "Waiting for your reply" in html  # plain-language status
    assert "Simple" in html
    assert "Please narrow the date range to &lt;2024&gt;." in html  # escaped, shown
    assert "We asked you for information" in html
    assert "paused since" in html  # the clock stopped, explained
    assert officer.name in html  # the assigned officer's name …
    assert officer.email not in html  # … but not their mailbox
    assert "mayor" not in html
    assert "Bertha" not in html and "boss@" not in html


def test_a_closed_request_shows_the_decision_and_appeal_rights(
    app, client, file_request, act, officer
):
    foia_request = file_request(submitted_at=SUBMITTED_AT)
    act(foia_request, "acknowledge", officer, today=date(2026, 11, 23), track="simple")
    act(
        foia_request, "close", officer, today=date(2026, 12, 1), disposition="full_denial",
        exemptions=["b5"], message="The records are deliberative.",
    )  # fmt: skip

    html = client.get(link_path(app, foia_request)).get_data(as_text=True)

    assert "Closed" in html
    assert "Full denial based on exemptions" in html
    assert "(b)(5)" in html
    assert "appeal within 90 days" in html
    assert "The records are deliberative." in html


def released(foia_request, content=PDF_BYTES, name="award.pdf", kind="released"):
    stored_name, sha256 = store_file(content)
    attachment = Attachment(
        kind=kind, original_filename=name, stored_name=stored_name,
        content_type="application/pdf", size_bytes=len(content), sha256=sha256,
    )  # fmt: skip
    foia_request.attachments.append(attachment)
    db.session.commit()
    return attachment


def test_released_records_download_through_the_signed_link(app, client, file_request, act, officer):
    foia_request = file_request()
    act(foia_request, "acknowledge", officer, track="simple")
    act(
        foia_request, "close", officer, disposition="full_grant", message="Enclosed.",
        released=[CheckedUpload("award letter.pdf", "application/pdf", PDF_BYTES)],
    )  # fmt: skip
    [record] = [a for a in foia_request.attachments if a.kind == "released"]

    page = client.get(link_path(app, foia_request)).get_data(as_text=True)
    href = re.search(r'href="([^"]+/records/\d+)"', page).group(1)
    download = client.get(href)
    content = download.get_data()
    download.close()

    assert download.status_code == 200
    assert content == PDF_BYTES
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "award letter.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "private, no-store"
    assert href.endswith(f"/records/{record.id}")


def test_the_typed_lookup_leads_to_the_signed_page_with_download_links(client, file_request):
    foia_request = file_request()
    record = released(foia_request, name="award.pdf")
    html = look_up_and_follow(client, foia_request.tracking_number).get_data(as_text=True)
    assert "award.pdf" in html
    assert f"/records/{record.id}" in html


def test_reloading_the_page_a_lookup_led_to_does_not_resend_the_lookup(client, file_request):
    foia_request = file_request()
    answer = look_up(client, foia_request.tracking_number)
    location = answer.headers["Location"]
    assert client.get(location).status_code == 200
    assert client.get(location).status_code == 200  # a reload or a bookmark: a plain GET
    assert "/foia/status/" in location and foia_request.tracking_number not in location


def test_only_released_records_of_this_request_can_be_downloaded(app, client, file_request):
    mine = file_request()
    theirs = file_request(email="grace@example.com")
    supporting = released(mine, kind="supporting", name="my-id.pdf")
    other = released(theirs, name="theirs.pdf")
    own = released(mine, name="mine.pdf")
    base = link_path(app, mine)

    assert status_of(client, f"{base}/records/{supporting.id}") == 404
    assert status_of(client, f"{base}/records/{other.id}") == 404
    assert status_of(client, f"{base}/records/{own.id + 1000}") == 404
    assert status_of(client, f"{base}/records/{own.id}") == 200
    revoke_status_links(mine)
    db.session.commit()
    assert status_of(client, f"{base}/records/{own.id}") == 404


def test_the_due_date_explanation_follows_an_open_hold_day_by_day(app, monkeypatch):
    from types import SimpleNamespace

    from foia_portal.core import deadlines
    from foia_portal.requests.public_view import explain_deadline

    request = SimpleNamespace(submitted_at=SUBMITTED_AT)
    received = date(2026, 11, 20)
    on_hold = deadlines.compute_deadline(received, [deadlines.Pause(start=date(2026, 11, 30))])

    def explained(today: date) -> str:
        monkeypatch.setattr(deadlines, "today_eastern", lambda: today)
        return " ".join(explain_deadline(request, on_hold))

    # An open hold adds a business day a day: the sentence is worked out afresh.
    assert "so far that adds 2 business days" in explained(date(2026, 12, 2))
    assert "so far that adds 3 business days" in explained(date(2026, 12, 3))

    # Without one the sentences do not change with the date.
    plain = deadlines.compute_deadline(received)

    def explained_plain(today: date) -> list[str]:
        monkeypatch.setattr(deadlines, "today_eastern", lambda: today)
        return explain_deadline(request, plain)

    assert explained_plain(date(2026, 12, 2)) == explained_plain(date(2027, 3, 1))


def timeline_headings(html: str) -> list[str]:
    timeline = html.split('id="timeline"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'usa-process-list__heading">([^<]+)<', timeline)


def test_a_weekend_filing_is_dated_when_it_arrived_and_the_receipt_rule_is_explained(
    app, client, file_request, act, officer
):
    # Saturday 28 November 2026, 10:00 Eastern; by law received Monday 30 November.
    foia_request = file_request(submitted_at=datetime(2026, 11, 28, 15, 0, tzinfo=UTC))
    act(foia_request, "acknowledge", officer, today=date(2026, 11, 30), track="simple")

    html = client.get(link_path(app, foia_request)).get_data(as_text=True)

    assert timeline_headings(html)[:2] == [
        "Request received",
        "Request acknowledged and placed in a processing track",
    ]
    timeline = html.split('id="timeline"', 1)[1]
    assert "Saturday, November 28, 2026" in timeline.split("Request acknowledged", 1)[0]
    rule = (
        "It arrived on Saturday, November 28, 2026, a weekend day, so by law it counts as "
        "received on the next business day, Monday, November 30, 2026."
    )
    assert html.count(rule) == 2  # beside the received date, and in the received line


def test_a_closed_request_shows_its_closing_not_an_estimate(
    app, client, file_request, act, officer
):
    foia_request = file_request(submitted_at=SUBMITTED_AT)
    act(foia_request, "acknowledge", officer, today=date(2026, 11, 23), track="simple")
    act(foia_request, "close", officer, today=date(2026, 12, 1), disposition="full_grant",
        message="Here they are.")  # fmt: skip

    html = client.get(link_path(app, foia_request)).get_data(as_text=True)

    assert 'id="closed-date"' in html
    assert 'id="estimated-completion-date"' not in html
    assert "estimated completion" not in html.lower()


def test_an_acknowledged_request_explains_its_estimate_and_no_longer_awaits_a_track(
    app, client, file_request, act, officer
):
    foia_request = file_request(submitted_at=SUBMITTED_AT)
    act(foia_request, "acknowledge", officer, track="simple")

    html = client.get(link_path(app, foia_request)).get_data(as_text=True)

    assert "place it on a processing track" not in html
    basis = html.split('id="estimate-basis">', 1)[1].split("<", 1)[0]
    # Fewer than five closed requests on the track: the usual time for it.
    assert "usual time for the simple track, 20 business days" in basis


def test_an_estimate_that_has_passed_is_not_shown_as_one(app, client, file_request, act, officer):
    foia_request = file_request(submitted_at=SUBMITTED_AT)
    act(foia_request, "acknowledge", officer, track="simple")
    foia_request.estimated_completion_date = date(2026, 1, 5)
    db.session.commit()

    html = client.get(link_path(app, foia_request)).get_data(as_text=True)

    assert "January 5, 2026" not in html
    assert "the date we estimated has passed" in html


def test_waiting_for_the_requester_is_a_warning_at_the_top_with_the_question(
    app, client, file_request, act, officer
):
    foia_request = file_request(submitted_at=SUBMITTED_AT)
    act(foia_request, "acknowledge", officer, today=date(2026, 11, 23), track="simple")
    act(foia_request, "request_info", officer, today=date(2026, 11, 24),
        message="Which grant years do you mean?")  # fmt: skip

    html = client.get(link_path(app, foia_request)).get_data(as_text=True)

    alert = html.split('id="awaiting-reply"', 1)[1].split("</div>\n      </div>", 1)[0]
    assert "usa-alert--warning" in html.split('id="awaiting-reply"', 1)[0].rsplit("<div", 1)[1]
    assert "Which grant years do you mean?" in alert
    assert html.index('id="awaiting-reply"') < html.index("Key dates")


def test_a_pause_within_a_weekend_says_the_due_date_did_not_move(
    app, client, file_request, act, officer
):
    foia_request = file_request(submitted_at=SUBMITTED_AT)
    act(foia_request, "acknowledge", officer, today=date(2026, 11, 23), track="simple")
    act(foia_request, "request_info", officer, today=date(2026, 11, 28), message="Which years?")
    act(foia_request, "resume", officer, today=date(2026, 11, 29))

    html = client.get(link_path(app, foia_request)).get_data(as_text=True)

    assert not re.search(r"\b0 business days", html)
    assert "No business day passed while it was paused, so the due date did not move." in html
    resumed = db.session.scalars(
        sa.select(OutboxMessage.body_text).where(
            OutboxMessage.request_id == foia_request.id, OutboxMessage.kind == "workflow/resumed"
        )
    ).one()
    assert "the due date stays" in resumed and " from " not in resumed.split("due date", 1)[1]
