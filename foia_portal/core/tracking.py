"""Tracking numbers: `{AGENCY_CODE}-{fiscal year}-{six-digit sequence}`, e.g. COPS-2027-000042.

Their form only; requests/tracking_numbers.py hands out the next one.
"""

import re

AGENCY_CODE_PATTERN = re.compile(r"^[A-Z]{2,10}$")
TRACKING_NUMBER_PATTERN = re.compile(r"^(?P<agency>[A-Z]{2,10})-(?P<fy>\d{4})-(?P<seq>\d{6,})$")


def format_tracking_number(agency_code: str, fiscal_year: int, sequence: int) -> str:
    return f"{agency_code}-{fiscal_year}-{sequence:06d}"


def normalise_tracking_number(value: str) -> str:
    """Forgive case and stray whitespace in a tracking number someone typed."""
    return "".join(value.split()).upper()
