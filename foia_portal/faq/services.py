"""FAQ operations: editing, import and export, votes, readers' feedback and form suggestions.

Services change data and flush; the caller commits (see docs/faq-search.md). The search indexes
follow every change by themselves (SQLite triggers, PostgreSQL expression indexes), so nothing
here has to remember to re-index.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, load_only

from foia_portal.extensions import db
from foia_portal.faq.answers import clean_text, render_answer
from foia_portal.faq.forms import FaqImportEntry
from foia_portal.faq.models import Faq, FaqCategory, FaqFeedback, FaqSuggestion, FaqVote
from foia_portal.requests.models import FoiaRequest

# ------------------------------------------------------------------------------- slugs


def slugify(text: str, max_length: int = 160) -> str:
    """A permalink slug from a question: "What is FOIA?" → "what-is-foia"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:max_length].rstrip("-")
    return slug or "faq"


def unique_slug(base: str, exclude_id: int | None = None) -> str:
    """`base`, or `base-2`, `base-3`… whichever no other FAQ uses."""
    taken = set(
        db.session.scalars(
            sa.select(Faq.slug).where(
                sa.or_(Faq.slug == base, Faq.slug.like(f"{base}-%")),
                Faq.id != (exclude_id or 0),
            )
        )
    )
    if base not in taken:
        return base
    number = 2
    while f"{base[:150]}-{number}" in taken:
        number += 1
    return f"{base[:150]}-{number}"


# ------------------------------------------------------------------------------- categories


def find_or_create_category(name: str) -> FaqCategory:
    """The category with this name, created at the end of the list if it is new."""
    name = clean_text(name).strip()
    category = db.session.scalar(sa.select(FaqCategory).where(FaqCategory.name == name))
    if category is not None:
        return category
    last = db.session.scalar(sa.select(sa.func.max(FaqCategory.position))) or 0
    base = slugify(name, 120)
    slug, number = base, 2
    while db.session.scalar(sa.select(FaqCategory.id).where(FaqCategory.slug == slug)):
        slug, number = f"{base[:110]}-{number}", number + 1
    category = FaqCategory(name=name, slug=slug, position=last + 1)
    db.session.add(category)
    db.session.flush()
    return category


def list_categories() -> list[FaqCategory]:
    """Every category in display order."""
    return list(
        db.session.scalars(sa.select(FaqCategory).order_by(FaqCategory.position, FaqCategory.id))
    )


def move_category(category: FaqCategory, new_position: int) -> list[FaqCategory]:
    """Put `category` at `new_position` (0-based) in the display order; renumber the others."""
    ordered = [c for c in list_categories() if c.id != category.id]
    new_position = max(0, min(new_position, len(ordered)))
    ordered.insert(new_position, category)
    for position, each in enumerate(ordered, start=1):
        each.position = position
    db.session.flush()
    return ordered


def reorder_categories(category_ids: list[int]) -> list[FaqCategory]:
    """Set the display order of categories from a list of ids (any left out follow)."""
    categories = {c.id: c for c in list_categories()}
    ordered = [categories[i] for i in dict.fromkeys(category_ids) if i in categories]
    ordered += [c for c in categories.values() if c not in ordered]
    for position, each in enumerate(ordered, start=1):
        each.position = position
    db.session.flush()
    return ordered


# ------------------------------------------------------------------------------- articles


def _next_position(category: FaqCategory) -> int:
    last = db.session.scalar(
        sa.select(sa.func.max(Faq.position)).where(Faq.category_id == category.id)
    )
    return (last or 0) + 1


def create_faq(
    *,
    category: str,
    question: str,
    answer: str,
    slug: str | None = None,
    published: bool = True,
) -> Faq:
    """Add an FAQ; the slug is made from the question when none is given (and kept unique)."""
    category_row = find_or_create_category(category)
    rendered = render_answer(answer)
    faq = Faq(
        category=category_row,
        slug=slug or unique_slug(slugify(question)),
        question=clean_text(question).strip(),
        answer=clean_text(answer),
        answer_html=rendered.html,
        answer_text=rendered.text,
        published=published,
        position=_next_position(category_row),
    )
    db.session.add(faq)
    db.session.flush()
    return faq


def update_faq(
    faq: Faq,
    *,
    category: str | None = None,
    question: str | None = None,
    answer: str | None = None,
    slug: str | None = None,
    published: bool | None = None,
) -> Faq:
    """Change what is given; the answer is re-rendered; `updated_at` moves only on a real change."""
    if category is not None and clean_text(category).strip() != faq.category.name:
        faq.category = find_or_create_category(category)
        faq.position = _next_position(faq.category)
    if question is not None and clean_text(question).strip() != faq.question:
        faq.question = clean_text(question).strip()
    if answer is not None and clean_text(answer) != faq.answer:
        rendered = render_answer(answer)
        faq.answer = clean_text(answer)
        faq.answer_html = rendered.html
        faq.answer_text = rendered.text
    if slug and slug != faq.slug:
        faq.slug = slug
    if published is not None and published != faq.published:
        faq.published = published
    db.session.flush()
    return faq


def set_published(faq: Faq, published: bool) -> Faq:
    """Publish or unpublish an FAQ (unpublished ones are hidden from pages, search and the API)."""
    return update_faq(faq, published=published)


def delete_faq(faq: Faq) -> None:
    """Remove an FAQ, its votes and readers' feedback; the search indexes drop it too."""
    # Said here and not left to ON DELETE CASCADE: SQLite does not enforce foreign keys.
    for model in (FaqVote, FaqFeedback):
        db.session.execute(sa.delete(model).where(model.faq_id == faq.id))
    db.session.delete(faq)
    db.session.flush()


def get_published(slug: str) -> Faq | None:
    """The published FAQ with this slug (its category loaded in the same query)."""
    return db.session.scalar(sa.select(Faq).where(Faq.slug == slug, Faq.published.is_(True)))


def categories_with_faqs() -> list[tuple[FaqCategory, list[Faq]]]:
    """Published FAQs grouped by category, in display order: one query."""
    rows = db.session.scalars(
        sa.select(Faq)
        .join(Faq.category)
        .where(Faq.published.is_(True))
        .order_by(FaqCategory.position, FaqCategory.id, Faq.position, Faq.id)
        .options(
            contains_eager(Faq.category),
            load_only(Faq.slug, Faq.question, Faq.updated_at, Faq.category_id),
        )
    )
    grouped: dict[int, tuple[FaqCategory, list[Faq]]] = {}
    for faq in rows:
        grouped.setdefault(faq.category_id, (faq.category, []))[1].append(faq)
    return list(grouped.values())


def related_faqs(faq: Faq, limit: int = 5) -> list[Faq]:
    """Other published questions of the same category, nearest in the category's order first."""
    return list(
        db.session.scalars(
            sa.select(Faq)
            .where(
                Faq.category_id == faq.category_id,
                Faq.published.is_(True),
                Faq.id != faq.id,
            )
            .order_by(sa.func.abs(Faq.position - faq.position), Faq.position)
            .limit(limit)
            .options(load_only(Faq.slug, Faq.question))
        )
    )


# ------------------------------------------------------------------------------- votes


def record_vote(faq: Faq, voter: str, helpful: bool) -> bool:
    """Count one browser's answer to "Was this helpful?"; a second vote replaces the first.

    Returns True when the counts changed. Counters move with SQL arithmetic, so two votes at once
    never lose an update.
    """
    existing = db.session.get(FaqVote, (faq.id, voter))
    table = Faq.__table__
    if existing is not None:
        if existing.helpful == helpful:
            return False
        existing.helpful = helpful
        change = {"helpful_yes": table.c.helpful_yes + 1, "helpful_no": table.c.helpful_no - 1}
        if not helpful:
            change = {"helpful_yes": table.c.helpful_yes - 1, "helpful_no": table.c.helpful_no + 1}
    else:
        db.session.add(FaqVote(faq_id=faq.id, voter=voter, helpful=helpful))
        column = "helpful_yes" if helpful else "helpful_no"
        change = {column: table.c[column] + 1}
    db.session.flush()
    # A plain UPDATE of the counters: `updated_at` (the article's "last updated") must not move.
    db.session.execute(
        sa.update(table).where(table.c.id == faq.id).values(**change, updated_at=table.c.updated_at)
    )
    db.session.expire(faq, ["helpful_yes", "helpful_no"])
    return True


# ------------------------------------------------------------------------------- feedback

FEEDBACK_SHOWN = 100


def record_feedback(faq: Faq, text: str) -> FaqFeedback:
    """Keep what a reader says was missing from `faq` (validated by FaqFeedbackForm).

    Only the text and the time: nothing that says who wrote it. Adds no change to any public
    page, so the FAQ's cached pages stay as they are.
    """
    feedback = FaqFeedback(faq_id=faq.id, text=clean_text(text).strip())
    db.session.add(feedback)
    db.session.flush()
    return feedback


def feedback_for(faq: Faq, limit: int = FEEDBACK_SHOWN) -> list[FaqFeedback]:
    """The newest readers' comments on `faq`, newest first."""
    return list(
        db.session.scalars(
            sa.select(FaqFeedback)
            .where(FaqFeedback.faq_id == faq.id)
            .order_by(FaqFeedback.created_at.desc(), FaqFeedback.id.desc())
            .limit(limit)
        )
    )


def feedback_count(faq: Faq) -> int:
    """How many readers' comments `faq` has."""
    query = sa.select(sa.func.count()).where(FaqFeedback.faq_id == faq.id)
    return db.session.scalar(query) or 0


def feedback_counts() -> dict[int, int]:
    """How many readers' comments each FAQ has, by FAQ id (FAQs without any are left out)."""
    rows = db.session.execute(
        sa.select(FaqFeedback.faq_id, sa.func.count()).group_by(FaqFeedback.faq_id)
    )
    return {faq_id: count for faq_id, count in rows}


# ------------------------------------------------------------------------------- suggestions

MAX_SUGGESTION_ROWS_PER_FORM = 50


def record_suggestions_shown(form_token: str, query: str, faq_slugs: list[str]) -> bool:
    """Remember which FAQ answers someone writing a request was shown (skips repeats).

    Returns True when a row was added.
    """
    slugs = list(dict.fromkeys(faq_slugs))[:10]
    if not slugs:
        return False
    recent = db.session.scalars(
        sa.select(FaqSuggestion)
        .where(FaqSuggestion.form_token == form_token)
        .order_by(FaqSuggestion.id.desc())
        .limit(MAX_SUGGESTION_ROWS_PER_FORM)
    ).all()
    if len(recent) >= MAX_SUGGESTION_ROWS_PER_FORM or (recent and recent[0].faq_slugs == slugs):
        return False
    db.session.add(
        FaqSuggestion(form_token=form_token, query=clean_text(query)[:500], faq_slugs=slugs)
    )
    db.session.flush()
    return True


@dataclass(frozen=True)
class SuggestionStats:
    """How often the FAQ suggestions beside the request form were shown and then filed anyway."""

    forms_shown: int  # request forms on which at least one suggestion appeared
    filed_anyway: int  # of those, how many were then filed

    @property
    def not_filed(self) -> int:
        """Forms shown an answer and never filed: the FAQ likely answered them (or they gave up)."""
        return self.forms_shown - self.filed_anyway


def suggestion_stats(since: datetime | None = None) -> SuggestionStats:
    """Counts for staff: forms that were shown suggestions, and how many of them filed anyway.

    A form filed is a request with the form's token (`submission_token`, unique and indexed):
    nothing is written at submission to link the two.
    """
    filed = sa.exists().where(FoiaRequest.submission_token == FaqSuggestion.form_token)
    query = sa.select(
        sa.func.count(sa.distinct(FaqSuggestion.form_token)),
        sa.func.count(sa.distinct(sa.case((filed, FaqSuggestion.form_token)))),
    )
    if since is not None:
        query = query.where(FaqSuggestion.created_at >= since)
    shown, filed = db.session.execute(query).one()
    return SuggestionStats(forms_shown=shown or 0, filed_anyway=filed or 0)


# ------------------------------------------------------------------------------- import / export


class FaqImportError(ValueError):
    """An import file with bad entries; `problems` lists them by position (1-based)."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s) in the FAQ file")
        self.problems = problems


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def validate_import(entries: Any) -> list[dict[str, Any]]:
    """Check every entry of an import file; FaqImportError lists all problems by position."""
    from foia_portal.platform.jsonforms import validate_json

    if not isinstance(entries, list):
        raise FaqImportError(
            ["The file must hold a JSON list of {category, question, answer, slug}."]
        )
    problems: list[str] = []
    cleaned: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for position, entry in enumerate(entries, start=1):
        form, errors = validate_json(FaqImportEntry, entry)
        label = f"entry {position}"
        if isinstance(entry, dict) and isinstance(entry.get("slug"), str):
            label += f" ({entry['slug'][:60]!r})"
        for name, messages in errors.items():
            for message in messages:
                problems.append(f"{label}: {name}: {message}")
        if errors:
            continue
        slug = form.slug.data
        if slug in seen:
            problems.append(f"{label}: slug: The same slug is already used by entry {seen[slug]}.")
            continue
        seen[slug] = position
        cleaned.append(
            {
                "category": form.category.data,
                "question": form.question.data,
                "answer": form.answer.data,
                "slug": slug,
                "published": entry.get("published", True) is not False,
            }
        )
    if problems:
        raise FaqImportError(problems)
    return cleaned


def import_faqs(entries: Any) -> ImportReport:
    """Create or update FAQs from the contract's JSON list; idempotent on slug, all or nothing.

    Every entry is validated before anything is written; on any problem FaqImportError is raised and
    nothing changes. The caller commits.
    """
    cleaned = validate_import(entries)
    report = ImportReport()
    existing = {
        faq.slug: faq
        for faq in db.session.scalars(
            sa.select(Faq).where(Faq.slug.in_([e["slug"] for e in cleaned]))
        )
    }
    for entry in cleaned:
        faq = existing.get(entry["slug"])
        if faq is None:
            create_faq(**entry)
            report.created.append(entry["slug"])
            continue
        before = (faq.category.name, faq.question, faq.answer, faq.published)
        update_faq(faq, **{k: v for k, v in entry.items() if k != "slug"})
        after = (faq.category.name, faq.question, faq.answer, faq.published)
        (report.updated if before != after else report.unchanged).append(entry["slug"])
    return report


def export_faqs() -> list[dict[str, Any]]:
    """Every FAQ as the contract's JSON list, in display order (plus `published`)."""
    rows = db.session.scalars(
        sa.select(Faq)
        .join(Faq.category)
        .order_by(FaqCategory.position, FaqCategory.id, Faq.position, Faq.id)
        .options(contains_eager(Faq.category))
    )
    return [
        {
            "category": faq.category.name,
            "question": faq.question,
            "answer": faq.answer,
            "slug": faq.slug,
            "published": faq.published,
        }
        for faq in rows
    ]


def faq_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Faq.id))) or 0
