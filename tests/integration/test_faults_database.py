"""The database goes away mid-run and comes back: pages answer 503 in plain words (JSON under
/api/), a submission during the outage is not half-stored and the requester keeps what they
typed, and everything works again — without a restart — once the database returns.

The app reaches PostgreSQL through a TCP proxy the test controls: closing the proxy cuts every
pooled connection and refuses new ones, exactly like a database restart or a network partition.
(SQLite is a file in the same process: it cannot become unreachable this way, so this module
runs on PostgreSQL only; tests/integration/test_public.py covers an unreachable SQLite path.)
"""

from __future__ import annotations

import contextlib
import socket
import threading

import pytest
import sqlalchemy as sa

from tests.conftest import (
    create_postgres_database,
    drop_postgres_database,
    make_test_config,
    upgrade_database,
)

pytestmark = pytest.mark.postgres


class TcpProxy:
    """Forwards 127.0.0.1:<port> to the PostgreSQL server; close() cuts everything, open() again."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.port = 0
        self.listener: socket.socket | None = None
        self.connections: list[socket.socket] = []
        self.lock = threading.Lock()

    def open(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed
            try:
                server = socket.create_connection(self.upstream, timeout=10)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.connections += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        if self.listener is not None:
            with contextlib.suppress(OSError):  # shutdown wakes the thread blocked in accept()
                self.listener.shutdown(socket.SHUT_RDWR)
            self.listener.close()
            self.listener = None
        with self.lock:
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self.connections.clear()


@pytest.fixture
def proxied_app(tmp_path):
    """An app on a fresh PostgreSQL database reached through a TcpProxy; yields (app, proxy)."""
    from foia_portal import create_app
    from foia_portal.extensions import db

    url = create_postgres_database()
    upgrade_database(url, tmp_path)
    real = sa.engine.make_url(url)
    proxy = TcpProxy((real.host or "127.0.0.1", real.port or 5432))
    proxy.open()
    app = create_app(
        make_test_config(
            real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False),
            tmp_path / "uploads",
        )
    )
    try:
        yield app, proxy
    finally:
        proxy.close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop_postgres_database(url)


def file_a_request(client, fields, token="token-0123456789abcdef"):
    return client.post("/foia/request", data={**fields, "form_token": token})


def count_requests(app) -> int:
    from foia_portal.extensions import db
    from foia_portal.requests.models import FoiaRequest

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(FoiaRequest))


def test_pages_answer_503_in_plain_words_while_the_database_is_away_and_recover(
    proxied_app, valid_request_fields
):
    app, proxy = proxied_app
    client = app.test_client()
    filed = file_a_request(client, valid_request_fields, token="first-submission-token-00")
    assert filed.status_code == 303
    status_link = filed.headers["Location"].replace("/request/received/", "/status/")
    number = client.get(status_link).get_data(as_text=True).split('id="tracking-number">')[1][:16]
    pages = [status_link, "/faq", f"/api/v1/requests/{number}?email=ada@example.com", "/healthz"]
    for url in pages:
        assert client.get(url).status_code == 200, url

    proxy.close()  # the database goes away, taking the pooled connections with it

    for url in pages:
        response = client.get(url)
        assert response.status_code == 503, url
        body = response.get_data(as_text=True)
        assert "Traceback" not in body and "psycopg" not in body and "OperationalError" not in body
        if url.startswith("/api/"):
            assert response.get_json()["error"]
        elif url != "/healthz":
            assert "temporarily unavailable" in body

    # A submission during the outage: refused, the form comes back with everything typed.
    during = file_a_request(client, valid_request_fields, token="outage-submission-token-1")
    assert during.status_code == 503
    page = during.get_data(as_text=True)
    assert valid_request_fields["description"] in page
    assert 'value="outage-submission-token-1"' in page  # resubmitting files it exactly once
    assert "not filed" in page

    proxy.open()  # the database is back: no restart needed

    for url in pages:
        assert client.get(url).status_code == 200, url
    assert count_requests(app) == 1  # nothing half-stored from the outage
    again = file_a_request(client, valid_request_fields, token="outage-submission-token-1")
    assert again.status_code == 303
    assert count_requests(app) == 2


def test_staff_pages_and_the_staff_api_answer_503_and_recover(proxied_app):
    from foia_portal.auth import services
    from foia_portal.extensions import db

    app, proxy = proxied_app
    with app.app_context():
        user = services.create_user("db-fault@cops.example.gov", "Fault", "officer", "x" * 16)
        token = services.issue_api_token(user)
        db.session.commit()
    client = app.test_client()
    sign_in = {"email": "db-fault@cops.example.gov", "password": "x" * 16}
    assert client.post("/staff/login", data=sign_in).status_code == 303
    headers = {"Authorization": f"Bearer {token}"}

    proxy.close()
    assert client.get("/staff/").status_code == 503
    api = client.get("/api/v1/staff/requests", headers=headers)
    assert api.status_code == 503 and api.get_json()["error"]

    proxy.open()
    assert client.get("/staff/").status_code == 200
    assert client.get("/api/v1/staff/requests", headers=headers).status_code == 200
