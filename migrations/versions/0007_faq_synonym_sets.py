"""Search synonyms kept by the FAQ's editors: `faq_synonym_set`, one row per set of equivalent
terms (a JSON list). The built-in FOIA glossary is code (faq/glossary.py), not rows.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "faq_synonym_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_synonym_set")),
    )


def downgrade():
    op.drop_table("faq_synonym_set")
