"""How dates read in pages and emails: one definition for the template filters and for Python."""

from __future__ import annotations

from datetime import date, datetime

from foia_portal.core.deadlines import EASTERN


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
