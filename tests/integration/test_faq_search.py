"""The one FAQ search: stemming, typos, ranking, highlighting, safety, and an index kept in step."""

from __future__ import annotations

import pytest

from foia_portal.extensions import db
from foia_portal.faq import search, services
from foia_portal.faq.search import (
    MARK_END,
    MARK_START,
    clean_query,
    mark_highlights,
    query_words,
    search_faqs,
)
from foia_portal.faq.words import similarity


def slugs(results) -> list[str]:
    return [hit.slug for hit in results.hits]


def test_plural_finds_the_singular_and_the_singular_the_plural(small_faq):
    assert "how-much-does-a-foia-request-cost" in slugs(search_faqs("fees"))
    assert "how-do-i-qualify-for-a-fee-waiver" in slugs(search_faqs("fee"))
    assert "how-do-i-appeal-a-decision" in slugs(search_faqs("appeals"))


def test_pages_of_different_articles_share_one_compiled_statement(small_faq):
    """The page's ids are bound, not written into the SQL: SQLAlchemy compiles and keeps one
    statement for every page of the same shape, not one per page ever shown."""
    import sqlalchemy as sa

    compiled = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "snippet(" in statement or "ts_headline(" in statement:
            compiled.append(context.compiled)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert slugs(search_faqs("appeal")) == ["how-do-i-appeal-a-decision"]
        assert slugs(search_faqs("expedited")) == ["what-is-expedited-processing"]
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert len(compiled) == 2 and compiled[0] is compiled[1]


def test_misspelt_words_find_the_answer_and_offer_did_you_mean(small_faq):
    results = search_faqs("expidited procesing")
    assert slugs(results)[0] == "what-is-expedited-processing"
    assert results.did_you_mean == "expedited processing"


def test_a_correctly_spelt_query_offers_no_correction(small_faq):
    assert search_faqs("expedited processing").did_you_mean is None


def test_a_word_in_the_question_ranks_above_the_same_word_in_an_answer(app):
    services.create_faq(
        category="Fees", question="Something else entirely", answer="Mentions a waiver once."
    )
    services.create_faq(category="Fees", question="What is a waiver?", answer="It is explained.")
    db.session.commit()
    assert [hit.question for hit in search_faqs("waiver").hits] == [
        "What is a waiver?",
        "Something else entirely",
    ]


def test_articles_with_every_word_come_before_those_with_some(small_faq):
    results = search_faqs("fee waiver public interest")
    assert slugs(results)[0] == "how-do-i-qualify-for-a-fee-waiver"


def test_matches_are_highlighted_and_the_text_around_them_escaped(app):
    services.create_faq(
        category="Odd",
        question="Is <b>bold</b> allowed near a waiver?",
        answer="A `<script>alert(1)</script>` next to the word waiver & more.",
    )
    db.session.commit()
    hit = search_faqs("waiver").hits[0]
    assert "<mark>waiver</mark>" in hit.question_html
    assert "&lt;b&gt;bold&lt;/b&gt;" in hit.question_html
    # SQLite shows the tag-like text escaped; PostgreSQL's ts_headline leaves tags out.
    assert "<script" not in hit.snippet_html
    assert "&lt;script&gt;" in hit.snippet_html or "script" not in hit.snippet_html
    assert "<mark>waiver</mark>" in hit.snippet_html
    assert "&amp; more" in hit.snippet_html


def test_stored_text_cannot_forge_highlight_markers(app):
    services.create_faq(
        category="Odd",
        question=f"A {MARK_START}question{MARK_END} about appeals",
        answer=f"{MARK_START}<img src=x onerror=alert(1)>{MARK_END} appeals",
    )
    db.session.commit()
    hit = search_faqs("appeals").hits[0]
    assert "<img" not in hit.snippet_html
    assert hit.question_html.count("<mark>") == 1


def test_unbalanced_sentinels_never_leave_a_tag_open():
    assert mark_highlights(f"a {MARK_START}b") == "a b"
    assert mark_highlights(f"{MARK_START}<x>{MARK_END}") == "<mark>&lt;x&gt;</mark>"


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"fee',
        "fee AND OR NOT waiver",
        "NEAR(fee waiver, 2)",
        "fee* ^waiver question:fee -appeal",
        "(((",
        "'; DROP TABLE faq; --",
        "fee\x00waiver",
        "\x00",
        "x" * 10_000,
        "fee " * 5_000,
        "¿Cuánto cuesta? 費用 ضريبة 🙂",
        "\ud800 fee",
        "\\ % _ fee",
        "a:b:c {x} [y] <z> & |",
        "fee | waiver & !appeal <-> x:*",
    ],
)
def test_any_query_string_is_answered_without_error(small_faq, query):
    results = search_faqs(query)
    assert results.total >= 0
    assert len(results.query) <= 500


@pytest.mark.parametrize("query", ["", "   ", "?!.,;", "---", "***", '""', None])
def test_an_empty_or_punctuation_only_query_asks_for_the_categories(small_faq, query):
    results = search_faqs(query)
    assert results.is_empty_query
    assert results.total == 0


def test_only_stop_words_still_search_for_them(small_faq):
    # "how do I" alone: every word is a stop word, so they are searched rather than dropped.
    assert search_faqs("how do i").total >= 0


def test_the_index_follows_edits_unpublishing_and_deletion(small_faq):
    faq = services.get_published("how-do-i-appeal-a-decision")
    services.update_faq(faq, question="How do I protest a decision?", answer="Write to OIP.")
    db.session.commit()
    assert "how-do-i-appeal-a-decision" in slugs(search_faqs("protest"))
    assert "how-do-i-appeal-a-decision" not in slugs(search_faqs("appeal"))

    services.set_published(faq, False)
    db.session.commit()
    assert search_faqs("protest").total == 0

    services.set_published(faq, True)
    db.session.commit()
    assert search_faqs("protest").total == 1

    services.delete_faq(faq)
    db.session.commit()
    assert search_faqs("protest").total == 0


def test_results_are_paginated_with_a_total_and_a_clamped_page(app):
    for number in range(13):
        services.create_faq(category="Many", question=f"Waiver question {number}", answer="x")
    db.session.commit()
    first = search_faqs("waiver", page=1, per_page=5)
    last = search_faqs("waiver", page=3, per_page=5)
    beyond = search_faqs("waiver", page=99, per_page=5)
    assert (first.total, first.pages, len(first.hits)) == (13, 3, 5)
    assert (last.page, len(last.hits)) == (3, 3)
    assert beyond.page == 3
    assert set(slugs(first)).isdisjoint(slugs(last))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("how much does a request cost", "how-much-will-my-foia-request-cost"),
        ("which fee categories are there", "what-are-the-fee-categories-and-which-one-am-i-in"),
        ("fee waiver", "how-do-i-qualify-for-a-fee-waiver"),
        ("expidited procesing", "what-is-expedited-processing-and-who-qualifies"),
        ("appeal a denial", "how-do-i-appeal-a-foia-decision-i-disagree-with"),
        ("the nine exemptions", "what-are-the-nine-foia-exemptions"),
        ("exemtpions", "what-are-the-nine-foia-exemptions"),
        ("how long does it take", "how-long-does-the-office-have-to-respond-to-my-request"),
    ],
)
def test_plain_english_paraphrases_and_typos_find_the_demo_answer(demo_faq, query, expected):
    found = slugs(search_faqs(query, per_page=5))
    assert expected in found, found


def test_query_words_are_letters_and_digits_only():
    assert query_words('Fee "waiver" OR fee-waiver* 2024') == ("fee", "waiver", "or", "2024")
    assert clean_query("a\x00b\x07c") == "a b c"


def test_similarity_is_pg_trgm_similarity():
    assert similarity("word", "word") == 1.0
    assert round(similarity("expidited", "expedited"), 2) == 0.54


# ------------------------------------------------------------------------ bounded cost at scale


def test_past_the_cap_the_total_says_more_and_pages_stop_there(app, monkeypatch):
    monkeypatch.setattr(search, "MAX_COUNTED", 5)
    for number in range(8):
        services.create_faq(category="Many", question=f"Waiver question {number}", answer="x")
    db.session.commit()
    first = search_faqs("waiver", per_page=2)
    assert (first.total, first.total_capped, first.pages, len(first.hits)) == (5, True, 3, 2)
    last = search_faqs("waiver", page=99, per_page=2)
    assert (last.page, len(last.hits)) == (3, 1)
    seen = [slugs(search_faqs("waiver", page=n, per_page=2)) for n in (1, 2, 3)]
    assert len({slug for page in seen for slug in page}) == 5
    assert search_faqs("waiver", per_page=2).total_capped
    monkeypatch.setattr(search, "MAX_COUNTED", 8)
    assert (search_faqs("waiver").total, search_faqs("waiver").total_capped) == (8, False)


def test_past_the_cap_every_word_in_the_question_still_comes_first(app, monkeypatch):
    monkeypatch.setattr(search, "MAX_COUNTED", 3)
    services.create_faq(category="Fees", question="How does a fee waiver work?", answer="x")
    for number in range(6):
        services.create_faq(
            category="Fees", question=f"Fee question {number}", answer="Mentions a waiver."
        )
    db.session.commit()
    results = search_faqs("fee waiver")
    assert results.total_capped
    assert results.hits[0].question == "How does a fee waiver work?"
    assert "<mark>" in results.hits[0].snippet_html or results.hits[0].snippet_html == "x"


def test_unpublished_articles_never_fill_a_page_or_the_count(app, monkeypatch):
    monkeypatch.setattr(search, "MAX_COUNTED", 2)
    monkeypatch.setattr(search, "PAGE_MARGIN", 0)
    monkeypatch.setattr(search, "COUNT_MARGIN", 0)
    faqs = [
        services.create_faq(category="Many", question=f"Waiver question {n}", answer="x")
        for n in range(6)
    ]
    for faq in faqs[3:]:  # the newest three
        services.set_published(faq, False)
    db.session.commit()
    results = search_faqs("waiver", per_page=2)
    assert (results.total, results.total_capped) == (2, True)
    assert set(slugs(results)) <= {faq.slug for faq in faqs[:3]}
    assert len(results.hits) == 2
    monkeypatch.setattr(search, "MAX_COUNTED", 10)
    assert search_faqs("waiver").total == 3


def test_did_you_mean_follows_new_articles_and_ignores_unpublished_ones(app):
    services.create_faq(category="Odd", question="About the zebrafish", answer="Zebrafish.")
    db.session.commit()
    assert search_faqs("zebrafsh").did_you_mean == "zebrafish"
    services.create_faq(category="Odd", question="About the quokka", answer="Quokka facts.")
    hidden = services.create_faq(category="Odd", question="About the axolotl", answer="Axolotl.")
    services.set_published(hidden, False)
    db.session.commit()
    assert search_faqs("quokkka").did_you_mean == "quokka"
    assert search_faqs("axolottl").did_you_mean is None


def test_the_results_page_says_more_than_the_cap(app, client, monkeypatch):
    monkeypatch.setattr(search, "MAX_COUNTED", 5)
    for number in range(8):
        services.create_faq(category="Many", question=f"Waiver question {number}", answer="x")
    db.session.commit()
    page = client.get("/faq/search?q=waiver").get_data(as_text=True)
    assert "More than 5 answers found for “waiver”." in page


@pytest.mark.parametrize(
    ("snippet", "shown"),
    [
        # A fragment before the first sentence and after the last one is dropped.
        (
            "…about your request. It lets us send a [fee] estimate before work starts. We then…",
            "… It lets us send a [fee] estimate before work starts. …",
        ),
        # The highlighted words stay, even when that means keeping a fragment.
        ("…your [fee] request. It lets…", "…your [fee] request. …"),
        ("…send a [fee] estimate…", "…send a [fee] estimate…"),
        # A whole answer is left as it is.
        ("A [fee] is charged. Nothing else.", "A [fee] is charged. Nothing else."),
    ],
)
def test_snippets_start_and_end_at_sentences_where_they_can(snippet, shown):
    from foia_portal.faq.search import MARK_END, MARK_START, sentence_bounded

    marked = snippet.replace("[", MARK_START).replace("]", MARK_END)
    result = sentence_bounded(marked).replace(MARK_START, "[").replace(MARK_END, "]")
    assert result == shown
