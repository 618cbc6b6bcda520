"""Messages both ways: files linked to the timeline event they came with (a requester's reply,
a closing letter), and when a requester's reply started waiting for staff.

Both columns are NULL for every existing row. Downgrading drops them: reply files stay as
attachments of their request, no longer tied to the reply.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_attachment_event_id_request_event"),
            "request_event",
            ["event_id"],
            ["id"],
        )
    with op.batch_alter_table("foia_request", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reply_waiting_since", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            "ix_foia_request_reply_waiting_since",
            ["reply_waiting_since"],
            unique=False,
            postgresql_where=sa.text("reply_waiting_since IS NOT NULL"),
            sqlite_where=sa.text("reply_waiting_since IS NOT NULL"),
        )


def downgrade():
    with op.batch_alter_table("foia_request", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_foia_request_reply_waiting_since",
            postgresql_where=sa.text("reply_waiting_since IS NOT NULL"),
            sqlite_where=sa.text("reply_waiting_since IS NOT NULL"),
        )
        batch_op.drop_column("reply_waiting_since")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_attachment_event_id_request_event"), type_="foreignkey"
        )
        batch_op.drop_column("event_id")
