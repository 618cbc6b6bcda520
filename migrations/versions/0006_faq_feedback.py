"""Readers' feedback on FAQ articles: "What was missing?" after a "No" vote, for the editors.

Only the text and when it came: nothing about the reader (no address, email, browser or voter
id). Downgrading drops the table and the comments in it.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "faq_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("faq_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["faq_id"], ["faq.id"], name=op.f("fk_faq_feedback_faq_id_faq"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_feedback")),
    )
    op.create_index(
        "ix_faq_feedback_faq_id_created_at", "faq_feedback", ["faq_id", "created_at"], unique=False
    )


def downgrade():
    op.drop_index("ix_faq_feedback_faq_id_created_at", table_name="faq_feedback")
    op.drop_table("faq_feedback")
