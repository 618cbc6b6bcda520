"""Public FAQ pages: the list, the search, each article, the "Was this helpful?" vote and, after a
"No", the optional "What was missing?" comment.

These pages are anonymous and cache-friendly: they never touch the session (no `current_user`,
no `flash`, no CSRF token). The only cookie is the random voter id, set by the vote itself. Each
rendered page is cached whole, keyed on the FAQ's content version (platform/page_cache.py).
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from foia_portal.extensions import csrf, db, limiter, search_cache
from foia_portal.faq import insights, services
from foia_portal.faq.answers import meta_description
from foia_portal.faq.forms import FaqFeedbackForm, FaqVoteForm
from foia_portal.faq.search import MAX_QUERY_CHARS, search_faqs
from foia_portal.platform.content_version import FAQ, content_version
from foia_portal.platform.page_cache import cached_page

bp = Blueprint("faq", __name__)

VOTER_COOKIE = "faq_voter"
VOTER_COOKIE_MAX_AGE = 365 * 24 * 3600
MAX_PAGE = 10_000


def page_number(value: str | None) -> int:
    """?page= as a positive number; anything else is page 1."""
    try:
        return max(1, min(int(value or 1), MAX_PAGE))
    except ValueError:
        return 1


@bp.route("/faq")
def index():
    """Every published question, by category, with the search box at the top."""
    return cached_page(("faq-index", content_version(FAQ)), render_index)


def render_index(results=None):
    return render_template(
        "faq/index.html", categories=services.categories_with_faqs(), results=results
    )


@bp.route("/faq/search")
def search():
    """Ranked search; an empty or punctuation-only query shows the categories instead.

    Each search of a first page counts towards the editors' search insights (faq/insights.py):
    one short transaction of its own, and a failure there never costs the reader the page.
    """
    query = request.args.get("q", "")
    page = page_number(request.args.get("page"))
    found: list[int] = []  # the number of answers, when the search runs (not from the cache)
    response = cached_page(
        ("faq-search", query, page, content_version(FAQ)),
        lambda: render_search(query, page, found),
        store=search_cache,
    )
    if page == 1:
        try:
            insights.record_search(query, found[0] if found else None)
        except SQLAlchemyError:
            current_app.logger.warning(
                "FAQ search insights: a search was not counted", exc_info=True
            )
    return response


def render_search(query: str, page: int, found: list[int] | None = None):
    results = search_faqs(query, page=page, per_page=current_app.config["FAQ_PAGE_SIZE"])
    if found is not None:
        found.append(results.total)
    if results.is_empty_query:
        return render_index(results)
    return render_template("faq/search.html", results=results, max_query_chars=MAX_QUERY_CHARS)


@bp.route("/faq/<slug>")
def article(slug: str):
    """One FAQ: the answer, when it was updated, related questions and the helpfulness vote."""
    voted = request.args.get("voted")
    if voted not in {"yes", "no", "refused"}:
        voted = None
    feedback_sent = voted == "no" and request.args.get("feedback") == "sent"
    return cached_page(
        ("faq-article", slug, voted, feedback_sent, content_version(FAQ)),
        lambda: render_article(slug, voted, feedback_sent=feedback_sent),
    )


def render_article(
    slug: str,
    voted: str | None,
    feedback_sent: bool = False,
    feedback_form: FaqFeedbackForm | None = None,
):
    faq = services.get_published(slug)
    if faq is None:
        abort(404)
    # After a "No": the "What was missing?" box until a comment is sent, then thanks.
    if voted == "no" and not feedback_sent:
        feedback_form = feedback_form or FaqFeedbackForm()
    else:
        feedback_form = None
    return render_template(
        "faq/article.html",
        faq=faq,
        description=meta_description(faq.answer_text),
        related=services.related_faqs(faq),
        voted=voted in {"yes", "no"},
        vote_refused=voted == "refused",
        form=feedback_form,
        feedback_sent=feedback_sent,
    )


def same_origin_post() -> bool:
    """The vote came from one of our own pages (Origin, else Referer, names this host)."""
    ours = urlsplit(request.host_url)
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source or source == "null":
        return False
    theirs = urlsplit(source)
    return (theirs.scheme, theirs.netloc) == (ours.scheme, ours.netloc)


@bp.post("/faq/<slug>/helpful")
@csrf.exempt  # no session to bind a token to: SameSite cookie + Origin check instead (docs)
def vote(slug: str):
    """Count "Was this helpful? Yes / No" once per browser, then go back to the article."""
    faq = services.get_published(slug)
    if faq is None:
        abort(404)
    form = FaqVoteForm(request.form)
    if not form.validate():
        abort(400)
    if not same_origin_post():
        return redirect(url_for("faq.article", slug=slug, voted="refused") + "#helpful", 303)

    voter = request.cookies.get(VOTER_COOKIE, "")
    new_voter = not (16 <= len(voter) <= 64 and voter.replace("-", "").replace("_", "").isalnum())
    if new_voter:
        voter = secrets.token_urlsafe(24)
    try:
        services.record_vote(faq, voter, helpful=form.helpful.data == "yes")
        db.session.commit()
    except IntegrityError:
        # The same browser voted twice at the same moment: the first vote counts.
        db.session.rollback()
    response = redirect(
        url_for("faq.article", slug=slug, voted=form.helpful.data) + "#helpful", 303
    )
    if new_voter:
        response.set_cookie(
            VOTER_COOKIE,
            voter,
            max_age=VOTER_COOKIE_MAX_AGE,
            path="/faq/",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            httponly=True,
            samesite="Strict",
        )
    return response


def feedback_limit() -> str:
    return current_app.config["RATELIMIT_FAQ_FEEDBACK"]


@bp.post("/faq/<slug>/feedback")
@csrf.exempt  # as the vote: no session to bind a token to (docs/faq-search.md)
@limiter.limit(feedback_limit)
def feedback(slug: str):
    """Keep a reader's "What was missing?" for the editors, then thank them on the article.

    Whatever goes wrong, the article is shown again with the comment as typed and what to do.
    """
    faq = services.get_published(slug)
    if faq is None:
        abort(404)
    form = FaqFeedbackForm(request.form)
    if form.website.data:
        # The spam trap was filled in: people never see that field, so it is emptied for them.
        form.website.data = ""
        form.form_errors.append(
            "Your comment was not sent: a field people do not see was filled in, which automated "
            "programs do. If you are a person, send it again."
        )
        return render_article(slug, "no", feedback_form=form), 400
    if not same_origin_post():
        form.form_errors.append(
            "Your comment was not sent: it did not come from this page. Send it again from here."
        )
        return render_article(slug, "no", feedback_form=form), 400
    if not form.validate():
        return render_article(slug, "no", feedback_form=form), 422
    services.record_feedback(faq, form.comment.data)
    db.session.commit()
    return redirect(
        url_for("faq.article", slug=slug, voted="no", feedback="sent") + "#helpful", 303
    )
