"""Text in and out: checks and clean-ups for what arrives, and how dates and sizes read.

One definition of each for the template filters, the emails and Python.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from foia_portal.core.deadlines import EASTERN

# The end of a sentence: ".", "!" or "?" before a space and more text, but not the full stop of
# an initial or an abbreviation made of them ("U.S. Department", "5 U.S.C. § 552", "e.g. fees").
SENTENCE_END = re.compile(r"(?<!\b[A-Za-z])[.!?](?=\s+\S)")

# Control characters other than tab, newline and carriage return have no place in a request.
# The body of a regex character class, so that the OpenAPI document states the same rule.
CONTROL_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
# What str.strip() trims, spelled out as a character-class body. JSON Schema's regexes follow
# ECMA-262, whose `\s` is another set (no \x85, but \ufeff), so patterns the OpenAPI document
# states, and the checks that must agree with them, use this instead of `\s`.
WHITESPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def strip_text(value):
    """WTForms filter: trim surrounding whitespace and normalise Unicode; leave non-strings alone."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.strip())
    return value


def forbidden_characters(allow_newlines: bool = True) -> str:
    """The characters `has_control_characters` refuses, as a regex character-class body."""
    return CONTROL_CHARACTERS if allow_newlines else CONTROL_CHARACTERS + r"\n\r"


def has_control_characters(value: str, allow_newlines: bool = True) -> bool:
    if _CONTROL.search(value):
        return True
    return not allow_newlines and ("\n" in value or "\r" in value)


# ----------------------------------------------------------------- how dates and sizes read


def long_date(day: date | None) -> str:
    """ "Friday, November 20, 2026" (empty for no date)."""
    return f"{day:%A, %B} {day.day}, {day.year}" if day else ""


def short_date(day: date | None) -> str:
    """ "Nov 20, 2026" (empty for no date)."""
    return f"{day:%b} {day.day}, {day.year}" if day else ""


def plain_date(day: date | None) -> str:
    """ "October 1, 2025" (empty for no date)."""
    return f"{day:%B} {day.day}, {day.year}" if day else ""


def eastern_time(moment: datetime | None) -> str:
    """ "October 1, 2025, 6:05 p.m. Eastern": an instant as the office reads it (empty for none).

    Every time staff and requesters see is in the office's zone (US Eastern), never UTC.
    """
    if moment is None:
        return ""
    local = moment.astimezone(EASTERN)
    hour = local.hour % 12 or 12
    meridiem = "a.m." if local.hour < 12 else "p.m."
    return f"{plain_date(local.date())}, {hour}:{local.minute:02d} {meridiem} Eastern"


def file_size(size_bytes: int | None) -> str:
    """ "512 bytes", "14 KB", "3.2 MB": one way on staff and public pages (1 KB = 1,024 bytes)."""
    size = size_bytes or 0
    if size < 1024:
        return f"{size:,} byte{'' if size == 1 else 's'}"
    if size < 1024 * 1024:
        return f"{(size + 1023) // 1024:,} KB"
    return f"{size / (1024 * 1024):,.1f} MB"
