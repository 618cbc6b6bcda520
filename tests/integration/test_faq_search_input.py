"""Bad input to the FAQ search: every kind searches as plain text, on both databases, and never
gives a 500 or an SQL error, on the page, in the API and in search_faqs itself."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from foia_portal.faq.search import MAX_QUERY_CHARS, prepare_query, search_faqs

WAIVER = "how-do-i-qualify-for-a-fee-waiver"
APPEAL = "how-do-i-appeal-a-decision"

# (query, an article the words of the query find when read as plain text)
OPERATOR_QUERIES = [
    pytest.param('"fee waiver', WAIVER, id="unbalanced double quote"),
    pytest.param('"fee" "waiver"', WAIVER, id="double quotes"),
    pytest.param("waiv*", None, id="prefix star alone"),
    pytest.param("fee* waiver*", WAIVER, id="stars"),
    pytest.param("NEAR(fee waiver, 2)", WAIVER, id="NEAR"),
    pytest.param("fee NEAR waiver", WAIVER, id="NEAR between words"),
    pytest.param("fee AND waiver", WAIVER, id="AND"),
    pytest.param("fee OR waiver", WAIVER, id="OR"),
    pytest.param("NOT appeal", APPEAL, id="NOT"),
    pytest.param("question:waiver", WAIVER, id="column filter colon"),
    pytest.param("{question answer_text}: waiver", WAIVER, id="column set"),
    pytest.param("^waiver", WAIVER, id="caret"),
    pytest.param("(fee waiver", WAIVER, id="open parenthesis"),
    pytest.param("fee) waiver)", WAIVER, id="close parentheses"),
    pytest.param("((fee)) (waiver)", WAIVER, id="nested parentheses"),
    pytest.param("fee & waiver | !x <-> y:*", WAIVER, id="tsquery operators"),
    pytest.param("fee -waiver", WAIVER, id="websearch minus"),
    pytest.param("'fee' waiver'", WAIVER, id="single quotes"),
    pytest.param("fee\\ waiver\\", WAIVER, id="backslashes"),
    pytest.param("fee% waiver_", WAIVER, id="LIKE wildcards"),
    pytest.param("'; DROP TABLE faq; --", None, id="SQL"),
]

CONTROL_QUERIES = [
    pytest.param("fee\x00waiver", WAIVER, id="NUL between words"),
    pytest.param("\x00fee waiver\x00", WAIVER, id="NUL around"),
    pytest.param("fee\x07\x08waiver", WAIVER, id="bell and backspace"),
    pytest.param("fee\x1bwaiver", WAIVER, id="escape"),
    pytest.param("fee\twaiver\r\n", WAIVER, id="tab and line break"),
    pytest.param("fee\x7fwaiver", WAIVER, id="delete"),
    pytest.param("fee\ue000waiver\ue001", WAIVER, id="highlight sentinels"),
    pytest.param("\ud800 appeal", APPEAL, id="lone surrogate"),
]

EMPTY_QUERIES = [
    pytest.param("", id="empty"),
    pytest.param("   ", id="spaces"),
    pytest.param("\x00\x01\x02", id="control characters only"),
    pytest.param("?!.,;:", id="punctuation"),
    pytest.param('"" ** ^^ () :: ---', id="operators only"),
    pytest.param("…—–“”«»¿¡", id="typographic punctuation"),
    pytest.param("!" * 1000, id="long punctuation"),
]


def slugs(results) -> list[str]:
    return [hit.slug for hit in results.hits]


@pytest.mark.parametrize(("query", "found"), OPERATOR_QUERIES + CONTROL_QUERIES)
def test_operators_and_control_characters_search_as_plain_words(small_faq, query, found):
    results = search_faqs(query)
    if found:
        assert slugs(results)[0] == found
    assert "\x00" not in results.query and "\ue000" not in results.query


@pytest.mark.parametrize("query", [p.values[0] for p in OPERATOR_QUERIES + CONTROL_QUERIES])
def test_the_page_and_the_api_answer_200_to_operators_and_control_characters(
    client, small_faq, query
):
    # A lone surrogate travels as the invalid UTF-8 a browser could send.
    encoded = quote(query.encode("utf-8", "surrogatepass"), safe="")
    page = client.get(f"/faq/search?q={encoded}")
    assert page.status_code == 200
    assert "<h1>Search results</h1>" in page.get_data(as_text=True)
    api = client.get(f"/api/v1/faq?q={encoded}&per_page=3")
    assert api.status_code == 200
    assert api.get_json()["query_truncated"] is False


@pytest.mark.parametrize("query", EMPTY_QUERIES)
def test_empty_and_punctuation_only_queries_show_the_categories(client, small_faq, query):
    assert search_faqs(query).is_empty_query
    page = client.get(f"/faq/search?q={quote(query, safe='')}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Type a word or a question to search" in html
    assert "Expedited processing" in html  # the categories
    api = client.get(f"/api/v1/faq?q={quote(query, safe='')}")
    assert (api.status_code, api.get_json()["results"], api.get_json()["total"]) == (200, [], 0)


def test_a_query_over_the_limit_is_cut_at_a_word_and_the_page_says_so(client, small_faq):
    words = "appeal " + "decision " * 40  # 367 characters
    results = search_faqs(words)
    assert results.query_truncated
    assert len(results.query) <= MAX_QUERY_CHARS
    assert results.query.split()[-1] == "decision"  # no half word at the end
    assert slugs(results)[0] == APPEAL

    html = client.get(f"/faq/search?q={quote(words)}").get_data(as_text=True)
    assert 'id="query-truncated"' in html
    assert f"longer than {MAX_QUERY_CHARS} characters" in html
    body = client.get(f"/api/v1/faq?q={quote(words)}").get_json()
    assert body["query_truncated"] is True
    assert body["query"] == results.query


def test_a_query_at_the_limit_is_searched_whole_without_a_note(client, small_faq):
    query = ("appeal " * 40)[: MAX_QUERY_CHARS - 1] + "s"
    assert len(query) == MAX_QUERY_CHARS
    assert prepare_query(query) == (query, False)
    html = client.get(f"/faq/search?q={quote(query)}").get_data(as_text=True)
    assert 'id="query-truncated"' not in html


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("a" * 250, "a" * MAX_QUERY_CHARS),  # one long word: cut inside it, nothing else to do
        ("fee " * 60, ("fee " * 50).strip()),
        ("x" * 199 + " waiver", "x" * 199),
        ("  spaced   out  ", "spaced out"),
    ],
)
def test_cutting_keeps_whole_words_where_it_can(raw, kept):
    assert prepare_query(raw)[0] == kept


@pytest.mark.parametrize(
    "query",
    ["x" * 10_000, "fee " * 5_000, "NEAR(" * 2_000, '"' * 5_000, "\x00" * 5_000 + "fee"],
)
def test_very_long_input_is_cut_and_answered(client, small_faq, query):
    response = client.get(f"/faq/search?q={quote(query, safe='')}")
    assert response.status_code == 200
    assert len(search_faqs(query).query) <= MAX_QUERY_CHARS
