"""Extension objects, created unbound so that every app from create_app() binds its own."""

import sqlite3

from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine, MetaData, event
from sqlalchemy.orm import DeclarativeBase


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


@event.listens_for(Engine, "connect")
def set_sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite's settings for a web app with several workers (SQLAlchemy's documented recipe).

    - busy_timeout: a writer waits up to 10 s for another's commit instead of failing with
      "database is locked" (set first, so that switching to WAL waits too);
    - WAL: readers never wait for the writer, nor it for them.

    Python's sqlite3 begins a transaction only at the first INSERT, UPDATE or DELETE, so a
    request's reads before it hold no snapshot and its first write waits its turn for the lock.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
    finally:
        cursor.close()


db = SQLAlchemy(model_class=Base)
mail = Mail()
cache = Cache()
# The FAQ search's pages, one per query typed, kept apart and fewer (platform/page_cache.py).
search_cache = Cache()
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
