"""SQLite writers take turns through a file lock: the next one goes on as soon as it is free.

SQLite lets one connection write at a time. One that finds the write lock taken does not wait
for it to be let go: SQLite's busy handler sleeps 1 ms, then 2, 5, 10 … and tries again. A new
request holds the lock for a few hundred microseconds, so with two workers filing requests the
second slept a millisecond or more for a lock free long before, on nearly every submission.

Every connection of the app's SQLite engine (`WriterTurnConnection`) therefore takes an
exclusive `flock` on `<database>-writer` before its transaction's first write and lets go of it
when the transaction ends. A writer that finds the turn taken tries again 50 µs later, then
100, 200 µs … at most 0.5 ms apart (flock cannot wait with a timeout), for up to the busy
timeout, 10 s; SQLite's own lock, taken right after the turn, is then free. The file lock only
spares the sleeps: SQLite's lock still guards the data, a writer that waited 10 s goes on without
the turn (and gets "database is locked" from SQLite if the lock is still held, as before), and a
writer that did not take the file lock (the `sqlite3` shell) is waited for through the busy
handler.

SQLite's own checkpoints are kept: the one run inside a COMMIT now runs inside that turn, and the
other writers wait for it, as they did for SQLite's lock (hence a larger `wal_autocheckpoint`,
extensions.SQLITE_PRAGMAS). Checkpointing by these connections instead, at the end of every
hundredth turn or after it, did no better in the benchmark; after the turn, the log was never
copied in full before the next writer began, so it was never started again from the top and
grew without end.

Only file databases; PostgreSQL has row locks and needs none of this.
"""

from __future__ import annotations

import fcntl
import functools
import os
import re
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable

# Python's sqlite3 begins a transaction before these (after any leading comments), and SQLite
# takes its write lock for them.
_WRITE = re.compile(
    r"(?:\s|--[^\n]*(?:\n|$)|/\*.*?\*/)*(?:INSERT|UPDATE|DELETE|REPLACE)\b",
    re.IGNORECASE | re.DOTALL,
)
# How long a writer waits for its turn: SQLite's busy timeout (extensions.SQLITE_PRAGMAS). After
# that it goes on without the turn and SQLite's own lock decides, as it would have: a writer
# held up by a long transaction (a CLI job, a migration) gets "database is locked", as before.
WAIT_SECONDS = 10.0
# flock cannot wait with a timeout: the wait is tries, 50 µs apart at first, then up to 0.5 ms.
# A turn is held a few hundred microseconds; SQLite's busy handler sleeps 1, 2, 5 … ms.
_FIRST_PAUSE, _LONGEST_PAUSE = 0.00005, 0.0005


class _WriterTurns:
    """The process's turn at writing one database: a file lock, and a thread lock in front of it
    (a file lock is held by the process: two of its threads would both have it at once)."""

    def __init__(self, path: str):
        self.fd = os.open(path + "-writer", os.O_RDWR | os.O_CREAT, 0o644)
        self.threads = threading.Lock()

    def take(self) -> bool:
        """Wait for the turn; False when it did not come within `WAIT_SECONDS`."""
        deadline = time.monotonic() + WAIT_SECONDS
        if not self.threads.acquire(timeout=WAIT_SECONDS):
            return False  # e.g. a second connection of the same thread: SQLite decides
        try:
            pause = _FIRST_PAUSE
            while True:
                try:
                    fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        self.threads.release()
                        return False
                    time.sleep(pause)
                    pause = min(pause * 2, _LONGEST_PAUSE)
        except BaseException:
            self.threads.release()
            raise

    def give_back(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        self.threads.release()


_turns: dict[tuple[int, str], _WriterTurns] = {}
_turns_lock = threading.Lock()


def _turns_for(path: str) -> _WriterTurns:
    # Keyed by process too: a forked gunicorn worker must not share its parent's open file
    # (a flock belongs to the open file, so parent and child would hold it together).
    key = (os.getpid(), path)
    turns = _turns.get(key)
    if turns is None:
        with _turns_lock:
            turns = _turns.get(key)
            if turns is None:
                turns = _turns[key] = _WriterTurns(path)
    return turns


def _in_turn(run: Callable) -> Callable:
    """A statement-running method of a connection or cursor, `run`, in turn: the turn is taken
    before a write (before any script: it commits what is pending and may write) and ended
    after a statement that leaves no transaction open (autocommit, a failed first write)."""
    script = run.__name__ == "executescript"

    @functools.wraps(run)
    def in_turn(self, sql, *parameters):
        connection = self.connection if isinstance(self, sqlite3.Cursor) else self
        connection._before(sql, script)
        try:
            return run(self, sql, *parameters)
        finally:
            connection._after()

    return in_turn


class _Cursor(sqlite3.Cursor):
    execute = _in_turn(sqlite3.Cursor.execute)
    executemany = _in_turn(sqlite3.Cursor.executemany)
    executescript = _in_turn(sqlite3.Cursor.executescript)


class _Turn:
    """Whether one connection has the turn, or has given up waiting for it in this transaction;
    kept apart so that the connection's finalizer can read it after the connection is gone."""

    def __init__(self, turns: _WriterTurns):
        self.turns = turns
        self.held = False
        self.missed = False  # waited WAIT_SECONDS already: not again in this transaction

    def take(self) -> None:
        if not self.missed:
            self.held = self.turns.take()
            self.missed = not self.held

    def end(self) -> None:
        self.missed = False
        if self.held:
            self.held = False
            self.turns.give_back()


class WriterTurnConnection(sqlite3.Connection):
    """A sqlite3 connection that writes in turn with the app's other connections (see above).

    Given to the engine as `connect_args={"factory": WriterTurnConnection}`, with `start_turns`
    called on connect; SQLAlchemy then runs every statement through `_Cursor`. However a
    transaction ends (`commit`, `rollback`, `close`, a `with` block, a script, a statement
    outside any transaction), the turn ends with it.
    """

    _turn: _Turn | None = None

    def start_turns(self) -> None:
        """Take part in the turns (an in-memory database has no file to lock)."""
        path = super().execute("PRAGMA database_list").fetchone()[2]
        if not path:
            return
        self._turn = _Turn(_turns_for(path))
        # A connection dropped unclosed in the middle of its turn ends it then.
        weakref.finalize(self, self._turn.end)

    def cursor(self, factory=_Cursor):
        return super().cursor(factory)

    # Connection.execute and its kind make a plain cursor of their own, past `cursor()`.
    execute = _in_turn(sqlite3.Connection.execute)
    executemany = _in_turn(sqlite3.Connection.executemany)
    executescript = _in_turn(sqlite3.Connection.executescript)

    def _before(self, sql: str, script: bool = False) -> None:
        turn = self._turn
        if turn is not None and not turn.held and (script or _WRITE.match(sql)):
            turn.take()

    def _after(self) -> None:
        # A write outside a transaction (autocommit, or one that failed before beginning) is
        # over as soon as it ran.
        turn = self._turn
        if turn is not None and turn.held and not self.in_transaction:
            turn.end()

    def _end_turn(self) -> None:
        if self._turn is not None:
            self._turn.end()

    def commit(self):
        try:
            super().commit()
        finally:
            self._end_turn()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._end_turn()

    def close(self):
        try:
            super().close()
        finally:
            self._end_turn()

    def __exit__(self, *exc):
        try:
            return super().__exit__(*exc)
        finally:
            self._after()
