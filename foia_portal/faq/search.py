"""The one FAQ search: the /faq/search page, the API and the request form's suggestions call it.

A query is read into words, phrases and synonyms (faq/synonyms.py), weighed (faq/ranking.py),
and searched with each database's own engine (see docs/faq-search.md):
- SQLite: FTS5 `faq_fts` (porter stemming), ranked by bm25 with the question weighted above the
  answer, plus bm25 over `faq_fts_question` (the questions alone, against their own length);
  `faq_fts_plain_vocab` gives the FAQ's words for misspellings.
- PostgreSQL: the stored tsvector `faq_fts_document` (question weight A, answer B; GIN index
  `ix_faq_search_document`), ranked by how rare the words, phrases and synonyms an article
  holds are (more in its question), then `ts_rank_cd`; pg_trgm `similarity` over the FAQ's
  words (`faq_fts_word`, `ix_faq_search_trigram`) for misspelt words.

A query is never handed to a search engine as syntax. It is cut into word tokens; each token is
quoted (FTS5 phrase, tsquery lexeme), so quotes, operators, NUL bytes and 10,000-character
queries are all harmless. Words match with OR and rank by how well they match, so that a
plain-English question finds its answer. A word that matches nothing is looked up among
trigram-similar words of the FAQ and of the glossary and, when one is close enough, searched
instead and offered as "Did you mean …".

Highlighting: the database wraps matches in two private-use characters (SENTINELS); the text is
HTML-escaped first and only then are the sentinels turned into <mark>, so stored text is never
trusted as HTML. Services strip the sentinels from everything they store.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup, escape

from foia_portal.extensions import db
from foia_portal.faq.ranking import (
    DENSITY_WEIGHT,
    PHRASE_WEIGHT,
    QUESTION_MATCH,
    QUESTION_WEIGHT,
    ranked_parts,
    weigh,
)
from foia_portal.faq.synonyms import Glossary, SearchPlan, current_glossary
from foia_portal.faq.words import (
    MIN_TYPO_WORD_LENGTH,
    STOP_WORDS,
    TYPO_SIMILARITY,
    WORD,
    Vocabulary,
    VocabularyCache,
    similarity,
)
from foia_portal.platform.text import SENTENCE_END

MARK_START = "\ue000"
MARK_END = "\ue001"
SENTINELS = (MARK_START, MARK_END)

# Longer input is cut (at a word where it can) and the page says so: a question is shorter, and
# the work a search does stays bounded.
MAX_QUERY_CHARS = 200
MAX_WORDS = 16
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


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f" + MARK_START + MARK_END + r"]")
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
    query_truncated: bool = False  # the input was longer than MAX_QUERY_CHARS and was cut
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


def prepare_query(raw: str | None) -> tuple[str, bool]:
    """Any string → (a safe query, whether it was cut): NFKC, no control characters or
    sentinels, at most MAX_QUERY_CHARS, cut before a word that would not fit whole."""
    if not raw:
        return "", False
    text = unicodedata.normalize("NFKC", str(raw)[: MAX_QUERY_CHARS * 4])
    text = _CONTROL.sub(" ", text).encode("utf-8", "replace").decode("utf-8")
    text = " ".join(text.split())
    if len(text) <= MAX_QUERY_CHARS:
        return text, False
    cut = text[:MAX_QUERY_CHARS]
    if text[MAX_QUERY_CHARS] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(), True


def clean_query(raw: str | None) -> str:
    """Any string → a safe query (see prepare_query)."""
    return prepare_query(raw)[0]


def query_words(query: str) -> tuple[str, ...]:
    """Lower-case word tokens (letters and digits), duplicates dropped, at most MAX_WORDS."""
    words = dict.fromkeys(w.lower() for w in WORD.findall(query))
    return tuple(w[:64] for w in words)[:MAX_WORDS]


def query_tokens(query: str) -> tuple[str, ...]:
    """Lower-case word tokens in the order typed, repeats kept (phrases need the order)."""
    return tuple(w.lower()[:64] for w in WORD.findall(query))[: 2 * MAX_WORDS]


def sentence_bounded(snippet: str | None) -> str:
    """A snippet that starts and ends at a sentence where the passage allows.

    The engines cut a passage by word count, so it may begin and end inside a sentence
    ("…your request. It lets…"). A leading or trailing fragment is dropped when a whole
    sentence with the highlighted words remains; the ellipses show that text was left out.
    """
    text = (snippet or "").strip()
    if text.startswith("…"):
        first_mark = text.find(MARK_START)
        end = SENTENCE_END.search(text, 0, first_mark if first_mark >= 0 else len(text) // 2)
        if end:
            text = "… " + text[end.end() :].lstrip()
    if text.endswith("…"):
        last_mark = text.rfind(MARK_END)
        ends = [m.end() for m in SENTENCE_END.finditer(text, max(last_mark, 0))]
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
    synonyms: str | None = None,
) -> list[int]:
    """The page's ids ranked by tier: `expressions` match, in this order, every word in the
    question, every word, any word in the question, any word (for one word the first two are the
    last two), then, only if those do not fill the page, any synonym (`synonyms`).
    `tier_select(n, attempt)` is the engine's SELECT of (id, tier) for tier n; the attempts go
    from cheapest to surest, and the first whose tiers fill the page answers.

    A tier is needed only when the tiers before it hold fewer than offset + limit articles, so
    tier n needs at most n * (offset + limit) rows, plus a margin for unpublished ones.
    """
    if len(words) == 1:
        expressions = expressions[2:]
    ids: list[int] = []
    for tiered in (expressions, [*expressions, synonyms] if synonyms else None):
        if tiered is None:
            break
        values.update({f"tier{n}": expression for n, expression in enumerate(tiered)})
        for attempt in attempts:
            tiers = " UNION ALL ".join(tier_select(n, attempt) for n in range(len(tiered)))
            ids = published_page_of_tiers(tiers, values)
            if len(ids) >= limit:
                return ids
    return ids


class SqliteSearch:
    """FTS5: `faq_fts` (porter) for ranked search; `faq_fts_plain_vocab` for misspellings."""

    # bm25 weights per column: a word in the question counts ten times a word in the answer.
    RANK = "bm25(faq_fts, 10.0, 1.0)"
    # The question alone, measured against its own length (migration 0008).
    QUESTION_RANK = "bm25(faq_fts_question)"
    # Unpublished articles stay indexed; they are left out by id (the partial index
    # ix_faq_search_unpublished holds them), so no match has to read its `faq` row.
    UNPUBLISHED = "(SELECT id FROM faq WHERE NOT published)"
    UNPUBLISHED_COUNT = "(SELECT count(*) FROM faq WHERE NOT published)"
    # The FTS5 structure record of `faq_fts_plain`: it changes on every write to the index.
    VOCAB_VERSION = "(SELECT block FROM faq_fts_plain_data WHERE id = 10)"

    @staticmethod
    def match_expression(terms, operator: str = "OR") -> str:
        """Words (str) or terms (tuples of words) as FTS5 phrases joined by `operator`."""
        # Tokens hold only letters and digits, so a double-quoted FTS5 string cannot break out.
        return f" {operator} ".join(
            f'"{term}"' if isinstance(term, str) else f'"{" ".join(term)}"' for term in terms
        )

    def any_term(self, plan: SearchPlan) -> str:
        """Every word of the query and every synonym: what an article must match to be found."""
        return self.match_expression(plan.words + plan.alternatives)

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

    def document_counts(self, words: list[str]) -> tuple[int, dict[str, int]]:
        """How many articles there are, and how many hold each word (as bm25 counts them)."""
        counts = "".join(
            f", (SELECT count(*) FROM faq_fts WHERE faq_fts MATCH :w{n})"  # noqa: S608
            for n in range(len(words))
        )
        articles, *found = db.session.execute(
            sa.text(f"SELECT (SELECT count(*) FROM faq){counts}"),  # noqa: S608
            {f"w{n}": self.match_expression((word,)) for n, word in enumerate(words)},
        ).one()
        return articles, dict(zip(words, found, strict=True))

    def count(self, plan: SearchPlan) -> int:
        """How many published articles match, counted up to MAX_COUNTED + 1: the words first,
        and only when they match no more than that, the words and the synonyms."""
        total = self.count_matching(self.match_expression(plan.words))
        if plan.alternatives and total <= MAX_COUNTED:
            total = self.count_matching(self.any_term(plan))
        return total

    def count_matching(self, expression: str) -> int:
        """How many published articles match `expression`, counted up to MAX_COUNTED + 1.

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
                {"any": expression, "cap": MAX_COUNTED + 1},
            ).one()
            if published > MAX_COUNTED or walked < MAX_COUNTED + 1 + COUNT_MARGIN:
                break
        return published

    def ranked_ids(self, plan: SearchPlan, total: int, limit: int, offset: int) -> list:
        """The ids of this page's articles, best first.

        Up to MAX_COUNTED matches, bm25 ranks them all: the sum of bm25 for the words, for the
        phrases (PHRASE_WEIGHT) and for the synonyms (SYNONYM_WEIGHT), each one FTS5 query.
        Beyond that, bm25 would cost time in proportion to the FAQ (about 1 µs a match, and
        its IDF reads every match of every word), so articles are ranked by what they match,
        newest first within each tier: every word in the question, every word, any word in the
        question, any word, any synonym. Each tier is a LIMIT'd walk of the index in rowid
        order, so the cost depends on the page, not on the size of the FAQ.
        """
        words = plan.words
        values = {"limit": limit, "offset": offset}
        if total <= MAX_COUNTED:
            parts = []
            for n, (terms, weight) in enumerate(ranked_parts(plan)):
                values[f"part{n}"] = self.match_expression(terms)
                parts += [
                    f"SELECT rowid AS id, {weight!r} * {self.RANK} AS score "  # noqa: S608
                    f"FROM faq_fts WHERE faq_fts MATCH :part{n}",
                    f"SELECT rowid AS id, {weight * QUESTION_WEIGHT!r} * {self.QUESTION_RANK} "  # noqa: S608
                    f"AS score FROM faq_fts_question WHERE faq_fts_question MATCH :part{n}",
                ]
            # bm25 is negative: the lower the sum, the better the article. MATERIALIZED: bm25
            # runs only on the FTS5 query's own rows, which flattening the subquery would undo.
            sql = f"""
                WITH scored AS MATERIALIZED ({" UNION ALL ".join(parts)})
                SELECT id FROM scored WHERE id NOT IN {self.UNPUBLISHED}
                GROUP BY id ORDER BY sum(score), id LIMIT :limit OFFSET :offset
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
            synonyms=self.match_expression(plan.alternatives) if plan.alternatives else None,
        )

    def page_rows(self, plan: SearchPlan, ids: list[int]) -> list:
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
        values = {"any": self.any_term(plan), "start": MARK_START, "end": MARK_END}
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

    def search(self, plan: SearchPlan, page: int, per_page: int):
        """(total, page, rows) for the page asked for, clamped to the last page."""
        total = self.count(plan)
        if not total:
            return 0, 1, []
        shown = min(total, MAX_COUNTED)  # pages end there, even when more match
        page = min(page, math.ceil(shown / per_page))
        offset = (page - 1) * per_page
        ids = self.ranked_ids(plan, total, min(per_page, shown - offset), offset)
        return total, page, self.page_rows(plan, ids)


class PostgresSearch:
    """Stored tsvector (`faq_fts_document`), ts_rank_cd; pg_trgm over the words (`faq_fts_word`)."""

    DOCUMENT_JOIN = "FROM faq f JOIN faq_fts_document d ON d.faq_id = f.id"
    UNPUBLISHED = SqliteSearch.UNPUBLISHED
    UNPUBLISHED_COUNT = SqliteSearch.UNPUBLISHED_COUNT
    # ts_rank_cd of the question alone, divided by the question's length (flag 2).
    QUESTION_NORMALIZATION = 2
    HEADLINE_QUESTION = f'HighlightAll=true, StartSel="{MARK_START}", StopSel="{MARK_END}"'
    HEADLINE_ANSWER = (
        f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=35, MinWords=15, '
        'MaxFragments=2, FragmentDelimiter=" … "'
    )

    @staticmethod
    def any_word(terms, weight: str = "") -> str:
        """to_tsquery input: words (str) or terms (tuples of words, `<->` phrases), OR-ed;
        `weight` ":A" matches them in the question only."""
        # Each token single-quoted: it holds only letters and digits.
        return " | ".join(
            f"'{term}'{weight}"
            if isinstance(term, str)
            else " <-> ".join(f"'{w}'{weight}" for w in term)
            for term in terms
        )

    @staticmethod
    def features(plan: SearchPlan) -> list[tuple[tuple, float]]:
        """What an article may hold, each with its worth: every word and every phrase by its
        rarity, each synonym group by its weight and its rarest term."""
        found = [((word,), plan.rarity[(word,)]) for word in plan.words]
        found += [((phrase,), PHRASE_WEIGHT * plan.rarity[phrase]) for phrase in plan.phrases]
        found += [
            (group.alternatives, group.weight * max(plan.rarity[a] for a in group.alternatives))
            for group in plan.groups
        ]
        return found

    def any_term(self, plan: SearchPlan) -> str:
        """Every word of the query and every synonym: what an article must match to be found."""
        return self.any_word(plan.words + plan.alternatives)

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

    def document_counts(self, words: list[str]) -> tuple[int, dict[str, int]]:
        """How many articles there are, and how many hold each word."""
        counts = "".join(
            ", (SELECT count(*) FROM faq_fts_document "  # noqa: S608
            f"WHERE document @@ to_tsquery('english', :w{n}))"
            for n in range(len(words))
        )
        articles, *found = db.session.execute(
            sa.text(f"SELECT (SELECT count(*) FROM faq){counts}"),  # noqa: S608
            {f"w{n}": self.any_word((word,)) for n, word in enumerate(words)},
        ).one()
        return articles, dict(zip(words, found, strict=True))

    def count(self, plan: SearchPlan) -> int:
        """How many published articles match, counted up to MAX_COUNTED + 1: the words first,
        and only when they match no more than that, the words and the synonyms."""
        total = self.count_matching(self.any_word(plan.words))
        if plan.alternatives and total <= MAX_COUNTED:
            total = self.count_matching(self.any_term(plan))
        return total

    def count_matching(self, tsquery: str) -> int:
        """How many published articles match `tsquery`, counted up to MAX_COUNTED + 1 (the
        unpublished are left out by id: a hashed list from the partial index
        ix_faq_search_unpublished)."""
        return db.session.scalar(
            sa.text(
                # OFFSET 0: planned for all matches, PostgreSQL reads a word of a few thousand
                # matches from the GIN index rather than scanning the table until it has met
                # MAX_COUNTED of them; a very common word is still a table scan, stopped early.
                "SELECT count(*) FROM (SELECT 1 FROM (SELECT faq_id FROM faq_fts_document "  # noqa: S608
                "WHERE document @@ to_tsquery('english', :any) OFFSET 0) AS d "
                f"WHERE d.faq_id NOT IN {self.UNPUBLISHED} LIMIT :cap) AS hits"
            ),
            {"any": tsquery, "cap": MAX_COUNTED + 1},
        )

    def ranked_ids(self, plan: SearchPlan, total: int, limit: int, offset: int) -> list:
        """The ids of this page's articles, best first: as SqliteSearch.ranked_ids.

        Up to MAX_COUNTED matches: articles holding every word first, then those holding every
        word or a synonym of it, then by cover density (ts_rank_cd) of the words, the phrases
        (PHRASE_WEIGHT) and the synonyms (SYNONYM_WEIGHT). Beyond, the same tiers as on SQLite
        (weight A is the question), newest first within each, each a LIMIT'd query that
        PostgreSQL answers by walking the primary key backwards or from the GIN index,
        whichever it expects to be cheaper.
        """
        words = plan.words
        values = {
            "any": self.any_term(plan),
            "limit": limit,
            "offset": offset,
        }
        if total <= MAX_COUNTED:
            scores = []
            for n, (terms, worth) in enumerate(self.features(plan)):
                values[f"feature{n}"] = self.any_word(terms)
                values[f"question{n}"] = self.any_word(terms, ":A")
                scores.append(
                    f"{worth!r} * ((d.document @@ to_tsquery('english', :feature{n}))::int "
                    f"+ {QUESTION_MATCH!r} * (d.document @@ to_tsquery('english', :question{n}))::int)"
                )
            for n, (terms, weight) in enumerate(ranked_parts(plan)):
                values[f"part{n}"] = self.any_word(terms)
                scores += [
                    f"{weight * DENSITY_WEIGHT!r} * ts_rank_cd(d.document, to_tsquery('english', :part{n}))",
                    f"{weight * QUESTION_WEIGHT!r} * ts_rank_cd(ts_filter(d.document, '{{a}}'), "
                    f"to_tsquery('english', :part{n}), {self.QUESTION_NORMALIZATION})",
                ]
            sql = f"""
                SELECT d.faq_id FROM faq_fts_document d
                WHERE d.document @@ to_tsquery('english', :any)
                    AND d.faq_id NOT IN {self.UNPUBLISHED}
                ORDER BY {" + ".join(scores)} DESC, d.faq_id
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
            synonyms=self.any_word(plan.alternatives) if plan.alternatives else None,
        )

    def page_rows(self, plan: SearchPlan, ids: list[int]) -> list:
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
                "any": self.any_term(plan),
                "ids": list(ids),
                "question_options": self.HEADLINE_QUESTION,
                "answer_options": self.HEADLINE_ANSWER,
            },
        )
        by_id = {row[0]: row[1:] for row in rows}
        return [by_id[faq_id] for faq_id in ids if faq_id in by_id]

    def search(self, plan: SearchPlan, page: int, per_page: int):
        """(total, page, rows) for the page asked for, clamped to the last page."""
        total = self.count(plan)
        if not total:
            return 0, 1, []
        shown = min(total, MAX_COUNTED)  # pages end there, even when more match
        page = min(page, math.ceil(shown / per_page))
        offset = (page - 1) * per_page
        ids = self.ranked_ids(plan, total, min(per_page, shown - offset), offset)
        return total, page, self.page_rows(plan, ids)


_ENGINES = {"sqlite": SqliteSearch(), "postgresql": PostgresSearch()}


def engine_for_session():
    dialect = db.session.get_bind().dialect.name
    try:
        return _ENGINES[dialect]
    except KeyError:
        raise NotImplementedError(f"FAQ search does not support {dialect}") from None


# ------------------------------------------------------------------------------- the search


def correct_typos(engine, words: tuple[str, ...], glossary: Glossary) -> dict[str, str]:
    """{misspelt word: correction} for the words that match no published article and are not
    in the glossary: the closest word of the FAQ or of the glossary, whichever is closer (a
    glossary word is searched through its synonyms: "expidite" → "expedite")."""
    unknown = tuple(
        w
        for w in words
        if len(w) >= MIN_TYPO_WORD_LENGTH
        and not w.isdigit()
        and w not in STOP_WORDS
        and w not in glossary.words
    )
    if not unknown:
        return {}
    known, version = engine.known_words(unknown)
    unknown = tuple(w for w in unknown if w not in known)
    if not unknown:
        return {}
    found = engine.corrections(unknown, version)
    for word in unknown:
        term_word = glossary.closest_word(word)
        if term_word and (
            word not in found or similarity(word, term_word) > similarity(word, found[word])
        ):
            found[word] = term_word
    return found


def search_faqs(raw_query: str | None, page: int = 1, per_page: int = 10) -> SearchResults:
    """Ranked search of the published FAQ: hits with highlighted snippets, total, page, and a
    "did you mean" when misspelt words were corrected. Any input is safe."""
    query, truncated = prepare_query(raw_query)
    cleaned = query
    words = query_words(query)
    per_page = max(1, min(per_page, 50))
    if not words:
        return SearchResults(query=query, words=(), per_page=per_page, query_truncated=truncated)

    engine = engine_for_session()
    glossary = current_glossary()
    tokens = query_tokens(query)
    corrections = correct_typos(engine, glossary.content_words(tokens)[:MAX_WORDS], glossary)
    did_you_mean = None
    if corrections:
        tokens = tuple(corrections.get(w, w) for w in tokens)
        did_you_mean = " ".join(corrections.get(w, w) for w in words)
    plan = glossary.plan(tokens)
    plan = weigh(engine, replace(plan, words=plan.words[:MAX_WORDS]), glossary)

    total, page, rows = engine.search(plan, max(1, page), per_page)
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
        query=cleaned,
        words=words,
        hits=hits,
        total=min(total, MAX_COUNTED),
        page=page,
        per_page=per_page,
        did_you_mean=did_you_mean,
        total_capped=total > MAX_COUNTED,
        query_truncated=truncated,
    )
