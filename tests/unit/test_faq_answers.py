"""FAQ answers: links with words of their own, the link rules, the page description."""

from __future__ import annotations

import json
import re

import pytest

from foia_portal.faq import answers
from foia_portal.faq.answers import link_problems, meta_description, render_answer
from foia_portal.faq.services import FaqImportError, validate_import
from tests.fixtures.faq import DEMO_FAQS
from tests.helpers import sentence_case_problems

# ------------------------------------------------------------------------------- links


@pytest.mark.parametrize(
    "markdown",
    [
        "Use the [request form](/foia/request).",
        "See [FOIA.gov](https://www.foia.gov/) or [the top](#top).",
        "Write to [the FOIA office](mailto:foia@cops.example.gov) or [call us](tel:+1-202-555-0100).",
        "Fees and/or waivers, 24/7, on 10/12/2024 (dates and words with slashes are not paths).",
        "A path in code is shown as code: `/foia/request`.",
        "```\nGET /api/v1/faq\n```",
        "5 U.S.C. § 552(a)(6)/(b) and </script> typed as text.",
    ],
)
def test_answers_that_keep_the_link_rules_have_no_problems(markdown):
    assert link_problems(markdown) == []


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        (
            "Use [/foia/request](/foia/request).",
            "Give the link “/foia/request” words of its own that say where it goes, "
            "for example [the request form](/foia/request).",
        ),
        (
            "See [https://www.foia.gov/](https://www.foia.gov/).",
            "Give the link “https://www.foia.gov/” words of its own",
        ),
        ("See <https://www.foia.gov/>.", "Give the link “https://www.foia.gov/” words of its own"),
        ("See [www.foia.gov](https://www.foia.gov/).", "Give the link “www.foia.gov” words"),
        (
            "File at /foia/request.",
            "Make “/foia/request” a link with words of its own: "
            "[words that say where it goes](/foia/request).",
        ),
        ("See https://www.justice.gov/oip, today.", "Make “https://www.justice.gov/oip” a link"),
        (
            "Go to www.foia.gov.",
            "Make “www.foia.gov” a link with words of its own: "
            "[words that say where it goes](https://www.foia.gov).",
        ),
        ("| a |\n|---|\n| /foia/status |", "Make “/foia/status” a link"),
        ("[](/foia/request)", "The link to “/foia/request” has no words"),
        ("[old site](http://www.example.gov/)", "The link to “http://www.example.gov/” cannot be"),
        ("[elsewhere](//evil.example/x)", "The link to “//evil.example/x” cannot be used"),
        ("[relative](faq/other)", "The link to “faq/other” cannot be used"),
        ("[run](javascript:alert(1))", "The link to “javascript:alert(1)” cannot be used"),
        ("[spaced](/foia/my request)", "“[spaced](/foia/my” did not become a link"),
    ],
)
def test_links_without_words_or_to_other_kinds_of_address_are_named(markdown, message):
    problems = link_problems(markdown)
    assert len(problems) == 1, problems
    assert problems[0].startswith(message)


def test_the_import_refuses_an_answer_with_a_raw_link_and_says_where(app):
    entry = {
        "category": "Filing",
        "question": "How do I file?",
        "answer": "Use [/foia/request](/foia/request).",
        "slug": "how-do-i-file",
    }
    with pytest.raises(FaqImportError) as refused:
        validate_import([entry])
    [problem] = refused.value.problems
    assert problem.startswith("entry 1 ('how-do-i-file'): answer: Give the link “/foia/request”")


def test_the_demo_answers_keep_the_link_rules_and_link_with_words():
    entries = json.loads(DEMO_FAQS.read_text(encoding="utf-8"))
    for entry in entries:
        assert link_problems(entry["answer"]) == [], entry["slug"]
        html = render_answer(entry["answer"]).html
        for href, words in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', html):
            assert words.strip() and not words.startswith(("/", "http", "www.")), (href, words)
    answers_html = " ".join(render_answer(e["answer"]).html for e in entries)
    assert '<a href="/foia/request" rel="noopener noreferrer">request form</a>' in answers_html
    assert "[/foia" not in answers_html and ">/foia/" not in answers_html


@pytest.mark.parametrize(
    "markdown",
    [
        "[old](http://www.example.gov/)",
        "[elsewhere](//evil.example/x)",
        "[relative](faq/other)",
        "[ftp](ftp://files.example.gov/x)",
    ],
)
def test_the_renderer_drops_a_link_that_breaks_the_rules_even_if_stored(markdown):
    # Answers saved before the rules, or written by code, never reach a page with such a link.
    html = render_answer(markdown).html
    assert "href" not in html
    assert re.sub(r"<[^>]+>", "", html).strip() in {"old", "elsewhere", "relative", "ftp"}


def test_allowed_links_are_kept_as_anchors():
    html = render_answer(
        "[form](/foia/request), [top](#top), [OIP](https://www.justice.gov/oip), "
        "[mail](mailto:foia@cops.example.gov), [call](tel:+1-202-555-0100)"
    ).html
    for href in (
        "/foia/request",
        "#top",
        "https://www.justice.gov/oip",
        "mailto:foia@cops.example.gov",
        "tel:+1-202-555-0100",
    ):
        assert f'href="{href}"' in html, href


# ------------------------------------------------------------------------------- description

SHORT = "Most requests cost nothing. We charge no fee below $25."


def test_a_short_answer_is_its_own_description():
    assert meta_description(SHORT) == SHORT
    assert meta_description("Line one.\n\nLine  two.") == "Line one. Line two."


def test_the_description_is_whole_sentences_when_they_fit():
    text = (
        "The office must answer within 20 working days. The clock starts on the day the request "
        "arrives. It stops while the office waits for your reply, and it can be extended by ten "
        "more working days in unusual circumstances."
    )
    description = meta_description(text)
    assert description == (
        "The office must answer within 20 working days. The clock starts on the day the request "
        "arrives."
    )


def test_initials_are_not_the_end_of_a_sentence():
    text = (
        "The Freedom of Information Act (FOIA), 5 U.S.C. § 552, gives the public a legal right to "
        "ask federal executive branch agencies for copies of records they already have. More."
    )
    description = meta_description(text)
    assert "U.S." in description and description.endswith("…")
    assert len(description) <= answers.DESCRIPTION_MAX


def test_a_long_first_sentence_is_cut_at_a_word_with_an_ellipsis():
    text = "word " * 60
    description = meta_description(text)
    assert len(description) <= 155
    assert description.endswith("word…")
    assert "  " not in description


def test_too_little_in_whole_sentences_is_cut_mid_sentence_instead():
    text = "No. " + "The reasons for a request do not matter to the office, " * 5
    description = meta_description(text)
    assert description.startswith("No. The reasons")
    assert description.endswith("…") and 140 <= len(description) <= 155


def test_a_word_longer_than_the_limit_is_cut_anyway():
    assert meta_description("x" * 400) == "x" * 154 + "…"


def test_every_demo_answer_has_a_description_of_at_most_155_characters():
    for entry in json.loads(DEMO_FAQS.read_text(encoding="utf-8")):
        description = meta_description(render_answer(entry["answer"]).text)
        assert 50 <= len(description) <= 155, (entry["slug"], description)
        assert "<" not in description and "**" not in description


# ------------------------------------------------------------------------------- sentence case


def test_the_sentence_case_check_catches_title_case():
    assert sentence_case_problems("Was This Answer Helpful?") == ["This", "Answer", "Helpful"]
    assert sentence_case_problems("About the Office") == ["Office"]
    assert sentence_case_problems("Was this answer helpful?") == []
    assert sentence_case_problems("I'm not a U.S. citizen. Can I get records from OGIS?") == []
    assert sentence_case_problems("What is the COPS Office and the Privacy Act?") == []


def test_the_demo_questions_categories_and_answer_headings_are_in_sentence_case():
    for entry in json.loads(DEMO_FAQS.read_text(encoding="utf-8")):
        headings = re.findall(r"(?m)^#+\s+(.*)$", entry["answer"])
        for heading in (entry["question"], entry["category"], *headings):
            assert sentence_case_problems(heading) == [], (entry["slug"], heading)
