"""Search insights: `faq_query_day`, how often each normalised query was searched on the FAQ
search page per day, and how many answers it found. No address, session or requester; rows
older than 13 months are deleted by `flask faq insights prune`.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "faq_query_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("searches", sa.Integer(), nullable=False),
        sa.Column("results", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("day", "query", name=op.f("pk_faq_query_day")),
    )
    op.create_index("ix_faq_query_day_query_day", "faq_query_day", ["query", "day"], unique=False)


def downgrade():
    op.drop_index("ix_faq_query_day_query_day", table_name="faq_query_day")
    op.drop_table("faq_query_day")
