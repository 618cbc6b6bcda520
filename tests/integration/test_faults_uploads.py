"""The disk for uploads is full or read-only: a submission with files fails cleanly and says so,
keeps what was typed, and leaves no half-stored request and no stray file behind; staff closing
a request with released records and FOIA.gov deliveries fail the same way.

(tests/integration/test_requests_intake.py covers an upload folder that cannot be created at all.)
"""

from __future__ import annotations

import base64
import errno
import io
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from foia_portal.extensions import db
from foia_portal.mail.models import OutboxMessage
from foia_portal.requests import uploads
from foia_portal.requests.models import Attachment, FoiaRequest, RequestEvent
from tests.fixtures.staff import login
from tests.helpers import PDF_BYTES, PNG_BYTES

PORTAL_SECRET = "faults-portal-secret"


@pytest.fixture
def config_overrides():
    return {"FOIA_PORTAL_SECRET": PORTAL_SECRET}


@pytest.fixture(
    params=[errno.ENOSPC, errno.EROFS, errno.EDQUOT], ids=["full", "read-only", "quota"]
)
def failing_disk(request, monkeypatch):
    """The first file is written; every later one fails with the given error at fsync (where a
    full disk shows up), or at open (read-only). Returns the list of paths that were created."""
    code = request.param
    created: list[Path] = []
    real_open, real_fsync = os.open, os.fsync

    def open_(path, flags, mode=0o777, *args, **kwargs):
        if code == errno.EROFS and created:
            raise OSError(code, os.strerror(code), str(path))
        fd = real_open(path, flags, mode, *args, **kwargs)
        created.append(Path(path))
        return fd

    def fsync(fd):
        if code != errno.EROFS and len(created) > 1:
            raise OSError(code, os.strerror(code))
        return real_fsync(fd)

    monkeypatch.setattr(uploads.os, "open", open_)
    monkeypatch.setattr(uploads.os, "fsync", fsync)
    return created


def counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (FoiaRequest, Attachment, RequestEvent, OutboxMessage)
    }


def upload_folder_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_submission_whose_files_cannot_be_stored_is_not_filed_and_keeps_the_text(
    app, client, valid_request_fields, failing_disk
):
    before = counts()
    response = client.post(
        "/foia/request",
        data={
            **valid_request_fields,
            "form_token": "disk-fault-form-token-0001",
            "attachments": [
                (io.BytesIO(PDF_BYTES), "letter.pdf"),
                (io.BytesIO(PNG_BYTES), "photo.png"),
            ],
        },
    )

    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "could not save your files" in page
    assert "your request was not filed" in page
    assert valid_request_fields["description"] in page
    assert valid_request_fields["first_name"] in page
    assert 'value="disk-fault-form-token-0001"' in page
    db.session.rollback()
    assert counts() == before  # no request, attachment, event or email
    assert len(failing_disk) >= 1  # a file had been written …
    assert upload_folder_files(app) == []  # … and was removed again


def test_after_the_disk_recovers_the_same_form_files_one_request(
    app, client, valid_request_fields, failing_disk, monkeypatch
):
    data = {**valid_request_fields, "form_token": "disk-fault-form-token-0002"}
    files = lambda: [(io.BytesIO(PDF_BYTES), "a.pdf"), (io.BytesIO(PDF_BYTES), "b.pdf")]  # noqa: E731
    assert client.post("/foia/request", data={**data, "attachments": files()}).status_code == 503

    monkeypatch.undo()  # space freed
    retry = client.post("/foia/request", data={**data, "attachments": files()})
    assert retry.status_code == 303
    assert counts()["FoiaRequest"] == 1
    assert len(upload_folder_files(app)) == 2


def test_closing_with_released_records_on_a_full_disk_changes_nothing(
    app, client, officer, make_request, failing_disk
):
    foia_request = make_request()
    login(client, officer)
    before = counts()

    response = client.post(
        f"/staff/requests/{foia_request.tracking_number}/actions/close",
        data={
            "version": foia_request.version,
            "disposition": "full_grant",
            "message": "Your records are attached.",
            "confirm": "y",
            "released": [
                (io.BytesIO(PDF_BYTES), "records-1.pdf"),
                (io.BytesIO(PDF_BYTES + b"2"), "records-2.pdf"),
            ],
        },
    )

    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "could not be saved just now, so nothing was changed" in page
    assert "Your records are attached." in page  # the message typed is kept
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(FoiaRequest, foia_request.id).status == "received"
    assert counts() == before
    assert upload_folder_files(app) == []


def test_a_foia_gov_delivery_on_a_full_disk_is_refused_for_a_retry_and_stores_nothing(
    app, client, failing_disk
):
    def file_object(name, content):
        return {
            "filename": name,
            "content_type": "application/pdf",
            "filesize": len(content),
            "filedata": base64.b64encode(content).decode(),
        }

    payload = {
        "version": "1.1.0",
        "request_id": 4242,
        "agency": "Department of Justice",
        "agency_component_name": "COPS Office",
        "request_description": "All grant files for Springfield, 2024.",
        "name_first": "Ada",
        "name_last": "Lovelace",
        "email": "ada@example.com",
        "attachments_supporting_documentation": [file_object("a.pdf", PDF_BYTES)],
        "pdf": file_object("request.pdf", PDF_BYTES + b"whole request"),
    }
    before = counts()

    response = client.post(
        "/api/foia-portal/requests", json=payload, headers={"FOIA-API-SECRET": PORTAL_SECRET}
    )

    assert response.status_code == 503
    assert set(response.get_json()) == {"code", "message", "description"}
    db.session.rollback()
    assert counts() == before
    assert upload_folder_files(app) == []
