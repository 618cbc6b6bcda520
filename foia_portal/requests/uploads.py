"""Attachments: checked by content, not by name, and stored under UPLOAD_FOLDER with random names."""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import current_app
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "text/plain": "plain text",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (DOCX)",
}
ALLOWED_DESCRIPTION = "PDF, PNG, JPEG, plain text or Word (DOCX)"
# The endings a file of each type may be named with. A name that claims another type (a PDF
# called photo.png, a web page called letter.html) is refused: once downloaded, the name decides
# which program opens the file, and .html or .svg would open in a browser and run its script.
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "text/plain": (".txt", ".text", ".csv", ".md", ".log"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
}
# A DOCX is a zip: refuse archives that would inflate past this (a "zip bomb").
MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_DOCX_RATIO = 100


class UploadRejected(ValueError):
    """A file we will not store; the message is shown to the person who sent it."""


@dataclass
class CheckedUpload:
    original_filename: str
    content_type: str
    content: bytes

    @property
    def size_bytes(self) -> int:
        return len(self.content)


def display_filename(name: str | None) -> str:
    """A safe name to show and to offer on download: no path, no control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()[:200]
    return cleaned or "attachment"


def sniff_content_type(content: bytes) -> str | None:
    """The type the bytes really are, among those we accept; None for anything else."""
    kind = filetype.guess(content)
    if kind is not None:
        return kind.mime if kind.mime in ALLOWED_TYPES else None
    if b"\x00" in content:
        return None
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain"


def check_docx_is_not_a_bomb(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise UploadRejected("is not a valid Word document") from None
    if total > MAX_DOCX_UNCOMPRESSED or total > MAX_DOCX_RATIO * max(len(content), 1):
        raise UploadRejected("expands to far more data than a document should and was refused")


def check_upload(name: str | None, content: bytes) -> CheckedUpload:
    """Check one file; raise UploadRejected with a reason a person can act on."""
    filename = display_filename(name)
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    if not content:
        raise UploadRejected(f"“{filename}” is empty.")
    if len(content) > limit:
        raise UploadRejected(f"“{filename}” is larger than {limit // (1024 * 1024)} MB.")
    content_type = sniff_content_type(content)
    if content_type is None:
        raise UploadRejected(f"“{filename}” is not a {ALLOWED_DESCRIPTION} file.")
    extension = os.path.splitext(filename)[1].lower()
    if extension and extension not in EXTENSIONS[content_type]:
        raise UploadRejected(
            f"“{filename}” is named like a different kind of file than it is: it holds "
            f"{ALLOWED_TYPES[content_type]}, so its name should end in "
            f"{' or '.join(EXTENSIONS[content_type])}. Rename it and attach it again."
        )
    if content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
        try:
            check_docx_is_not_a_bomb(content)
        except UploadRejected as error:
            raise UploadRejected(f"“{filename}” {error}.") from None
    return CheckedUpload(filename, content_type, content)


def check_uploaded_files(files: list[FileStorage]) -> tuple[list[CheckedUpload], list[str]]:
    """Check the files of a form submission; returns the good ones and a message per bad one."""
    files = [f for f in files if f and f.filename]
    maximum = current_app.config["MAX_ATTACHMENTS"]
    if len(files) > maximum:
        return [], [f"Attach at most {maximum} files (you chose {len(files)})."]
    checked, problems = [], []
    for storage in files:
        content = storage.stream.read(current_app.config["MAX_ATTACHMENT_BYTES"] + 1)
        try:
            checked.append(check_upload(storage.filename, content))
        except UploadRejected as error:
            problems.append(str(error))
    return checked, problems


def upload_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def store_file(content: bytes) -> tuple[str, str]:
    """Write bytes under a random name; returns (stored name, SHA-256). Raises OSError when full."""
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    path = folder / stored_name
    # O_EXCL: never overwrite; the name is random, so a clash means something is badly wrong.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
    except OSError:
        path.unlink(missing_ok=True)
        raise
    return stored_name, hashlib.sha256(content).hexdigest()


def discard_files(stored_names: list[str]) -> None:
    """Remove files written for a submission that was not committed."""
    for name in stored_names:
        (upload_folder() / secure_filename(name)).unlink(missing_ok=True)


def stored_path(stored_name: str) -> Path:
    return upload_folder() / secure_filename(stored_name)
