"""Shared fixtures: a fresh app per test, on SQLite and on PostgreSQL.

Every test that uses `app` (or `client`, `runner`, `db_session`) runs twice: once against a
SQLite file and once against a PostgreSQL database made for this test run. The schema comes from
the migrations (`flask db upgrade`), exactly as in production. Between tests every table is
emptied.

Without a PostgreSQL server the PostgreSQL half is skipped and the summary says so; with
FOIA_TEST_REQUIRE_ALL=1 (set by .ci/run) such a skip is a failure instead.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
import sqlalchemy as sa

from config import TestingConfig

pytest_plugins = [
    "tests.fixtures.mail",
    "tests.fixtures.staff",
    "tests.fixtures.faq",
    "tests.fixtures.browser",
    "tests.fixtures.servers",
]

POSTGRES_ADMIN_URL = os.environ.get(
    "FOIA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_ALL = os.environ.get("FOIA_TEST_REQUIRE_ALL", "").lower() in {"1", "true", "yes"}
_skipped_halves: set[str] = set()


HALF_SKIP_MARK = "half of the suite unavailable"


def skip_or_fail(half: str, reason: str):
    """Skip a half of the suite the machine cannot run, or fail when CI demands everything."""
    if REQUIRE_ALL:
        pytest.fail(f"{half} required (FOIA_TEST_REQUIRE_ALL=1) but unavailable: {reason}")
    pytest.skip(f"{half}: {HALF_SKIP_MARK}: {reason}")


_relevance_figures: set[str] = set()


def pytest_runtest_logreport(report):
    # Runs where the results are reported (the controller, also under pytest-xdist).
    if report.skipped and isinstance(report.longrepr, tuple):
        message = str(report.longrepr[2])
        if HALF_SKIP_MARK in message:
            _skipped_halves.add(message.removeprefix("Skipped: "))
    # tests/integration/test_faq_relevance.py records its figures as a user property, which xdist carries.
    _relevance_figures.update(
        value for name, value in report.user_properties if name == "faq_relevance"
    )


def pytest_terminal_summary(terminalreporter):
    if _relevance_figures:
        terminalreporter.section("FAQ search relevance")
        for line in sorted(_relevance_figures):
            terminalreporter.write_line(line)
    if _skipped_halves:
        terminalreporter.section("halves of the suite that were skipped")
        for line in sorted(_skipped_halves):
            terminalreporter.write_line(f"SKIPPED {line}")
        terminalreporter.write_line(
            "Install what is missing (see README.md) to run them; CI sets FOIA_TEST_REQUIRE_ALL=1."
        )


def make_test_config(database_url: str, upload_folder: Path, **overrides) -> type[TestingConfig]:
    attributes = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_FOLDER": str(upload_folder),
        **overrides,
    }
    return type("PerTestConfig", (TestingConfig,), attributes)


def upgrade_database(database_url: str, upload_folder: Path) -> None:
    from flask_migrate import upgrade

    from foia_portal import create_app
    from foia_portal.extensions import db

    app = create_app(make_test_config(database_url, upload_folder))
    with app.app_context():
        upgrade()
        db.engine.dispose()


def create_postgres_database() -> str:
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"foia_test_{os.getpid()}_{secrets.token_hex(3)}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        reason = str(error.orig).splitlines()[0]
        skip_or_fail(
            "PostgreSQL half", f"no server at {admin.url.host}:{admin.url.port} ({reason})"
        )
    admin.dispose()
    return admin.url.set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    name = sa.engine.make_url(url).database
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """A migrated database for this test run, one of each kind."""
    uploads = tmp_path_factory.mktemp("migrate-uploads")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'foia_test.db'}"
        upgrade_database(url, uploads)
        yield url
        return
    url = create_postgres_database()
    try:
        upgrade_database(url, uploads)
        yield url
    finally:
        drop_postgres_database(url)


@pytest.fixture
def config_overrides():
    """Override in a test module to change settings for its apps."""
    return {}


@pytest.fixture
def app(database_url, tmp_path, config_overrides):
    from foia_portal import create_app
    from foia_portal.extensions import db

    app = create_app(make_test_config(database_url, tmp_path / "uploads", **config_overrides))
    with app.app_context():
        yield app
        db.session.remove()
        empty_all_tables(db)
        db.engine.dispose()


def empty_all_tables(db) -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())
            has_sequence = connection.execute(
                sa.text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")
            ).first()
            if has_sequence:
                connection.execute(sa.text("DELETE FROM sqlite_sequence"))


@pytest.fixture
def db_dialect(app) -> str:
    from foia_portal.extensions import db

    return db.engine.dialect.name


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def valid_request_fields() -> dict:
    """A complete, valid set of request fields (form names = JSON keys)."""
    return {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "phone": "(202) 555-0100",
        "organization": "",
        "street": "1 Main Street",
        "city": "Springfield",
        "state": "IL",
        "zip_code": "62701",
        "country": "United States",
        "description": "All grant award documents for community policing hiring grants "
        "made to Springfield, Illinois, in fiscal year 2024.",
        "date_from": "2023-10-01",
        "date_to": "2024-09-30",
        "fee_category": "other",
        "fee_limit": "50",
        "delivery_format": "electronic",
    }
