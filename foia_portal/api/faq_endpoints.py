"""The FAQ API: search (`GET /api/v1/faq?q=`), one article, and the form's shown suggestions.

The same `search_faqs` as the /faq/search page and the request form's suggestions.
"""

from __future__ import annotations

from flask import current_app, jsonify, request, url_for

from foia_portal.api.errors import ApiError, read_json_body, validation_error
from foia_portal.api.routes import bp
from foia_portal.extensions import db, limiter
from foia_portal.faq import services
from foia_portal.faq.forms import FaqSearchQuery, SuggestionsShownForm
from foia_portal.faq.routes import MAX_PAGE
from foia_portal.faq.search import search_faqs
from foia_portal.platform.jsonforms import validate_json


def faq_url(slug: str) -> str:
    return url_for("faq.article", slug=slug)


@bp.get("/v1/faq")
def faq_search():
    """Ranked FAQ search: `{"results": [{slug, question, category, snippet, url}], total, page}`.

    `snippet` is HTML: escaped text with matches in <mark>; `snippet_text` is the same without
    markup. `did_you_mean` carries the corrected query when a word was misspelt. An empty query
    gives no results (use /faq for the list). Counting stops at 1,000 matches: then `total` is
    1000 and `total_capped` is true ("more than 1,000"). A query over 200 characters is cut
    (`query` is what was searched) and `query_truncated` is true.
    """
    query = FaqSearchQuery(formdata=request.args)
    if not query.validate():
        validation_error(query.errors)
    results = search_faqs(
        query.q.data or "",
        page=min(query.page.data or 1, MAX_PAGE),
        per_page=query.per_page.data or current_app.config["FAQ_PAGE_SIZE"],
    )
    return jsonify(
        results=[
            {
                "slug": hit.slug,
                "question": hit.question,
                "category": hit.category,
                "snippet": str(hit.snippet_html),
                "snippet_text": hit.snippet_text,
                "url": faq_url(hit.slug),
            }
            for hit in results.hits
        ],
        total=results.total,
        total_capped=results.total_capped,
        page=results.page,
        pages=results.pages,
        per_page=results.per_page,
        query=results.query,
        did_you_mean=results.did_you_mean,
        query_truncated=results.query_truncated,
    )


@bp.get("/v1/faq/<faq_slug:slug>")
def faq_article(slug: str):
    """One published FAQ: question, category, Markdown answer, sanitised HTML, plain text."""
    faq = services.get_published(slug)
    if faq is None:
        raise ApiError(404, f"There is no published FAQ with the slug {slug!r}.")
    return jsonify(
        slug=faq.slug,
        question=faq.question,
        category=faq.category.name,
        answer=faq.answer,
        answer_html=faq.answer_html,
        answer_text=faq.answer_text,
        url=faq_url(faq.slug),
        updated_at=faq.updated_at.isoformat(),
    )


def suggestion_limit() -> str:
    return current_app.config.get("RATELIMIT_FAQ_SUGGESTIONS", "120 per hour")


@bp.post("/v1/faq/suggestions")
@limiter.limit(suggestion_limit)
def faq_suggestions_shown():
    """Record the FAQ answers shown beside a request form (`form_token`, `query`, `faq_slugs`).

    Used by static/js/faq-suggest.js, so staff can see how many requests the FAQ answered.
    """
    form, errors = validate_json(SuggestionsShownForm, read_json_body())
    if errors:
        validation_error(errors)
    recorded = services.record_suggestions_shown(
        form.form_token.data, form.query.data or "", form.faq_slugs.data or []
    )
    db.session.commit()
    return jsonify(recorded=recorded), 201 if recorded else 200
