"""Flask-Migrate, bound to an app only where migrations run.

Flask-Migrate imports Alembic, and Alembic imports Mako and Pygments: 9 MB in every process
that loads them, which a web worker never uses (docs/performance.md, fix 33). So create_app()
registers `flask db` as a group that binds Flask-Migrate when one of its commands is looked up,
and code that runs migrations in process (the tests, the benchmark) calls `init_migrations`.
"""

import click
from flask import Flask, current_app, has_app_context
from flask.cli import ScriptInfo

from foia_portal import PROJECT_DIR


def init_migrations(app: Flask) -> None:
    """Bind Flask-Migrate to `app`, once: what `flask_migrate.upgrade()` and the rest need."""
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    from foia_portal.extensions import db

    Migrate(app, db, directory=str(PROJECT_DIR / "migrations"), render_as_batch=True)


class _MigrationCommands(click.Group):
    """Stands in for Flask-Migrate's `db` group until `flask db …` runs, then hands over to it."""

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        if has_app_context():  # Flask's CLI pushes one for the app it loaded
            app = current_app._get_current_object()
        else:
            app = (parent or click.Context(self)).ensure_object(ScriptInfo).load_app()
        init_migrations(app)
        from flask_migrate.cli import db as flask_migrate_commands

        return flask_migrate_commands.make_context(info_name, args, parent=parent, **extra)


migration_commands = _MigrationCommands("db", help="Perform database migrations.")
