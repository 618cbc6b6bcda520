"""In a real browser: a reader searches the FAQ, opens an answer and says it helped.

Runs twice, with JavaScript and without: the FAQ must work for both.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.keys import Keys

from foia_portal.extensions import db
from foia_portal.faq.models import Faq, FaqVote
from tests.fixtures.browser import SQLITE_ONLY

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


def test_a_search_with_no_answer_offers_the_request_form(public_page, demo_faqs):
    page = public_page
    page.open("/faq/search?q=zzqxv")

    assert "No answers found" in page.text("#result-count")
    page.submit_with(page.link("Make a FOIA request"))
    assert page.path == "/foia/request"
