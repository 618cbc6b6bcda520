"""The initial schema, generated from the models by scripts/regen_initial_migration.py.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "content_version",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_content_version")),
    )
    op.create_table(
        "faq_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_category")),
        sa.UniqueConstraint("name", name=op.f("uq_faq_category_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_faq_category_slug")),
    )
    op.create_table(
        "requester",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("organization", sa.String(length=200), nullable=True),
        sa.Column("street", sa.String(length=200), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("state", sa.String(length=100), nullable=True),
        sa.Column("zip_code", sa.String(length=20), nullable=True),
        sa.Column("country", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requester")),
    )
    op.create_index(op.f("ix_requester_email"), "requester", ["email"], unique=False)
    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("session_nonce", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_user")),
        sa.UniqueConstraint("email", name=op.f("uq_staff_user_email")),
    )
    op.create_table(
        "tracking_sequence",
        sa.Column("agency_code", sa.String(length=10), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("agency_code", "fiscal_year", name=op.f("pk_tracking_sequence")),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_user.id"], name=op.f("fk_api_token_user_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_index(op.f("ix_api_token_user_id"), "api_token", ["user_id"], unique=False)
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("target", sa.String(length=120), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["staff_user.id"], name=op.f("fk_audit_entry_actor_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    op.create_index(op.f("ix_audit_entry_created_at"), "audit_entry", ["created_at"], unique=False)
    op.create_table(
        "faq",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=160), nullable=False),
        sa.Column("question", sa.String(length=500), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answer_html", sa.Text(), nullable=False),
        sa.Column("answer_text", sa.Text(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("helpful_yes", sa.Integer(), nullable=False),
        sa.Column("helpful_no", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"], ["faq_category.id"], name=op.f("fk_faq_category_id_faq_category")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq")),
        sa.UniqueConstraint("slug", name=op.f("uq_faq_slug")),
    )
    op.create_index(
        "ix_faq_category_published_position",
        "faq",
        ["category_id", "published", "position"],
        unique=False,
    )
    op.create_table(
        "foia_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tracking_number", sa.String(length=32), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("date_from", sa.Date(), nullable=True),
        sa.Column("date_to", sa.Date(), nullable=True),
        sa.Column("fee_category", sa.String(length=20), nullable=False),
        sa.Column("fee_limit", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("fee_waiver", sa.Boolean(), nullable=False),
        sa.Column("fee_waiver_reason", sa.Text(), nullable=True),
        sa.Column("expedited", sa.Boolean(), nullable=False),
        sa.Column("expedited_reason", sa.Text(), nullable=True),
        sa.Column("delivery_format", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("track", sa.String(length=20), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("disposition", sa.String(length=40), nullable=True),
        sa.Column("exemptions", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("extension_business_days", sa.Integer(), nullable=False),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("paused_business_days", sa.Integer(), nullable=False),
        sa.Column("on_hold_since", sa.Date(), nullable=True),
        sa.Column("hold_reason", sa.String(length=20), nullable=True),
        sa.Column("clarification_toll_used", sa.Boolean(), nullable=False),
        sa.Column("estimated_completion_date", sa.Date(), nullable=True),
        sa.Column("expedited_decision_due", sa.Date(), nullable=True),
        sa.Column("expedited_decision", sa.String(length=10), nullable=True),
        sa.Column("expedited_decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fee_waiver_decision", sa.String(length=10), nullable=True),
        sa.Column("fee_waiver_decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_date", sa.Date(), nullable=True),
        sa.Column("submission_token", sa.String(length=64), nullable=True),
        sa.Column("status_link_nonce", sa.String(length=32), nullable=False),
        sa.Column("portal_request_id", sa.BigInteger(), nullable=True),
        sa.Column("portal_payload", sa.JSON(), nullable=True),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["staff_user.id"], name=op.f("fk_foia_request_assignee_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"], ["requester.id"], name=op.f("fk_foia_request_requester_id_requester")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_foia_request")),
        sa.UniqueConstraint("submission_token", name=op.f("uq_foia_request_submission_token")),
        sa.UniqueConstraint("tracking_number", name=op.f("uq_foia_request_tracking_number")),
    )
    op.create_index(
        "ix_foia_request_assignee_status",
        "foia_request",
        ["assignee_id", "status", "due_date"],
        unique=False,
    )
    op.create_index(
        "ix_foia_request_closed_date",
        "foia_request",
        ["closed_date"],
        unique=False,
        postgresql_where=sa.text("closed_date IS NOT NULL"),
        sqlite_where=sa.text("closed_date IS NOT NULL"),
    )
    op.create_index(op.f("ix_foia_request_due_date"), "foia_request", ["due_date"], unique=False)
    op.create_index(
        "ix_foia_request_expedited_decided_at",
        "foia_request",
        ["expedited_decided_at"],
        unique=False,
        postgresql_where=sa.text("expedited_decided_at IS NOT NULL"),
        sqlite_where=sa.text("expedited_decided_at IS NOT NULL"),
    )
    op.create_index(
        "ix_foia_request_fee_waiver_decided_at",
        "foia_request",
        ["fee_waiver_decided_at"],
        unique=False,
        postgresql_where=sa.text("fee_waiver_decided_at IS NOT NULL"),
        sqlite_where=sa.text("fee_waiver_decided_at IS NOT NULL"),
    )
    op.create_index(
        "ix_foia_request_open_assignee_due_date",
        "foia_request",
        ["assignee_id", "due_date", "id"],
        unique=False,
        postgresql_where=sa.text(
            "status IN ('received', 'in_progress', 'on_hold') AND assignee_id IS NOT NULL"
        ),
        sqlite_where=sa.text(
            "status IN ('received', 'in_progress', 'on_hold') AND assignee_id IS NOT NULL"
        ),
    )
    op.create_index(
        "ix_foia_request_open_due_date",
        "foia_request",
        ["due_date", "id"],
        unique=False,
        postgresql_where=sa.text("status IN ('received', 'in_progress', 'on_hold')"),
        sqlite_where=sa.text("status IN ('received', 'in_progress', 'on_hold')"),
    )
    op.create_index(
        "ix_foia_request_portal_request_id",
        "foia_request",
        ["portal_request_id"],
        unique=True,
        postgresql_where=sa.text("portal_request_id IS NOT NULL"),
        sqlite_where=sa.text("portal_request_id IS NOT NULL"),
    )
    op.create_index(
        "ix_foia_request_received_date", "foia_request", ["received_date"], unique=False
    )
    op.create_index(
        "ix_foia_request_report",
        "foia_request",
        [
            "received_date",
            "status",
            "closed_date",
            "due_date",
            "is_test",
            "track",
            "disposition",
            "id",
        ],
        unique=False,
    )
    op.create_index(
        op.f("ix_foia_request_requester_id"), "foia_request", ["requester_id"], unique=False
    )
    op.create_index(
        "ix_foia_request_status_due_date",
        "foia_request",
        ["status", "due_date", "id"],
        unique=False,
    )
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("original_filename", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"], ["foia_request.id"], name=op.f("fk_attachment_request_id_foia_request")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["staff_user.id"],
            name=op.f("fk_attachment_uploaded_by_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_attachment_stored_name")),
    )
    op.create_index(op.f("ix_attachment_request_id"), "attachment", ["request_id"], unique=False)
    op.create_table(
        "faq_suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_token", sa.String(length=64), nullable=False),
        sa.Column("query", sa.String(length=500), nullable=False),
        sa.Column("faq_slugs", sa.JSON(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["foia_request.id"],
            name=op.f("fk_faq_suggestion_request_id_foia_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_suggestion")),
    )
    op.create_index(
        op.f("ix_faq_suggestion_created_at"), "faq_suggestion", ["created_at"], unique=False
    )
    op.create_index(
        op.f("ix_faq_suggestion_form_token"), "faq_suggestion", ["form_token"], unique=False
    )
    op.create_index(
        op.f("ix_faq_suggestion_request_id"), "faq_suggestion", ["request_id"], unique=False
    )
    op.create_table(
        "faq_vote",
        sa.Column("faq_id", sa.Integer(), nullable=False),
        sa.Column("voter", sa.String(length=64), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["faq_id"], ["faq.id"], name=op.f("fk_faq_vote_faq_id_faq"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("faq_id", "voter", name=op.f("pk_faq_vote")),
    )
    op.create_table(
        "hold_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"], ["foia_request.id"], name=op.f("fk_hold_period_request_id_foia_request")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hold_period")),
    )
    op.create_index(op.f("ix_hold_period_request_id"), "hold_period", ["request_id"], unique=False)
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["foia_request.id"],
            name=op.f("fk_outbox_message_request_id_foia_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
    )
    op.create_index(
        op.f("ix_outbox_message_request_id"), "outbox_message", ["request_id"], unique=False
    )
    op.create_index(
        "ix_outbox_message_status_next_attempt",
        "outbox_message",
        ["status", "next_attempt_at"],
        unique=False,
    )
    op.create_table(
        "request_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("previous_due_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["staff_user.id"], name=op.f("fk_request_event_actor_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["foia_request.id"],
            name=op.f("fk_request_event_request_id_foia_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_event")),
    )
    op.create_index(
        op.f("ix_request_event_request_id"), "request_event", ["request_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_request_event_request_id"), table_name="request_event")
    op.drop_table("request_event")
    op.drop_index("ix_outbox_message_status_next_attempt", table_name="outbox_message")
    op.drop_index(op.f("ix_outbox_message_request_id"), table_name="outbox_message")
    op.drop_table("outbox_message")
    op.drop_index(op.f("ix_hold_period_request_id"), table_name="hold_period")
    op.drop_table("hold_period")
    op.drop_table("faq_vote")
    op.drop_index(op.f("ix_faq_suggestion_request_id"), table_name="faq_suggestion")
    op.drop_index(op.f("ix_faq_suggestion_form_token"), table_name="faq_suggestion")
    op.drop_index(op.f("ix_faq_suggestion_created_at"), table_name="faq_suggestion")
    op.drop_table("faq_suggestion")
    op.drop_index(op.f("ix_attachment_request_id"), table_name="attachment")
    op.drop_table("attachment")
    op.drop_index("ix_foia_request_status_due_date", table_name="foia_request")
    op.drop_index(op.f("ix_foia_request_requester_id"), table_name="foia_request")
    op.drop_index("ix_foia_request_report", table_name="foia_request")
    op.drop_index("ix_foia_request_received_date", table_name="foia_request")
    op.drop_index(
        "ix_foia_request_portal_request_id",
        table_name="foia_request",
        postgresql_where=sa.text("portal_request_id IS NOT NULL"),
        sqlite_where=sa.text("portal_request_id IS NOT NULL"),
    )
    op.drop_index(
        "ix_foia_request_open_due_date",
        table_name="foia_request",
        postgresql_where=sa.text("status IN ('received', 'in_progress', 'on_hold')"),
        sqlite_where=sa.text("status IN ('received', 'in_progress', 'on_hold')"),
    )
    op.drop_index(
        "ix_foia_request_open_assignee_due_date",
        table_name="foia_request",
        postgresql_where=sa.text(
            "status IN ('received', 'in_progress', 'on_hold') AND assignee_id IS NOT NULL"
        ),
        sqlite_where=sa.text(
            "status IN ('received', 'in_progress', 'on_hold') AND assignee_id IS NOT NULL"
        ),
    )
    op.drop_index(
        "ix_foia_request_fee_waiver_decided_at",
        table_name="foia_request",
        postgresql_where=sa.text("fee_waiver_decided_at IS NOT NULL"),
        sqlite_where=sa.text("fee_waiver_decided_at IS NOT NULL"),
    )
    op.drop_index(
        "ix_foia_request_expedited_decided_at",
        table_name="foia_request",
        postgresql_where=sa.text("expedited_decided_at IS NOT NULL"),
        sqlite_where=sa.text("expedited_decided_at IS NOT NULL"),
    )
    op.drop_index(op.f("ix_foia_request_due_date"), table_name="foia_request")
    op.drop_index(
        "ix_foia_request_closed_date",
        table_name="foia_request",
        postgresql_where=sa.text("closed_date IS NOT NULL"),
        sqlite_where=sa.text("closed_date IS NOT NULL"),
    )
    op.drop_index("ix_foia_request_assignee_status", table_name="foia_request")
    op.drop_table("foia_request")
    op.drop_index("ix_faq_category_published_position", table_name="faq")
    op.drop_table("faq")
    op.drop_index(op.f("ix_audit_entry_created_at"), table_name="audit_entry")
    op.drop_table("audit_entry")
    op.drop_index(op.f("ix_api_token_user_id"), table_name="api_token")
    op.drop_table("api_token")
    op.drop_table("tracking_sequence")
    op.drop_table("staff_user")
    op.drop_index(op.f("ix_requester_email"), table_name="requester")
    op.drop_table("requester")
    op.drop_table("faq_category")
    op.drop_table("content_version")
