"""In a real browser: a citizen files a FOIA request and follows it from the confirmation email.

The journey runs twice, with JavaScript and without. The keyboard-only run fills the whole form
with nothing but Tab, typing, arrow keys, Space and Enter.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.keys import Keys

from foia_portal.extensions import db
from foia_portal.requests.forms import AMOUNT_MESSAGE
from foia_portal.requests.models import FoiaRequest
from tests.fixtures.browser import (
    SQLITE_ONLY,
    focus_ring_visible,
    status_link_in,
    wait_for_email,
)
from tests.fixtures.mail import OFFICE_EMAIL

# Browser tests run on SQLite only (see SQLITE_ONLY in tests/fixtures/browser.py).
pytestmark = [pytest.mark.browser, SQLITE_ONLY]

TRACKING_NUMBER = re.compile(r"^COPS-\d{4}-\d{6}$")
DESCRIPTION = (
    "All grant award documents for COPS hiring grants made to Springfield, Illinois, in fiscal "
    "year 2024, and any letters about a fee waiver for those grant files."
)


@pytest.fixture
def config_overrides(browser_config_overrides):
    return browser_config_overrides


@pytest.fixture
def attachment(tmp_path):
    path = tmp_path / "letter-of-support.txt"
    path.write_text("I support this request for the grant files.\n", encoding="utf-8")
    return path


def stored_request(tracking_number: str) -> FoiaRequest:
    db.session.expire_all()
    found = db.session.scalars(
        sa.select(FoiaRequest).where(FoiaRequest.tracking_number == tracking_number)
    ).one()
    return found


def test_a_citizen_files_a_request_fixes_mistakes_and_follows_it_from_the_email(
    public_page, smtp_server, demo_faqs, attachment
):
    page = public_page
    page.open("/")
    page.submit_with(page.find("header .portal-header-action"))
    assert page.path == "/foia/request"
    if page.javascript:
        page.screenshot("request-form", full_page=True)

    # A first try with two mistakes: no last name, and an email address without its @.
    page.fill("#first_name", "Ada")
    page.fill("#email", "ada.example.com")
    page.find("#description").send_keys(DESCRIPTION)
    if page.javascript:
        # The FAQ answers that may make the request unnecessary appear while the person types.
        page.wait_until(
            lambda: page.find_all("#faq-suggestions a[href^='/faq/']"),
            "no FAQ suggestion appeared beside the description",
        )
    else:
        assert page.find("#faq-suggestions a[href='/faq']").is_displayed()
    page.find("label[for=fee_category-4]").click()  # "All other requesters"
    page.fill("#fee_limit", "25")
    page.submit_with(page.find("main form button[type=submit]"))

    assert page.path == "/foia/request"
    summary = page.find("#error-summary")
    assert "There is a problem" in summary.text
    assert {a.get_attribute("hash") for a in summary.find_elements("css selector", "a")} == {
        "#last_name",
        "#email",
    }
    if page.javascript:
        assert page.focused()["id"] == "error-summary", "focus moves to the error summary"
    page.assert_errors_tied_to_fields("request form with errors")
    # Nothing typed is lost.
    assert page.find("#first_name").get_attribute("value") == "Ada"
    assert page.find("#email").get_attribute("value") == "ada.example.com"
    assert page.find("#description").get_attribute("value") == DESCRIPTION
    assert page.find("#fee_limit").get_attribute("value") == "25"
    assert page.find("#fee_category-4").is_selected()
    if page.javascript:
        page.assert_accessible("request form with errors")
        page.screenshot("request-form-errors", full_page=True)

    # The corrections, and a supporting document.
    page.find("#error-summary a[href='#last_name']").click()
    assert page.focused()["id"] == "last_name", "the summary's link leads to the field"
    page.fill("#last_name", "Lovelace")
    page.fill("#email", "ada@example.com")
    page.find("#attachments").send_keys(str(attachment))
    page.submit_with(page.find("main form button[type=submit]"))

    assert page.path.startswith("/foia/request/received/")
    tracking_number = page.text("#tracking-number")
    assert TRACKING_NUMBER.match(tracking_number)
    assert "ada@example.com" in page.text()
    if page.javascript:
        page.screenshot("request-received", full_page=True)
    foia_request = stored_request(tracking_number)
    assert foia_request.requester.last_name == "Lovelace"
    assert [a.original_filename for a in foia_request.attachments] == [attachment.name]
    db.session.rollback()

    confirmation = wait_for_email(smtp_server, "ada@example.com", tracking_number)
    assert "grant award documents" in confirmation.part("plain")
    wait_for_email(smtp_server, OFFICE_EMAIL, tracking_number)

    page.open(status_link_in(confirmation))
    assert page.text("#tracking-number") == tracking_number
    assert page.text("#status") == "Received"
    assert "grant award documents" in page.text("#request-description")


def test_the_status_form_finds_the_request_from_its_number_and_email(public_page, make_request):
    page = public_page
    foia_request = make_request(email="grace@example.com")
    page.open("/")
    page.submit_with(page.link("Check the status of a request"))

    page.fill("#tracking_number", foia_request.tracking_number.lower())
    page.fill("#email", "someone-else@example.com")
    page.submit_with(page.find("main form button[type=submit]"))
    assert "No request matches" in page.text("#error-summary")
    assert page.find("#tracking_number").get_attribute("value")

    page.fill("#email", "Grace@Example.com")
    page.submit_with(page.find("main form button[type=submit]"))
    assert page.text("#tracking-number") == foia_request.tracking_number
    assert page.text("#status") == "Received"


def test_the_whole_request_form_works_from_the_keyboard_alone(page, smtp_server):
    page.open("/foia/request")
    typed = {
        "first_name": "Grace",
        "last_name": "Hopper",
        "email": "grace@example.com",
        "phone": "(202) 555-0199",
        "city": "Arlington",
        "description": "Every COPS Office grant file about Arlington, Virginia, from 2022.",
        "fee_limit": "10",
        "fee_waiver_reason": "The records will be published for free on a community website.",
    }
    reached, stops = set(), []

    # From the top of the page: the first Tab stop skips to the content.
    focused = page.tab()
    assert focused["text"] == "Skip to main content" and focus_ring_visible(focused)
    focused = page.press(Keys.ENTER)
    assert focused["id"] == "main-content"

    for _ in range(80):
        focused = page.tab()
        name = focused["name"]
        stops.append(name or focused["text"])
        assert focus_ring_visible(focused), f"no visible focus on {focused}"
        assert name != "website", "the spam trap must not be reachable with Tab"
        if focused["tag"] == "button" and focused["inMainForm"]:
            break
        if name is None or name in reached:
            continue  # a link, or the next segment (month, day, year) of a date field
        reached.add(name)
        if name in typed:
            page.press(typed[name])
        elif name == "date_from":
            page.press("01012022")
        elif name == "date_to":
            page.press("12312022")
        elif name == "fee_category":
            # One Tab stop for the group; the arrow keys choose inside it.
            while page.focused()["value"] != "other":
                page.press(Keys.ARROW_DOWN)
        elif name == "fee_waiver":
            assert page.press(Keys.SPACE)["checked"]
    else:
        pytest.fail(f"never reached the submit button; stops: {stops}")

    expected = set(typed) | {"date_from", "date_to", "fee_category", "fee_waiver"}
    expected |= {"organization", "street", "state", "zip_code", "country", "attachments"}
    expected |= {"expedited", "delivery_format"}
    assert expected <= reached, f"not reachable by Tab: {expected - reached}"
    # The expedited box was left unticked: its reason and certification stay out of the way.
    assert not reached & {"expedited_reason", "expedited_certified"}

    html = page.find("html")
    page.press(Keys.ENTER)
    page.wait_for_new_document(html)

    assert page.path.startswith("/foia/request/received/"), page.text()[:500]
    foia_request = stored_request(page.text("#tracking-number"))
    assert foia_request.requester.full_name == "Grace Hopper"
    assert foia_request.fee_category == "other"
    assert foia_request.fee_waiver is True
    assert str(foia_request.date_from) == "2022-01-01"
    assert str(foia_request.date_to) == "2022-12-31"
    assert foia_request.delivery_format == "electronic"
    db.session.rollback()


def test_the_spam_trap_is_not_seen_not_focusable_and_not_announced(public_page):
    page = public_page
    page.open("/foia/request")
    trap = page.find("input[name=website]")
    assert not trap.is_displayed(), "the spam trap must be out of sight"
    seen = page.driver.execute_script(
        """
        const input = arguments[0];
        const box = input.getBoundingClientRect();
        const label = document.querySelector(`label[for="${input.id}"]`);
        return {
          width: box.width, height: box.height, right: box.right, bottom: box.bottom,
          tabIndex: input.tabIndex,
          hidden: input.closest('[aria-hidden="true"]') !== null,
          labelBox: label.getBoundingClientRect().width * label.getBoundingClientRect().height,
        };
        """,
        trap,
    )
    # Off screen or one pixel at most, and its label with it.
    assert seen["right"] <= 0 or (seen["width"] <= 1 and seen["height"] <= 1), seen
    assert seen["labelBox"] <= 1 or seen["right"] <= 0, seen
    assert seen["tabIndex"] == -1, "out of the tab order"
    assert seen["hidden"], "hidden from screen readers (aria-hidden on its container)"
    assert "Leave this field empty" not in page.text("main")


def test_reason_boxes_show_when_their_box_is_ticked_and_always_without_javascript(public_page):
    page = public_page
    page.open("/foia/request")
    for box, details in (("fee_waiver", "fee_waiver_reason"), ("expedited", "expedited_reason")):
        reason = page.find(f"#{details}")
        if not page.javascript:
            assert reason.is_displayed(), f"{details} must show when scripts do not run"
            continue
        assert not reason.is_displayed(), f"{details} shows before {box} is ticked"
        page.find(f"label[for={box}]").click()
        assert reason.is_displayed(), f"ticking {box} shows {details}"
        assert page.find(f"#{box}").get_attribute("aria-controls") == f"{box}-details"
        page.find(f"label[for={box}]").click()
        assert not reason.is_displayed(), f"unticking {box} hides {details} again"
    if page.javascript:
        assert not page.find("#expedited_certified").is_displayed()


def test_a_form_with_errors_says_so_in_its_title_shows_the_whole_summary_and_what_is_left(
    public_page,
):
    page = public_page
    page.open("/foia/request")
    page.fill("#first_name", "Ada")
    page.fill("#description", "Too short")
    page.fill("#fee_limit", "fifty")
    page.submit_with(page.find("main form button[type=submit]"))

    assert page.driver.title.startswith("Error: Make a FOIA request")
    box = page.driver.execute_script(
        "const r = document.getElementById('error-summary').getBoundingClientRect();"
        "return {top: r.top, bottom: r.bottom, height: window.innerHeight};"
    )
    assert box["top"] >= 0 and box["bottom"] <= box["height"], box
    assert page.text("#fee_limit-error") == AMOUNT_MESSAGE
    if page.javascript:
        left = 10_000 - len("Too short")
        page.wait_until(
            lambda: page.text("#description ~ .usa-character-count__status, "
                              ".usa-character-count__status").replace(",", "")
            == f"{left} characters left",
            "the counter does not say how many characters are left",
        )  # fmt: skip
        page.assert_accessible("request form with a wrong amount")


def test_key_dates_sit_in_a_summary_box_in_the_site_type_and_link_colours(
    public_page, make_request
):
    page = public_page
    foia_request = make_request(email="grace@example.com")
    page.open("/foia/status")
    page.fill("#tracking_number", foia_request.tracking_number)
    page.fill("#email", "grace@example.com")
    page.submit_with(page.find("main form button[type=submit]"))

    assert page.find(".usa-summary-box #due-date").is_displayed()
    looks = page.driver.execute_script(
        """
        const paragraph = document.querySelector('main #request-description p');
        const link = document.querySelector('main a[href^="mailto:"]');
        return {size: getComputedStyle(paragraph).fontSize, link: getComputedStyle(link).color};
        """
    )
    assert looks["link"] == "rgb(0, 94, 162)", looks  # USWDS primary, not the browser's blue
    if page.javascript:
        page.assert_accessible("status page key dates")
    page.open("/foia")  # the guidance page sets the site's body size
    site_size = page.driver.execute_script(
        "return getComputedStyle(document.querySelector('main .usa-prose p:not(.usa-intro)')).fontSize"
    )
    assert looks["size"] == site_size, (looks, site_size)
