"""The FAQ API: search, one article, and the suggestions shown beside the request form."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from foia_portal.extensions import db
from foia_portal.faq import services as faq_services
from foia_portal.faq.models import FaqSuggestion
from tests.helpers import form_token


def file_request(token: str):
    """File a request through the intake service with this form token."""
    from foia_portal.requests import services

    foia_request = services.submit_request(
        services.Intake(
            fields={
                "first_name": "Ada",
                "last_name": "Lovelace",
                "email": "ada@example.com",
                "description": "Grant files",
                "fee_category": "other",
            },
            submission_token=token,
        ),
        services.StoredFiles(),
    )
    db.session.commit()
    return foia_request


def test_search_answers_in_the_contract_shape_best_match_first(client, small_faq):
    response = client.get("/api/v1/faq?q=waiver+public+interest")
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 1 and body["page"] == 1
    first = body["results"][0]
    assert set(first) >= {"slug", "question", "category", "snippet", "url"}
    assert first["slug"] == "how-do-i-qualify-for-a-fee-waiver"
    assert first["url"] == "/faq/how-do-i-qualify-for-a-fee-waiver"
    assert first["category"] == "Fees and fee waivers"
    assert "<mark>" in first["snippet"] and "<mark>" not in first["snippet_text"]
    assert "Set-Cookie" not in response.headers
    assert body["total_capped"] is False


def test_search_says_when_it_stopped_counting(client, demo_faq, monkeypatch):
    from foia_portal.faq import search

    monkeypatch.setattr(search, "MAX_COUNTED", 2)
    body = client.get("/api/v1/faq?q=request").get_json()
    assert (body["total"], body["total_capped"]) == (2, True)


def test_search_api_offers_the_corrected_query(client, small_faq):
    body = client.get("/api/v1/faq?q=expidited").get_json()
    assert body["did_you_mean"] == "expedited"
    assert body["results"][0]["slug"] == "what-is-expedited-processing"


@pytest.mark.parametrize(
    "query_string",
    [
        "q=",
        "q=%00",
        "q=%22%22%22",
        "q=" + "a" * 10_000,
        "page=99999&q=fee",
    ],
)
def test_search_api_answers_200_to_any_query(client, small_faq, query_string):
    response = client.get(f"/api/v1/faq?{query_string}")
    assert response.status_code == 200
    assert response.get_json()["page"] >= 1


@pytest.mark.parametrize(
    ("query_string", "parameter"),
    [
        ("page=abc&q=fee", "page"),
        ("page=-4&q=fee", "page"),
        ("per_page=x&q=fee", "per_page"),
        ("per_page=null", "per_page"),
        ("per_page=51", "per_page"),
        ("per_page=0", "per_page"),
    ],
)
def test_search_api_refuses_a_page_that_is_not_a_number_in_range(
    client, small_faq, query_string, parameter
):
    response = client.get(f"/api/v1/faq?{query_string}")
    assert response.status_code == 422
    assert parameter in response.get_json()["errors"]


def test_the_suggestions_address_takes_post_only(client):
    for method in ("GET", "HEAD"):
        response = client.open("/api/v1/faq/suggestions", method=method)
        assert response.status_code == 405
    allowed = client.options("/api/v1/faq/suggestions").headers["Allow"]
    assert {m.strip() for m in allowed.split(",")} == {"POST", "OPTIONS"}


def test_one_article_as_json(client, small_faq):
    body = client.get("/api/v1/faq/how-much-does-a-foia-request-cost").get_json()
    assert body["question"] == "How much does a FOIA request cost?"
    assert body["answer"].startswith("Most requests cost nothing")
    assert "<strong>fee</strong>" in body["answer_html"]


def test_an_unknown_article_is_a_json_404(client, small_faq):
    response = client.get("/api/v1/faq/no-such-question")
    assert response.status_code == 404
    assert "error" in response.get_json()


def test_suggestions_shown_on_the_form_count_as_filed_once_the_form_is_filed(client, small_faq):
    html = client.get("/foia/request").get_data(as_text=True)
    token = form_token(html)
    assert 'id="faq-suggestions"' in html and "js/faq-suggest.js" in html
    response = client.post(
        "/api/v1/faq/suggestions",
        json={
            "form_token": token,
            "query": "fees",
            "faq_slugs": ["how-much-does-a-foia-request-cost"],
        },
    )
    assert response.status_code == 201
    suggestion = db.session.scalar(sa.select(FaqSuggestion))
    assert suggestion.faq_slugs == ["how-much-does-a-foia-request-cost"]
    stats = faq_services.suggestion_stats()
    assert (stats.forms_shown, stats.filed_anyway) == (1, 0)

    foia_request = file_request(token)
    assert foia_request.submission_token == token
    assert faq_services.suggestion_stats().filed_anyway == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"query": "x", "faq_slugs": ["a"]}, "form_token"),
        ({"form_token": "short", "faq_slugs": ["a"]}, "form_token"),
        ({"form_token": "t" * 24, "faq_slugs": "a"}, "faq_slugs"),
        ({"form_token": "t" * 24, "faq_slugs": ["Not A Slug!"]}, "faq_slugs"),
        ({"form_token": "t" * 24, "faq_slugs": [f"a{i}" for i in range(11)]}, "faq_slugs"),
        ({"form_token": "t" * 24, "faq_slugs": ["a", "a"]}, "faq_slugs"),
        ({"form_token": " " * 24, "faq_slugs": ["a"]}, "form_token"),
        ({"form_token": "t" * 24, "faq_slugs": ["a"], "extra": 1}, "extra"),
    ],
)
def test_bad_suggestion_reports_are_refused_with_field_errors(client, body, field):
    response = client.post("/api/v1/faq/suggestions", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
