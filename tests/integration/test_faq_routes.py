"""Public FAQ pages: the list, search, articles, the helpfulness vote; no session anywhere."""

from __future__ import annotations

import html
import json
import re

import pytest

from foia_portal.extensions import db
from foia_portal.faq import services

ORIGIN = {"Origin": "http://localhost"}
ARTICLE = "/faq/how-much-does-a-foia-request-cost"


def assert_no_session(response) -> None:
    assert "Set-Cookie" not in response.headers


def test_the_faq_lists_questions_by_category_with_a_search_box(client, small_faq):
    response = client.get("/faq")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert_no_session(response)
    assert 'role="search"' in html and 'action="/faq/search"' in html
    assert html.index("Fees and fee waivers") < html.index("How do I qualify for a fee waiver?")
    assert 'href="/faq/what-is-expedited-processing"' in html


def test_search_shows_the_count_highlighted_results_and_no_cookie(client, small_faq):
    response = client.get("/faq/search?q=fees")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert_no_session(response)
    assert "2 answers found for “fees”" in html
    assert "<mark>" in html
    assert 'href="/faq/how-much-does-a-foia-request-cost"' in html


def test_search_offers_did_you_mean_for_a_misspelling(client, small_faq):
    html = client.get("/faq/search?q=expidited").get_data(as_text=True)
    assert 'id="did-you-mean"' in html
    assert 'href="/faq/search?q=expedited"' in html


@pytest.mark.parametrize("query", ["", "?q=", "?q=%20%20", "?q=%21%3F%2E", "?q=---"])
def test_an_empty_search_shows_the_categories(client, small_faq, query):
    response = client.get(f"/faq/search{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Topics" in html and "Expedited processing" in html


@pytest.mark.parametrize(
    "query",
    [
        "%22",
        "%00",
        "fee%00waiver",
        "NEAR%28a+b%29",
        "a" * 10_000,
        "%F0%9F%99%82+fee",
        "%ED%A0%80",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "fee&page=99999999999999999999",
        "fee&page=-1",
        "fee&page=abc",
    ],
)
def test_any_search_string_answers_200_and_escapes_the_query(client, small_faq, query):
    response = client.get(f"/faq/search?q={query}")
    assert response.status_code == 200
    assert "<script>alert" not in response.get_data(as_text=True)


def test_results_are_paginated_with_uswds_pagination(client, app):
    for number in range(12):
        services.create_faq(category="Many", question=f"Waiver question {number}", answer="x")
    db.session.commit()
    html = client.get("/faq/search?q=waiver&page=2").get_data(as_text=True)
    assert 'class="usa-pagination"' in html
    assert 'aria-current="page">2<' in html
    assert "page 2 of 2" in html
    assert 'href="/faq/search?q=waiver&amp;page=1"' in html


def test_an_article_shows_the_answer_related_questions_and_faqpage_json_ld(client, small_faq):
    response = client.get(ARTICLE)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert_no_session(response)
    assert '<h1 id="faq-question">How much does a FOIA request cost?</h1>' in html
    assert "<strong>fee</strong>" in html
    assert "Last updated" in html
    assert 'href="/faq/how-do-i-qualify-for-a-fee-waiver"' in html  # related, same category
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match
    data = json.loads(match.group(1))
    assert data["@type"] == "FAQPage"
    assert data["mainEntity"][0]["name"] == "How much does a FOIA request cost?"
    assert data["mainEntity"][0]["acceptedAnswer"]["@type"] == "Answer"


def test_json_ld_cannot_be_broken_out_of_by_the_question(client, app):
    services.create_faq(
        category="Odd", question="</script><script>alert(1)</script>", answer="x", slug="odd"
    )
    db.session.commit()
    html = client.get("/faq/odd").get_data(as_text=True)
    assert "<script>alert(1)" not in html


def test_unknown_and_unpublished_articles_are_404(client, small_faq):
    assert client.get("/faq/no-such-question").status_code == 404
    faq = services.get_published("how-do-i-appeal-a-decision")
    services.set_published(faq, False)
    db.session.commit()
    assert client.get("/faq/how-do-i-appeal-a-decision").status_code == 404


def test_a_vote_is_counted_once_per_browser_with_a_cookie_set_only_by_voting(client, small_faq):
    response = client.post(f"{ARTICLE}/helpful", data={"helpful": "yes"}, headers=ORIGIN)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{ARTICLE}?voted=yes#helpful")
    cookie = response.headers["Set-Cookie"]
    assert "faq_voter=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "session" not in cookie

    again = client.post(f"{ARTICLE}/helpful", data={"helpful": "yes"}, headers=ORIGIN)
    assert "Set-Cookie" not in again.headers
    faq = services.get_published("how-much-does-a-foia-request-cost")
    db.session.refresh(faq)
    assert (faq.helpful_yes, faq.helpful_no) == (1, 0)
    page = client.get(f"{ARTICLE}?voted=yes").get_data(as_text=True)
    assert "Thank you" in page


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/x"},
    ],
)
def test_a_vote_from_another_site_is_not_counted(client, small_faq, headers):
    response = client.post(f"{ARTICLE}/helpful", data={"helpful": "yes"}, headers=headers)
    assert response.status_code == 303
    assert "voted=refused" in response.headers["Location"]
    faq = services.get_published("how-much-does-a-foia-request-cost")
    assert faq.helpful_yes == 0


def test_a_same_site_referer_is_enough_when_origin_is_missing(client, small_faq):
    headers = {"Referer": f"http://localhost{ARTICLE}"}
    response = client.post(f"{ARTICLE}/helpful", data={"helpful": "no"}, headers=headers)
    assert "voted=no" in response.headers["Location"]


@pytest.mark.parametrize("value", ["", "maybe", "YES"])
def test_a_vote_must_be_yes_or_no(client, small_faq, value):
    response = client.post(f"{ARTICLE}/helpful", data={"helpful": value}, headers=ORIGIN)
    assert response.status_code == 400


@pytest.fixture
def config_overrides(request):
    return {"WTF_CSRF_ENABLED": True} if "csrf_on" in request.node.name else {}


def test_voting_works_with_csrf_protection_on_csrf_on(client, small_faq):
    response = client.post(f"{ARTICLE}/helpful", data={"helpful": "yes"}, headers=ORIGIN)
    assert response.status_code == 303
    assert "voted=yes" in response.headers["Location"]


def meta_description_of(page: str) -> str:
    [content] = re.findall(r'<meta name="description" content="([^"]*)">', page)
    return html.unescape(content)


def test_an_article_is_described_by_its_answers_first_sentences_as_plain_text(client, app):
    answer = (
        "Most requests cost **nothing**: we charge no fee below $25 & never for the first two "
        'hours of search. See [the fee rules](/faq/fees) for the "other" requesters.\n\n'
        "- Commercial requesters pay for search, review and copies.\n"
        "- News media pay only for copies beyond the first 100 pages."
    )
    services.create_faq(category="Fees", question="What does it cost?", answer=answer, slug="cost")
    db.session.commit()
    page = client.get("/faq/cost").get_data(as_text=True)
    description = meta_description_of(page)
    assert description == (
        "Most requests cost nothing: we charge no fee below $25 & never for the first two hours "
        'of search. See the fee rules for the "other" requesters.'
    )
    assert len(description) <= 155

    for other in ("/faq", "/faq/search?q=fee", "/"):
        text = meta_description_of(client.get(other).get_data(as_text=True))
        assert text.startswith("FOIA requests to the "), other
