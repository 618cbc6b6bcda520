"""The one FAQ search: the /faq/search page, the API and the request form's suggestions call it.

Each database searches with its own engine (see docs/faq-search.md):
- SQLite: FTS5 `faq_fts` (porter stemming), ranked by bm25 with the question weighted above the
  answer; `faq_fts_trigram` finds articles close to misspelt words.
- PostgreSQL: the stored tsvector `faq_fts_document` (question weight A, answer B; GIN index
  `ix_faq_search_document`), ranked by `ts_rank_cd`, with `websearch_to_tsquery` for "all the
  words"; pg_trgm `similarity` over the FAQ's words (`faq_fts_word`, `ix_faq_search_trigram`)
  for misspelt words.

A query is never handed to a search engine as syntax. It is cut into word tokens; each token is
quoted (FTS5 phrase, tsquery lexeme), so quotes, operators, NUL bytes and 10,000-character
queries are all harmless. Words match with OR and rank by how well they match, so that a
plain-English question finds its answer. A word that matches nothing is looked up among
trigram-similar words of the FAQ and, when one is close enough, searched instead and offered as
"Did you mean …".

Highlighting: the database wraps matches in two private-use characters (SENTINELS); the text is
HTML-escaped first and only then are the sentinels turned into <mark>, so stored text is never
trusted as HTML. Services strip the sentinels from everything they store.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from markupsafe import Markup, escape

from foia_portal.extensions import db

MARK_START = "\ue000"
MARK_END = "\ue001"
SENTINELS = (MARK_START, MARK_END)

MAX_QUERY_CHARS = 500  # longer input is cut: nobody's question is longer, and work stays bounded
MAX_WORDS = 16
MIN_TYPO_WORD_LENGTH = 3
TYPO_SIMILARITY = 0.4  # trigram similarity (as pg_trgm computes it) a correction must reach
TYPO_CANDIDATE_ARTICLES = 8

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

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f" + MARK_START + MARK_END + r"]")
_WORD = re.compile(r"[^\W_]+")
_MARKED = re.compile(re.escape(MARK_START) + r"(.*?)" + re.escape(MARK_END), re.S)


# ------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class SearchHit:
    slug: str
    question: str
    category: str
    category_slug: str
    question_html: Markup  # the question, escaped, matches in <mark>
    snippet_html: Markup  # a passage of the answer, escaped, matches in <mark>

    @property
    def snippet_text(self) -> str:
        """The snippet without markup, for JSON clients that build their own."""
        return self.snippet_html.striptags()


@dataclass(frozen=True)
class SearchResults:
    query: str  # the query as searched (cleaned)
    words: tuple[str, ...]
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = 10
    did_you_mean: str | None = None  # the query with misspelt words corrected, when any were

    @property
    def is_empty_query(self) -> bool:
        """No word to search for (empty or punctuation only): show the categories instead."""
        return not self.words

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


# ------------------------------------------------------------------------------- text helpers


def clean_query(raw: str | None) -> str:
    """Any string → a safe query: NFKC, no control characters or sentinels, bounded length."""
    if not raw:
        return ""
    text = unicodedata.normalize("NFKC", str(raw)[: MAX_QUERY_CHARS * 4])
    text = _CONTROL.sub(" ", text).encode("utf-8", "replace").decode("utf-8")
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def query_words(query: str) -> tuple[str, ...]:
    """Lower-case word tokens (letters and digits), duplicates dropped, at most MAX_WORDS."""
    words = dict.fromkeys(w.lower() for w in _WORD.findall(query))
    return tuple(w[:64] for w in words)[:MAX_WORDS]


def content_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """The words worth searching for; all of them when every one is a stop word."""
    meaningful = tuple(w for w in words if w not in STOP_WORDS)
    return meaningful or words


def mark_highlights(text: str | None) -> Markup:
    """HTML-escape text from the database, then turn its sentinel pairs into <mark>…</mark>."""
    escaped = str(escape(text or ""))
    marked = _MARKED.sub(r"<mark>\1</mark>", escaped)
    for sentinel in SENTINELS:
        marked = marked.replace(sentinel, "")
    return Markup(marked)  # noqa: S704  (escaped above; only our own <mark> tags added)


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word: lower case, two spaces before and one after."""
    padded = f"  {word.lower()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams of the two words."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def best_correction(word: str, texts: list[str]) -> str | None:
    """The word of `texts` most like `word` (ties: the more frequent), if similar enough."""
    counts = Counter(w.lower() for text in texts for w in _WORD.findall(text))
    best, best_score = None, TYPO_SIMILARITY
    for candidate, count in counts.items():
        if candidate == word or len(candidate) < MIN_TYPO_WORD_LENGTH:
            continue
        score = similarity(word, candidate) + min(count, 20) * 0.001
        if score > best_score:
            best, best_score = candidate, score
    return best


# ------------------------------------------------------------------------------- engines


class SqliteSearch:
    """FTS5: `faq_fts` (porter) for ranked search, `faq_fts_trigram` for misspellings."""

    # bm25 weights per column: a word in the question counts ten times a word in the answer.
    RANK = "bm25(10.0, 1.0)"

    @staticmethod
    def match_expression(words: tuple[str, ...]) -> str:
        # Tokens hold only letters and digits, so a double-quoted FTS5 string cannot break out.
        return " OR ".join(f'"{w}"' for w in words)

    def known_words(self, words: tuple[str, ...]) -> set[str]:
        # Built from constants and placeholder names only; the words travel as bound values.
        checks = ", ".join(
            f"EXISTS (SELECT 1 FROM faq_fts JOIN faq f ON f.id = faq_fts.rowid "  # noqa: S608
            f"WHERE faq_fts MATCH :w{i} AND f.published)"
            for i in range(len(words))
        )
        row = db.session.execute(
            sa.text(f"SELECT {checks}"),
            {f"w{i}": self.match_expression((w,)) for i, w in enumerate(words)},
        ).one()
        return {w for w, known in zip(words, row, strict=True) if known}

    def typo_texts(self, words: tuple[str, ...]) -> list[str]:
        grams = sorted({w[i : i + 3] for w in words for i in range(len(w) - 2)})
        if not grams:
            return []
        rows = db.session.execute(
            sa.text(
                "SELECT f.question, f.answer_text FROM faq_fts_trigram t "
                "JOIN faq f ON f.id = t.rowid "
                "WHERE faq_fts_trigram MATCH :expr AND f.published "
                "ORDER BY t.rank LIMIT :limit"
            ),
            {"expr": self.match_expression(tuple(grams)), "limit": TYPO_CANDIDATE_ARTICLES},
        )
        return [f"{question} {answer}" for question, answer in rows]

    def corrections(self, words: tuple[str, ...]) -> dict[str, str]:
        texts = self.typo_texts(words)
        found = {word: best_correction(word, texts) for word in words}
        return {word: best for word, best in found.items() if best}

    def count(self, words: tuple[str, ...], query: str) -> int:
        return db.session.scalar(
            sa.text(
                "SELECT count(*) FROM faq_fts JOIN faq f ON f.id = faq_fts.rowid "
                "WHERE faq_fts MATCH :expr AND f.published"
            ),
            {"expr": self.match_expression(words)},
        )

    def page(self, words: tuple[str, ...], query: str, limit: int, offset: int):
        # `ORDER BY rank` lets FTS5 return rows already sorted, so snippets are made only for
        # the rows of this page.
        return db.session.execute(
            sa.text(
                "SELECT f.slug, f.question, c.name, c.slug, "
                "highlight(faq_fts, 0, :start, :end), "
                "snippet(faq_fts, 1, :start, :end, '…', 32) "
                "FROM faq_fts JOIN faq f ON f.id = faq_fts.rowid "
                "JOIN faq_category c ON c.id = f.category_id "
                "WHERE faq_fts MATCH :expr AND faq_fts.rank MATCH :rank AND f.published "
                "ORDER BY faq_fts.rank LIMIT :limit OFFSET :offset"
            ),
            {
                "expr": self.match_expression(words),
                "rank": self.RANK,
                "start": MARK_START,
                "end": MARK_END,
                "limit": limit,
                "offset": offset,
            },
        ).all()


class PostgresSearch:
    """Stored tsvector (`faq_fts_document`), ts_rank_cd; pg_trgm over the words (`faq_fts_word`)."""

    DOCUMENT_JOIN = "FROM faq f JOIN faq_fts_document d ON d.faq_id = f.id"
    HEADLINE_QUESTION = f'HighlightAll=true, StartSel="{MARK_START}", StopSel="{MARK_END}"'
    HEADLINE_ANSWER = (
        f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=35, MinWords=15, '
        'MaxFragments=2, FragmentDelimiter=" … "'
    )

    @staticmethod
    def any_word(words: tuple[str, ...]) -> str:
        # to_tsquery input: each token single-quoted (it holds only letters and digits), OR-ed.
        return " | ".join(f"'{w}'" for w in words)

    def known_words(self, words: tuple[str, ...]) -> set[str]:
        # A word PostgreSQL drops as a stop word (numnode = 0) needs no correction.
        checks = ", ".join(
            f"numnode(plainto_tsquery('english', :w{i})) = 0 OR EXISTS (SELECT 1 "
            f"{self.DOCUMENT_JOIN} WHERE f.published "
            f"AND d.document @@ plainto_tsquery('english', :w{i}))"
            for i in range(len(words))
        )
        row = db.session.execute(
            sa.text(f"SELECT {checks}"), {f"w{i}": w for i, w in enumerate(words)}
        ).one()
        return {w for w, known in zip(words, row, strict=True) if known}

    def corrections(self, words: tuple[str, ...]) -> dict[str, str]:
        # `%` (similarity above pg_trgm.similarity_threshold, 0.3) uses the trigram index; the
        # closest few words are checked against the published FAQ (the word list only grows).
        rows = db.session.execute(
            sa.text(
                f"""
                SELECT input, best.word, best.score
                FROM unnest(CAST(:words AS text[])) AS input
                CROSS JOIN LATERAL (
                    SELECT word, similarity(word, input) AS score FROM faq_fts_word
                    WHERE word % input AND word <> input AND similarity(word, input) >= :threshold
                    ORDER BY score DESC, abs(length(word) - length(input)), word LIMIT 5
                ) AS best
                WHERE EXISTS (
                    SELECT 1 {self.DOCUMENT_JOIN}
                    WHERE f.published AND d.document @@ plainto_tsquery('english', best.word)
                )
                ORDER BY input, best.score DESC, abs(length(best.word) - length(input)), best.word
                """  # noqa: S608 (constants only; the values are bound)
            ),
            {"words": list(words), "threshold": TYPO_SIMILARITY},
        )
        found: dict[str, str] = {}
        for word, best, _score in rows:
            found.setdefault(word, best)
        return found

    def count(self, words: tuple[str, ...], query: str) -> int:
        return db.session.scalar(
            sa.text(
                f"SELECT count(*) {self.DOCUMENT_JOIN} WHERE f.published "
                f"AND d.document @@ to_tsquery('english', :any)"
            ),
            {"any": self.any_word(words)},
        )

    def page(self, words: tuple[str, ...], query: str, limit: int, offset: int):
        # Articles holding all the words (websearch_to_tsquery: quotes are phrases, "-" excludes)
        # come first, then the rest by cover density; headlines only for this page's rows.
        return db.session.execute(
            sa.text(
                f"""
                WITH hits AS (
                    SELECT f.id, f.slug, f.question, f.answer_text,
                           c.name AS category, c.slug AS category_slug,
                           (d.document @@ websearch_to_tsquery('english', :query))::int
                               AS has_all,
                           ts_rank_cd(d.document, to_tsquery('english', :any)) AS rank
                    {self.DOCUMENT_JOIN} JOIN faq_category c ON c.id = f.category_id
                    WHERE f.published AND d.document @@ to_tsquery('english', :any)
                    ORDER BY has_all DESC, rank DESC, f.id
                    LIMIT :limit OFFSET :offset
                )
                SELECT slug, question, category, category_slug,
                       ts_headline('english', question, to_tsquery('english', :any),
                                   :question_options),
                       ts_headline('english', answer_text, to_tsquery('english', :any),
                                   :answer_options)
                FROM hits ORDER BY has_all DESC, rank DESC, id
                """  # noqa: S608 (constants only; the values are bound)
            ),
            {
                "any": self.any_word(words),
                "query": query,
                "limit": limit,
                "offset": offset,
                "question_options": self.HEADLINE_QUESTION,
                "answer_options": self.HEADLINE_ANSWER,
            },
        ).all()


_ENGINES = {"sqlite": SqliteSearch(), "postgresql": PostgresSearch()}


def engine_for_session():
    dialect = db.session.get_bind().dialect.name
    try:
        return _ENGINES[dialect]
    except KeyError:
        raise NotImplementedError(f"FAQ search does not support {dialect}") from None


# ------------------------------------------------------------------------------- the search


def correct_typos(engine, words: tuple[str, ...]) -> dict[str, str]:
    """{misspelt word: correction} for the words that match no published article."""
    unknown = tuple(
        w
        for w in words
        if len(w) >= MIN_TYPO_WORD_LENGTH and not w.isdigit() and w not in STOP_WORDS
    )
    if not unknown:
        return {}
    known = engine.known_words(unknown)
    unknown = tuple(w for w in unknown if w not in known)
    return engine.corrections(unknown) if unknown else {}


def search_faqs(raw_query: str | None, page: int = 1, per_page: int = 10) -> SearchResults:
    """Ranked search of the published FAQ: hits with highlighted snippets, total, page, and a
    "did you mean" when misspelt words were corrected. Any input is safe."""
    query = clean_query(raw_query)
    words = query_words(query)
    per_page = max(1, min(per_page, 50))
    if not words:
        return SearchResults(query=query, words=(), per_page=per_page)

    engine = engine_for_session()
    searched = content_words(words)
    corrections = correct_typos(engine, searched)
    did_you_mean = None
    if corrections:
        searched = tuple(dict.fromkeys(corrections.get(w, w) for w in searched))
        did_you_mean = " ".join(corrections.get(w, w) for w in words)
        query = did_you_mean

    total = engine.count(searched, query)
    pages = max(1, math.ceil(total / per_page))
    page = max(1, min(page, pages))
    rows = engine.page(searched, query, per_page, (page - 1) * per_page) if total else []
    hits = [
        SearchHit(
            slug=slug,
            question=question,
            category=category,
            category_slug=category_slug,
            question_html=mark_highlights(question_marked or question),
            snippet_html=mark_highlights(snippet),
        )
        for slug, question, category, category_slug, question_marked, snippet in rows
    ]
    return SearchResults(
        query=clean_query(raw_query),
        words=words,
        hits=hits,
        total=total,
        page=page,
        per_page=per_page,
        did_you_mean=did_you_mean,
    )
