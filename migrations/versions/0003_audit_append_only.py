"""The audit log and request timelines are append-only in the database too (PostgreSQL).

A BEFORE UPDATE OR DELETE row trigger on `audit_entry` and `request_event` raises, so that no
statement through the application's connection can rewrite or remove a record of what staff did
(the ORM refuses already: foia_portal/platform/append_only.py). TRUNCATE is a different statement
and fires no row trigger: an administrator with the owner's rights can still empty a scratch
database, which is what the test suite does between tests.

SQLite (development and tests only) relies on the ORM guard.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ("audit_entry", "request_event")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION foia_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% rows are append-only: % refused', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION foia_refuse_change()"
        )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    op.execute("DROP FUNCTION IF EXISTS foia_refuse_change()")
