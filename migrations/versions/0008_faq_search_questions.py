"""FAQ search: a full-text index of the questions alone (SQLite), so that ranking can ask how
well an article's question matches, measured against the question's own length.

FTS5's bm25 measures a match against the length of the whole row (question and answer), so a
short question holding every word of the query ("What is community policing?") ranked below a
longer one with the same words and a longer answer. `faq_fts_question` (porter, like `faq_fts`)
holds the questions only; bm25 over it prefers the question that is most nearly the query.
PostgreSQL needs no new structure: the stored tsvector marks the question's words with weight A,
and `ts_filter(document, '{a}')` gives the question alone.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SQLITE_UPGRADE = [
    """
    CREATE VIRTUAL TABLE faq_fts_question USING fts5(
        question,
        content='faq', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER faq_fts_question_after_insert AFTER INSERT ON faq BEGIN
        INSERT INTO faq_fts_question (rowid, question) VALUES (new.id, new.question);
    END
    """,
    """
    CREATE TRIGGER faq_fts_question_after_delete AFTER DELETE ON faq BEGIN
        INSERT INTO faq_fts_question (faq_fts_question, rowid, question)
            VALUES ('delete', old.id, old.question);
    END
    """,
    # Only an edit of the question re-indexes it: answers and votes cost this index nothing.
    """
    CREATE TRIGGER faq_fts_question_after_update AFTER UPDATE OF id, question ON faq BEGIN
        INSERT INTO faq_fts_question (faq_fts_question, rowid, question)
            VALUES ('delete', old.id, old.question);
        INSERT INTO faq_fts_question (rowid, question) VALUES (new.id, new.question);
    END
    """,
    "INSERT INTO faq_fts_question (faq_fts_question) VALUES ('rebuild')",
]

SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS faq_fts_question_after_update",
    "DROP TRIGGER IF EXISTS faq_fts_question_after_delete",
    "DROP TRIGGER IF EXISTS faq_fts_question_after_insert",
    "DROP TABLE IF EXISTS faq_fts_question",
]


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_UPGRADE:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DOWNGRADE:
            op.execute(statement)
