"""FAQ suggestions are matched to the request filed from the same form by its form token.

`faq_suggestion.request_id` was written by every submission (an UPDATE inside the submitting
transaction, on SQLite inside the database's write lock) to link the suggestions shown on the
form to the request filed from it. The form token says the same: it is stored with the request
(`foia_request.submission_token`, unique), so the statistics join on it instead and the column,
its index and its foreign key go. Downgrading puts the links back from the tokens.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("faq_suggestion") as batch:
        batch.drop_index("ix_faq_suggestion_request_id")
        batch.drop_constraint("fk_faq_suggestion_request_id_foia_request", type_="foreignkey")
        batch.drop_column("request_id")


def downgrade():
    with op.batch_alter_table("faq_suggestion") as batch:
        batch.add_column(sa.Column("request_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_faq_suggestion_request_id_foia_request", "foia_request", ["request_id"], ["id"]
        )
        batch.create_index("ix_faq_suggestion_request_id", ["request_id"], unique=False)
    op.execute(
        "UPDATE faq_suggestion SET request_id = (SELECT foia_request.id FROM foia_request "
        "WHERE foia_request.submission_token = faq_suggestion.form_token)"
    )
