"""FAQ services: Markdown rendering, editing, categories, votes and form suggestions."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from foia_portal.extensions import db
from foia_portal.faq import services
from foia_portal.faq.models import Faq
from foia_portal.faq.search import MARK_END, MARK_START
from foia_portal.platform.types import utcnow


@pytest.mark.parametrize(
    ("markdown", "present", "absent"),
    [
        ("**bold** and *em*", ["<strong>bold</strong>", "<em>em</em>"], []),
        ("<script>alert(1)</script>", ["&lt;script&gt;"], ["<script"]),
        ("[x](javascript:alert(1))", [], ['href="javascript']),
        ("<a href='javascript:alert(1)'>x</a>", ["&lt;a"], ["<a "]),
        ('<img src=x onerror="alert(1)">', ["&lt;img"], ["<img"]),
        ("[OGIS](https://www.archives.gov/ogis)", ['href="https://www.archives.gov/ogis"'], []),
        ("# Heading\n\n## Sub", ["<h2>Heading</h2>", "<h3>Sub</h3>"], ["<h1"]),
        ("- one\n- two", ["<ul>", "<li>one</li>"], []),
    ],
)
def test_answers_are_rendered_from_markdown_and_sanitised(markdown, present, absent):
    rendered = services.render_answer(markdown)
    for fragment in present:
        assert fragment in rendered.html
    for fragment in absent:
        assert fragment not in rendered.html


def test_answer_text_is_plain_text_for_the_index():
    rendered = services.render_answer("A **fee** of $25 &amp; more.\n\n- item <b>x</b>")
    assert rendered.text.startswith("A fee of $25 & more.")
    assert "<" not in rendered.text.replace("<b>x</b>", "")
    assert "**" not in rendered.text


def test_highlight_sentinels_are_stripped_from_stored_text(app):
    faq = services.create_faq(
        category="C", question=f"Q {MARK_START}x{MARK_END}", answer=f"{MARK_START}a{MARK_END}"
    )
    for value in (faq.question, faq.answer, faq.answer_html, faq.answer_text):
        assert MARK_START not in value and MARK_END not in value


def test_create_faq_makes_a_unique_slug_from_the_question(app):
    first = services.create_faq(category="Fees", question="What does it cost?", answer="x")
    second = services.create_faq(category="Fees", question="What does it cost?", answer="y")
    assert first.slug == "what-does-it-cost"
    assert second.slug == "what-does-it-cost-2"
    assert services.slugify("Qué es «FOIA»?  ") == "que-es-foia"


def test_new_categories_are_added_at_the_end_and_can_be_moved(app):
    for name in ("A", "B", "C"):
        services.create_faq(category=name, question=f"Question {name}", answer="x")
    categories = services.list_categories()
    assert [c.name for c in categories] == ["A", "B", "C"]
    services.move_category(categories[2], 0)
    assert [c.name for c in services.list_categories()] == ["C", "A", "B"]
    services.reorder_categories([categories[1].id, categories[0].id])
    assert [c.name for c in services.list_categories()] == ["B", "A", "C"]


def test_update_re_renders_the_answer_and_moves_updated_at_only_on_a_real_change(small_faq):
    faq = services.get_published("how-do-i-appeal-a-decision")
    before = faq.updated_at
    services.update_faq(faq, question=faq.question, answer=faq.answer)
    db.session.commit()
    assert faq.updated_at == before
    services.update_faq(faq, answer="Now **bold**.")
    db.session.commit()
    assert faq.answer_html == "<p>Now <strong>bold</strong>.</p>\n"
    assert faq.updated_at > before


def test_unpublished_faqs_are_not_found_by_slug(small_faq):
    faq = services.get_published("how-do-i-appeal-a-decision")
    services.set_published(faq, False)
    db.session.commit()
    assert services.get_published("how-do-i-appeal-a-decision") is None


def test_one_browser_counts_once_and_can_change_its_answer(small_faq):
    faq = services.get_published("how-do-i-appeal-a-decision")
    updated_at = faq.updated_at
    assert services.record_vote(faq, "browser-a" * 3, helpful=True)
    assert not services.record_vote(faq, "browser-a" * 3, helpful=True)
    assert services.record_vote(faq, "browser-b" * 3, helpful=False)
    db.session.commit()
    assert (faq.helpful_yes, faq.helpful_no) == (1, 1)
    assert services.record_vote(faq, "browser-a" * 3, helpful=False)
    db.session.commit()
    assert (faq.helpful_yes, faq.helpful_no) == (0, 2)
    assert faq.updated_at == updated_at


def test_related_questions_come_from_the_same_category(small_faq):
    faq = services.get_published("how-much-does-a-foia-request-cost")
    assert [f.slug for f in services.related_faqs(faq)] == ["how-do-i-qualify-for-a-fee-waiver"]


def test_suggestions_shown_are_recorded_once_and_count_as_filed_by_their_form_token(app):
    token = "t" * 24
    assert services.record_suggestions_shown(token, "fees", ["a", "b"])
    assert not services.record_suggestions_shown(token, "fees again", ["a", "b"])
    assert services.record_suggestions_shown(token, "appeal", ["c"])
    services.record_suggestions_shown("u" * 24, "fees", ["a"])
    db.session.commit()
    assert services.suggestion_stats().forms_shown == 2

    from tests.integration.test_faq_api import file_request

    assert services.suggestion_stats().filed_anyway == 0
    file_request(token)  # nothing links them: the request carries the form's token
    file_request("v" * 24)  # a form that was shown no suggestions counts for nothing here
    stats = services.suggestion_stats()
    assert (stats.forms_shown, stats.filed_anyway, stats.not_filed) == (2, 1, 1)
    # Only suggestions recorded since a moment count.
    assert services.suggestion_stats(since=utcnow() + timedelta(hours=1)).forms_shown == 0


def test_faq_count_counts_every_faq(small_faq):
    assert services.faq_count() == db.session.scalar(sa.select(sa.func.count(Faq.id))) == 4
