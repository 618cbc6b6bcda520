"""Rewrite migrations/versions/0001_initial.py from the models.

Until the first release, the tables live in one initial migration; hand-written migrations
(0002 onwards: full-text search) build on it. Run `make migration` after changing a model.
After the first release, add ordinary `flask db migrate` revisions instead.
"""

import re
import sys
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import produce_migrations, render_python_code
from alembic.migration import MigrationContext

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from foia_portal import create_app  # noqa: E402
from foia_portal.extensions import db  # noqa: E402

TEMPLATE = '''"""The initial schema, generated from the models by scripts/regen_initial_migration.py.

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
{upgrade}


def downgrade():
{downgrade}
'''


def tidy(code: str) -> str:
    code = code.replace("foia_portal.platform.types.UTCDateTime(", "sa.DateTime(")
    code = re.sub(r"^\s*# ### .*###\n?", "", code, flags=re.M)
    return code.rstrip() or "    pass"


def main() -> None:
    app = create_app()
    with app.app_context():
        engine = sa.create_engine("sqlite://")
        with engine.connect() as connection:
            context = MigrationContext.configure(connection)
            migration = produce_migrations(context, db.metadata)
        upgrade = render_python_code(migration.upgrade_ops, migration_context=context)
        downgrade = render_python_code(migration.downgrade_ops, migration_context=context)
    target = ROOT / "migrations" / "versions" / "0001_initial.py"
    target.write_text(TEMPLATE.format(upgrade=tidy(upgrade), downgrade=tidy(downgrade)))
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
