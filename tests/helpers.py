"""Small helpers shared by test modules (not fixtures)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

# The smallest files of each accepted type, real enough for content sniffing.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64

PROJECT_DIR = Path(__file__).resolve().parent.parent  # the repository


def file_field(name: str, content: bytes):
    return (io.BytesIO(content), name)


def form_token(html: str) -> str:
    match = re.search(r'name="form_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="form_token"', html
    )
    assert match, "the form has no form_token"
    return match.group(1)


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    """The SQL statements sent to the app's database while the block runs."""
    from foia_portal.extensions import db

    statements: list[str] = []

    def record(connection, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


# Names keep their capitals inside a sentence-case heading; anything else after the first word
# (and after a full stop) starts with a small letter unless it is all capitals (FOIA, OGIS, I).
PROPER_NAMES = (
    "Office of Community Oriented Policing Services",
    "Office of Government Information Services",
    "Office of Information Policy",
    "Freedom of Information Act",
    "Annual FOIA Report",
    "National FOIA Portal",
    "FOIA Public Liaison",
    "Department of Justice",
    "Justice Department",
    "COPS Office",
    "Privacy Act",
    "Exemption",
)
_HEADING_WORD = re.compile(r"[\w’'-]+|[.!?:]")


def sentence_case_problems(heading: str) -> list[str]:
    """The words of `heading` that are capitalised as in title case ("Was This Helpful?")."""
    for name in PROPER_NAMES:
        heading = heading.replace(name, "Name")
    problems = []
    sentence_start = True
    for word in _HEADING_WORD.findall(heading):
        if word in ".!?:":
            sentence_start = True
            continue
        capitals = re.split(r"[’']", word)[0]  # "I'll" is "I"
        if not sentence_start and word[0].isupper() and not capitals.isupper() and word != "Name":
            problems.append(word)
        sentence_start = False
    return problems
