"""In a real browser: a reader searches the FAQ, opens an answer and says it helped.

Runs twice, with JavaScript and without: the FAQ must work for both.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.keys import Keys

from foia_portal.extensions import db
from foia_portal.faq.answers import meta_description
from foia_portal.faq.models import Faq, FaqFeedback, FaqVote
from tests.fixtures.browser import SQLITE_ONLY
from tests.helpers import sentence_case_problems

# Browser tests run on SQLite only (see SQLITE_ONLY in tests/fixtures/browser.py).
pytestmark = [pytest.mark.browser, SQLITE_ONLY]


@pytest.fixture
def config_overrides(browser_config_overrides):
    return browser_config_overrides


def votes_for(slug: str) -> list[bool]:
    db.session.expire_all()
    votes = db.session.scalars(
        sa.select(FaqVote.helpful).join(Faq, Faq.id == FaqVote.faq_id).where(Faq.slug == slug)
    ).all()
    db.session.rollback()
    return list(votes)


def test_a_reader_searches_the_faq_opens_an_answer_and_votes_it_helpful(public_page, demo_faqs):
    page = public_page
    page.open("/")
    page.submit_with(page.find("nav.usa-nav a[href='/faq']"))
    assert page.find("h1").text == "Frequently asked questions"

    search = page.find("#faq-search-field")
    search.send_keys("fee waiver")
    html = page.find("html")
    search.send_keys(Keys.ENTER)
    page.wait_for_new_document(html)

    assert page.path.startswith("/faq/search?q=fee+waiver")
    assert "answers found for “fee waiver”" in page.text("#result-count")
    first = page.find("ol.usa-collection h2 a")
    question = first.text
    assert "fee waiver" in question.lower()
    page.submit_with(first)

    assert page.find("h1").text == question
    slug = page.path.removeprefix("/faq/")
    assert votes_for(slug) == []
    page.submit_with(page.find("#helpful button[type=submit]"))  # the first button: "Yes"

    assert page.path == f"/faq/{slug}?voted=yes#helpful"
    assert "Thank you" in page.text("#helpful")
    assert page.find_all("#helpful form") == [], "the vote buttons are gone once voted"
    assert votes_for(slug) == [True]


def comments_on(slug: str) -> list[str]:
    db.session.expire_all()
    comments = db.session.scalars(
        sa.select(FaqFeedback.text).join(Faq, Faq.id == FaqFeedback.faq_id).where(Faq.slug == slug)
    ).all()
    db.session.rollback()
    return list(comments)


MAIN_HEADINGS = """
return Array.from(document.querySelectorAll("main h1, main h2, main h3"))
  .map(h => h.textContent.trim().replace(/\\s+/g, " "));
"""


def test_a_reader_says_an_answer_did_not_help_and_what_was_missing(public_page, demo_faqs):
    page = public_page
    slug = "how-much-will-my-foia-request-cost"
    page.open(f"/faq/{slug}")
    no = page.find_all("#helpful button[type=submit]")[1]
    assert no.text.startswith("No")
    page.submit_with(no)

    assert page.path == f"/faq/{slug}?voted=no#helpful"
    assert votes_for(slug) == [False]
    assert page.find("label[for=comment]").text == "What was missing? (optional)"
    assert "Please don’t include personal information" in page.text("#comment-hint")
    assert not page.find("#website").is_displayed(), "the spam trap is hidden from people"
    if page.javascript:
        page.assert_accessible("FAQ answer after a No vote")

    send = page.find("#helpful form button[type=submit]")
    assert send.text == "Send"
    page.submit_with(send)  # nothing written yet
    assert "Write what you were looking for, then send it." in page.text("#error-summary")
    assert page.driver.title.startswith("Error: How much will my FOIA request cost?")
    page.assert_errors_tied_to_fields("FAQ comment with nothing written")
    if page.javascript:
        page.assert_accessible("FAQ comment with nothing written")
    assert comments_on(slug) == []

    comment = "Whether copies on a USB drive cost more than PDF by email."
    page.fill("#comment", comment)
    page.submit_with(page.find("#helpful form button[type=submit]"))

    assert page.path == f"/faq/{slug}?voted=no&feedback=sent#helpful"
    assert "Thank you for telling us what was missing." in page.text("#helpful")
    assert page.find_all("#comment") == []
    assert comments_on(slug) == [comment]
    if page.javascript:
        page.assert_accessible("FAQ answer, comment sent")


def test_links_in_an_answer_read_as_words_and_lead_to_their_page(public_page, demo_faqs):
    page = public_page
    slug = "how-do-i-submit-a-foia-request-to-this-office"
    page.open(f"/faq/{slug}")

    words = [link.text for link in page.find_all(".faq-answer a")]
    assert "online request form" in words and "FOIA.gov" in words
    for text in words:
        assert text and not text.startswith(("/", "http", "www.")), text
    answer = page.text(".faq-answer")
    assert "/foia/request" not in answer and "https://" not in answer

    [entry] = [e for e in demo_faqs if e["slug"] == slug]
    description = page.driver.execute_script(
        "return document.querySelector('meta[name=description]').content"
    )
    assert description.startswith("The quickest way is our online request form.")
    assert len(description) <= 155 and "[" not in description
    db.session.expire_all()
    faq = db.session.scalar(sa.select(Faq).where(Faq.slug == entry["slug"]))
    assert description == meta_description(faq.answer_text)
    db.session.rollback()

    page.submit_with(page.link("online request form"))
    assert page.path == "/foia/request"


def test_every_faq_heading_is_in_sentence_case(page, demo_faqs):
    paths = ["/faq", "/faq/search?q=fee+waiver", "/faq/search?q=zzqxv"]
    paths += [f"/faq/{entry['slug']}?voted=no" for entry in demo_faqs]
    problems = {}
    seen = set()
    for path in paths:
        page.open(path)
        for heading in page.driver.execute_script(MAIN_HEADINGS):
            seen.add(heading)
            if sentence_case_problems(heading):
                problems[heading] = (path, sentence_case_problems(heading))
    assert problems == {}
    assert {"Frequently asked questions", "Was this helpful?", "Topics"} <= seen
    assert len(seen) > len(demo_faqs)  # every question, as the h1 of its article


def test_a_search_with_no_answer_offers_the_request_form(public_page, demo_faqs):
    page = public_page
    page.open("/faq/search?q=zzqxv")

    assert "No answers found" in page.text("#result-count")
    page.submit_with(page.link("Make a FOIA request"))
    assert page.path == "/foia/request"
