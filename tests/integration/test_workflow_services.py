"""The staff action services (staff/services.py): every step of the law, pauses, extensions."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from foia_portal.core.workflow import ActionNotAllowed, RoleNotAllowed
from foia_portal.extensions import db
from foia_portal.mail.models import OutboxMessage
from foia_portal.requests.models import FoiaRequest
from foia_portal.staff import services as workflow_services
from foia_portal.staff.services import ActionInvalid, RequestChanged, perform_action

# Received Monday 5 October 2026 (10:00 Eastern). 20 business days, skipping Columbus Day
# (12 October): due Tuesday 3 November 2026.
RECEIVED = date(2026, 10, 5)
DUE = date(2026, 11, 3)
DAY = date(2026, 10, 15)


@pytest.fixture
def foia_request(make_request):
    return make_request()


def act(foia_request, name, actor, today=DAY, **values):
    event = perform_action(foia_request, name, actor, values, today=today)
    db.session.commit()
    return event


def emails(kind):
    return list(
        db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == f"workflow/{kind}"))
    )


def test_a_new_request_is_due_twenty_business_days_after_receipt_skipping_holidays(foia_request):
    assert foia_request.received_date == RECEIVED
    assert foia_request.due_date == DUE


def test_acknowledge_chooses_the_track_sets_a_default_estimate_and_emails_both_dates(
    foia_request, officer
):
    event = act(foia_request, "acknowledge", officer, track="complex")
    assert foia_request.status == "in_progress" and foia_request.track == "complex"
    # No closed complex requests yet: the fallback of 60 business days from receipt (skipping
    # Columbus Day, Veterans Day, Thanksgiving, Christmas and New Year's Day).
    assert foia_request.estimated_completion_date == date(2027, 1, 4)
    assert event.public and event.actor_id == officer.id
    assert event.previous_due_date == DUE and event.due_date == DUE
    assert event.details["changes"]["status"] == ["received", "in_progress"]
    (message,) = emails("acknowledgment")
    assert message.recipient == "ada@example.com"
    assert "Complex" in message.body_text or "complex" in message.body_text
    assert "November 3, 2026" in message.body_text  # the statutory due date
    assert "January 4, 2027" in message.body_text  # the estimate beside it


def test_default_estimate_uses_the_median_of_closed_requests_on_the_track(make_request, officer):
    for days_taken in (5, 7, 9, 11, 30):
        closed = make_request()
        closed.track = "simple"
        closed.status = "closed"
        closed.disposition = "full_grant"
        closed.closed_date = {
            5: date(2026, 10, 13),
            7: date(2026, 10, 15),
            9: date(2026, 10, 19),
            11: date(2026, 10, 21),
            30: date(2026, 11, 17),
        }[days_taken]
    db.session.commit()
    assert workflow_services.median_processing_days("simple") == 9
    fresh = make_request()
    assert workflow_services.default_estimate(fresh, "simple", today=RECEIVED) == (
        date(2026, 10, 19),
        {"method": "median", "business_days": 9},
    )


def test_an_explicit_estimate_in_the_past_is_refused(foia_request, officer):
    with pytest.raises(ActionInvalid) as raised:
        act(
            foia_request,
            "acknowledge",
            officer,
            track="simple",
            estimated_completion_date=date(2026, 10, 1),
        )
    assert "estimated_completion_date" in raised.value.errors


def test_request_info_stops_the_clock_and_resume_moves_the_due_date_by_the_paused_days(
    foia_request, officer
):
    act(foia_request, "acknowledge", officer, track="simple", today=RECEIVED)
    act(
        foia_request,
        "request_info",
        officer,
        message="Which grant programs?",
        reason="clarification",
    )
    assert foia_request.status == "on_hold" and foia_request.on_hold_since == DAY
    assert emails("information_request")[0].body_text.count("Which grant programs?") == 1
    # Answered Tuesday 20 October: Friday 16, Monday 19 and Tuesday 20 are not counted.
    event = act(foia_request, "resume", officer, today=date(2026, 10, 20))
    assert foia_request.status == "in_progress"
    assert foia_request.paused_business_days == 3
    assert foia_request.due_date == date(2026, 11, 6)
    assert event.previous_due_date == DUE and event.due_date == date(2026, 11, 6)
    assert event.details["paused_business_days"] == 3


def test_resume_can_record_the_day_the_requester_actually_answered(foia_request, officer):
    act(foia_request, "acknowledge", officer, track="simple", today=RECEIVED)
    act(foia_request, "request_info", officer, message="Which years?")
    act(foia_request, "resume", officer, today=date(2026, 10, 27), answered_on=date(2026, 10, 16))
    assert foia_request.paused_business_days == 1
    assert foia_request.due_date == date(2026, 11, 4)


def test_the_clarification_toll_is_used_once_but_fee_questions_may_stop_the_clock_again(
    foia_request, officer
):
    act(foia_request, "acknowledge", officer, track="simple", today=RECEIVED)
    act(foia_request, "request_info", officer, message="Which years?", reason="clarification")
    act(foia_request, "resume", officer, today=date(2026, 10, 16))
    with pytest.raises(ActionInvalid) as raised:
        act(
            foia_request,
            "request_info",
            officer,
            today=date(2026, 10, 19),
            message="And which office?",
            reason="clarification",
        )
    assert "552(a)(6)(A)(ii)(I)" in raised.value.errors["reason"][0]
    db.session.rollback()
    act(
        foia_request,
        "request_info",
        officer,
        today=date(2026, 10, 19),
        message="The fees will be $40; do you agree?",
        reason="fees",
    )
    assert foia_request.hold_reason == "fees"
    assert [h.reason for h in foia_request.holds] == ["clarification", "fees"]


def test_extension_adds_ten_business_days_once_and_notifies_as_the_law_requires(
    foia_request, officer
):
    act(foia_request, "acknowledge", officer, track="complex", today=RECEIVED)
    event = act(foia_request, "extend", officer, reason="voluminous_records")
    # 3 November + 10 business days, skipping Veterans Day (11 November).
    assert foia_request.due_date == date(2026, 11, 18)
    assert event.previous_due_date == DUE and event.due_date == date(2026, 11, 18)
    (notice,) = emails("extension")
    for words in (
        "voluminous",
        "narrow",
        "FOIA Public Liaison",
        "Office of Government Information Services",
        "November 18, 2026",
        "November 3, 2026",
    ):
        assert words in notice.body_text
    with pytest.raises(ActionNotAllowed):
        act(foia_request, "extend", officer, reason="consultation")


def test_an_extension_is_not_possible_while_on_hold_or_before_acknowledgment(foia_request, officer):
    with pytest.raises(ActionNotAllowed):
        act(foia_request, "extend", officer, reason="consultation")
    act(foia_request, "acknowledge", officer, track="simple", today=RECEIVED)
    act(foia_request, "request_info", officer, message="Which years?")
    with pytest.raises(ActionNotAllowed):
        act(foia_request, "extend", officer, reason="consultation")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"reason": "because"}, "reason"),
        ({}, "reason"),
    ],
)
def test_extension_needs_one_of_the_three_unusual_circumstances(
    foia_request, officer, values, field
):
    act(foia_request, "acknowledge", officer, track="simple", today=RECEIVED)
    with pytest.raises(ActionInvalid) as raised:
        act(foia_request, "extend", officer, **values)
    assert field in raised.value.errors


@pytest.mark.parametrize(
    ("disposition", "exemptions", "ok"),
    [
        ("full_grant", [], True),
        ("partial_grant", [], False),
        ("partial_grant", ["b6", "b7C"], True),
        ("full_denial", [], False),
        ("full_denial", ["b5"], True),
        ("no_records", ["b6"], False),
        ("partial_grant", ["b10"], False),
        ("not_a_disposition", [], False),
    ],
)
def test_close_requires_exemptions_exactly_for_withholdings(
    foia_request, officer, disposition, exemptions, ok
):
    act(foia_request, "acknowledge", officer, track="simple", today=RECEIVED)
    if ok:
        act(
            foia_request,
            "close",
            officer,
            disposition=disposition,
            exemptions=exemptions,
            message="Here is our answer.",
        )
        assert foia_request.status == "closed" and foia_request.exemptions == exemptions
    else:
        with pytest.raises(ActionInvalid):
            act(
                foia_request,
                "close",
                officer,
                disposition=disposition,
                exemptions=exemptions,
                message="Here is our answer.",
            )


def test_the_final_response_states_appeal_rights_the_liaison_and_ogis(foia_request, officer):
    act(foia_request, "acknowledge", officer, track="simple", today=RECEIVED)
    act(
        foia_request,
        "close",
        officer,
        disposition="partial_grant",
        exemptions=["b6"],
        message="Some names were withheld.",
    )
    (final,) = emails("final_response")
    for words in (
        "90 days",
        "FOIA Public Liaison",
        "Office of Government Information Services",
        "Partial grant",
        "(b)(6) Personal privacy",
        "Some names were withheld.",
    ):
        assert words in final.body_text
    assert foia_request.closed_date == DAY


def test_a_duplicate_can_close_straight_from_received(foia_request, officer):
    act(
        foia_request, "close", officer, disposition="duplicate", message="Same as COPS-2027-000001."
    )
    assert foia_request.status == "closed"


def test_closing_while_on_hold_ends_the_hold(foia_request, officer):
    act(foia_request, "acknowledge", officer, track="simple", today=RECEIVED)
    act(foia_request, "request_info", officer, message="Which years?")
    act(
        foia_request,
        "close",
        officer,
        today=date(2026, 10, 19),
        disposition="withdrawn",
        message="Withdrawn at your request.",
    )
    assert foia_request.holds[0].ended_on == date(2026, 10, 19)
    assert foia_request.status == "closed"


def test_closed_request_cannot_be_extended_and_only_an_admin_reopens_it(
    foia_request, officer, admin
):
    act(foia_request, "close", officer, disposition="withdrawn", message="Withdrawn.")
    with pytest.raises(ActionNotAllowed):
        act(foia_request, "extend", officer, reason="consultation")
    with pytest.raises(RoleNotAllowed):
        act(foia_request, "reopen", officer, reason="Closed by mistake.")
    event = act(foia_request, "reopen", admin, reason="Closed by mistake.")
    assert foia_request.status == "in_progress" and foia_request.disposition is None
    assert event.details["previous_disposition"] == "withdrawn"


def test_expedited_decision_only_when_asked_and_a_grant_moves_the_request_to_that_track(
    make_request, officer
):
    plain = make_request()
    with pytest.raises(ActionNotAllowed):
        act(plain, "decide_expedited", officer, decision="granted", reason="Threat to life.")
    asked = make_request(expedited=True)
    assert asked.expedited_decision_due == date(2026, 10, 15)  # 10 calendar days
    act(asked, "decide_expedited", officer, decision="granted", reason="Threat to life.")
    assert asked.track == "expedited" and asked.expedited_decision == "granted"
    with pytest.raises(ActionNotAllowed):
        act(asked, "decide_expedited", officer, decision="denied", reason="Changed my mind.")


@pytest.mark.parametrize("action", ["decide_expedited", "decide_fee_waiver"])
def test_a_denial_email_names_appeal_rights_and_ogis(make_request, officer, action):
    foia_request = make_request(expedited=True, fee_waiver=True)
    act(foia_request, action, officer, decision="denied", reason="Not shown.")
    kind = "expedited_decision" if action == "decide_expedited" else "fee_waiver_decision"
    (message,) = emails(kind)
    assert "denied" in message.body_text and "90 days" in message.body_text
    assert "Office of Government Information Services" in message.body_text


def test_assign_tells_the_officer_by_email_and_refuses_unknown_people(foia_request, officer, admin):
    act(foia_request, "assign", admin, assignee=officer.email.upper())
    assert foia_request.assignee_id == officer.id
    (notice,) = emails("assigned")
    assert notice.recipient == officer.email and foia_request.tracking_number in notice.body_text
    with pytest.raises(ActionInvalid):
        act(foia_request, "assign", admin, assignee="stranger@example.com")


def test_a_note_is_internal_and_sends_nothing(foia_request, officer):
    event = act(foia_request, "note", officer, text="Called the requester.")
    assert not event.public and event.message == "Called the requester."
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind.like("workflow/%"))
        )
        == 0
    )


def test_estimate_revision_needs_a_reason_and_is_a_public_event(foia_request, officer):
    act(foia_request, "acknowledge", officer, track="simple", today=RECEIVED)
    with pytest.raises(ActionInvalid):
        act(foia_request, "set_estimate", officer, estimated_completion_date=date(2026, 12, 1))
    db.session.rollback()
    event = act(
        foia_request,
        "set_estimate",
        officer,
        estimated_completion_date=date(2026, 12, 1),
        reason="More records than expected.",
    )
    assert event.public and event.message == "More records than expected."
    assert foia_request.estimated_completion_date == date(2026, 12, 1)
    assert len(emails("estimate_revised")) == 1


def test_a_stale_version_is_refused(foia_request, officer):
    version = foia_request.version
    act(foia_request, "assign", officer, assignee=officer.email)
    with pytest.raises(RequestChanged):
        perform_action(
            foia_request,
            "acknowledge",
            officer,
            {"track": "simple"},
            expected_version=version,
            today=DAY,
        )


def test_a_concurrent_change_committed_elsewhere_is_detected_at_write(foia_request, officer, app):
    # Another officer's transaction bumps the row after we loaded it.
    with db.engine.begin() as other:
        other.execute(
            sa.update(FoiaRequest.__table__)
            .where(FoiaRequest.__table__.c.id == foia_request.id)
            .values(version=FoiaRequest.__table__.c.version + 1, track="complex")
        )
    with pytest.raises(RequestChanged):
        perform_action(foia_request, "acknowledge", officer, {"track": "simple"}, today=DAY)
    db.session.rollback()


def test_staff_entered_request_starts_the_clock_on_the_date_received(make_request):
    # Arrived by mail on Saturday 3 October 2026: received the next business day, Monday 5.
    entered = make_request(
        submitted_at=datetime(2026, 10, 3, 16, 0, tzinfo=UTC),
        received_on=date(2026, 10, 5),
        channel="mail",
    )
    assert entered.channel == "mail" and entered.due_date == DUE


def test_unknown_action_is_invalid(foia_request, officer):
    with pytest.raises(ActionInvalid):
        perform_action(foia_request, "shred", officer, {})
