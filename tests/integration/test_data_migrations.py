"""Every schema change goes down and up again on both databases WITH DATA IN PLACE: a portal in
use (requests with files and timelines, staff, audit entries, FAQ, emails) is migrated down one
revision at a time and back up, and afterwards every row is still there, the FAQ search still
finds its articles, the status page still opens, and the append-only guard is back.

(tests/integration/test_migrations.py checks the schema against the models and an empty round trip.)
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from foia_portal.extensions import db
from tests.conftest import (
    create_postgres_database,
    drop_postgres_database,
    make_test_config,
    upgrade_database,
)
from tests.helpers import PDF_BYTES, PROJECT_DIR

MIGRATIONS = PROJECT_DIR / "migrations"
TABLES = ["requester", "foia_request", "attachment", "request_event", "hold_period",
          "staff_user", "api_token", "audit_entry", "faq", "faq_category", "outbox_message",
          "tracking_sequence"]  # fmt: skip


def revisions_newest_first() -> list[str]:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return [script.revision for script in ScriptDirectory.from_config(config).walk_revisions()]


def seed_a_portal_in_use(app) -> str:
    """Everything a working portal holds; returns a signed status link to one request."""
    from foia_portal.auth import services as accounts
    from foia_portal.faq import services as faq_services
    from foia_portal.requests import services
    from foia_portal.requests.status_links import status_token
    from foia_portal.requests.uploads import check_upload
    from foia_portal.staff.services import perform_action
    from tests.fixtures.mail import request_fields

    officer = accounts.create_user("migrate@cops.example.gov", "Mig Rate", "officer", "m" * 16)
    accounts.issue_api_token(officer)
    faq_services.create_faq(
        category="Fees", question="How much does a request cost?", answer="Usually **nothing**."
    )
    stored = services.StoredFiles()
    foia_request = services.submit_request(
        services.Intake(
            fields=request_fields(),
            files=[check_upload("letter.pdf", PDF_BYTES)],
        ),
        stored,
    )
    db.session.commit()
    for action, values in (
        ("acknowledge", {"track": "simple"}),
        ("request_info", {"message": "Which office?", "reason": "clarification"}),
        ("resume", {}),
        (
            "close",
            {
                "disposition": "full_grant",
                "message": "Done.",
                "released": [check_upload("records.pdf", PDF_BYTES + b"x")],
            },
        ),  # fmt: skip
    ):
        perform_action(foia_request, action, officer, values)
        db.session.commit()
    return f"/foia/status/{status_token(foia_request)}"


def table_counts() -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            table: connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: S608
            for table in TABLES
        }


def assert_portal_works(app, link: str) -> None:
    from foia_portal.faq.search import search_faqs

    client = app.test_client()
    page = client.get(link)
    assert page.status_code == 200
    assert "records.pdf" in page.get_data(as_text=True)  # the released record is listed
    assert [hit.slug for hit in search_faqs("cost").hits], "the FAQ search lost its index"
    db.session.remove()


@pytest.fixture
def scratch_database(database_url, tmp_path):
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'in-use.db'}"
        return
    url = create_postgres_database()
    yield url
    drop_postgres_database(url)


def test_every_migration_goes_down_and_up_again_with_data_in_place(scratch_database, tmp_path):
    from flask_migrate import downgrade, upgrade

    from foia_portal import create_app

    upgrade_database(scratch_database, tmp_path / "uploads")
    app = create_app(make_test_config(scratch_database, tmp_path / "uploads"))
    revisions = revisions_newest_first()
    assert len(revisions) >= 3
    with app.app_context():
        link = seed_a_portal_in_use(app)
        before = table_counts()
        assert all(before[t] for t in ("foia_request", "attachment", "request_event", "faq"))
        assert_portal_works(app, link)

        # Down one revision at a time (not below the first: that one creates the tables), each
        # time back up to the newest, checking nothing was lost on the way.
        for target in revisions[1:]:
            downgrade(revision=target)
            db.session.remove()
            assert table_counts() == before, f"rows lost going down to {target}"
            upgrade()
            db.session.remove()
            assert table_counts() == before, f"rows lost coming back up from {target}"
            assert_portal_works(app, link)

        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection, pytest.raises(sa.exc.DBAPIError):
                connection.execute(sa.text("DELETE FROM audit_entry"))
        db.engine.dispose()
