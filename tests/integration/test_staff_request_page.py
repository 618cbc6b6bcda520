"""The staff request page: the timeline in words, only the actions allowed now (each behind a
disclosure), success messages as sentences, Eastern times, file sizes, and a confirmed closing."""

from __future__ import annotations

import html
import io
import re

import pytest

from foia_portal.extensions import db
from tests.fixtures.staff import login


def page_of(response) -> str:
    return response.get_data(as_text=True)


def text_of(markup: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)))


@pytest.fixture
def signed_in(client, officer):
    login(client, officer)
    return client


def act(client, foia_request, action, **data):
    db.session.refresh(foia_request)
    data.setdefault("version", str(foia_request.version))
    return client.post(
        f"/staff/requests/{foia_request.tracking_number}/actions/{action}",
        data=data,
        follow_redirects=True,
    )


def flashed(response) -> str:
    match = re.search(r'class="usa-alert usa-alert--success[^"]*"[^>]*>(.*?)</div>\s*</div>',
                      page_of(response), re.S)  # fmt: skip
    return text_of(match.group(1)).replace("Success:", "").strip() if match else ""


def test_success_messages_are_sentences(signed_in, make_request, officer):
    foia_request = make_request()
    response = act(signed_in, foia_request, "acknowledge", track="simple")
    assert flashed(response) == "Request acknowledged and placed on the simple track."
    response = act(signed_in, foia_request, "assign", assignee=officer.email)
    assert flashed(response) == "Request assigned to Olive Officer."
    response = act(signed_in, foia_request, "note", text="Called the records office.")
    assert flashed(response) == "Internal note added to the timeline."


def test_only_the_actions_allowed_now_are_shown_each_behind_a_disclosure(signed_in, make_request):
    foia_request = make_request()
    markup = page_of(signed_in.get(f"/staff/requests/{foia_request.tracking_number}"))
    buttons = re.findall(r'<button type="button" class="usa-accordion__button" '
                         r'aria-expanded="(\w+)" aria-controls="action-(\w+)"', markup)  # fmt: skip
    names = [name for _, name in buttons]
    assert "acknowledge" in names and "close" in names
    assert "resume" not in names and "extend" not in names and "reopen" not in names
    assert {expanded for expanded, _ in buttons} == {"false"}
    assert 'class="usa-accordion usa-accordion--bordered"' in markup


def test_a_failed_action_is_reshown_open(signed_in, make_request):
    foia_request = make_request()
    response = act(signed_in, foia_request, "note", text="")
    assert response.status_code == 422
    markup = page_of(response)
    assert 'aria-expanded="true" aria-controls="action-note"' in markup
    assert 'aria-expanded="false" aria-controls="action-acknowledge"' in markup


def test_the_timeline_is_in_words_never_codes(signed_in, make_request):
    foia_request = make_request()
    act(signed_in, foia_request, "acknowledge", track="simple")
    act(signed_in, foia_request, "extend", reason="field_facilities", message="")
    act(
        signed_in,
        foia_request,
        "close",
        disposition="partial_grant",
        exemptions=["b6", "b7C"],
        message="Names withheld.",
        confirm="y",
    )
    markup = page_of(signed_in.get(f"/staff/requests/{foia_request.tracking_number}"))
    timeline = text_of(markup[markup.index('id="timeline-heading"') :])
    assert "Disposition: Partial grant / partial denial" in timeline
    assert "(b)(6) Personal privacy" in timeline
    assert "Unusual circumstance: Records at field facilities" in timeline
    assert "Track: Simple" in timeline
    assert "Status: Received → In progress" in timeline
    for code in ("partial_grant", "['b6'", "b7C", "field_facilities", "in_progress", "UTC"):
        assert code not in timeline, code
    assert re.search(r"\d{1,2}:\d\d [ap]\.m\. Eastern", timeline)


def test_closing_needs_confirmation_and_shows_what_will_be_sent(signed_in, make_request):
    foia_request = make_request()
    markup = page_of(signed_in.get(f"/staff/requests/{foia_request.tracking_number}"))
    summary = text_of(markup[markup.index('id="close-summary"') :])
    assert "What closing sends" in summary and "appeal within 90 days" in summary
    assert foia_request.requester.email in summary

    response = act(
        signed_in, foia_request, "close", disposition="withdrawn", message="Withdrawn by phone."
    )
    assert response.status_code == 422
    assert "tick the box to confirm closing" in page_of(response)
    db.session.refresh(foia_request)
    assert foia_request.status == "received"

    response = act(
        signed_in,
        foia_request,
        "close",
        disposition="withdrawn",
        message="Withdrawn by phone.",
        confirm="y",
    )
    assert flashed(response) == (
        "Request closed as “Request withdrawn”; the final response is emailed to the requester."
    )


def test_file_sizes_read_the_same_on_the_staff_and_public_pages(signed_in, make_request):
    foia_request = make_request()
    act(
        signed_in,
        foia_request,
        "close",
        disposition="full_grant",
        message="Here.",
        confirm="y",
        released=(io.BytesIO(b"x" * 3000), "records.txt"),
    )
    markup = page_of(signed_in.get(f"/staff/requests/{foia_request.tracking_number}"))
    assert "3 KB)" in markup


def test_the_staff_entry_form_is_worded_for_staff(signed_in):
    text = text_of(page_of(signed_in.get("/staff/requests/new")))
    assert "The requester's email" in text and "The requester's first name" in text
    assert "Describe the records you want" not in text
    assert "I am asking for" not in text and "Which best describes you?" not in text


def test_staff_entry_errors_speak_of_the_requester(signed_in):
    response = signed_in.post("/staff/requests/new", data={"channel": "mail"})
    assert response.status_code == 422
    text = text_of(page_of(response))
    assert "Enter the requester's email address." in text
    assert "Enter the requester's first name." in text
    assert "Enter your" not in text


def test_staff_pages_give_times_in_eastern_time(client, admin):
    login(client, admin)
    text = text_of(page_of(client.get("/staff/users")))
    assert re.search(r"\d{1,2}:\d\d [ap]\.m\. Eastern", text)
    assert " UTC" not in text


def test_a_bad_choice_is_shown_at_its_field_with_the_accepted_values(signed_in, make_request):
    foia_request = make_request()
    response = act(signed_in, foia_request, "acknowledge", track="fastest")
    markup = page_of(response)
    error = re.search(r'<span class="usa-error-message" id="[\w-]*track-error"[^>]*>(.*?)</span>',
                      markup)  # fmt: skip
    assert error, "the message stands at the track field"
    assert error.group(1) == "Choose one of: simple, complex, expedited."
    assert "Not a valid choice" not in markup
