"""What a query asks for, in the words of the field: its words, phrases and synonyms.

`plan_query` turns the query's word tokens into a `SearchPlan` that faq/search.py hands to the
database's engine:

- **words**: the query's words as typed (typos corrected), without stop words ("how do I",
  "what is", "can I", "where") and without the office's own name ("COPS Office", "this office"):
  neither decides a ranking. When nothing else is left, they are searched after all.
- **phrases**: runs of the query (two words next to each other, with at most two stop words
  between, and any multi-word glossary term typed): an article holding the phrase ranks above
  one with the same words scattered.
- **synonym groups**: for each glossary term found in the query (longest first, so "fee waiver"
  is one term and not "fee" and "waiver"), the other terms of its sets. They are searched too,
  at SYNONYM_WEIGHT of the words typed: a synonym match ranks below the exact word.

The glossary is the built-in FOIA sets (faq/glossary.py) plus the sets the editors keep
(`FaqSynonymSet`). It is compiled once per FAQ content version (platform/content_version.py: a
change to a set moves it), per app, so every worker picks an edit up on its next search and a
search costs a dictionary look-up per word, not work over all the sets.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app

from foia_portal.extensions import db
from foia_portal.faq.glossary import BUILT_IN_SETS
from foia_portal.faq.models import FaqSynonymSet
from foia_portal.faq.words import STOP_WORDS, WORD, Vocabulary
from foia_portal.platform.content_version import FAQ, content_version

Term = tuple[str, ...]  # a word or a phrase, as lower-case word tokens

MAX_PHRASES = 8
MAX_GAP = 2  # stop words allowed between the two words of a phrase ("freedom of information")
# Words of the question's form that the stop list does not have ("what does X mean").
QUESTION_WORDS = frozenset({"mean", "means", "meaning"})
# Words that name an office in general: like the office's own name, they never decide a ranking.
OFFICE_WORDS: tuple[Term, ...] = (("office",), ("agency",), ("this", "office"), ("your", "office"))


def term_words(text: str) -> Term:
    """A term as word tokens: "First-party" → ("first", "party")."""
    return tuple(WORD.findall(text.lower()))


def fold(word: str) -> str:
    """The key a word is looked up by, so that "fees" finds the glossary's "fee" (the engines
    stem the words they search; this only finds the term)."""
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def key_of(term: Term) -> Term:
    return tuple(fold(word) for word in term)


@dataclass(frozen=True)
class SynonymGroup:
    typed: Term  # the glossary term as it appears in the query
    alternatives: tuple[Term, ...]  # the other terms of its sets
    weight: float = 0.0  # set by the search from how rare the terms are (ranking.weigh)
    # Synonyms of a phrase typed, made of a synonym and a word typed: they only rank, since
    # an article holding one holds that synonym too.
    of_phrase: bool = False


@dataclass(frozen=True)
class SearchPlan:
    words: tuple[str, ...]
    phrases: tuple[Term, ...] = ()
    groups: tuple[SynonymGroup, ...] = ()
    # How rare each term is in the FAQ (bm25's inverse document frequency), by term.
    rarity: Mapping[Term, float] = field(default_factory=dict)

    @property
    def alternatives(self) -> tuple[Term, ...]:
        """Every synonym of a word or term typed, once: what an article may hold instead."""
        return tuple(
            dict.fromkeys(
                a for group in self.groups if not group.of_phrase for a in group.alternatives
            )
        )


class Glossary:
    """The synonym sets compiled for look-ups: each term's alternatives by its folded key."""

    def __init__(self, sets: Iterable[Iterable[str]], office_names: Iterable[str] = ()):
        self.alternatives: dict[Term, dict[Term, None]] = {}
        words: set[str] = set()
        for terms in sets:
            parsed = list(dict.fromkeys(t for t in map(term_words, terms) if t))
            for term in parsed:
                key = key_of(term)
                others = self.alternatives.setdefault(key, {})
                others.update(dict.fromkeys(o for o in parsed if key_of(o) != key))
                words.update(term)
        self.longest = max((len(key) for key in self.alternatives), default=0)
        # Glossary words are never "corrected" as typos, and misspelt ones are corrected to them.
        self.words = frozenset(words)
        self.vocabulary = Vocabulary((word, 1) for word in sorted(words))
        office = {key_of(term_words(name)) for name in office_names} | set(OFFICE_WORDS)
        self.office = {term for term in office if term}
        self.office_longest = max((len(term) for term in self.office), default=0)
        # How many articles hold each word searched so far, and how many articles there are:
        # filled by the search (ranking.weigh) as words are met, for this content version only.
        self.document_counts: dict[str, int] = {}
        self.article_count: int | None = None

    def closest_word(self, word: str) -> str | None:
        """The glossary word a misspelt word most likely is ("expidite" → "expedite")."""
        found = self.vocabulary.closest(word, 1)
        return found[0] if found else None

    def spans(self, keys: list[str], terms, longest: int) -> list[tuple[int, int]]:
        """Where terms (a set of folded keys) occur in the query, longest first, no overlaps."""
        found, start = [], 0
        while start < len(keys):
            for length in range(min(longest, len(keys) - start), 0, -1):
                if tuple(keys[start : start + length]) in terms:
                    found.append((start, start + length))
                    start += length
                    break
            else:
                start += 1
        return found

    def content_words(self, tokens: Term) -> tuple[str, ...]:
        """The words worth searching: no stop words, no office name; else what is left."""
        keys = [fold(token) for token in tokens]
        office = set()
        for start, end in self.spans(keys, self.office, self.office_longest):
            office.update(range(start, end))
        kept = [
            t
            for n, t in enumerate(tokens)
            if n not in office and t not in STOP_WORDS and t not in QUESTION_WORDS
        ]
        if not kept:
            kept = [t for t in tokens if t not in STOP_WORDS]
        return tuple(dict.fromkeys(kept or tokens))

    def plan(self, tokens: Term) -> SearchPlan:
        """The words, phrases and synonyms to search for the query's tokens (typos corrected)."""
        words = self.content_words(tokens)
        wanted = set(words)
        keys = [fold(token) for token in tokens]
        # The query as slots: each glossary term found (with its alternatives) and each other
        # word searched, in the order typed.
        slots: list[Slot] = []
        terms = {start: end for start, end in self.spans(keys, self.alternatives, self.longest)}
        position = 0
        while position < len(tokens):
            end = terms.get(position)
            typed = tokens[position:end] if end else (tokens[position],)
            if end and not all(word in STOP_WORDS for word in typed):
                alternatives = tuple(
                    a for a in self.alternatives[key_of(typed)] if not set(a) <= wanted
                )
                slots.append(Slot(position, end, typed, alternatives))
                position = end
                continue
            if tokens[position] in wanted:
                slots.append(Slot(position, position + 1, typed, ()))
            position += 1

        phrases = [slot.typed for slot in slots if len(slot.typed) > 1]
        groups = [
            SynonymGroup(slot.typed, slot.alternatives) for slot in slots if slot.alternatives
        ]
        # Two slots in a row (at most MAX_GAP stop words between them) are a phrase; with a
        # synonym in place of either, the phrase is a synonym of it ("foia request" for
        # "freedom of information act request").
        phrase_alternatives = []
        for first, second in zip(slots, slots[1:], strict=False):
            gap = tokens[first.end : second.start]
            if len(gap) > MAX_GAP or not all(word in STOP_WORDS for word in gap):
                continue
            phrases.append(tokens[first.start : second.end])
            phrase_alternatives += [a + gap + second.typed for a in first.alternatives]
            phrase_alternatives += [first.typed + gap + a for a in second.alternatives]
        phrases = list(dict.fromkeys(phrases))[:MAX_PHRASES]
        if phrase_alternatives:
            # One group for them all, weighed as a phrase typed: SYNONYM_WEIGHT (faq/ranking.py).
            alternatives = tuple(dict.fromkeys(phrase_alternatives))
            groups.append(SynonymGroup(phrases[0], alternatives, of_phrase=True))
        return SearchPlan(words=words, phrases=tuple(phrases), groups=tuple(groups))


@dataclass(frozen=True)
class Slot:
    """A glossary term or a searched word of the query, where it stands among the tokens."""

    start: int
    end: int
    typed: Term
    alternatives: tuple[Term, ...]


# ------------------------------------------------------------------------------- per version


def saved_sets() -> list[list[str]]:
    """The editors' synonym sets, oldest first."""
    return list(db.session.scalars(sa.select(FaqSynonymSet.terms).order_by(FaqSynonymSet.id)))


def office_names(name: str, code: str) -> list[str]:
    """The office's own name in the forms people type: "Office of Community Oriented Policing
    Services (COPS Office)" and "COPS" give the whole, the long name, "COPS Office" and "COPS"."""
    parts = [name, *name.replace(")", "(").split("(")]
    return list(dict.fromkeys(part.strip() for part in (*parts, code) if part.strip()))


class GlossaryCache:
    """One compiled Glossary per app, rebuilt when the FAQ's content version moves."""

    def __init__(self):
        self.entry: tuple[int, Glossary] | None = None
        self.lock = threading.Lock()

    def get(self) -> Glossary:
        version = content_version(FAQ, db.session)
        entry = self.entry
        if entry is None or entry[0] != version:
            # Read after the version: a set saved meanwhile is picked up on the next search.
            config = current_app.config
            office = office_names(config.get("AGENCY_NAME", ""), config.get("AGENCY_CODE", ""))
            entry = (version, Glossary([*BUILT_IN_SETS, *saved_sets()], office))
            with self.lock:
                self.entry = entry
        return entry[1]


def current_glossary() -> Glossary:
    """The glossary for the FAQ as it is now (built-in sets and the editors')."""
    cache = current_app.extensions.get("faq_glossary")
    if cache is None:
        cache = current_app.extensions.setdefault("faq_glossary", GlossaryCache())
    return cache.get()
