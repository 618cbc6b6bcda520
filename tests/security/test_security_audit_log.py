"""The audit log and request timelines are append-only: the application can add entries and
never change or remove one — not through the ORM, not with a bulk statement, and on PostgreSQL
not even with SQL sent over the application's own connection (trigger, migration 0003)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from foia_portal.auth import services as accounts
from foia_portal.auth.models import AuditEntry
from foia_portal.extensions import db
from foia_portal.platform.append_only import AppendOnlyViolation
from foia_portal.requests.models import FoiaRequest, RequestEvent


@pytest.fixture
def records(app, officer, make_request, act):
    """An audit entry (the officer's creation) and a request with a few timeline events."""
    foia_request = make_request()
    act(foia_request, "acknowledge", officer, track="simple")
    act(foia_request, "note", officer, text="Called the requester.")
    entry = db.session.scalars(sa.select(AuditEntry)).first()
    event = db.session.scalars(sa.select(RequestEvent).where(RequestEvent.kind == "note")).one()
    return entry, event, foia_request


def unchanged(model, row_id, column, value) -> bool:
    db.session.rollback()
    db.session.expire_all()
    return getattr(db.session.get(model, row_id), column) == value


def test_adding_entries_works(records, officer):
    accounts.audit(officer, "faq.update", "some-faq")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) >= 2


@pytest.mark.parametrize(
    ("which", "column", "value"),
    [("entry", "action", "nothing.happened"), ("event", "message", "Rewritten history")],
)
def test_an_entry_cannot_be_edited_through_the_orm(records, which, column, value):
    entry, event, _ = records
    row = entry if which == "entry" else event
    original, row_id = getattr(row, column), row.id
    setattr(row, column, value)
    with pytest.raises(AppendOnlyViolation):
        db.session.commit()
    assert unchanged(type(row), row_id, column, original)


@pytest.mark.parametrize("which", ["entry", "event"])
def test_an_entry_cannot_be_deleted_through_the_orm(records, which):
    entry, event, _ = records
    row = entry if which == "entry" else event
    db.session.delete(row)
    with pytest.raises(AppendOnlyViolation):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(type(row), row.id) is not None


def test_deleting_a_request_cannot_take_its_timeline_with_it(records):
    _, _, foia_request = records
    db.session.delete(foia_request)
    with pytest.raises(AppendOnlyViolation):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(FoiaRequest, foia_request.id) is not None


@pytest.mark.parametrize(
    "statement",
    [
        sa.update(AuditEntry).values(action="nothing.happened"),
        sa.delete(AuditEntry),
        sa.update(RequestEvent).values(message="gone"),
        sa.delete(RequestEvent).where(RequestEvent.kind == "note"),
    ],
    ids=["update audit", "delete audit", "update events", "delete events"],
)
def test_bulk_orm_statements_are_refused(records, statement):
    with pytest.raises(AppendOnlyViolation):
        db.session.execute(statement)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) >= 1
    assert db.session.scalar(
        sa.select(sa.func.count()).select_from(RequestEvent).where(RequestEvent.kind == "note")
    )


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_entry SET action = 'nothing.happened'",
        "DELETE FROM audit_entry",
        "UPDATE request_event SET message = 'gone'",
        "DELETE FROM request_event",
    ],
)
def test_postgresql_refuses_raw_sql_changes_too(records, db_dialect, sql):
    if db_dialect != "postgresql":
        pytest.skip("the database-level guard is a PostgreSQL trigger (SQLite: development only)")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.text(sql))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) >= 1


def test_the_only_audit_url_is_a_read_only_page(app):
    rules = [rule for rule in app.url_map.iter_rules() if "audit" in rule.rule]
    assert [rule.rule for rule in rules] == ["/staff/audit"]
    assert rules[0].methods <= {"GET", "HEAD", "OPTIONS"}
