"""The search synonyms the FAQ's editors keep: checking, saving, import and export.

A set is a list of equivalent terms (words or short phrases), kept lower case. The same rule
checks a set typed on the staff page and a line of `flask faq synonyms import`. Services flush;
the caller commits. Saving a set moves the FAQ's content version (faq/models.py), so every
worker's search uses it from its next query and cached search pages change.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from foia_portal.extensions import db
from foia_portal.faq.models import FaqSynonymSet
from foia_portal.faq.synonyms import key_of, term_words
from foia_portal.platform.text import has_control_characters

MAX_TERMS = 20
MAX_TERM_CHARS = 60
MAX_TERM_WORDS = 6


class SynonymSetError(ValueError):
    """A set (or an import file) that cannot be saved; `problems` says why, each on its own."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def clean_term(term: str) -> str:
    """A term as kept: NFKC, lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", term).lower().split())


def check_terms(terms: Any) -> tuple[list[str], list[str]]:
    """(the terms as kept, problems): at least 2 and at most MAX_TERMS different terms, each a
    word or a phrase of at most MAX_TERM_WORDS words and MAX_TERM_CHARS characters."""
    if not isinstance(terms, list) or not all(isinstance(term, str) for term in terms):
        return [], ['A set is a list of terms written as text, e.g. ["fee", "charge"].']
    problems: list[str] = []
    kept: list[str] = []
    seen: dict[tuple[str, ...], str] = {}
    for term in terms:
        if has_control_characters(term):
            problems.append(f"“{term[:40]}” holds invisible control characters: remove them.")
            continue
        cleaned = clean_term(term)
        if not cleaned:
            continue  # a blank line between terms
        words = term_words(cleaned)
        if not words:
            problems.append(f"“{cleaned[:40]}” has no letter or digit: a term needs a word.")
        elif len(cleaned) > MAX_TERM_CHARS:
            problems.append(f"“{cleaned[:40]}…” is longer than {MAX_TERM_CHARS} characters.")
        elif len(words) > MAX_TERM_WORDS:
            problems.append(f"“{cleaned}” has more than {MAX_TERM_WORDS} words: shorten it.")
        elif key_of(words) in seen:
            problems.append(f"“{cleaned}” is the same term as “{seen[key_of(words)]}”.")
        else:
            seen[key_of(words)] = cleaned
            kept.append(cleaned)
    if not problems and len(kept) < 2:
        problems.append("Give at least two terms that mean the same thing.")
    if len(kept) > MAX_TERMS:
        problems.append(f"A set holds at most {MAX_TERMS} terms; split it in two.")
    return kept, problems


def set_key(terms: list[str]) -> frozenset:
    """What makes two sets the same set, whatever the order or the plural."""
    return frozenset(key_of(term_words(term)) for term in terms)


def list_sets() -> list[FaqSynonymSet]:
    """The editors' sets, oldest first."""
    return list(db.session.scalars(sa.select(FaqSynonymSet).order_by(FaqSynonymSet.id)))


def _same_set(terms: list[str], exclude_id: int | None = None) -> FaqSynonymSet | None:
    key = set_key(terms)
    return next(
        (s for s in list_sets() if s.id != exclude_id and set_key(s.terms) == key),
        None,
    )


def save_set(terms: list[str], synonym_set: FaqSynonymSet | None = None) -> FaqSynonymSet:
    """Create a set, or change `synonym_set`, from terms typed by staff (SynonymSetError when
    they break the rule or repeat another set)."""
    kept, problems = check_terms(terms)
    if not problems and _same_set(kept, synonym_set.id if synonym_set else None):
        problems.append("These terms are already a set.")
    if problems:
        raise SynonymSetError(problems)
    if synonym_set is None:
        synonym_set = FaqSynonymSet(terms=kept)
        db.session.add(synonym_set)
    elif synonym_set.terms != kept:
        synonym_set.terms = kept
    db.session.flush()
    return synonym_set


def delete_set(synonym_set: FaqSynonymSet) -> None:
    db.session.delete(synonym_set)
    db.session.flush()


# ------------------------------------------------------------------------------- JSON lines


@dataclass
class ImportReport:
    added: list[list[str]] = field(default_factory=list)
    unchanged: list[list[str]] = field(default_factory=list)
    removed: list[list[str]] = field(default_factory=list)


def read_json_lines(text: str) -> list[list[str]]:
    """The sets of a JSON lines file (one JSON array of terms per line; blank lines skipped).

    Every line is checked first; SynonymSetError lists every problem by line number (1-based)
    and nothing is read when there is one.
    """
    problems: list[str] = []
    sets: list[list[str]] = []
    seen: dict[frozenset, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            terms = json.loads(line)
        except ValueError as error:
            problems.append(f"line {number}: not valid JSON ({error.msg}).")
            continue
        kept, line_problems = check_terms(terms)
        problems += [f"line {number}: {problem}" for problem in line_problems]
        if line_problems:
            continue
        key = set_key(kept)
        if key in seen:
            problems.append(f"line {number}: the same set as line {seen[key]}.")
            continue
        seen[key] = number
        sets.append(kept)
    if problems:
        raise SynonymSetError(problems)
    return sets


def import_sets(text: str, replace: bool = False) -> ImportReport:
    """Add the file's sets that are not there yet; with `replace`, also remove the sets the file
    does not have, so that the editors' sets are exactly the file's. All or nothing."""
    sets = read_json_lines(text)
    report = ImportReport()
    existing = {set_key(s.terms): s for s in list_sets()}
    wanted = {set_key(terms) for terms in sets}
    for terms in sets:
        if set_key(terms) in existing:
            report.unchanged.append(terms)
        else:
            db.session.add(FaqSynonymSet(terms=terms))
            report.added.append(terms)
    if replace:
        for key, synonym_set in existing.items():
            if key not in wanted:
                report.removed.append(synonym_set.terms)
                db.session.delete(synonym_set)
    db.session.flush()
    return report


def export_json_lines() -> str:
    """The editors' sets as JSON lines, oldest first: what `import` reads back unchanged."""
    return "".join(json.dumps(s.terms, ensure_ascii=False) + "\n" for s in list_sets())
