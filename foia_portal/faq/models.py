"""FAQ categories, articles, helpfulness votes, readers' feedback, the suggestions shown before
filing, the search synonyms the editors keep, and what readers search for (per day)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from foia_portal.extensions import db
from foia_portal.platform.content_version import FAQ, moved_by
from foia_portal.platform.types import UTCDateTime, utcnow


class FaqCategory(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    faqs: Mapped[list[Faq]] = relationship(back_populates="category", order_by="Faq.position")

    def __repr__(self) -> str:
        return f"<FaqCategory {self.slug}>"


class Faq(db.Model):
    __table_args__ = (
        sa.Index("ix_faq_category_published_position", "category_id", "published", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("faq_category.id"))
    slug: Mapped[str] = mapped_column(sa.String(160), unique=True)
    question: Mapped[str] = mapped_column(sa.String(500))
    answer: Mapped[str] = mapped_column(sa.Text)  # Markdown, as written by staff
    # Rendered and sanitised once when saved, so that reading an article costs no Markdown work.
    answer_html: Mapped[str] = mapped_column(sa.Text, default="")
    # Plain text of the answer, what the full-text index covers.
    answer_text: Mapped[str] = mapped_column(sa.Text, default="")
    published: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    helpful_yes: Mapped[int] = mapped_column(default=0)
    helpful_no: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    category: Mapped[FaqCategory] = relationship(back_populates="faqs", lazy="joined")

    def __repr__(self) -> str:
        return f"<Faq {self.slug}>"


class FaqVote(db.Model):
    """One browser's vote on one article (the voter is a random id kept in a cookie)."""

    faq_id: Mapped[int] = mapped_column(
        sa.ForeignKey("faq.id", ondelete="CASCADE"), primary_key=True
    )
    voter: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    helpful: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<FaqVote {self.faq_id} {self.helpful}>"


FEEDBACK_MAX = 1000


class FaqFeedback(db.Model):
    """What a reader who answered "No" says was missing from an article, for the FAQ's editors.

    Nothing about the reader is kept: no address, email, browser or voter id, only the text
    and when it came.
    """

    __table_args__ = (sa.Index("ix_faq_feedback_faq_id_created_at", "faq_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    faq_id: Mapped[int] = mapped_column(sa.ForeignKey("faq.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(sa.String(FEEDBACK_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<FaqFeedback {self.id} on {self.faq_id}>"


class FaqSuggestion(db.Model):
    """FAQ answers shown to someone writing a request. Whether they then filed anyway: whether a
    request has this form token as its `submission_token` (faq/services.py, `suggestion_stats`)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    form_token: Mapped[str] = mapped_column(sa.String(64), index=True)
    query: Mapped[str] = mapped_column(sa.String(500))
    faq_slugs: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<FaqSuggestion {self.id}>"


class FaqSynonymSet(db.Model):
    """Search terms the FAQ's editors say are equivalent ("fee", "charge", "cost"), used by the
    search beside the built-in glossary (faq/glossary.py, faq/synonyms.py)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    terms: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # lower case, as written
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<FaqSynonymSet {self.id} {self.terms[:3]}>"


QUERY_MAX = 200  # search.MAX_QUERY_CHARS: a query is never longer


class FaqQueryDay(db.Model):
    """How often one query (normalised: faq/insights.py) was searched on the FAQ search page on
    one day (US Eastern), for the editors' search insights. Nothing else: no address, session
    or requester; rows older than 13 months are deleted (`flask faq insights prune`)."""

    __table_args__ = (sa.Index("ix_faq_query_day_query_day", "query", "day"),)

    day: Mapped[date] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(sa.String(QUERY_MAX), primary_key=True)
    searches: Mapped[int] = mapped_column(default=0)
    # Answers found by the latest search of the day that was run afresh (not served from a
    # page kept in the cache, which shows what that earlier search found): None when none was.
    results: Mapped[int | None]

    def __repr__(self) -> str:
        return f"<FaqQueryDay {self.day} {self.query!r} {self.searches}>"


# Kept FAQ pages follow every change to an article, a category or a synonym set (a new synonym
# changes search results), but not the votes' counts, which no public page shows
# (platform/content_version.py). Readers' feedback is shown only to staff and so moves nothing.
moved_by(FAQ, Faq, FaqCategory, FaqSynonymSet, unshown=frozenset({"helpful_yes", "helpful_no"}))
