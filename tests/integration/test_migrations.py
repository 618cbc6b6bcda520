"""The migrations build exactly the models' schema, and go down and up again, on both databases."""

from __future__ import annotations

import importlib.util
import re

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from foia_portal import PROJECT_DIR
from foia_portal.extensions import db
from tests.conftest import (
    create_postgres_database,
    drop_postgres_database,
    make_test_config,
    upgrade_database,
)

ENV_PATH = PROJECT_DIR / "migrations" / "env.py"


def include_object():
    """The same filter migrations/env.py uses (without running env.py itself)."""
    source = ENV_PATH.read_text()
    namespace: dict = {}
    start = source.index("def include_object")
    end = source.index("\n\n\n", start)
    exec(compile(source[start:end], str(ENV_PATH), "exec"), namespace)  # noqa: S102
    return namespace["include_object"]


def test_upgrade_on_an_empty_database_gives_exactly_the_models_schema(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"include_object": include_object(), "compare_type": True},
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_flask_db_runs_flask_migrate_commands_loaded_on_first_use(app, runner):
    def stamped():
        with db.engine.connect() as connection:
            return connection.scalars(sa.text("SELECT version_num FROM alembic_version")).all()

    [head] = stamped()
    try:
        result = runner.invoke(args=["db", "stamp", "base"])
        assert result.exit_code == 0, result.output
        assert stamped() == []
    finally:
        result = runner.invoke(args=["db", "stamp", "head"])
    assert result.exit_code == 0, result.output
    assert stamped() == [head]
    assert "upgrade" in runner.invoke(args=["db", "--help"]).output


def test_flask_db_passes_the_groups_own_options_on(runner, tmp_path, caplog):
    missing = tmp_path / "no-migrations-here"
    result = runner.invoke(args=["db", "--directory", str(missing), "current"])
    assert result.exit_code == 1
    assert f"Path doesn't exist: {missing}" in caplog.text


def test_partial_indexes_keep_their_conditions_in_the_migrated_database(app):
    # Alembic's comparison above ignores an index's WHERE clause: a migration that dropped one
    # would make every new request enter the index again (docs/performance.md).
    dialect = db.engine.dialect.name
    query = (
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"
        if dialect == "sqlite"
        else "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
    )
    partial = 0
    with db.engine.connect() as connection:
        for table in db.metadata.tables.values():
            for index in table.indexes:
                definition = connection.scalar(sa.text(query), {"name": index.name})
                assert definition is not None, index.name
                stored = definition.upper().partition(" WHERE ")[2]
                where = index.dialect_options[dialect]["where"]
                if where is None:
                    assert not stored, index.name
                    continue
                partial += 1
                expected = str(where).upper()
                assert stored, index.name
                assert ("IS NOT NULL" in expected) == ("IS NOT NULL" in stored), index.name
                for column in table.columns:
                    named = re.compile(rf"\b{column.name.upper()}\b")
                    assert bool(named.search(expected)) == bool(named.search(stored)), (
                        index.name,
                        column.name,
                    )
    assert partial >= 6  # the open queue's two and those on columns a new request leaves NULL


def test_every_migration_downgrades_and_upgrades_again(database_url, tmp_path):
    from flask_migrate import downgrade, upgrade

    from foia_portal import create_app

    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    else:
        url = create_postgres_database()
    try:
        upgrade_database(url, tmp_path)
        app = create_app(make_test_config(url, tmp_path))
        with app.app_context():
            downgrade(revision="base")
            tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
            assert tables == set()
            upgrade()
            tables = set(sa.inspect(db.engine).get_table_names())
            assert {t.name for t in db.metadata.sorted_tables} <= tables
            db.engine.dispose()
    finally:
        if not database_url.startswith("sqlite"):
            drop_postgres_database(url)


@pytest.mark.parametrize("path", sorted((ENV_PATH.parent / "versions").glob("*.py")))
def test_every_migration_file_has_a_downgrade(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert callable(module.downgrade)


def test_0006_adds_the_faq_feedback_table_and_takes_it_away_again(database_url, tmp_path):
    from flask_migrate import downgrade, upgrade

    from foia_portal import create_app
    from foia_portal.faq import services

    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'feedback.db'}"
    else:
        url = create_postgres_database()
    try:
        upgrade_database(url, tmp_path)
        app = create_app(make_test_config(url, tmp_path))
        with app.app_context():
            faq = services.create_faq(category="Fees", question="Cost?", answer="Nothing.")
            slug = faq.slug
            services.record_feedback(faq, "Which fees?")
            db.session.commit()
            db.session.remove()

            downgrade(revision="0005")
            inspector = sa.inspect(db.engine)
            assert "faq_feedback" not in inspector.get_table_names()
            with db.engine.connect() as connection:
                assert connection.scalar(sa.text("SELECT count(*) FROM faq")) == 1

            upgrade()
            inspector = sa.inspect(db.engine)
            columns = {c["name"]: c for c in inspector.get_columns("faq_feedback")}
            assert set(columns) == {"id", "faq_id", "text", "created_at"}
            assert not any(c["nullable"] for c in columns.values())
            [key] = inspector.get_foreign_keys("faq_feedback")
            assert key["referred_table"] == "faq" and key["options"].get("ondelete") == "CASCADE"
            assert [i["name"] for i in inspector.get_indexes("faq_feedback")] == [
                "ix_faq_feedback_faq_id_created_at"
            ]
            faq = services.get_published(slug)
            services.record_feedback(faq, "Back again")
            db.session.commit()
            assert [f.text for f in services.feedback_for(faq)] == ["Back again"]
            db.session.remove()
            db.engine.dispose()
    finally:
        if not database_url.startswith("sqlite"):
            drop_postgres_database(url)
