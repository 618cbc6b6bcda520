"""After a "No" vote: "What was missing?", kept for the FAQ's editors with nothing about the reader."""

from __future__ import annotations

import re
from html import unescape

import pytest
import sqlalchemy as sa

from foia_portal.extensions import db
from foia_portal.faq import services
from foia_portal.faq.models import FaqFeedback, FaqVote
from foia_portal.platform.content_version import FAQ, content_version
from tests.fixtures.staff import login
from tests.helpers import counted_statements

ORIGIN = {"Origin": "http://localhost"}
SLUG = "how-much-does-a-foia-request-cost"
ARTICLE = f"/faq/{SLUG}"
FEEDBACK = f"{ARTICLE}/feedback"


@pytest.fixture
def config_overrides(request):
    if "rate_limited" in request.node.name:
        return {"RATELIMIT_ENABLED": True, "RATELIMIT_FAQ_FEEDBACK": "2 per hour"}
    return {"WTF_CSRF_ENABLED": True} if "csrf_on" in request.node.name else {}


def stored() -> list[tuple[str, str]]:
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(FaqFeedback.text, FaqFeedback.faq_id).order_by(FaqFeedback.id)
    ).all()
    return [(text, faq_id) for text, faq_id in rows]


def textarea(page: str) -> str:
    match = re.search(r'<textarea[^>]*name="comment"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, "no comment box on the page"
    return unescape(match.group(1)).lstrip("\r\n")


# ------------------------------------------------------------------------------- the page


def test_a_no_vote_leads_to_the_optional_what_was_missing_box(client, small_faq):
    response = client.post(f"{ARTICLE}/helpful", data={"helpful": "no"}, headers=ORIGIN)
    assert response.headers["Location"].endswith(f"{ARTICLE}?voted=no#helpful")

    page = client.get(f"{ARTICLE}?voted=no")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    assert f'action="{FEEDBACK}"' in html
    assert '<label class="usa-label" for="comment">What was missing? (optional)</label>' in html
    assert " required" not in html[html.index("<textarea") : html.index("</textarea>")]
    assert "Please don’t include personal information" in html
    assert 'maxlength="1000"' in html
    assert 'name="website"' in html and 'class="portal-trap"' in html  # the spam trap
    assert "csrf_token" not in html  # no session: the page is the same for everyone


@pytest.mark.parametrize("query", ["", "?voted=yes", "?voted=refused", "?feedback=sent"])
def test_the_box_is_only_shown_after_a_no(client, small_faq, query):
    assert 'name="comment"' not in client.get(f"{ARTICLE}{query}").get_data(as_text=True)


# ------------------------------------------------------------------------------- sending


def test_a_comment_is_kept_for_the_editors_and_the_reader_is_thanked(client, small_faq):
    comment = "  Whether the $25 limit counts per request or per year.\r\nAnd for whom.  "
    response = client.post(FEEDBACK, data={"comment": comment}, headers=ORIGIN)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{ARTICLE}?voted=no&feedback=sent#helpful")
    assert "Set-Cookie" not in response.headers

    faq = services.get_published(SLUG)
    assert stored() == [
        ("Whether the $25 limit counts per request or per year.\nAnd for whom.", faq.id)
    ]
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thank you for telling us what was missing." in thanks
    assert 'name="comment"' not in thanks


def test_nothing_about_the_reader_is_kept(client, small_faq):
    columns = {column["name"] for column in sa.inspect(db.engine).get_columns("faq_feedback")}
    assert columns == {"id", "faq_id", "text", "created_at"}
    client.set_cookie("faq_voter", "a-voter-id-of-some-length", path="/faq/")
    client.post(
        FEEDBACK,
        data={"comment": "A list of the fee categories."},
        headers={**ORIGIN, "User-Agent": "Reader's browser 1.0"},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    row = db.session.execute(sa.select(FaqFeedback.__table__)).mappings().one()
    values = " ".join(str(value) for value in row.values())
    for personal in ("203.0.113.9", "Reader's browser", "a-voter-id"):
        assert personal not in values
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FaqVote)) == 0


def test_a_thousand_characters_with_line_breaks_are_accepted(client, small_faq):
    # A browser counts a line break as one character and sends two (CR LF).
    comment = ("x" * 99 + "\r\n") * 9 + "y" * 100
    assert len(comment.replace("\r\n", "\n")) == 1000
    response = client.post(FEEDBACK, data={"comment": comment}, headers=ORIGIN)
    assert response.status_code == 303
    assert stored()[0][0] == comment.replace("\r\n", "\n")


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ("x" * 1001, "Keep your comment to 1,000 characters or fewer (it has 1001)."),
        ("   ", "Write what you were looking for, then send it."),
        ("Bell\x07 here", "Remove the invisible control characters from this text."),
    ],
)
def test_a_comment_refused_is_shown_again_as_typed_with_the_reason(
    client, small_faq, comment, message
):
    response = client.post(FEEDBACK, data={"comment": comment}, headers=ORIGIN)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in unescape(html)
    assert 'id="error-summary"' in html and 'aria-invalid="true"' in html
    assert "<title>Error: How much does a FOIA request cost? | " in html
    if comment.strip():
        assert textarea(html) == comment
    assert stored() == []
    assert "Set-Cookie" not in response.headers


def test_the_spam_trap_refuses_and_keeps_the_words(client, small_faq):
    response = client.post(
        FEEDBACK,
        data={"comment": "Buy cheap things", "website": "https://spam.example"},
        headers=ORIGIN,
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "a field people do not see was filled in" in html
    assert 'id="error-summary"' in html and "<title>Error: " in html
    assert textarea(html) == "Buy cheap things"
    assert 'name="website" tabindex="-1" type="text" value=""' in html  # emptied for a person
    assert stored() == []


@pytest.mark.parametrize(
    "headers", [{}, {"Origin": "https://evil.example"}, {"Referer": "https://evil.example/x"}]
)
def test_a_comment_from_another_site_is_not_kept(client, small_faq, headers):
    response = client.post(FEEDBACK, data={"comment": "Forged"}, headers=headers)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "it did not come from this page" in html
    assert 'id="error-summary"' in html and "<title>Error: " in html
    assert textarea(html) == "Forged"
    assert stored() == []


def test_a_comment_on_an_unknown_or_unpublished_article_is_404(client, small_faq):
    unknown = client.post("/faq/no-such/feedback", data={"comment": "x"}, headers=ORIGIN)
    assert unknown.status_code == 404
    services.set_published(services.get_published(SLUG), False)
    db.session.commit()
    response = client.post(FEEDBACK, data={"comment": "x"}, headers=ORIGIN)
    assert response.status_code == 404
    assert stored() == []


def test_comments_are_rate_limited_per_address_rate_limited(client, small_faq):
    codes = [
        client.post(FEEDBACK, data={"comment": f"Try {n}"}, headers=ORIGIN).status_code
        for n in range(3)
    ]
    assert codes == [303, 303, 429]
    assert [text for text, _ in stored()] == ["Try 0", "Try 1"]


def test_sending_works_with_csrf_protection_on_csrf_on(client, small_faq):
    response = client.post(FEEDBACK, data={"comment": "Examples."}, headers=ORIGIN)
    assert response.status_code == 303
    assert len(stored()) == 1


# ------------------------------------------------------------------------------- the page cache


def test_a_comment_keeps_the_cached_pages_and_the_flow_works_through_the_cache(client, small_faq):
    before = content_version(FAQ)
    first = client.get(f"{ARTICLE}?voted=no")
    db.session.remove()
    assert client.post(FEEDBACK, data={"comment": "More"}, headers=ORIGIN).status_code == 303
    db.session.remove()
    assert content_version(FAQ) == before  # nothing public changed

    with counted_statements() as statements:
        again = client.get(f"{ARTICLE}?voted=no")
    assert len(statements) == 1 and "content_version" in statements[0]  # served from the cache
    assert again.get_data() == first.get_data()

    # The thank-you page is a page of its own, and a second comment is taken all the same.
    assert "Thank you for telling us" in client.get(f"{ARTICLE}?voted=no&feedback=sent").get_data(
        as_text=True
    )
    assert client.post(FEEDBACK, data={"comment": "Again"}, headers=ORIGIN).status_code == 303
    assert [text for text, _ in stored()] == ["More", "Again"]


# ------------------------------------------------------------------------------- services


def test_the_newest_comments_come_first_and_are_counted_per_faq(app, small_faq):
    cost = services.get_published(SLUG)
    waiver = services.get_published("how-do-i-qualify-for-a-fee-waiver")
    for number in range(3):
        services.record_feedback(cost, f"Cost comment {number}")
    services.record_feedback(waiver, "Waiver comment")
    db.session.commit()

    assert [f.text for f in services.feedback_for(cost)] == [
        "Cost comment 2",
        "Cost comment 1",
        "Cost comment 0",
    ]
    assert [f.text for f in services.feedback_for(cost, limit=2)] == [
        "Cost comment 2",
        "Cost comment 1",
    ]
    assert services.feedback_count(cost) == 3
    assert services.feedback_counts() == {cost.id: 3, waiver.id: 1}


def test_recording_a_comment_moves_no_public_page(app, small_faq):
    before = content_version(FAQ)
    services.record_feedback(services.get_published(SLUG), "Nothing public")
    db.session.commit()
    assert content_version(FAQ) == before


def test_deleting_an_faq_deletes_its_votes_and_comments(app, small_faq):
    faq = services.get_published(SLUG)
    services.record_vote(faq, "v" * 20, helpful=False)
    services.record_feedback(faq, "Gone with it")
    db.session.commit()
    services.delete_faq(faq)
    db.session.commit()
    assert stored() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FaqVote)) == 0


# ------------------------------------------------------------------------------- staff


def test_editors_see_the_count_in_the_list_and_the_comments_newest_first(
    client, small_faq, officer
):
    login(client, officer)
    faq = services.get_published(SLUG)
    services.record_feedback(faq, "Older <b>comment</b>")
    services.record_feedback(faq, "Newer comment\nwith two lines")
    db.session.commit()

    listing = client.get("/staff/faqs").get_data(as_text=True)
    assert "What was missing" in listing
    assert f'href="/staff/faqs/{faq.id}/edit#feedback-heading">2 comments' in listing

    editor = client.get(f"/staff/faqs/{faq.id}/edit").get_data(as_text=True)
    assert "What readers said was missing (2)" in editor
    assert editor.index("Newer comment") < editor.index("Older &lt;b&gt;comment&lt;/b&gt;")
    assert "Writing links in an answer" in editor
    assert "[the request form](/foia/request)" in editor
