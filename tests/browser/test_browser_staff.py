"""In a real browser: an officer works a request from the queue to its closure.

After each step the requester's email arrives on the test SMTP server and its link opens the
status page, which shows that step. The queue and a workflow action also work from the keyboard.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.fixtures.browser import SQLITE_ONLY, focus_ring_visible, sign_in, status_link_in
from tests.fixtures.browser import wait_for_email as email_to
from tests.fixtures.staff import OFFICER_PASSWORD

# Browser tests run on SQLite only (see SQLITE_ONLY in tests/fixtures/browser.py).
pytestmark = [pytest.mark.browser, SQLITE_ONLY]

REQUESTER = "ada@example.com"


@pytest.fixture
def config_overrides(browser_config_overrides):
    return browser_config_overrides


@pytest.fixture
def released_record(tmp_path):
    path = tmp_path / "grant-award-2024.txt"
    path.write_text("Award letter, COPS Hiring Program, Springfield IL, FY2024.\n")
    return path


def staff_status(page) -> str:
    """The status tag on the staff request page, as written (CSS shows it in capitals)."""
    return page.find(".portal-request-meta .usa-tag").get_attribute("textContent").strip()


def open_action(page, action: str) -> None:
    """Open the disclosure of one workflow action (each is closed until asked for)."""
    button = page.find(f"button[aria-controls=action-{action}]")
    if button.get_attribute("aria-expanded") != "true":
        button.click()
    assert page.find(f"#action-{action}").is_displayed()


def take_action(page, action: str, done: str) -> None:
    """Submit the form of one workflow action on the request page and check it was done."""
    page.submit_with(page.find(f"#action-{action} button[type=submit]"))
    assert done in page.text(".portal-alerts"), page.text()[:600]


def requester_sees(page, email, status: str, step: str) -> str:
    """Open the email's status link as the requester would; the page shows the step."""
    staff_page = page.path
    page.open(status_link_in(email))
    assert page.text("#status") == status
    assert step in page.text("#timeline")
    text = page.text()
    page.open(staff_page)
    return text


def test_an_officer_works_a_request_to_closure_and_the_requester_sees_each_step(
    page, officer, make_request, smtp_server, released_record
):
    number = make_request(email=REQUESTER).tracking_number

    sign_in(page, officer.email, OFFICER_PASSWORD)
    assert page.path == "/staff/"
    page.fill("#filter-q", number)
    page.submit_with(page.find("form.portal-queue-filters button[type=submit]"))
    assert page.text("#results-heading") == "1 request"
    page.submit_with(page.link(number))
    assert page.find("h1").text == f"Request {number}"
    assert staff_status(page) == "Received"
    page.screenshot("staff-request", full_page=True)

    assert not page.find("#action-acknowledge").is_displayed()  # behind its disclosure
    open_action(page, "acknowledge")
    page.find("label[for=acknowledge-track-0]").click()  # Simple
    take_action(page, "acknowledge", "Request acknowledged and placed on the simple track.")
    assert staff_status(page) == "In progress"
    acknowledgment = email_to(smtp_server, REQUESTER, "We are processing your request –")
    requester_sees(page, acknowledgment, "In progress", "Request acknowledged")

    open_action(page, "request_info")
    page.find("#request_info-message").send_keys("Which police department do you mean?")
    take_action(page, "request_info", "Question sent to the requester")
    assert staff_status(page) == "On hold"
    question = email_to(smtp_server, REQUESTER, "We need information from you")
    assert "Which police department do you mean?" in question.part("plain")
    shown = requester_sees(page, question, "Waiting for your reply", "We asked you for information")
    assert "Which police department do you mean?" in shown

    open_action(page, "resume")
    take_action(page, "resume", "Processing resumed; the clock is running again.")
    assert staff_status(page) == "In progress"
    resumed = email_to(smtp_server, REQUESTER, "We are processing your request again")
    requester_sees(page, resumed, "In progress", "Processing resumed")

    open_action(page, "close")
    assert "What closing sends" in page.text("#close-summary")
    Select(page.find("#close-disposition")).select_by_value("partial_grant")
    page.find("#close-exemptions input[value=b6] + label").click()
    assert page.text("#close-summary-choice") == (
        "Disposition: Partial grant / partial denial. Exemptions cited: (b)(6) Personal privacy."
    )
    page.find("#close-message").send_keys("We release one award letter; home addresses withheld.")
    page.find("#close-released").send_keys(str(released_record))
    page.submit_with(page.find("#action-close button[type=submit]"))  # not yet confirmed
    assert "tick the box to confirm closing" in page.text("#action-close")
    assert staff_status(page) == "In progress"
    page.find("#close-released").send_keys(str(released_record))  # files are chosen again
    page.find("label[for=close-confirm]").click()
    take_action(page, "close", "Request closed as “Partial grant / partial denial”")
    assert staff_status(page) == "Closed"
    assert released_record.name in page.text("#files-heading + ul")
    timeline = page.text(".portal-timeline")
    assert "Disposition: In progress" not in timeline
    assert "Partial grant / partial denial" in timeline and "(b)(6) Personal privacy" in timeline
    assert "partial_grant" not in timeline and "'b6'" not in timeline
    page.assert_accessible("staff request page, closed")

    final = email_to(smtp_server, REQUESTER, "Final response to your request")
    assert "Personal privacy" in final.part("plain")
    requester_sees(page, final, "Closed", "Request closed")
    page.open(status_link_in(final))
    assert page.text("#disposition") == "Partial grant / partial denial"
    assert "(b)(6) Personal privacy" in page.text()
    download = page.find("#released-records a[download]").get_attribute("href")
    fetched = page.driver.execute_async_script(
        "const done = arguments[1];"
        "fetch(arguments[0]).then(r => r.text().then(t => done([r.status, t])))",
        download,
    )
    assert fetched == [200, released_record.read_text()]
    assert len(smtp_server.to(REQUESTER)) == 4, "one email per step the requester must know of"


def test_an_officer_finds_and_acknowledges_a_request_with_the_keyboard_alone(
    page, officer, make_request, smtp_server
):
    make_request(last_name="Earlier")
    number = make_request(last_name="Byron").tracking_number

    page.open("/staff/login")
    focused = page.tab()
    assert focused["text"] == "Skip to main content"
    page.press(Keys.ENTER)
    for _ in range(20):
        focused = page.tab()
        assert focus_ring_visible(focused), f"no visible focus on {focused}"
        if focused["name"] == "email":
            break
    page.press(officer.email, Keys.TAB, OFFICER_PASSWORD)
    html = page.find("html")
    page.press(Keys.ENTER)
    page.wait_for_new_document(html)
    assert page.path.partition("#")[0] == "/staff/"  # the skip link's #main-content stays

    # To the search box, type, Enter; then Tab to the request's link and open it.
    tabbed = walk_to(page, lambda f: f["name"] == "q", "the queue's search box")
    assert tabbed["tag"] == "input"
    html = page.find("html")
    page.press("Byron", Keys.ENTER)
    page.wait_for_new_document(html)
    assert page.text("#results-heading") == "1 request"

    walk_to(page, lambda f: f["text"] == number, f"the link to {number}")
    html = page.find("html")
    page.press(Keys.ENTER)
    page.wait_for_new_document(html)
    assert page.find("h1").text == f"Request {number}"

    # Acknowledge: open its disclosure, the track with the arrow keys, then Enter on the button.
    walk_to(page, lambda f: f["text"].startswith("Acknowledge"), "the acknowledge disclosure")
    page.press(Keys.ENTER)
    walk_to(page, lambda f: f["name"] == "track", "the processing track")
    page.press(Keys.SPACE)
    assert page.focused()["value"] == "simple"
    walk_to(page, lambda f: f["text"].startswith("Acknowledge"), "the acknowledge button")
    html = page.find("html")
    page.press(Keys.ENTER)
    page.wait_for_new_document(html)
    assert staff_status(page) == "In progress"


def walk_to(page, arrived, what: str, limit: int = 120) -> dict:
    """Press Tab until `arrived(focused)`; every stop on the way must show its focus."""
    for _ in range(limit):
        focused = page.tab()
        assert focus_ring_visible(focused), f"no visible focus on {focused}"
        if arrived(focused):
            return focused
    pytest.fail(f"{what} cannot be reached with the Tab key")


def test_the_queue_fits_1280_pixels_and_marks_overdue_requests(page, officer, make_request):
    from datetime import UTC, datetime, timedelta

    make_request(
        first_name="Maximiliana Wilhelmina Theodora",
        last_name="Featherstonehaugh-Cholmondeley-Marjoribanks",
        email="a.very.long.address.for.a.requester@subdomain.example-university.edu",
        submitted_at=datetime.now(UTC) - timedelta(days=60),  # long overdue
    )
    make_request(submitted_at=datetime.now(UTC))  # on time
    sign_in(page, officer.email, OFFICER_PASSWORD)
    assert page.driver.execute_script("return window.innerWidth") == 1280
    measured = page.driver.execute_script(
        "const box = document.querySelector('.portal-table-scroll');"
        "return [box.scrollWidth, box.clientWidth,"
        " document.documentElement.scrollWidth, document.documentElement.clientWidth];"
    )
    assert measured[0] <= measured[1], f"the table scrolls sideways: {measured}"
    assert measured[2] <= measured[3], f"the page scrolls sideways: {measured}"
    for tag in page.find_all(".portal-queue-table .usa-tag"):
        assert tag.size["height"] < 30, f"a status tag wraps: {tag.text}"
    number = page.find(".portal-queue-table tbody th a")
    assert number.size["height"] < 30, "the tracking number wraps"
    overdue_rows = page.find_all("tr.portal-row--overdue")
    assert len(overdue_rows) == 1 and len(page.find_all(".portal-queue-table tbody tr")) == 2
    overdue = overdue_rows[0]
    tag = overdue.find_element("css selector", ".usa-tag.portal-tag--overdue")
    assert tag.get_attribute("textContent") == "Overdue"
    name = overdue.find_element("css selector", "td .portal-truncate")
    assert name.get_attribute("title").startswith("Maximiliana Wilhelmina Theodora")
    # The filters: search, status and a one-line Apply on one row; no YYYY-MM-DD hint.
    search, status, apply = (
        page.find("#filter-q"), page.find("#filter-status"),
        page.find("form.portal-queue-filters button[type=submit]"),
    )  # fmt: skip
    assert apply.text == "Apply" and apply.size["height"] < 60
    bottoms = {round(e.location["y"] + e.size["height"]) for e in (search, status, apply)}
    assert max(bottoms) - min(bottoms) < 12, f"not on one line: {bottoms}"
    assert "YYYY-MM-DD" not in page.text(".portal-queue-filters")
    page.assert_accessible("staff queue")


def test_the_sign_in_page_shows_the_system_use_notification_and_a_reset_path(
    page, officer, smtp_server
):
    page.open("/staff/login")
    assert "System use notification" in page.text()
    page.assert_accessible("staff sign-in")
    page.screenshot("staff-sign-in", full_page=True)
    page.submit_with(page.link("Forgot your password?"))
    assert page.path == "/staff/password/forgot"
    page.assert_accessible("forgot password")
    page.fill("#email", officer.email)
    page.submit_with(page.find("main form button[type=submit]"))
    assert "belongs to an active staff account" in page.text(".portal-alerts")
    reset = email_to(smtp_server, officer.email, "Reset your password")
    link = next(word for word in reset.part("plain").split() if "/staff/password/reset/" in word)
    page.open(link[link.index("/staff/") :])
    page.assert_accessible("choose a new password")
    page.fill("#password", "a-brand-new-password")
    page.fill("#confirm", "a-brand-new-password")
    page.submit_with(page.find("main form button[type=submit]"))
    assert page.path == "/staff/login"
    sign_in(page, officer.email, "a-brand-new-password")
