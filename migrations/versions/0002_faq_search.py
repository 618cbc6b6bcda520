"""Full-text and typo-tolerant search over the FAQ, with each database's own engine.

SQLite: two FTS5 tables with external content on `faq`, kept in step by triggers:
  - `faq_fts` (porter stemming over unicode61, diacritics folded): ranked search, snippets.
  - `faq_fts_trigram` (trigram tokenizer): candidate articles for misspelt words.
PostgreSQL: pg_trgm, and two side tables kept in step by one trigger on `faq`:
  - `faq_fts_document`: question (weight A) and answer text (weight B) as a stored tsvector,
    GIN index `ix_faq_search_document`. Stored rather than an expression index, because
    ts_rank_cd needs the vector of every matching row (docs/faq-search.md has the numbers).
  - `faq_fts_word`: the words of the FAQ, trigram GIN index `ix_faq_search_trigram`.
migrations/env.py leaves `faq_fts*` tables and `ix_faq_search*` indexes out of autogenerate
comparisons.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_UPGRADE = [
    """
    CREATE VIRTUAL TABLE faq_fts USING fts5(
        question, answer_text,
        content='faq', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE VIRTUAL TABLE faq_fts_trigram USING fts5(
        question, answer_text,
        content='faq', content_rowid='id',
        tokenize='trigram'
    )
    """,
    # External-content FTS5 tables must be told the old values to remove them from the index.
    """
    CREATE TRIGGER faq_fts_after_insert AFTER INSERT ON faq BEGIN
        INSERT INTO faq_fts (rowid, question, answer_text)
            VALUES (new.id, new.question, new.answer_text);
        INSERT INTO faq_fts_trigram (rowid, question, answer_text)
            VALUES (new.id, new.question, new.answer_text);
    END
    """,
    """
    CREATE TRIGGER faq_fts_after_delete AFTER DELETE ON faq BEGIN
        INSERT INTO faq_fts (faq_fts, rowid, question, answer_text)
            VALUES ('delete', old.id, old.question, old.answer_text);
        INSERT INTO faq_fts_trigram (faq_fts_trigram, rowid, question, answer_text)
            VALUES ('delete', old.id, old.question, old.answer_text);
    END
    """,
    # Only edits of the indexed text re-index: a helpfulness vote costs no index work.
    """
    CREATE TRIGGER faq_fts_after_update AFTER UPDATE OF id, question, answer_text ON faq BEGIN
        INSERT INTO faq_fts (faq_fts, rowid, question, answer_text)
            VALUES ('delete', old.id, old.question, old.answer_text);
        INSERT INTO faq_fts (rowid, question, answer_text)
            VALUES (new.id, new.question, new.answer_text);
        INSERT INTO faq_fts_trigram (faq_fts_trigram, rowid, question, answer_text)
            VALUES ('delete', old.id, old.question, old.answer_text);
        INSERT INTO faq_fts_trigram (rowid, question, answer_text)
            VALUES (new.id, new.question, new.answer_text);
    END
    """,
    # Rows that existed before this migration.
    "INSERT INTO faq_fts (faq_fts) VALUES ('rebuild')",
    "INSERT INTO faq_fts_trigram (faq_fts_trigram) VALUES ('rebuild')",
]

SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS faq_fts_after_update",
    "DROP TRIGGER IF EXISTS faq_fts_after_delete",
    "DROP TRIGGER IF EXISTS faq_fts_after_insert",
    "DROP TABLE IF EXISTS faq_fts_trigram",
    "DROP TABLE IF EXISTS faq_fts",
]

POSTGRESQL_UPGRADE = [
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # The weighted tsvector is stored, not only indexed: ranking (ts_rank_cd) needs the vector
    # itself, and recomputing it for every matching article took seconds at 10,000 FAQs.
    """
    CREATE TABLE faq_fts_document (
        faq_id integer PRIMARY KEY REFERENCES faq (id) ON DELETE CASCADE,
        document tsvector NOT NULL
    )
    """,
    "CREATE INDEX ix_faq_search_document ON faq_fts_document USING gin (document)",
    # The words of the FAQ: "did you mean" picks from them by trigram similarity (a short word
    # list is fast to compare; long answers are not). Words are only ever added (no per-word
    # counters to update: those rows would be rewritten on every save); search.py checks that a
    # suggested word still matches a published FAQ, so words of deleted articles do no harm.
    "CREATE TABLE faq_fts_word (word text PRIMARY KEY)",
    "CREATE INDEX ix_faq_search_trigram ON faq_fts_word USING gin (word gin_trgm_ops)",
    """
    CREATE FUNCTION faq_fts_words(question text, answer_text text) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE AS $$
        SELECT DISTINCT w
        FROM regexp_split_to_table(lower(question || ' ' || answer_text), '[^[:alnum:]]+') AS w
        WHERE length(w) BETWEEN 3 AND 64
    $$
    """,
    """
    CREATE FUNCTION faq_fts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO faq_fts_document (faq_id, document)
        VALUES (
            NEW.id,
            setweight(to_tsvector('english', NEW.question), 'A')
            || setweight(to_tsvector('english', NEW.answer_text), 'B')
        )
        ON CONFLICT (faq_id) DO UPDATE SET document = EXCLUDED.document;
        INSERT INTO faq_fts_word (word)
        SELECT w FROM faq_fts_words(NEW.question, NEW.answer_text) AS w
        ON CONFLICT (word) DO NOTHING;
        RETURN NULL;
    END
    $$
    """,
    # Deletes follow by the foreign key (ON DELETE CASCADE), TRUNCATE ... CASCADE too.
    """
    CREATE TRIGGER faq_fts_sync
    AFTER INSERT OR UPDATE OF question, answer_text ON faq
    FOR EACH ROW EXECUTE FUNCTION faq_fts_sync()
    """,
    """
    CREATE FUNCTION faq_fts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE faq_fts_word;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER faq_fts_truncate AFTER TRUNCATE ON faq
    FOR EACH STATEMENT EXECUTE FUNCTION faq_fts_truncate()
    """,
    # Rows that existed before this migration, in two set-based statements.
    """
    INSERT INTO faq_fts_document (faq_id, document)
    SELECT id, setweight(to_tsvector('english', question), 'A')
               || setweight(to_tsvector('english', answer_text), 'B')
    FROM faq
    """,
    """
    INSERT INTO faq_fts_word (word)
    SELECT DISTINCT w FROM faq, faq_fts_words(question, answer_text) AS w
    ON CONFLICT (word) DO NOTHING
    """,
]


POSTGRESQL_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS faq_fts_truncate ON faq",
    "DROP TRIGGER IF EXISTS faq_fts_sync ON faq",
    "DROP FUNCTION IF EXISTS faq_fts_truncate()",
    "DROP FUNCTION IF EXISTS faq_fts_sync()",
    "DROP FUNCTION IF EXISTS faq_fts_words(text, text)",
    "DROP TABLE IF EXISTS faq_fts_word",
    "DROP TABLE IF EXISTS faq_fts_document",
    # The pg_trgm extension stays: other objects may have come to depend on it.
]


def _statements(upgrade: bool) -> list[str]:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        return SQLITE_UPGRADE if upgrade else SQLITE_DOWNGRADE
    if dialect == "postgresql":
        return POSTGRESQL_UPGRADE if upgrade else POSTGRESQL_DOWNGRADE
    raise NotImplementedError(f"FAQ search has no index for the {dialect} database")


def upgrade():
    for statement in _statements(upgrade=True):
        op.execute(statement)


def downgrade():
    for statement in _statements(upgrade=False):
        op.execute(statement)
