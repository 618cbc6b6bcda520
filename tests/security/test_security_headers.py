"""Security headers on every kind of response: pages, forms, errors, JSON, static files, staff
pages; a Content-Security-Policy that runs only the site's own script files; HSTS in production."""

from __future__ import annotations

import re

import pytest

from config import ProductionConfig
from tests.fixtures.adversarial import executable_markup
from tests.fixtures.staff import login

PUBLIC = [
    ("GET", "/", 200),
    ("GET", "/foia", 200),
    ("GET", "/faq", 200),
    ("GET", "/faq/search?q=grant", 200),
    ("GET", "/foia/request", 200),
    ("POST", "/foia/request", 422),
    ("GET", "/foia/status", 200),
    ("POST", "/foia/status", 422),
    ("GET", "/foia/status/not-a-token", 404),
    ("GET", "/healthz", 200),
    ("GET", "/api/v1/openapi.json", 200),
    ("GET", "/api/v1/docs", 200),
    ("GET", "/api/v1/faq?q=fees", 200),
    ("POST", "/api/v1/requests", 415),
    ("GET", "/api/v1/requests/COPS-2027-000001?email=a@example.com", 404),
    ("GET", "/api/v1/staff/requests", 401),
    ("GET", "/no-such-page", 404),
    ("DELETE", "/foia", 405),
    ("GET", "/static/uswds/css/uswds.min.css", 200),
    ("GET", "/staff/login", 200),
    ("GET", "/staff/", 302),
]
STAFF = ["/staff/", "/staff/requests/new", "/staff/users", "/staff/audit", "/staff/faqs",
         "/staff/outbox", "/staff/reports/annual"]  # fmt: skip


def check_headers(response) -> None:
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives.get("object-src") == "'none'" or directives.get("default-src") == "'none'"
    assert "base-uri" in directives or directives.get("default-src") == "'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in {"strict-origin-when-cross-origin", "no-referrer"}
    assert "Strict-Transport-Security" not in headers  # only in production (below)
    if response.mimetype == "text/html":
        assert executable_markup(response.get_data(as_text=True)) == []


@pytest.mark.parametrize(("method", "path", "status"), PUBLIC)
def test_every_public_response_carries_the_security_headers(client, method, path, status):
    response = client.open(path, method=method)
    assert response.status_code == status
    check_headers(response)
    response.close()


@pytest.mark.parametrize("path", STAFF)
def test_every_staff_page_carries_the_security_headers(client, admin, path):
    login(client, admin)
    response = client.get(path)
    assert response.status_code == 200
    check_headers(response)


def test_an_unexpected_error_is_a_plain_page_with_the_headers_and_no_trace(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def explode():
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/explode", view_func=explode)
    response = app.test_client().get("/explode")

    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong on our side" in page
    assert "secret internal detail" not in page and "Traceback" not in page
    check_headers(response)


@pytest.fixture
def production_app(monkeypatch, database_url, tmp_path):
    from foia_portal import create_app

    monkeypatch.setenv("SECRET_KEY", "p" * 16 + "a-production-like-random-secret")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("MAIL_SERVER", "localhost")
    config = type(
        "ProductionForTest",
        (ProductionConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "p" * 16 + "a-production-like-random-secret",
            "UPLOAD_FOLDER": str(tmp_path),
            "RATELIMIT_ENABLED": False,
        },
    )
    app = create_app(config)
    yield app
    with app.app_context():
        from foia_portal.extensions import db

        db.engine.dispose()


@pytest.mark.parametrize("path", ["/", "/foia/request", "/healthz", "/no-such-page"])
def test_production_sends_hsts_for_two_years_with_subdomains(production_app, path):
    response = production_app.test_client().get(path, base_url="https://foia.example.gov")
    hsts = response.headers["Strict-Transport-Security"]
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
    assert max_age >= 365 * 24 * 3600
    assert "includeSubDomains" in hsts
