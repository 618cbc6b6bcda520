"""In a real browser, without a mail server: the development notice and the confirmation page
that says no email will be sent pass axe, like every other page."""

from __future__ import annotations

import pytest

from foia_portal.requests.status_links import status_token
from tests.fixtures.browser import SQLITE_ONLY

pytestmark = [pytest.mark.browser, SQLITE_ONLY]


@pytest.fixture
def config_overrides(browser_config_overrides, tmp_path):
    return {**browser_config_overrides, "MAIL_SERVER": None, "MAIL_FILE_DIR": str(tmp_path / "m")}


def test_the_notice_and_the_confirmation_without_a_mail_server_pass_axe(
    page, file_request, tmp_path
):
    page.open("/")
    assert "this site sends no email" in page.find("#mail-files-notice").text
    page.assert_accessible("home page with the development mail notice")

    foia_request = file_request()
    page.open(f"/foia/request/received/{status_token(foia_request)}")
    assert "No email will be sent to ada@example.com" in page.text("#confirmation-email")
    page.assert_accessible("confirmation page without a mail server")
    page.assert_headings_in_order("confirmation page without a mail server")
