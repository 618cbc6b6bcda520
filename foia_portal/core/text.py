"""Checks and clean-ups for text that arrives from outside."""

import re
import unicodedata

# The end of a sentence: ".", "!" or "?" before a space and more text, but not the full stop of
# an initial or an abbreviation made of them ("U.S. Department", "5 U.S.C. § 552", "e.g. fees").
SENTENCE_END = re.compile(r"(?<!\b[A-Za-z])[.!?](?=\s+\S)")

# Control characters other than tab, newline and carriage return have no place in a request.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_text(value):
    """WTForms filter: trim surrounding whitespace and normalise Unicode; leave non-strings alone."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.strip())
    return value


def has_control_characters(value: str, allow_newlines: bool = True) -> bool:
    if _CONTROL.search(value):
        return True
    return not allow_newlines and ("\n" in value or "\r" in value)
