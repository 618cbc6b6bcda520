"""Filing a FOIA request through the web form: validation, storage, tracking numbers, the clock."""

from __future__ import annotations

import re
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from foia_portal.core.deadlines import compute_deadline, received_date_for
from foia_portal.extensions import db
from foia_portal.requests.forms import AMOUNT_MESSAGE
from foia_portal.requests.models import Attachment, FoiaRequest, RequestEvent
from tests.helpers import (
    EXE_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    counted_statements,
    file_field,
    form_token,
)

CONTRACT_FIELDS = [
    "first_name", "last_name", "email", "phone", "organization", "street", "city", "state",
    "zip_code", "country", "description", "date_from", "date_to", "fee_category", "fee_limit",
    "fee_waiver", "fee_waiver_reason", "expedited", "expedited_reason", "delivery_format",
    "attachments", "website",
]  # fmt: skip


def stored_requests() -> list[FoiaRequest]:
    return list(db.session.scalars(sa.select(FoiaRequest).order_by(FoiaRequest.id)))


def submit(client, fields: dict, **extra):
    return client.post(
        "/foia/request", data={**fields, **extra}, content_type="multipart/form-data"
    )


def test_form_offers_every_contract_field(client):
    html = client.get("/foia/request").get_data(as_text=True)
    for name in CONTRACT_FIELDS:
        assert f'name="{name}"' in html, name


def test_form_page_sets_no_cookie(client):
    response = client.get("/foia/request")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_valid_request_is_stored_and_redirects_to_its_confirmation(client, valid_request_fields):
    response = submit(client, valid_request_fields)
    assert response.status_code == 303
    [foia_request] = stored_requests()
    assert re.fullmatch(r"COPS-20\d\d-000001", foia_request.tracking_number)
    assert foia_request.status == "received"
    assert foia_request.requester.email == "ada@example.com"
    assert foia_request.date_from == date(2023, 10, 1)
    assert str(foia_request.fee_limit) == "50.00"
    assert foia_request.received_date == received_date_for(foia_request.submitted_at)
    assert foia_request.due_date == compute_deadline(foia_request.received_date).due_date
    [event] = foia_request.events
    assert (event.kind, event.public) == ("received", True)

    confirmation = client.get(response.headers["Location"])
    page = confirmation.get_data(as_text=True)
    assert confirmation.status_code == 200
    assert foia_request.tracking_number in page
    assert (
        f"{foia_request.due_date:%B} {foia_request.due_date.day}, {foia_request.due_date.year}"
        in page
    )


def test_values_are_trimmed(client, valid_request_fields):
    submit(client, {**valid_request_fields, "first_name": "  Ada  ", "email": " Ada@Example.com "})
    [foia_request] = stored_requests()
    assert foia_request.requester.first_name == "Ada"
    assert foia_request.requester.email == "ada@example.com"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fee_limit": "fifty"}, AMOUNT_MESSAGE),
        ({"email": "ada.example.com"}, "Enter an email address like name@example.com."),
    ],
)
def test_a_wrong_value_gets_one_plain_sentence_of_ours(
    client, valid_request_fields, changes, message
):
    [field] = changes
    html = submit(client, {**valid_request_fields, **changes}).get_data(as_text=True)
    error = re.search(
        rf'<span class="usa-error-message" id="{field}-error"[^>]*>(.*?)</span>', html
    )
    assert error.group(1) == message  # no range check or validator text added to it
    assert html.count(message) == 2  # at the field and in the summary, nothing else


def test_a_fee_limit_written_as_money_is_read_as_a_number(client, valid_request_fields):
    submit(client, {**valid_request_fields, "fee_limit": "$1,000.50"})
    [foia_request] = stored_requests()
    assert foia_request.fee_limit == Decimal("1000.50")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "Enter your first name."),
        ({"last_name": "   "}, "last_name", "Enter your last name."),
        ({"email": ""}, "email", "Enter your email address."),
        ({"email": "not-an-email"}, "email", "Enter an email address like name@example.com."),
        ({"description": "too short"}, "description", "20 to 10,000 characters"),
        ({"description": "x" * 10_001}, "description", "20 to 10,000 characters"),
        ({"date_from": "2024-05-01", "date_to": "2024-04-01"}, "date_to", "cannot be before"),
        ({"date_from": "31/12/2024"}, "date_from", "Not a valid date"),
        ({"fee_limit": "-5"}, "fee_limit", AMOUNT_MESSAGE),
        ({"fee_limit": "fifty"}, "fee_limit", AMOUNT_MESSAGE),
        ({"fee_limit": "1,000,001"}, "fee_limit", AMOUNT_MESSAGE),
        ({"fee_category": ""}, "fee_category", "Choose the description that fits you."),
        ({"fee_category": "rich"}, "fee_category", "Choose one of: commercial, educational"),
        ({"fee_waiver": "y", "fee_waiver_reason": ""}, "fee_waiver_reason", "Explain why fees"),
        ({"expedited": "y", "expedited_reason": ""}, "expedited_reason", "compelling need"),
        (
            {"expedited": "y", "expedited_reason": "Imminent threat to safety."},
            "expedited_certified",
            "certify",
        ),
        ({"last_name": "Love\x07lace"}, "last_name", "control characters"),
    ],
)
def test_invalid_request_is_reshown_with_the_problem_at_its_field(
    client, valid_request_fields, changes, field, message
):
    response = submit(client, {**valid_request_fields, **changes})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert stored_requests() == []
    # The summary links to the field, and the message stands at the field.
    # (A radio group's summary link goes to its first option.)
    assert f'href="#{field}"' in html or f'href="#{field}-0"' in html
    assert message in html
    assert f'id="{field}-error"' in html
    # What the requester typed is kept.
    assert 'value="Springfield"' in html


def test_failed_submission_keeps_the_description(client, valid_request_fields):
    response = submit(client, {**valid_request_fields, "email": "nope"})
    assert valid_request_fields["description"] in response.get_data(as_text=True)


def test_spam_trap_refuses_without_storing(client, valid_request_fields):
    response = submit(client, {**valid_request_fields, "website": "http://spam.example"})
    assert response.status_code == 400
    assert stored_requests() == []


def test_the_same_form_submitted_twice_files_one_request(client, valid_request_fields):
    token = form_token(client.get("/foia/request").get_data(as_text=True))
    first = submit(client, valid_request_fields, form_token=token)
    second = submit(client, valid_request_fields, form_token=token)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(stored_requests()) == 1


def test_attachments_are_checked_by_content_and_stored_with_random_names(
    app, client, valid_request_fields
):
    response = submit(
        client,
        valid_request_fields,
        attachments=[file_field("letter.pdf", PDF_BYTES), file_field("../../photo.png", PNG_BYTES)],
    )
    assert response.status_code == 303
    [foia_request] = stored_requests()
    pdf, png = foia_request.attachments
    assert (pdf.original_filename, pdf.content_type) == ("letter.pdf", "application/pdf")
    assert (png.original_filename, png.content_type) == ("photo.png", "image/png")
    folder = Path(app.config["UPLOAD_FOLDER"])
    assert (folder / pdf.stored_name).read_bytes() == PDF_BYTES
    assert re.fullmatch(r"[0-9a-f]{32}", pdf.stored_name)
    assert not (Path(app.static_folder) / pdf.stored_name).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", EXE_BYTES, "is not a PDF, PNG, JPEG, plain text or Word (DOCX) file"),
        ("empty.txt", b"", "is empty"),
    ],
)
def test_bad_attachments_are_refused_with_a_reason(
    client, valid_request_fields, name, content, message
):
    response = submit(client, valid_request_fields, attachments=[file_field(name, content)])
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored_requests() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0


def test_more_than_five_attachments_are_refused(client, valid_request_fields):
    files = [file_field(f"note{i}.txt", b"some text") for i in range(6)]
    response = submit(client, valid_request_fields, attachments=files)
    assert response.status_code == 422
    assert "Attach at most 5 files" in response.get_data(as_text=True)


@pytest.fixture
def small_upload_limit(config_overrides):
    config_overrides.update(MAX_CONTENT_LENGTH=64 * 1024)


@pytest.mark.usefixtures("small_upload_limit")
def test_an_oversized_body_gets_413_with_the_limit_explained(client, valid_request_fields):
    response = submit(
        client, valid_request_fields, attachments=[file_field("big.txt", b"a" * 100_000)]
    )
    assert response.status_code == 413
    assert "20 MB" in response.get_data(as_text=True)


@pytest.fixture
def broken_upload_folder(config_overrides, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the upload folder should be")
    config_overrides.update(UPLOAD_FOLDER=str(blocker / "uploads"))


@pytest.mark.usefixtures("broken_upload_folder")
def test_a_disk_that_cannot_store_files_fails_cleanly_without_half_a_request(
    client, valid_request_fields
):
    response = submit(client, valid_request_fields, attachments=[file_field("a.pdf", PDF_BYTES)])
    assert response.status_code == 503
    assert "could not save your files" in response.get_data(as_text=True)
    assert valid_request_fields["description"] in response.get_data(as_text=True)
    assert stored_requests() == []


@pytest.fixture
def rate_limited(config_overrides):
    config_overrides.update(RATELIMIT_ENABLED=True, RATELIMIT_SUBMISSIONS="2 per hour")


@pytest.mark.usefixtures("rate_limited")
def test_too_many_submissions_from_one_address_get_a_readable_429(client, valid_request_fields):
    for _ in range(2):
        assert submit(client, valid_request_fields).status_code == 303
    response = submit(client, valid_request_fields)
    assert response.status_code == 429
    assert "wait a few minutes" in response.get_data(as_text=True)


def test_tracking_numbers_count_up_without_gaps(client, valid_request_fields):
    for _ in range(3):
        submit(client, valid_request_fields)
    numbers = [r.tracking_number[-6:] for r in stored_requests()]
    assert numbers == ["000001", "000002", "000003"]


def test_fifty_simultaneous_submissions_get_fifty_distinct_numbers(
    app, db_dialect, valid_request_fields
):
    barrier = threading.Barrier(50)
    statuses: list[int] = []

    def file_one():
        client = app.test_client()
        barrier.wait()
        statuses.append(submit(client, valid_request_fields).status_code)

    threads = [threading.Thread(target=file_one) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [303] * 50
    numbers = sorted(int(r.tracking_number[-6:]) for r in stored_requests())
    assert numbers == list(range(1, 51))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RequestEvent)) == 50


def test_a_reshown_form_asks_to_choose_the_files_again_only_when_files_were_chosen(
    client, valid_request_fields
):
    with_files = submit(
        client,
        {**valid_request_fields, "email": "nope"},
        attachments=[file_field("letter.pdf", PDF_BYTES), file_field("photo.png", PNG_BYTES)],
    ).get_data(as_text=True)
    assert "Choose your files again (letter.pdf, photo.png)" in with_files

    without_files = submit(client, {**valid_request_fields, "email": "nope"})
    assert without_files.status_code == 422
    assert "files again" not in without_files.get_data(as_text=True)
    assert "files again" not in client.get("/foia/request").get_data(as_text=True)


def test_a_reshown_form_says_error_first_in_its_title(client, valid_request_fields):
    title = re.compile(r"<title>(.*?) \|")
    reshown = submit(client, {**valid_request_fields, "email": "nope"}).get_data(as_text=True)
    assert title.search(reshown).group(1) == "Error: Make a FOIA request"
    fresh = client.get("/foia/request").get_data(as_text=True)
    assert title.search(fresh).group(1) == "Make a FOIA request"


# ---------------------------------------------------------------------------------------------
# The submitting transaction (docs/architecture.md, "Request intake"): rows written with single
# INSERTs after the number is taken, the emails rendered before it, nothing read back.


def file_directly(fields: dict, **intake) -> FoiaRequest:
    from foia_portal.requests import services

    validated = {  # what the form hands over: dates and amounts, not strings
        **fields,
        "date_from": date.fromisoformat(fields["date_from"]),
        "date_to": date.fromisoformat(fields["date_to"]),
        "fee_limit": Decimal(fields["fee_limit"]),
    }
    return services.submit_request(
        services.Intake(fields=validated, **intake),
        services.StoredFiles(),
    )


def test_a_submission_writes_each_row_once(app, client, valid_request_fields):
    app.config["FOIA_OFFICE_EMAIL"] = "foia@cops.example.gov"
    submit(client, valid_request_fields)  # the first of the year also creates the counter row
    token = form_token(client.get("/foia/request").get_data(as_text=True))
    with counted_statements() as statements:
        response = submit(client, valid_request_fields, form_token=token)
    assert response.status_code == 303
    verbs = [" ".join(s.split()[:3]).upper() for s in statements]
    # The number, one INSERT per row; nothing for the FAQ suggestions (the form token matches
    # them).
    # The one read: the redirect reloads the committed request (the session expires on commit).
    assert sum(v.startswith("SELECT") for v in verbs) == 1, verbs
    assert sum(v.startswith("UPDATE TRACKING_SEQUENCE") for v in verbs) == 1, verbs
    assert not any(v.startswith("UPDATE CONTENT_VERSION") for v in verbs), verbs
    for table in ("requester", "foia_request", "request_event"):
        assert sum(v == f"INSERT INTO {table.upper()}" for v in verbs) == 1, verbs
    assert sum(v == "INSERT INTO OUTBOX_MESSAGE" for v in verbs) == 2, verbs
    assert db.session.scalar(sa.text("SELECT count(*) FROM outbox_message")) == 4  # two each


def test_the_request_returned_by_intake_is_the_stored_row_and_reads_without_queries(
    app, valid_request_fields
):
    foia_request = file_directly(valid_request_fields)
    with counted_statements() as statements:
        columns = {c.key: getattr(foia_request, c.key) for c in FoiaRequest.__table__.columns}
        requester_email = foia_request.requester.email
        assert foia_request.holds == []
        assert foia_request.attachments == []
    assert statements == []
    assert requester_email == "ada@example.com"
    db.session.commit()

    db.session.expire_all()
    stored = db.session.get(FoiaRequest, foia_request.id)
    assert {c.key: getattr(stored, c.key) for c in FoiaRequest.__table__.columns} == columns
    assert columns["version"] == 1
    assert columns["exemptions"] == []
    assert columns["tracking_number"].endswith("-000001")
    assert columns["updated_at"] is not None and columns["created_at"] == columns["updated_at"]
    [event] = stored.events
    assert (event.kind, event.due_date) == ("received", stored.due_date)


def test_the_returned_request_takes_more_changes_in_the_same_transaction(app, valid_request_fields):
    from foia_portal.requests.services import record_event

    foia_request = file_directly(valid_request_fields, channel="foia_gov")
    # What the FOIA.gov receiver does after intake: one more event, then the commit.
    record_event(foia_request, "foia_gov_received", public=False, message="From the portal.")
    assert [e.kind for e in foia_request.events] == ["received", "foia_gov_received"]
    with counted_statements() as statements:
        db.session.commit()
    assert not any(s.lstrip().upper().startswith("UPDATE FOIA_REQUEST") for s in statements)

    db.session.expire_all()
    stored = db.session.get(FoiaRequest, foia_request.id)
    assert stored.version == 1
    assert [e.kind for e in stored.events] == ["received", "foia_gov_received"]


def test_a_failure_after_the_number_was_taken_leaves_nothing_and_no_gap(
    app, client, valid_request_fields, monkeypatch
):
    from foia_portal.requests import notifications

    app.config["FOIA_OFFICE_EMAIL"] = "foia@cops.example.gov"

    real_queue = notifications.queue_email

    written_before = []

    def emails_fail(**email):
        # The last rows intake writes: the request and its event are in.
        written_before.append(db.session.scalar(sa.text("SELECT count(*) FROM request_event")))
        raise sa.exc.OperationalError("INSERT INTO outbox_message", {}, Exception("gone"))

    monkeypatch.setattr(notifications, "queue_email", emails_fail)
    response = submit(client, valid_request_fields)
    assert response.status_code == 503
    assert written_before == [1]
    assert valid_request_fields["description"] in response.get_data(as_text=True)
    assert stored_requests() == []
    for table in ("requester", "request_event"):
        assert db.session.scalar(sa.text(f"SELECT count(*) FROM {table}")) == 0  # noqa: S608

    monkeypatch.setattr(notifications, "queue_email", real_queue)
    assert submit(client, valid_request_fields).status_code == 303
    [foia_request] = stored_requests()
    assert foia_request.tracking_number.endswith("-000001")


@pytest.mark.parametrize("where", ["request_context", "queue_email"])
def test_an_unexpected_failure_reshows_the_form_with_everything_and_stores_nothing(
    app, client, valid_request_fields, monkeypatch, where
):
    from foia_portal.requests import notifications

    app.config["FOIA_OFFICE_EMAIL"] = "foia@cops.example.gov"

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    real = getattr(notifications, where)
    monkeypatch.setattr(notifications, where, broken)
    token = form_token(client.get("/foia/request").get_data(as_text=True))
    response = submit(client, valid_request_fields, form_token=token)
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "your request was not filed" in page
    assert valid_request_fields["description"] in page
    assert form_token(page) == token
    assert stored_requests() == []
    for table in ("requester", "request_event", "outbox_message"):
        assert db.session.scalar(sa.text(f"SELECT count(*) FROM {table}")) == 0  # noqa: S608

    monkeypatch.setattr(notifications, where, real)
    assert submit(client, valid_request_fields, form_token=token).status_code == 303
    assert submit(client, valid_request_fields, form_token=token).status_code == 303
    [foia_request] = stored_requests()
    assert foia_request.tracking_number.endswith("-000001")


def test_a_repeat_edited_into_an_invalid_form_shows_the_request_already_filed(
    client, valid_request_fields
):
    token = form_token(client.get("/foia/request").get_data(as_text=True))
    first = submit(client, valid_request_fields, form_token=token)
    repeat = submit(client, {**valid_request_fields, "email": "not an address"}, form_token=token)
    assert repeat.status_code == 303
    assert repeat.headers["Location"] == first.headers["Location"]
    assert len(stored_requests()) == 1
    # A new form with the same mistake is shown again, its problem named.
    assert submit(client, {**valid_request_fields, "email": "not an address"}).status_code == 422


def test_a_repeated_form_stops_at_the_unique_index_and_gives_its_number_back(
    app, client, valid_request_fields
):
    # The repeat gets as far as the request's INSERT, fails on the unique form token inside its
    # transaction and rolls back: no second email, and its tracking number is given back.
    app.config["FOIA_OFFICE_EMAIL"] = "foia@cops.example.gov"
    token = form_token(client.get("/foia/request").get_data(as_text=True))
    first = submit(client, valid_request_fields, form_token=token)
    second = submit(client, valid_request_fields, form_token=token)
    assert second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert len(stored_requests()) == 1
    assert db.session.scalar(sa.text("SELECT count(*) FROM outbox_message")) == 2

    submit(client, valid_request_fields)
    assert [r.tracking_number[-6:] for r in stored_requests()] == ["000001", "000002"]


def test_the_emails_carry_the_number_and_link_and_escape_what_was_typed(app, valid_request_fields):
    from foia_portal.mail.models import OutboxMessage
    from foia_portal.requests.notifications import external_status_url

    app.config["FOIA_OFFICE_EMAIL"] = "foia@cops.example.gov"
    description = "Records with <angle brackets> & ampersands."
    foia_request = file_directly({**valid_request_fields, "description": description})
    db.session.commit()
    link = external_status_url(foia_request)
    messages = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.kind for m in messages] == ["requests/confirmation", "requests/staff_notice"]
    for message in messages:
        assert foia_request.tracking_number in message.subject
        assert foia_request.tracking_number in message.body_text
        assert foia_request.tracking_number in message.body_html
        assert description in message.body_text
    confirmation = messages[0]
    assert link in confirmation.body_text
    assert f'href="{link}"' in confirmation.body_html
    assert "&lt;angle brackets&gt; &amp; ampersands" in confirmation.body_html


def test_sqlite_connections_use_wal_and_wait_for_the_write_lock(app, db_dialect):
    if db_dialect != "sqlite":
        pytest.skip("SQLite's journal settings")
    connection = db.session.connection()
    assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL, the default
    assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
