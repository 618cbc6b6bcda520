"""FAQ search at scale: a word list for "did you mean" (SQLite) and the unpublished articles.

SQLite:
  - `faq_fts_plain`: FTS5 over the same columns with `unicode61` and no stemming (detail=none,
    so only which words each article holds), and `faq_fts_plain_vocab` (fts5vocab 'row') over
    it: every word of the FAQ as written, with the number of articles holding it. "Did you mean"
    picks corrections from it (search.py keeps a copy in memory, reloaded when the index
    changes) instead of ranking every article sharing a trigram with the misspelt word.
    Kept in step by its own triggers, like `faq_fts`.
Both databases:
  - `ix_faq_search_unpublished`: a partial index of the unpublished articles. The search
    leaves those out by id (`rowid NOT IN (...)`), a few rows, instead of reading the `faq` row
    of every match to test `published`.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Both read the ids from the index alone: SQLite's index entries end with the rowid (on (id),
# SQLite prefers the covering index on category_id, published, position and scans it all);
# PostgreSQL needs the id in the index for an index-only scan.
SQLITE_UNPUBLISHED_INDEX = (
    "CREATE INDEX ix_faq_search_unpublished ON faq (published) WHERE NOT published"
)
POSTGRESQL_UNPUBLISHED_INDEX = (
    "CREATE INDEX ix_faq_search_unpublished ON faq (id) WHERE NOT published"
)

SQLITE_UPGRADE = [
    """
    CREATE VIRTUAL TABLE faq_fts_plain USING fts5(
        question, answer_text,
        content='faq', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', detail=none, columnsize=0
    )
    """,
    "CREATE VIRTUAL TABLE faq_fts_plain_vocab USING fts5vocab(faq_fts_plain, 'row')",
    """
    CREATE TRIGGER faq_fts_plain_after_insert AFTER INSERT ON faq BEGIN
        INSERT INTO faq_fts_plain (rowid, question, answer_text)
            VALUES (new.id, new.question, new.answer_text);
    END
    """,
    """
    CREATE TRIGGER faq_fts_plain_after_delete AFTER DELETE ON faq BEGIN
        INSERT INTO faq_fts_plain (faq_fts_plain, rowid, question, answer_text)
            VALUES ('delete', old.id, old.question, old.answer_text);
    END
    """,
    """
    CREATE TRIGGER faq_fts_plain_after_update AFTER UPDATE OF id, question, answer_text ON faq
    BEGIN
        INSERT INTO faq_fts_plain (faq_fts_plain, rowid, question, answer_text)
            VALUES ('delete', old.id, old.question, old.answer_text);
        INSERT INTO faq_fts_plain (rowid, question, answer_text)
            VALUES (new.id, new.question, new.answer_text);
    END
    """,
    "INSERT INTO faq_fts_plain (faq_fts_plain) VALUES ('rebuild')",
    SQLITE_UNPUBLISHED_INDEX,
]

SQLITE_DOWNGRADE = [
    "DROP INDEX IF EXISTS ix_faq_search_unpublished",
    "DROP TRIGGER IF EXISTS faq_fts_plain_after_update",
    "DROP TRIGGER IF EXISTS faq_fts_plain_after_delete",
    "DROP TRIGGER IF EXISTS faq_fts_plain_after_insert",
    "DROP TABLE IF EXISTS faq_fts_plain_vocab",
    "DROP TABLE IF EXISTS faq_fts_plain",
]

POSTGRESQL_UPGRADE = [POSTGRESQL_UNPUBLISHED_INDEX]
POSTGRESQL_DOWNGRADE = ["DROP INDEX IF EXISTS ix_faq_search_unpublished"]


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
