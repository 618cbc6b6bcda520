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
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
TYPO_CHOICES = 3  # closest words per misspelt word, checked against the published FAQ
# Counting stops here ("more than 1,000 answers"), and so does the shortlist bm25 ranks: past
# it, work would grow with the size of the FAQ for pages nobody reads.
MAX_COUNTED = 1000
# SQLite: matches walked beyond what a count or a page needs, for unpublished ones among them
# (if they eat the margin, the walk is made again with all the unpublished as margin).
COUNT_MARGIN = 100
PAGE_MARGIN = 20
# PostgreSQL: past MAX_COUNTED matches, the tiers look at the newest this many articles first.
TIER_WINDOW = 5000
# SQLite snippets: page articles closer than this many rowids are found in one walk of the index.
SNIPPET_RUN_GAP = 2000

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
    # More than MAX_COUNTED articles match; `total` is then MAX_COUNTED ("more than 1,000").
    total_capped: bool = False

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


_SENTENCE_END = re.compile(r"[.!?](?=\s+\S)")


def sentence_bounded(snippet: str | None) -> str:
    """A snippet that starts and ends at a sentence where the passage allows.

    The engines cut a passage by word count, so it may begin and end inside a sentence
    ("…your request. It lets…"). A leading or trailing fragment is dropped when a whole
    sentence with the highlighted words remains; the ellipses show that text was left out.
    """
    text = (snippet or "").strip()
    if text.startswith("…"):
        first_mark = text.find(MARK_START)
        end = _SENTENCE_END.search(text, 0, first_mark if first_mark >= 0 else len(text) // 2)
        if end:
            text = "… " + text[end.end() :].lstrip()
    if text.endswith("…"):
        last_mark = text.rfind(MARK_END)
        ends = [m.end() for m in _SENTENCE_END.finditer(text, max(last_mark, 0))]
        if ends:
            text = text[: ends[-1]] + " …"
    return text


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


class Vocabulary:
    """The FAQ's words with how many articles hold each, and a trigram index over them, for
    "did you mean": the closest words to a misspelt one, as pg_trgm's similarity() ranks them."""

    def __init__(self, rows):
        self.words: list[str] = []
        self.grams: list[int] = []  # number of trigrams of each word
        self.frequency: list[int] = []
        self.index: dict[str, list[int]] = {}
        for word, documents in rows:
            if len(word) < MIN_TYPO_WORD_LENGTH or not _WORD.fullmatch(word):
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


_VOCABULARIES = VocabularyCache()


# ------------------------------------------------------------------------------- engines


def published_page_of_tiers(tiers: str, values: dict) -> list[int]:
    """The page's ids from a UNION ALL of (id, tier) selects: published articles only, the best
    tier first, newest first within a tier (the dialect-specific engines build `tiers`)."""
    sql = f"""
        SELECT t.id FROM ({tiers}) AS t JOIN faq f ON f.id = t.id
        WHERE f.published
        GROUP BY t.id ORDER BY min(t.tier), t.id DESC LIMIT :limit OFFSET :offset
    """  # noqa: S608 (constants only; the values are bound)
    return db.session.scalars(sa.text(sql), values).all()


def tiered_page(
    words: tuple[str, ...],
    expressions: list[str],
    values: dict,
    limit: int,
    tier_select: Callable[[int, Any], str],
    attempts: tuple,
) -> list[int]:
    """The page's ids ranked by tier: `expressions` match, in this order, every word in the
    question, every word, any word in the question, any word (for one word the first two are the
    last two). `tier_select(n, attempt)` is the engine's SELECT of (id, tier) for tier n; the
    attempts go from cheapest to surest, and the first whose tiers fill the page answers.

    A tier is needed only when the tiers before it hold fewer than offset + limit articles, so
    tier n needs at most n * (offset + limit) rows, plus a margin for unpublished ones.
    """
    if len(words) == 1:
        expressions = expressions[2:]
    values.update({f"tier{n}": expression for n, expression in enumerate(expressions)})
    ids: list[int] = []
    for attempt in attempts:
        tiers = " UNION ALL ".join(tier_select(n, attempt) for n in range(len(expressions)))
        ids = published_page_of_tiers(tiers, values)
        if len(ids) >= limit:
            break
    return ids


class SqliteSearch:
    """FTS5: `faq_fts` (porter) for ranked search; `faq_fts_plain_vocab` for misspellings."""

    # bm25 weights per column: a word in the question counts ten times a word in the answer.
    RANK = "bm25(10.0, 1.0)"
    # Unpublished articles stay indexed; they are left out by id (the partial index
    # ix_faq_search_unpublished holds them), so no match has to read its `faq` row.
    UNPUBLISHED = "(SELECT id FROM faq WHERE NOT published)"
    UNPUBLISHED_COUNT = "(SELECT count(*) FROM faq WHERE NOT published)"
    # The FTS5 structure record of `faq_fts_plain`: it changes on every write to the index.
    VOCAB_VERSION = "(SELECT block FROM faq_fts_plain_data WHERE id = 10)"

    @staticmethod
    def match_expression(words: tuple[str, ...], operator: str = "OR") -> str:
        # Tokens hold only letters and digits, so a double-quoted FTS5 string cannot break out.
        return f" {operator} ".join(f'"{w}"' for w in words)

    def known_words(self, words: tuple[str, ...]) -> tuple[set[str], bytes | None]:
        """The words matching a published article, and the word list's version."""
        # Built from constants and placeholder names only; the words travel as bound values.
        # EXISTS stops at the first published match.
        checks = "".join(
            f", EXISTS (SELECT 1 FROM faq_fts JOIN faq f ON f.id = faq_fts.rowid "  # noqa: S608
            f"WHERE faq_fts MATCH :w{i} AND f.published)"
            for i in range(len(words))
        )
        version, *row = db.session.execute(
            sa.text(f"SELECT {self.VOCAB_VERSION}{checks}"),  # noqa: S608
            {f"w{i}": self.match_expression((w,)) for i, w in enumerate(words)},
        ).one()
        return {w for w, known in zip(words, row, strict=True) if known}, version

    def corrections(self, words: tuple[str, ...], version) -> dict[str, str]:
        vocabulary = _VOCABULARIES.get(db.session.get_bind(), version, self.load_vocabulary)
        candidates = {word: vocabulary.closest(word) for word in words}
        wanted = tuple(dict.fromkeys(c for found in candidates.values() for c in found))
        if not wanted:
            return {}
        # The word list also holds words of unpublished articles: keep published matches only.
        known, _ = self.known_words(wanted)
        found = {}
        for word, choices in candidates.items():
            best = next((c for c in choices if c in known), None)
            if best:
                found[word] = best
        return found

    @staticmethod
    def load_vocabulary() -> Vocabulary:
        # Terms starting with a digit sort first and are never offered: skip them in the index.
        rows = db.session.execute(
            sa.text("SELECT term, doc FROM faq_fts_plain_vocab WHERE term >= 'a'")
        )
        return Vocabulary(rows)

    def count(self, words: tuple[str, ...]) -> int:
        """How many published articles match, counted up to MAX_COUNTED + 1.

        The newest MAX_COUNTED + 1 + margin matches are counted, less the unpublished among
        them (taken out by id, in one pass over the partial index). Only if unpublished ones
        ate into the margin is the count made again with every unpublished article as margin.
        """
        for margin in (f"{COUNT_MARGIN:d}", self.UNPUBLISHED_COUNT):
            published, walked = db.session.execute(
                sa.text(
                    f"""
                    SELECT count(*) FILTER (WHERE id NOT IN {self.UNPUBLISHED}), count(*)
                    FROM (
                        SELECT rowid AS id FROM faq_fts WHERE faq_fts MATCH :any
                        LIMIT :cap + {margin}
                    )
                    """  # noqa: S608 (constants only; the values are bound)
                ),
                {"any": self.match_expression(words), "cap": MAX_COUNTED + 1},
            ).one()
            if published > MAX_COUNTED or walked < MAX_COUNTED + 1 + COUNT_MARGIN:
                break
        return published

    def ranked_ids(self, words: tuple[str, ...], total: int, limit: int, offset: int) -> list:
        """The ids of this page's articles, best first.

        Up to MAX_COUNTED matches, bm25 ranks them all (FTS5 sorts them: `ORDER BY rank`).
        Beyond that, bm25 would cost time in proportion to the FAQ (about 1 µs a match, and
        its IDF reads every match of every word), so articles are ranked by what they match,
        newest first within each tier: every word in the question, every word, any word in the
        question, any word. Each tier is a LIMIT'd walk of the index in rowid order, so the cost
        depends on the page, not on the size of the FAQ.
        """
        values = {"any": self.match_expression(words), "limit": limit, "offset": offset}
        if total <= MAX_COUNTED:
            sql = f"""
                SELECT rowid FROM faq_fts
                WHERE faq_fts MATCH :any AND faq_fts.rank MATCH '{self.RANK}'
                    AND rowid NOT IN {self.UNPUBLISHED}
                ORDER BY faq_fts.rank LIMIT :limit OFFSET :offset
            """  # noqa: S608 (constants only; the values are bound)
            return db.session.scalars(sa.text(sql), values).all()
        expressions = [
            f"{{question}} : ({self.match_expression(words, 'AND')})",
            self.match_expression(words, "AND"),
            f"{{question}} : ({self.match_expression(words)})",
            self.match_expression(words),
        ]
        # The margin for unpublished articles: a few dozen rows first, then all of them
        # (checked on their `faq` row).
        return tiered_page(
            words,
            expressions,
            values,
            limit,
            lambda n, margin: (
                f"SELECT * FROM (SELECT rowid AS id, {n} AS tier FROM faq_fts "  # noqa: S608
                f"WHERE faq_fts MATCH :tier{n} ORDER BY rowid DESC "
                f"LIMIT {n + 1} * (:offset + :limit) + {margin})"
            ),
            attempts=(f"{PAGE_MARGIN:d}", self.UNPUBLISHED_COUNT),
        )

    def page_rows(self, words: tuple[str, ...], ids: list[int]) -> list:
        """The page's articles with the question highlighted and a snippet of the answer.

        FTS5 makes snippets only on a cursor of the query, and setting one up per article
        (`rowid = ?`) costs about as much as walking a few thousand matches. So the ids are
        grouped into runs of nearby rowids, and each run is one walk over a rowid range.

        The ids are bound, not written into the SQL: the statement then depends only on the
        number of runs, and SQLAlchemy compiles and keeps a handful of them, not one per page
        ever shown (its cache of 500 filled with one-off search pages held 12 MB per worker).
        """
        runs: list[list[int]] = []
        for rowid in sorted(ids):
            if runs and rowid - runs[-1][-1] <= SNIPPET_RUN_GAP:
                runs[-1].append(rowid)
            else:
                runs.append([rowid])
        ranges = " UNION ALL ".join(
            "SELECT rowid AS id, highlight(faq_fts, 0, :start, :end) AS question_marked, "  # noqa: S608
            "snippet(faq_fts, 1, :start, :end, '…', 32) AS snippet FROM faq_fts "
            f"WHERE faq_fts MATCH :any AND rowid BETWEEN :first{n} AND :last{n} "
            f"AND +rowid IN :run{n}"
            for n in range(len(runs))
        )
        values = {"any": self.match_expression(words), "start": MARK_START, "end": MARK_END}
        for n, run in enumerate(runs):
            values.update({f"first{n}": run[0], f"last{n}": run[-1], f"run{n}": run})
        rows = db.session.execute(
            sa.text(
                f"""
                SELECT m.id, f.slug, f.question, c.name, c.slug, m.question_marked, m.snippet
                FROM ({ranges}) AS m
                JOIN faq f ON f.id = m.id JOIN faq_category c ON c.id = f.category_id
                """  # noqa: S608 (constants only; the ids and words are bound)
            ).bindparams(*(sa.bindparam(f"run{n}", expanding=True) for n in range(len(runs)))),
            values,
        )
        by_id = {row[0]: row[1:] for row in rows}
        return [by_id[rowid] for rowid in ids if rowid in by_id]

    def search(self, words: tuple[str, ...], query: str, page: int, per_page: int):
        """(total, page, rows) for the page asked for, clamped to the last page."""
        total = self.count(words)
        if not total:
            return 0, 1, []
        shown = min(total, MAX_COUNTED)  # pages end there, even when more match
        page = min(page, math.ceil(shown / per_page))
        offset = (page - 1) * per_page
        ids = self.ranked_ids(words, total, min(per_page, shown - offset), offset)
        return total, page, self.page_rows(words, ids)


class PostgresSearch:
    """Stored tsvector (`faq_fts_document`), ts_rank_cd; pg_trgm over the words (`faq_fts_word`)."""

    DOCUMENT_JOIN = "FROM faq f JOIN faq_fts_document d ON d.faq_id = f.id"
    UNPUBLISHED = SqliteSearch.UNPUBLISHED
    UNPUBLISHED_COUNT = SqliteSearch.UNPUBLISHED_COUNT
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
        # A word PostgreSQL drops as a stop word (numnode = 0) needs no correction, nor does a
        # word of the FAQ's word list (a primary-key lookup: asking the GIN index about a
        # common word reads all its matches). Only the others (misspellings, mostly) are
        # matched against the published articles.
        checks = ", ".join(
            f"numnode(plainto_tsquery('english', :w{i})) = 0 "  # noqa: S608
            f"OR EXISTS (SELECT 1 FROM faq_fts_word WHERE word = :w{i}) OR EXISTS "
            + self.published_match(f"plainto_tsquery('english', :w{i})")
            for i in range(len(words))
        )
        row = db.session.execute(
            sa.text(f"SELECT {checks}"), {f"w{i}": w for i, w in enumerate(words)}
        ).one()
        return {w for w, known in zip(words, row, strict=True) if known}, None

    def corrections(self, words: tuple[str, ...], version=None) -> dict[str, str]:
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
                WHERE EXISTS {self.published_match("plainto_tsquery('english', best.word)")}
                ORDER BY input, best.score DESC, abs(length(best.word) - length(input)), best.word
                """  # noqa: S608 (constants only; the values are bound)
            ),
            {"words": list(words), "threshold": TYPO_SIMILARITY},
        )
        found: dict[str, str] = {}
        for word, best, _score in rows:
            found.setdefault(word, best)
        return found

    @staticmethod
    def published_match(tsquery: str) -> str:
        """A subquery for EXISTS: a published article matches `tsquery`.

        OFFSET 0 keeps the match apart from EXISTS' "first row only": otherwise PostgreSQL
        scans the whole table hoping to meet a match early, which for a misspelt word (no
        match) reads every article; apart, it asks the GIN index (or, for a common word, still
        stops at the first row)."""
        return (
            f"(SELECT 1 FROM (SELECT faq_id FROM faq_fts_document WHERE document @@ {tsquery} "  # noqa: S608
            "OFFSET 0) AS m JOIN faq f ON f.id = m.faq_id WHERE f.published)"
        )

    @staticmethod
    def every_word(words: tuple[str, ...], weight: str = "") -> str:
        return " & ".join(f"'{w}'{weight}" for w in words)

    def count(self, words: tuple[str, ...]) -> int:
        """How many published articles match, counted up to MAX_COUNTED + 1 (the unpublished
        are left out by id: a hashed list from the partial index ix_faq_search_unpublished)."""
        return db.session.scalar(
            sa.text(
                # OFFSET 0: planned for all matches, PostgreSQL reads a word of a few thousand
                # matches from the GIN index rather than scanning the table until it has met
                # MAX_COUNTED of them; a very common word is still a table scan, stopped early.
                "SELECT count(*) FROM (SELECT 1 FROM (SELECT faq_id FROM faq_fts_document "  # noqa: S608
                "WHERE document @@ to_tsquery('english', :any) OFFSET 0) AS d "
                f"WHERE d.faq_id NOT IN {self.UNPUBLISHED} LIMIT :cap) AS hits"
            ),
            {"any": self.any_word(words), "cap": MAX_COUNTED + 1},
        )

    def ranked_ids(self, words, query: str, total: int, limit: int, offset: int) -> list:
        """The ids of this page's articles, best first: as SqliteSearch.ranked_ids.

        Up to MAX_COUNTED matches: articles holding all the words (websearch_to_tsquery: quotes
        are phrases, "-" excludes) first, then by cover density (ts_rank_cd). Beyond, the
        same tiers as on SQLite (weight A is the question), newest first within each, each a
        LIMIT'd query that PostgreSQL answers by walking the primary key backwards or from the
        GIN index, whichever it expects to be cheaper.
        """
        values = {
            "any": self.any_word(words),
            "query": query,
            "limit": limit,
            "offset": offset,
        }
        if total <= MAX_COUNTED:
            sql = f"""
                SELECT d.faq_id FROM faq_fts_document d
                WHERE d.document @@ to_tsquery('english', :any)
                    AND d.faq_id NOT IN {self.UNPUBLISHED}
                ORDER BY (d.document @@ websearch_to_tsquery('english', :query))::int DESC,
                    ts_rank_cd(d.document, to_tsquery('english', :any)) DESC, d.faq_id
                LIMIT :limit OFFSET :offset
            """  # noqa: S608 (constants only; the values are bound)
            return db.session.scalars(sa.text(sql), values).all()
        expressions = [
            self.every_word(words, ":A"),
            self.every_word(words),
            self.any_word(words).replace("' |", "':A |") + ":A",
            self.any_word(words),
        ]
        values["window"] = TIER_WINDOW
        # First within the newest TIER_WINDOW articles, walked backwards on the primary key (a
        # weight-restricted match from the GIN index must recheck every candidate's vector);
        # then, if that did not fill the page, from the GIN index over all articles, with the
        # unpublished as margin.
        windowed = (
            "(SELECT faq_id, document FROM faq_fts_document ORDER BY faq_id DESC LIMIT :window)"
        )
        return tiered_page(
            words,
            expressions,
            values,
            limit,
            lambda n, attempt: (
                f"(SELECT faq_id AS id, {n} AS tier FROM {attempt[0]} AS d "  # noqa: S608
                f"WHERE document @@ to_tsquery('english', :tier{n}) "
                f"ORDER BY faq_id DESC LIMIT {n + 1} * (:offset + :limit) + {attempt[1]})"
            ),
            attempts=(
                (windowed, f"{PAGE_MARGIN:d}"),
                ("faq_fts_document", self.UNPUBLISHED_COUNT),
            ),
        )

    def page_rows(self, words: tuple[str, ...], ids: list[int]) -> list:
        """The page's articles with headlines (ts_headline runs for these rows only)."""
        rows = db.session.execute(
            sa.text(
                """
                SELECT f.id, f.slug, f.question, c.name, c.slug,
                       ts_headline('english', f.question, to_tsquery('english', :any),
                                   :question_options),
                       ts_headline('english', f.answer_text, to_tsquery('english', :any),
                                   :answer_options)
                FROM faq f JOIN faq_category c ON c.id = f.category_id
                WHERE f.id = ANY(:ids)
                """
            ),
            {
                "any": self.any_word(words),
                "ids": list(ids),
                "question_options": self.HEADLINE_QUESTION,
                "answer_options": self.HEADLINE_ANSWER,
            },
        )
        by_id = {row[0]: row[1:] for row in rows}
        return [by_id[faq_id] for faq_id in ids if faq_id in by_id]

    def search(self, words: tuple[str, ...], query: str, page: int, per_page: int):
        """(total, page, rows) for the page asked for, clamped to the last page."""
        total = self.count(words)
        if not total:
            return 0, 1, []
        shown = min(total, MAX_COUNTED)  # pages end there, even when more match
        page = min(page, math.ceil(shown / per_page))
        offset = (page - 1) * per_page
        ids = self.ranked_ids(words, query, total, min(per_page, shown - offset), offset)
        return total, page, self.page_rows(words, ids)


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
    known, version = engine.known_words(unknown)
    unknown = tuple(w for w in unknown if w not in known)
    return engine.corrections(unknown, version) if unknown else {}


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

    total, page, rows = engine.search(searched, query, max(1, page), per_page)
    hits = [
        SearchHit(
            slug=slug,
            question=question,
            category=category,
            category_slug=category_slug,
            question_html=mark_highlights(question_marked or question),
            snippet_html=mark_highlights(sentence_bounded(snippet)),
        )
        for slug, question, category, category_slug, question_marked, snippet in rows
    ]
    return SearchResults(
        query=clean_query(raw_query),
        words=words,
        hits=hits,
        total=min(total, MAX_COUNTED),
        page=page,
        per_page=per_page,
        did_you_mean=did_you_mean,
        total_capped=total > MAX_COUNTED,
    )
