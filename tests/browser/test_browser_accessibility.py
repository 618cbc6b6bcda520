"""Every public and staff page in a real browser: axe-core, headings, language, phone width.

axe-core runs the WCAG 2.0/2.1 A and AA rules on each page, and on each form in its error state;
any violation of serious or critical impact fails (Section 508 incorporates WCAG 2.0 AA). Radio
groups must be fieldsets with a legend, which axe does not check. The
public pages must also fit a 375-pixel-wide phone without sideways scrolling, with JavaScript and
without. Each test visits many pages and reports every problem it found at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from foia_portal.extensions import db
from foia_portal.faq import insights, synonym_sets
from foia_portal.faq import services as faq_services
from foia_portal.faq.models import Faq
from foia_portal.requests.status_links import status_token
from foia_portal.requests.uploads import check_upload
from tests.fixtures.browser import SQLITE_ONLY, sign_in
from tests.fixtures.staff import ADMIN_PASSWORD

# Browser tests run on SQLite only (see SQLITE_ONLY in tests/fixtures/browser.py).
pytestmark = [pytest.mark.browser, SQLITE_ONLY]

FAQ_SLUG = "how-much-will-my-foia-request-cost"


@pytest.fixture
def config_overrides(browser_config_overrides):
    return browser_config_overrides


@dataclass
class Requests:
    """One request in each status, with its signed status-page path."""

    received: object
    in_progress: object
    on_hold: object
    closed: object

    def status_path(self, name: str) -> str:
        return f"/foia/status/{status_token(getattr(self, name))}"


@pytest.fixture
def requests_in_every_status(make_request, act, admin) -> Requests:
    received = make_request(first_name="Grace", last_name="Hopper")
    in_progress = make_request(first_name="Alan", last_name="Turing")
    act(in_progress, "acknowledge", admin, track="complex")
    on_hold = make_request(first_name="Mary", last_name="Jackson")
    act(on_hold, "acknowledge", admin, track="simple")
    act(on_hold, "request_info", admin, message="Which years?", reason="clarification")
    closed = make_request(first_name="Ada", last_name="Lovelace")
    act(closed, "acknowledge", admin, track="simple")
    act(
        closed,
        "close",
        admin,
        disposition="partial_grant",
        exemptions=["b6"],
        message="One letter released; names withheld.",
        released=[check_upload("award-letter.txt", b"Award letter for Springfield.\n")],
    )
    return Requests(received, in_progress, on_hold, closed)


class Findings:
    """Problems collected page by page, reported together at the end of the test."""

    def __init__(self, page) -> None:
        self.page = page
        self.problems: list[str] = []

    def check(self, name: str, check, *args) -> None:
        try:
            check(name, *args)
        except AssertionError as problem:
            self.problems.append(str(problem).partition("\nassert ")[0])

    def page_checks(self, name: str, axe: bool = True, phone: bool = True) -> None:
        assert self.page.find("h1"), f"{name} ({self.page.path}) did not load: {self.page.text()}"
        self.check(name, self.page.assert_language_set)
        self.check(name, self.page.assert_headings_in_order)
        self.check(name, self.page.assert_radio_groups_named)
        if axe:
            self.check(name, self.page.assert_accessible)
        if phone:
            self.check(name, self.page.assert_no_horizontal_scroll_on_phone)

    def assert_none(self) -> None:
        assert not self.problems, "\n\n".join(self.problems)


# Pages photographed for the README when FOIA_SCREENSHOTS=1: {page name: [(file, how)]}.
SCREENSHOTS = {
    "home page": [("home", "full page"), ("home-phone", "phone")],
    "FAQ search results": [("faq-search", "full page")],
    "FAQ answer": [("faq-answer", "full page")],
    "status page, closed with records": [("status-page", "full page")],
    "request form": [("request-form-phone", "phone")],
}


def public_pages(requests: Requests) -> list[tuple[str, str]]:
    return [
        ("home page", "/"),
        ("FOIA guidance", "/foia"),
        ("FAQ index", "/faq"),
        ("FAQ search results", "/faq/search?q=fee+waiver"),
        ("FAQ search without results", "/faq/search?q=zzqxv"),
        ("FAQ answer", f"/faq/{FAQ_SLUG}"),
        ("FAQ answer after a vote", f"/faq/{FAQ_SLUG}?voted=yes"),
        ("FAQ answer after a No vote: what was missing?", f"/faq/{FAQ_SLUG}?voted=no"),
        ("FAQ answer after a comment", f"/faq/{FAQ_SLUG}?voted=no&feedback=sent"),
        ("request form", "/foia/request"),
        ("request confirmation", f"/foia/request/received/{status_token(requests.received)}"),
        ("status lookup", "/foia/status"),
        ("status page, received", requests.status_path("received")),
        ("status page, in progress", requests.status_path("in_progress")),
        ("status page, waiting for the requester", requests.status_path("on_hold")),
        ("status page, closed with records", requests.status_path("closed")),
        ("status link that is not valid", "/foia/status/not-a-real-link"),
        ("page not found", "/no-such-page"),
        ("API reference", "/api/v1/docs"),
    ]


def test_every_public_page_passes_axe_has_ordered_headings_and_fits_a_phone(
    page, demo_faqs, requests_in_every_status
):
    findings = Findings(page)
    for name, path in public_pages(requests_in_every_status):
        page.open(path)
        findings.page_checks(name)
        for filename, how in SCREENSHOTS.get(name, []):
            page.screenshot(filename, phone=how == "phone", full_page=how == "full page")

    # The forms in their error state.
    page.open("/foia/request")
    page.submit_with(page.find("main form button[type=submit]"))
    findings.page_checks("request form with errors")
    findings.check("request form with errors", page.assert_errors_tied_to_fields)

    page.open("/foia/status")
    page.submit_with(page.find("main form button[type=submit]"))
    findings.page_checks("status lookup with errors")
    findings.check("status lookup with errors", page.assert_errors_tied_to_fields)

    page.open(f"/faq/{FAQ_SLUG}?voted=no")
    page.submit_with(page.find("#helpful form button[type=submit]"))
    findings.page_checks("FAQ comment with errors")
    findings.check("FAQ comment with errors", page.assert_errors_tied_to_fields)

    findings.assert_none()


def test_every_public_page_fits_a_phone_and_keeps_its_structure_without_javascript(
    page_nojs, demo_faqs, requests_in_every_status
):
    # axe-core needs JavaScript: the layout without it is checked for width and structure.
    findings = Findings(page_nojs)
    for name, path in public_pages(requests_in_every_status):
        page_nojs.open(path)
        findings.page_checks(name, axe=False)
    findings.assert_none()


def test_every_staff_page_passes_axe_with_ordered_headings(
    page, admin, demo_faqs, requests_in_every_status
):
    findings = Findings(page)
    page.open("/staff/login")
    findings.page_checks("sign-in", phone=False)
    page.submit_with(page.find("main form button[type=submit]"))
    findings.page_checks("sign-in with errors", phone=False)
    findings.check("sign-in with errors", page.assert_errors_tied_to_fields)
    page.open("/staff/password/forgot")
    findings.page_checks("forgotten password", phone=False)
    page.submit_with(page.find("main form button[type=submit]"))
    findings.page_checks("forgotten password with errors", phone=False)
    findings.check("forgotten password with errors", page.assert_errors_tied_to_fields)

    sign_in(page, admin.email, ADMIN_PASSWORD)
    faq = db.session.scalar(sa.select(Faq).where(Faq.slug == FAQ_SLUG))
    faq_id = faq.id
    # Readers' comments, so that the list shows its count and the editor the comments.
    faq_services.record_feedback(faq, "Whether a CD costs more than email.\nAnd how long.")
    faq_services.record_feedback(faq, "The fee for 500 pages.")
    # Search insights and an editors' synonym set, so that their pages show tables.
    synonym_sets.save_set(["reading room", "e-library"])
    db.session.commit()
    insights.record_search("fee waiver", 3)  # counts commit on a connection of their own
    insights.record_search("body camera footage", 0)
    pages = [
        ("request queue", "/staff/"),
        ("queue, every status", "/staff/?status=all"),
        ("queue with a bad filter", "/staff/?due_within=soon"),
        ("new request by staff", "/staff/requests/new"),
        ("FAQ list", "/staff/faqs"),
        ("new FAQ", "/staff/faqs/new"),
        ("FAQ editor", f"/staff/faqs/{faq_id}/edit"),
        ("new FAQ from a search that found nothing", "/staff/faqs/new?question=body+camera"),
        ("search synonyms", "/staff/faqs/synonyms"),
        ("search insights", "/staff/faqs/insights"),
        ("outbox", "/staff/outbox"),
        ("staff accounts", "/staff/users"),
        ("audit log", "/staff/audit"),
        ("annual report", "/staff/reports/annual"),
    ]
    for status in ("received", "in_progress", "on_hold", "closed"):
        number = getattr(requests_in_every_status, status).tracking_number
        pages.append((f"request page, {status}", f"/staff/requests/{number}"))
    for name, path in pages:
        page.open(path)
        findings.page_checks(name, phone=False)
        if name == "queue, every status":
            page.screenshot("staff-queue", full_page=True)
        if name == "annual report":
            page.screenshot("staff-annual-report", full_page=True)

    # The forms in their error state.
    number = requests_in_every_status.in_progress.tracking_number
    page.open(f"/staff/requests/{number}")
    page.find("button[aria-controls=action-request_info]").click()  # open its disclosure
    page.submit_with(page.find("#action-request_info button[type=submit]"))
    findings.page_checks("request page, action with errors", phone=False)
    findings.check("request page, action with errors", page.assert_errors_tied_to_fields)

    page.open("/staff/requests/new")
    page.submit_with(page.find("main form button[type=submit]"))
    findings.page_checks("new request by staff, with errors", phone=False)
    findings.check("new request by staff, with errors", page.assert_errors_tied_to_fields)

    page.open("/staff/faqs/new")
    page.submit_with(page.find("main form button[type=submit]"))
    findings.page_checks("new FAQ, with errors", phone=False)
    findings.check("new FAQ, with errors", page.assert_errors_tied_to_fields)

    page.open("/staff/faqs/synonyms")
    page.submit_with(page.find("main form button[type=submit]"))
    findings.page_checks("search synonyms, with errors", phone=False)
    findings.check("search synonyms, with errors", page.assert_errors_tied_to_fields)

    findings.assert_none()


BROKEN_PAGE = """<!DOCTYPE html><html><head><title>Broken</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main>
<h1>Broken</h1><h3>Skipped a level</h3>
<img src="x.png">
<input type="text" name="unlabelled">
<ul><li><input type="radio" name="choice" id="c1"><label for="c1">One</label></li></ul>
<div style="width: 600px">Too wide for a phone</div>
</main></body></html>"""


def test_the_checks_catch_a_broken_page(page):
    """The sweep's checks are not vacuous: each one fails on a page made to break it."""
    from urllib.parse import quote

    page.open("data:text/html;charset=utf-8," + quote(BROKEN_PAGE))

    with pytest.raises(AssertionError) as axe_found:
        page.assert_accessible("broken page")
    assert "image-alt" in str(axe_found.value)
    assert "label" in str(axe_found.value)
    with pytest.raises(AssertionError, match="heading level skipped"):
        page.assert_headings_in_order("broken page")
    with pytest.raises(AssertionError, match="lang"):
        page.assert_language_set("broken page")
    with pytest.raises(AssertionError, match="choice"):
        page.assert_radio_groups_named("broken page")
    with pytest.raises(AssertionError, match="scrolls sideways"):
        page.assert_no_horizontal_scroll_on_phone("broken page")
