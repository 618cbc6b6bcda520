"""How dates read in pages and emails: one definition for the template filters and for Python."""

from __future__ import annotations

from datetime import date


def long_date(day: date | None) -> str:
    """ "Friday, November 20, 2026" (empty for no date)."""
    return f"{day:%A, %B} {day.day}, {day.year}" if day else ""


def short_date(day: date | None) -> str:
    """ "Nov 20, 2026" (empty for no date)."""
    return f"{day:%b} {day.day}, {day.year}" if day else ""
