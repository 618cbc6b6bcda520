"""A backup made with the documented commands (docs/deploy.md, "Backups and restore": pg_dump in
the custom format, then a tar of the upload folder) restores to a working portal: into a fresh
database and an empty folder, an app pointed at them shows the requester's status page from the
old signed link, serves the released record byte for byte, lets staff sign in, needs no
migration, and still refuses edits to the audit log.

PostgreSQL only: it is the production database, and the commands are PostgreSQL's.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from foia_portal.extensions import db
from tests.conftest import (
    create_postgres_database,
    drop_postgres_database,
    make_test_config,
    skip_or_fail,
    upgrade_database,
)
from tests.helpers import PDF_BYTES, PROJECT_DIR

pytestmark = pytest.mark.postgres
RELEASED = PDF_BYTES + b"% the released grant file\n"


def libpq_url(url: str) -> str:
    """The URL without SQLAlchemy's driver part, as pg_dump and pg_restore want it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.fixture
def two_databases():
    if not shutil.which("pg_dump") or not shutil.which("pg_restore"):
        skip_or_fail("backup test", "pg_dump/pg_restore not installed")
    urls = [create_postgres_database(), create_postgres_database()]
    yield urls
    for url in urls:
        drop_postgres_database(url)


def newest_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(PROJECT_DIR / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


def test_a_backup_made_with_the_documented_commands_restores_a_working_portal(
    two_databases, tmp_path, valid_request_fields
):
    from foia_portal import create_app
    from foia_portal.auth import services as accounts
    from foia_portal.requests import services
    from foia_portal.requests.status_links import status_token
    from foia_portal.requests.uploads import check_upload
    from foia_portal.staff.services import perform_action
    from tests.fixtures.mail import request_fields

    original_url, restored_url = two_databases
    live = tmp_path / "live" / "uploads"
    upgrade_database(original_url, live)
    app = create_app(make_test_config(original_url, live))
    with app.app_context():
        officer = accounts.create_user("backup@cops.example.gov", "Back Up", "officer", "b" * 16)
        foia_request = services.submit_request(
            services.Intake(fields=request_fields(), files=[check_upload("letter.pdf", PDF_BYTES)]),
            services.StoredFiles(),
        )
        db.session.commit()
        perform_action(foia_request, "acknowledge", officer, {"track": "simple"})
        perform_action(
            foia_request,
            "close",
            officer,
            {
                "disposition": "full_grant",
                "message": "Here you are.",
                "released": [check_upload("grant.pdf", RELEASED)],
            },  # fmt: skip
        )
        db.session.commit()
        link = f"/foia/status/{status_token(foia_request)}"
        record_id = next(a.id for a in foia_request.attachments if a.kind == "released")
        number = foia_request.tracking_number
        db.session.remove()
        db.engine.dispose()

    # --- backing up, as docs/deploy.md says: the database first, then the uploads ------------
    dump = tmp_path / "backups" / "foia-portal.dump"
    dump.parent.mkdir()
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", libpq_url(original_url)],
        check=True,
    )
    archive = tmp_path / "backups" / "foia-portal-uploads.tar.gz"
    subprocess.run(
        ["tar", "--create", "--gzip", f"--file={archive}", "-C", str(live.parent), "uploads"],
        check=True,
    )

    # --- restoring into an empty database and an empty folder -----------------------------------
    restored = tmp_path / "restored"
    restored.mkdir()
    subprocess.run(
        ["pg_restore", "--no-owner", f"--dbname={libpq_url(restored_url)}", str(dump)],
        check=True,
    )
    subprocess.run(
        ["tar", "--extract", "--gzip", f"--file={archive}", "-C", str(restored)], check=True
    )
    with tarfile.open(archive) as members:  # nothing outside the folder it unpacks to
        assert all(m.name.startswith("uploads") for m in members.getmembers())

    app = create_app(make_test_config(restored_url, restored / "uploads"))
    with app.app_context():
        with db.engine.connect() as connection:  # `db upgrade` would have nothing to do
            version = connection.execute(sa.text("SELECT version_num FROM alembic_version"))
            assert version.scalar() == newest_revision()
        client = app.test_client()
        page = client.get(link)  # the link the requester got by email before the backup
        assert page.status_code == 200
        assert number in page.get_data(as_text=True)
        download = client.get(f"{link}/records/{record_id}")
        assert download.status_code == 200
        assert download.get_data() == RELEASED
        download.close()
        signed_in = client.post(
            "/staff/login", data={"email": "backup@cops.example.gov", "password": "b" * 16}
        )
        assert signed_in.status_code == 303
        assert number in client.get(f"/staff/requests/{number}").get_data(as_text=True)
        new = client.post("/foia/request", data=valid_request_fields)
        assert new.status_code == 303  # and the portal takes new requests, numbered on
        with db.engine.connect() as connection:
            numbers = (
                connection.execute(sa.text("SELECT tracking_number FROM foia_request ORDER BY id"))
                .scalars()
                .all()
            )
            assert len(numbers) == 2 and numbers[1] > numbers[0]
            with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                connection.execute(sa.text("DELETE FROM audit_entry"))
        db.session.remove()
        db.engine.dispose()
    assert Path(restored / "uploads").is_dir()
