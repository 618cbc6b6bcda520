"""The emails about a new request: what they say, checked against golden files, and who gets them.

Regenerate the golden files after a deliberate wording change with
`FOIA_UPDATE_GOLDEN=1 .venv/bin/pytest tests/integration/test_mail_notifications.py` and review the diff.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from foia_portal.extensions import db
from foia_portal.mail import outbox
from foia_portal.mail.models import OutboxMessage
from foia_portal.requests import notifications
from foia_portal.requests.status_links import revoke_status_links, status_url
from tests.fixtures.mail import OFFICE_EMAIL
from tests.helpers import PROJECT_DIR

GOLDEN = PROJECT_DIR / "tests" / "golden" / "email"
UPDATE_GOLDEN = os.environ.get("FOIA_UPDATE_GOLDEN") == "1"
# Friday 20 November 2026, 10:00 Eastern: received that day; Thanksgiving (26 November) skipped.
SUBMITTED_AT = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


@pytest.fixture
def config_overrides(smtp_server):
    return smtp_server.config_overrides()


def queued(kind: str) -> OutboxMessage:
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == kind)).one()


def link_of(app, foia_request) -> str:
    with app.test_request_context("/"):
        return status_url(foia_request, external=True)


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE_GOLDEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with FOIA_UPDATE_GOLDEN=1 to create it"
    assert actual == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("part", ["txt", "html"])
def test_confirmation_matches_the_golden_file(app, file_request, part):
    foia_request = file_request(submitted_at=SUBMITTED_AT)
    message = queued("requests/confirmation")
    body = message.body_text if part == "txt" else message.body_html
    check_golden(f"confirmation.{part}", body.replace(link_of(app, foia_request), "{status_url}"))


@pytest.mark.parametrize("part", ["txt", "html"])
def test_staff_notice_matches_the_golden_file(app, file_request, part):
    file_request(
        submitted_at=SUBMITTED_AT,
        organization="Springfield Gazette",
        expedited=True,
        expedited_reason="An urgent matter of public safety.",
        fee_waiver=True,
        fee_waiver_reason="Public interest.",
    )
    message = queued("requests/staff_notice")
    check_golden(f"staff_notice.{part}", message.body_text if part == "txt" else message.body_html)


def test_confirmation_tells_the_requester_everything_the_issue_asks_for(app, file_request):
    foia_request = file_request(submitted_at=SUBMITTED_AT, fee_waiver=True, fee_waiver_reason="x")
    message = queued("requests/confirmation")
    text = message.body_text
    assert message.recipient == "ada@example.com"
    assert message.subject == "We received your FOIA request COPS-2027-000001"
    assert "COPS-2027-000001" in text
    assert "community policing hiring grants" in text  # what was asked
    assert "Requester category: All other requesters" in text
    assert "Fee waiver asked for: Yes" in text
    assert "Received: Friday, November 20, 2026" in text
    assert "Response due by law: Monday, December 21, 2026" in text
    assert "Thanksgiving" in text  # how the due date was worked out
    assert link_of(app, foia_request) in text
    assert app.config["FOIA_PUBLIC_LIAISON_PHONE"] in text
    assert app.config["FOIA_PUBLIC_LIAISON_EMAIL"] in text
    assert message.request_id == foia_request.id


def test_staff_notice_goes_to_the_office_and_flags_expedited_requests(app, file_request):
    file_request(expedited=True, expedited_reason="Imminent threat to safety.")
    message = queued("requests/staff_notice")
    assert message.recipient == OFFICE_EMAIL
    assert message.subject.startswith("New FOIA request COPS-")
    assert message.subject.endswith("(expedited processing asked)")
    assert "decide by" in message.body_text


def test_both_emails_tell_when_the_expedited_decision_is_due_in_both_parts(app, file_request):
    file_request(
        submitted_at=SUBMITTED_AT, expedited=True, expedited_reason="Imminent threat to safety."
    )
    # Received Friday 20 November: decided within 10 calendar days, by Monday 30 November.
    due = "Yes (we decide on it by Monday, November 30, 2026, within 10 calendar days)"
    for kind in ("requests/confirmation", "requests/staff_notice"):
        message = queued(kind)
        assert f"Expedited processing asked for: {due}" in message.body_text, kind
        assert f"Expedited processing asked for</th><td>{due}</td>" in message.body_html, kind


def test_without_an_office_address_only_the_requester_is_emailed(app, file_request, caplog):
    app.config["FOIA_OFFICE_EMAIL"] = None
    file_request()
    kinds = db.session.scalars(sa.select(OutboxMessage.kind)).all()
    assert kinds == ["requests/confirmation"]
    assert "FOIA_OFFICE_EMAIL is not set" in caplog.text


def test_test_submissions_from_the_portal_send_no_email(app):
    from foia_portal.requests import services
    from tests.fixtures.mail import request_fields

    services.submit_request(
        services.Intake(fields=request_fields(), is_test=True), services.StoredFiles()
    )
    db.session.commit()
    assert db.session.scalars(sa.select(OutboxMessage)).all() == []


def test_the_emails_arrive_over_smtp_with_the_tracking_number_in_the_subject(
    app, file_request, smtp_server
):
    foia_request = file_request()
    outbox.send_due()
    deliveries = smtp_server.wait_for(2)
    subjects = sorted(d.message["Subject"] for d in deliveries)
    assert all(foia_request.tracking_number in subject for subject in subjects)
    [confirmation] = smtp_server.to("ada@example.com")
    [notice] = smtp_server.to(OFFICE_EMAIL)
    assert link_of(app, foia_request) in confirmation.part("plain")
    assert foia_request.tracking_number in notice.part("html")


def test_a_new_status_link_email_carries_a_link_that_works_and_old_ones_stop(
    app, file_request, client
):
    foia_request = file_request()
    old_link = link_of(app, foia_request)
    revoke_status_links(foia_request)
    notifications.status_link_sent(foia_request)
    db.session.commit()

    new_link = link_of(app, foia_request)
    message = queued("requests/status_link")
    assert new_link != old_link
    assert new_link in message.body_text
    assert old_link not in message.body_text
    base = app.config["PUBLIC_BASE_URL"]
    assert client.get(old_link.removeprefix(base)).status_code == 404
    assert client.get(new_link.removeprefix(base)).status_code == 200


SHAPES = {
    "plain": {},
    "everything asked": {
        "organization": 'Smith & <Sons> "Gazette"',
        "expedited": True,
        "expedited_reason": "An urgent matter of public safety.",
        "fee_waiver": True,
        "fee_waiver_reason": "Public interest.",
    },
    "no dates, no limit, on paper": {
        "date_from": None,
        "date_to": None,
        "fee_limit": None,
        "delivery_format": "paper",
    },
    "long description with markup": {
        "first_name": "Siobhán",
        "last_name": "O'Brien <script>",
        "description": ("Records about <b>grants</b> & \"awards\" — 'all' of them. " * 60),
    },
}


@pytest.mark.parametrize("channel", ["web", "staff"])
def test_queued_emails_read_exactly_as_the_templates_render_them(app, file_request, channel):
    from foia_portal.requests.uploads import CheckedUpload
    from tests.helpers import PDF_BYTES

    app.config["FOIA_OFFICE_EMAIL"] = OFFICE_EMAIL
    files = (
        [CheckedUpload("letter.pdf", "application/pdf", PDF_BYTES)] if channel == "staff" else []
    )
    for shape, fields in SHAPES.items():
        foia_request = file_request(
            submitted_at=SUBMITTED_AT, channel=channel, files=files, **fields
        )
        context = notifications.request_context(foia_request)
        assert context["attachment_count"] == len(files)
        for kind in ("requests/confirmation", "requests/staff_notice"):
            text, html = outbox.render_email(kind, context)
            message = db.session.scalars(
                sa.select(OutboxMessage).filter_by(kind=kind, request_id=foia_request.id)
            ).one()
            assert message.body_text == text, shape
            assert message.body_html == html, shape


def test_each_request_gets_emails_of_its_own(app, file_request):
    app.config["FOIA_OFFICE_EMAIL"] = OFFICE_EMAIL
    file_request(submitted_at=SUBMITTED_AT)
    file_request(submitted_at=SUBMITTED_AT, first_name="Grace", description="Other records.")
    file_request(submitted_at=SUBMITTED_AT, fee_limit=None)
    names = [
        m.body_text.split(",")[0]
        for m in db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.kind == "requests/confirmation")
            .order_by(OutboxMessage.id)
        )
    ]
    assert names == ["Dear Ada Lovelace", "Dear Grace Lovelace", "Dear Ada Lovelace"]


def test_a_long_description_is_cut_at_a_word_in_both_emails(app, file_request):
    words = " ".join(f"word{n} <&>" for n in range(1500))  # about 15,000 characters
    foia_request = file_request(description=words)
    messages = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.request_id == foia_request.id)
    ).all()
    assert len(messages) == 2
    for message in messages:
        assert words not in message.body_text
        kept = message.body_text.split("word0", 1)[1].split(" […]", 1)[0]
        assert 1900 < len("word0" + kept + " […]") <= 2000
        assert "word0 &lt;&amp;&gt;" in message.body_html  # escaped after the cut
        assert " […]" in message.body_html
