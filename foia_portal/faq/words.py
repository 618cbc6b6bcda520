"""Words for the FAQ search: the stop list, word tokens, and pg_trgm's trigram similarity over a
list of words (for "did you mean" and for typos inside a synonym)."""

from __future__ import annotations

import re
import threading
from collections import Counter

MIN_TYPO_WORD_LENGTH = 3
TYPO_SIMILARITY = 0.4  # trigram similarity (as pg_trgm computes it) a correction must reach
TYPO_CHOICES = 3  # closest words per misspelt word, checked against the published FAQ

WORD = re.compile(r"[^\W_]+")  # a word token: letters and digits

# Words that carry no meaning in a search: PostgreSQL's English stop list (Snowball), used on
# SQLite, where FTS5 has none, so that "how do I …" does not match every article.
_STOP_WORD_LIST = """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can did do does doing don down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours ourselves
    out over own s same she should so some such t than that the their theirs them themselves then
    there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves
"""
STOP_WORDS = frozenset(_STOP_WORD_LIST.split())


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word: lower case, two spaces before and one after."""
    padded = f"  {word.lower()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams of the two words."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


class Vocabulary:
    """The FAQ's words with how many articles hold each, and a trigram index over them, for
    "did you mean": the closest words to a misspelt one, as pg_trgm's similarity() ranks them."""

    def __init__(self, rows):
        self.words: list[str] = []
        self.grams: list[int] = []  # number of trigrams of each word
        self.frequency: list[int] = []
        self.index: dict[str, list[int]] = {}
        for word, documents in rows:
            if len(word) < MIN_TYPO_WORD_LENGTH or not WORD.fullmatch(word):
                continue
            number = len(self.words)
            grams = trigrams(word)
            self.words.append(word)
            self.grams.append(len(grams))
            self.frequency.append(documents)
            for gram in grams:
                self.index.setdefault(gram, []).append(number)

    def closest(self, word: str, choices: int = TYPO_CHOICES) -> list[str]:
        """Up to `choices` words at least TYPO_SIMILARITY similar, closest (then commonest)
        first."""
        grams = trigrams(word)
        shared = Counter(n for gram in grams for n in self.index.get(gram, ()))
        scored = []
        for number, common in shared.items():
            score = common / (len(grams) + self.grams[number] - common)
            if score >= TYPO_SIMILARITY and self.words[number] != word:
                scored.append((-score, -self.frequency[number], self.words[number]))
        return [candidate for *_, candidate in sorted(scored)[:choices]]


class VocabularyCache:
    """One Vocabulary per database, reloaded when the database says its word list changed."""

    def __init__(self):
        self._entries: dict = {}
        self._lock = threading.Lock()

    def get(self, bind, version, load) -> Vocabulary:
        key = str(bind.url)
        entry = self._entries.get(key)
        if entry is None or entry[0] != version:
            entry = (version, load())
            with self._lock:
                self._entries[key] = entry
        return entry[1]
