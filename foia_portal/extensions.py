"""Extension objects, created unbound so that every app from create_app() binds its own."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event, make_url
from sqlalchemy.orm import DeclarativeBase

from foia_portal.core.sqlite_writes import WriterTurnConnection


class Base(DeclarativeBase):
    # Stable constraint names, so that Alembic migrations can name what they drop or alter.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


# Every SQLite connection (development, the benchmark, the tests; production runs PostgreSQL):
# - busy_timeout first, so that switching to WAL waits for other connections too; a writer waits
#   up to 10 s for the write lock (pysqlite's default is 5 s).
# - WAL: readers never wait for the writer nor it for them, and a commit appends to the log
#   instead of writing and deleting a rollback journal (the default mode fsyncs three times).
# - synchronous=NORMAL, the setting SQLite recommends with WAL: the log is synced at checkpoints,
#   not at every commit. The database cannot be corrupted; a power cut (not a crash of the
#   process) may lose the last commits. FULL would cost one fsync per commit inside the write lock.
# - wal_autocheckpoint=4000: the log is copied into the database once it holds 4,000 pages
#   (16 MB, within the first 4,096-frame segment of the log's index), not 1,000. Writers take
#   turns (core/sqlite_writes.py) and a checkpoint runs inside the turn of the commit that set
#   it off, so fewer, larger ones keep the others waiting less in all: submission benchmark
#   0.077-0.082 of the ceiling at 1,000 pages, 0.085-0.086 at 4,000 (p99 41-45 ms), 0.086-0.088
#   at 10,000 (p99 70 ms), 0.069-0.072 at 250.
SQLITE_PRAGMAS = (
    "busy_timeout=10000",
    "journal_mode=WAL",
    "synchronous=NORMAL",
    "wal_autocheckpoint=4000",
)


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
    finally:
        cursor.close()
    if isinstance(dbapi_connection, WriterTurnConnection):
        dbapi_connection.start_turns()


class PortalSQLAlchemy(SQLAlchemy):
    def _make_engine(self, bind_key, options, app):
        if make_url(options["url"]).get_backend_name() == "sqlite":
            # A SQLite file cannot go away like a server connection: no `SELECT 1` before every
            # request's first statement (pool_pre_ping is for PostgreSQL restarts).
            options = {**options, "pool_pre_ping": False}
            connect_args = {**options.get("connect_args", {}), "factory": WriterTurnConnection}
            options["connect_args"] = connect_args
        engine = super()._make_engine(bind_key, options, app)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        return engine


db = PortalSQLAlchemy(model_class=Base)
mail = Mail()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
