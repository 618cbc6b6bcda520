"""Hostile uploads: files are judged by their bytes, refused with a reason a person can act on,
stored under random names inside the upload folder only, and sent back as attachments.

Refusals of a request's attachments re-show the form (422) with the reason at the field, keep
what was typed, and store nothing: no request, no file.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.http import parse_options_header
from werkzeug.test import encode_multipart

from foia_portal.extensions import db
from foia_portal.requests.models import Attachment, FoiaRequest
from foia_portal.requests.uploads import check_upload
from tests.fixtures.staff import login
from tests.helpers import EXE_BYTES, PDF_BYTES, PNG_BYTES

MB = 1024 * 1024


def docx(parts: dict[str, bytes]) -> bytes:
    """A zip laid out like a Word document, with the given parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """60 MB of zeros in about 60 KB, named and shaped like a Word document."""
    return docx({"word/document.xml": b"\0" * (60 * MB)})


def submit(client, fields, name, content):
    return client.post(
        "/foia/request", data={**fields, "attachments": [(io.BytesIO(content), name)]}
    )


def nothing_stored(app) -> bool:
    folder = Path(app.config["UPLOAD_FOLDER"])
    files = list(folder.iterdir()) if folder.exists() else []
    requests = db.session.scalar(sa.select(sa.func.count()).select_from(FoiaRequest))
    return requests == 0 and files == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        # The name claims one accepted type, the bytes are another.
        ("photo.png", PDF_BYTES, "holds PDF, so its name should end in .pdf"),
        ("letter.pdf", PNG_BYTES, "holds PNG, so its name should end in .png"),
        # A web page or SVG is text, but would run script when opened from the downloads folder.
        ("letter.html", b"<html><script>alert(1)</script></html>", "should end in .txt"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', ".txt"),
        ("notes.pdf", b"just some text pretending to be a PDF", "holds plain text"),
        # Bytes of a type we never take, whatever the name says.
        ("report.pdf", EXE_BYTES, "is not a PDF, PNG, JPEG, plain text or Word (DOCX) file"),
        ("setup.exe", EXE_BYTES, "is not a PDF, PNG, JPEG, plain text or Word (DOCX) file"),
        ("data.bin", b"\x00\x01\x02binary\xff\xfe", "is not a PDF, PNG, JPEG"),
    ],
)
def test_a_file_whose_content_is_not_what_its_name_claims_is_refused(
    app, client, valid_request_fields, name, content, message
):
    response = submit(client, valid_request_fields, name, content)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert f"“{name}”" in page  # the file is named, so the requester knows which one
    assert valid_request_fields["description"] in page  # nothing typed is lost
    assert nothing_stored(app)


def test_a_zip_bomb_disguised_as_a_word_document_is_refused(
    app, client, valid_request_fields, zip_bomb
):
    assert len(zip_bomb) < MB

    response = submit(client, valid_request_fields, "cover-letter.docx", zip_bomb)

    assert response.status_code == 422
    assert "expands to far more data than a document should" in response.get_data(as_text=True)
    assert nothing_stored(app)


def test_a_real_word_document_is_accepted(app, client, valid_request_fields):
    document = docx({"word/document.xml": b"<w:document>" + b"Hello. " * 500 + b"</w:document>"})

    response = submit(client, valid_request_fields, "letter.docx", document)

    assert response.status_code == 303
    [attachment] = db.session.scalars(sa.select(Attachment)).all()
    assert attachment.content_type.endswith("wordprocessingml.document")


def test_a_broken_zip_named_docx_is_refused(app, client, valid_request_fields):
    broken = docx({"word/document.xml": b"text"})[:-30]  # central directory cut off

    response = submit(client, valid_request_fields, "letter.docx", broken)

    assert response.status_code == 422
    assert nothing_stored(app)


@pytest.mark.slow
def test_a_file_over_twenty_megabytes_is_refused_with_the_limit(app, client, valid_request_fields):
    # The body is built in memory: the test client would spool it to a temporary file it never
    # closes (a ResourceWarning in whichever test runs next).
    boundary, body = encode_multipart(
        {
            **valid_request_fields,
            "attachments": FileStorage(io.BytesIO(b"a" * (20 * MB + 1)), filename="big.txt"),
        }
    )
    response = client.post(
        "/foia/request", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )

    assert response.status_code == 422
    assert "“big.txt” is larger than 20 MB." in response.get_data(as_text=True)
    assert nothing_stored(app)


@pytest.mark.parametrize(
    ("sent_name", "kept_name"),
    [
        ("../../../../etc/cron.d/evil.txt", "evil.txt"),
        ("/var/lib/foia-portal/uploads/other.txt", "other.txt"),
        # Werkzeug reads a backslash in a quoted multipart name as an escape, so a Windows path
        # arrives flattened; either way no separator survives.
        ("..\\..\\windows\\system32\\evil.txt", "windowssystem32evil.txt"),
        ("C:\\Users\\Ada\\letter.txt", "letter.txt"),
    ],
)
def test_a_path_in_a_file_name_is_dropped_and_the_file_stays_in_the_upload_folder(
    app, client, valid_request_fields, tmp_path, sent_name, kept_name
):
    """Decision (docs/security.md): a path is neutralised, not refused. Old browsers and some
    clients send the whole path of a real file; the path is never used: only the last part is
    kept as the name shown, and the bytes are stored under a random name."""
    response = submit(client, valid_request_fields, sent_name, b"the letter")

    assert response.status_code == 303
    [attachment] = db.session.scalars(sa.select(Attachment)).all()
    assert attachment.original_filename.endswith(kept_name)
    assert not {"/", "\\"} & set(attachment.original_filename)
    folder = Path(app.config["UPLOAD_FOLDER"]).resolve()
    stored = (folder / attachment.stored_name).resolve()
    assert stored.parent == folder and stored.read_bytes() == b"the letter"
    # Nothing was written anywhere else: not beside the folder, not where the path pointed.
    written = [p.resolve() for p in tmp_path.rglob("*") if p.is_file()]
    assert written == [stored]
    assert not Path("/etc/cron.d/evil.txt").exists()


def test_staff_released_records_are_checked_the_same_way(app, client, officer, make_request):
    foia_request = make_request()
    login(client, officer)

    response = client.post(
        f"/staff/requests/{foia_request.tracking_number}/actions/close",
        data={
            "version": foia_request.version,
            "disposition": "full_grant",
            "message": "Here are your records.",
            "confirm": "y",
            "released": [(io.BytesIO(PDF_BYTES), "records.png")],
        },
    )

    assert response.status_code == 422
    assert "holds PDF, so its name should end in .pdf" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(FoiaRequest, foia_request.id).status == "received"


# --- downloads --------------------------------------------------------------------------------


HOSTILE_NAME = 'evil"; filename=x.html\r\nSet-Cookie: stolen=1.txt'


@pytest.fixture
def stored_attachments(app, make_request, officer, act):
    """A request with a supporting file and a released record, both with a hostile name."""
    foia_request = make_request()
    supporting = check_upload(HOSTILE_NAME, b"<html><script>alert(1)</script></html>")
    from foia_portal.requests import services

    stored = services.StoredFiles()
    name, sha = services.store_file(supporting.content)
    stored.append(name)
    db.session.add(
        Attachment(
            request=foia_request,
            kind="supporting",
            original_filename=supporting.original_filename,
            stored_name=name,
            content_type=supporting.content_type,
            size_bytes=supporting.size_bytes,
            sha256=sha,
        )
    )
    db.session.commit()
    released = check_upload(HOSTILE_NAME, b"<html><script>alert(2)</script></html>")
    act(
        foia_request,
        "close",
        officer,
        disposition="full_grant",
        message="Done.",
        released=[released],
    )
    return foia_request


def assert_sent_as_attachment(response, content: bytes):
    assert response.status_code == 200
    body = response.get_data()
    response.close()
    assert body == content
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "text/plain"  # the sniffed type, never the name's
    disposition = response.headers.getlist("Content-Disposition")
    assert len(disposition) == 1 and disposition[0].startswith("attachment;")
    assert "\r" not in disposition[0] and "\n" not in disposition[0]
    assert "stolen" not in response.headers.get("Set-Cookie", "")
    # One filename parameter, the whole cleaned name, quoted: no second "filename=x.html".
    kind, options = parse_options_header(disposition[0])
    assert kind == "attachment"
    assert options["filename"] == 'evil"; filename=x.htmlSet-Cookie: stolen=1.txt'


def test_staff_downloads_are_attachments_with_nosniff(client, officer, stored_attachments):
    login(client, officer)
    supporting = next(a for a in stored_attachments.attachments if a.kind == "supporting")

    response = client.get(
        f"/staff/requests/{stored_attachments.tracking_number}/attachments/{supporting.id}"
    )

    assert_sent_as_attachment(response, b"<html><script>alert(1)</script></html>")


def test_released_records_are_attachments_with_nosniff_and_a_sandbox(
    app, client, stored_attachments
):
    from foia_portal.requests.status_links import status_token

    released = next(a for a in stored_attachments.attachments if a.kind == "released")
    token = status_token(stored_attachments)

    response = client.get(f"/foia/status/{token}/records/{released.id}")

    assert_sent_as_attachment(response, b"<html><script>alert(2)</script></html>")
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "private, no-store"
