"""How dates, times and file sizes read on every page (platform/text.py)."""

from datetime import UTC, date, datetime

import pytest

from foia_portal.platform.text import eastern_time, file_size, plain_date


def test_a_plain_date_is_written_in_words():
    assert plain_date(date(2025, 10, 1)) == "October 1, 2025"
    assert plain_date(None) == ""


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2025, 10, 1, 22, 5, tzinfo=UTC), "October 1, 2025, 6:05 p.m. Eastern"),
        (datetime(2026, 1, 6, 5, 0, tzinfo=UTC), "January 6, 2026, 12:00 a.m. Eastern"),
        (datetime(2026, 7, 4, 16, 30, tzinfo=UTC), "July 4, 2026, 12:30 p.m. Eastern"),
    ],
)
def test_times_are_written_in_eastern_time_with_daylight_saving(moment, text):
    assert eastern_time(moment) == text


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "0 bytes"), (1, "1 byte"), (1023, "1,023 bytes"), (1024, "1 KB"), (1025, "2 KB"),
     (20 * 1024 * 1024, "20.0 MB")],
)  # fmt: skip
def test_file_sizes_read_the_same_everywhere(size, text):
    assert file_size(size) == text
