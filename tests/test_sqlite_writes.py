"""SQLite writers take turns through `<database>-writer` (foia_portal/core/sqlite_writes.py).
SQLite only: PostgreSQL needs none of it."""

from __future__ import annotations

import fcntl
import os
import threading

import pytest
import sqlalchemy as sa

from foia_portal.core import sqlite_writes
from foia_portal.extensions import db
from foia_portal.faq.models import FaqCategory


@pytest.fixture
def lock_path(app, db_dialect):
    if db_dialect != "sqlite":
        pytest.skip("SQLite's writer turns")
    return db.engine.url.database + "-writer"


def turn_is_free(lock_path: str) -> bool:
    """Whether another process could take the turn now (a file of its own, as it would open)."""
    fd = os.open(lock_path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def add_category(name: str) -> None:
    db.session.add(FaqCategory(name=name, slug=name.lower().replace(" ", "-")))
    db.session.flush()


def test_the_first_write_takes_the_turn_and_commit_gives_it_back(lock_path):
    db.session.scalar(sa.select(sa.func.count()).select_from(FaqCategory))
    assert turn_is_free(lock_path), "a read does not take the turn"
    add_category("Fees")
    assert not turn_is_free(lock_path)
    add_category("Records")  # the same turn
    db.session.commit()
    assert turn_is_free(lock_path)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FaqCategory)) == 2


def test_rollback_and_close_give_the_turn_back(lock_path):
    add_category("Fees")
    db.session.rollback()
    assert turn_is_free(lock_path)

    connection = db.engine.raw_connection()
    connection.cursor().execute("UPDATE faq_category SET name = name")
    assert not turn_is_free(lock_path)
    connection.close()  # back to the pool, which rolls back
    assert turn_is_free(lock_path)
    db.engine.dispose()


def test_a_writer_waits_for_the_turn_of_another_process_and_goes_on_when_it_ends(app, lock_path):
    other_process = os.open(lock_path, os.O_RDWR)  # its own open file: as another process's
    fcntl.flock(other_process, fcntl.LOCK_EX)
    done = threading.Event()
    failures = []

    def write():
        try:
            with app.app_context():
                add_category("Fees")
                db.session.commit()
                db.session.remove()
        except Exception as error:  # reported below
            failures.append(error)
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert not done.wait(0.3), "the write went ahead during another process's turn"
    finally:
        fcntl.flock(other_process, fcntl.LOCK_UN)
        os.close(other_process)
    assert done.wait(10), "the write did not go on when the turn ended"
    writer.join()
    assert failures == []
    assert db.session.scalar(sa.select(FaqCategory.name)) == "Fees"


def test_a_second_connection_of_the_same_thread_is_refused_by_sqlite_not_hung(
    app, lock_path, monkeypatch
):
    # It cannot wait for the first (the same thread would have to end that turn): after the
    # wait it goes on without the turn, and SQLite's busy timeout answers, as before.
    monkeypatch.setattr(sqlite_writes, "WAIT_SECONDS", 0.1)
    add_category("Fees")
    with db.engine.connect() as second:
        second.exec_driver_sql("PRAGMA busy_timeout = 100")
        with pytest.raises(sa.exc.OperationalError, match="database is locked"):
            second.execute(sa.insert(FaqCategory).values(name="Records", slug="records"))
        second.rollback()
    db.session.commit()
    assert turn_is_free(lock_path)


def test_a_writer_waits_for_a_turn_that_does_not_end_no_longer_than_the_busy_timeout(
    app, lock_path, monkeypatch
):
    # A long transaction elsewhere (a CLI job, a migration) must not hold every writer forever.
    monkeypatch.setattr(sqlite_writes, "WAIT_SECONDS", 0.2)
    other_process = os.open(lock_path, os.O_RDWR)
    fcntl.flock(other_process, fcntl.LOCK_EX)
    try:
        add_category("Fees")  # SQLite's own lock is free: it goes on without the turn
        db.session.commit()
    finally:
        fcntl.flock(other_process, fcntl.LOCK_UN)
        os.close(other_process)
    assert db.session.scalar(sa.select(FaqCategory.name)) == "Fees"


def test_every_way_a_transaction_ends_ends_the_turn(lock_path):
    connection = db.engine.raw_connection()
    sqlite = connection.driver_connection
    try:
        sqlite.execute("/* a comment first */ UPDATE faq_category SET name = name")
        assert not turn_is_free(lock_path)
        sqlite.rollback()
        assert turn_is_free(lock_path)

        with sqlite:  # commits in C, past `commit()`
            sqlite.execute("INSERT INTO faq_category (name, slug, position) VALUES ('A', 'a', 0)")
            assert not turn_is_free(lock_path)
        assert turn_is_free(lock_path)

        sqlite.executescript("UPDATE faq_category SET position = 1;")
        assert turn_is_free(lock_path)

        sqlite.isolation_level = None  # autocommit: each write is over when it has run
        sqlite.execute("UPDATE faq_category SET position = 2")
        assert turn_is_free(lock_path)
    finally:
        sqlite.isolation_level = ""
        connection.close()
    db.engine.dispose()
