"""Errors under /api/: always JSON with the right status, never an HTML page."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("get", "/api/v1/no-such-thing", {}, 404),
        ("delete", "/api/v1/requests", {}, 405),
        ("post", "/api/v1/requests", {"data": "{oops", "content_type": "application/json"}, 400),
        ("post", "/api/v1/requests", {"data": "a=1", "content_type": "text/plain"}, 415),
        ("post", "/api/v1/requests", {}, 415),
        ("post", "/api/v1/requests", {"json": {}}, 422),
        ("get", "/api/v1/staff/requests", {}, 401),
        ("post", "/api/v1/staff/requests/COPS-2027-000001/actions", {"json": {}}, 401),
    ],
)
def test_every_error_under_api_is_json(client, method, path, kwargs, status):
    response = getattr(client, method)(path, **kwargs)

    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert isinstance(response.get_json()["error"], str)
    assert "<html" not in response.get_data(as_text=True).lower()


def test_a_405_names_the_allowed_methods(client):
    response = client.delete("/api/v1/requests")

    assert "POST" in response.headers["Allow"]


def test_a_401_tells_the_client_to_use_a_bearer_token(client):
    response = client.get("/api/v1/staff/requests")

    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_body_that_is_not_valid_json_says_why(client):
    response = client.post("/api/v1/requests", data="{oops", content_type="application/json")

    assert response.get_json()["error"].startswith("The body is not valid JSON")


def test_a_lone_surrogate_is_refused_as_not_text(client):
    response = client.post(
        "/api/v1/requests", data='{"first_name": "\\ud800"}', content_type="application/json"
    )

    assert response.status_code == 400
    assert "surrogate" in response.get_json()["error"]


@pytest.mark.parametrize("config_overrides", [{"MAX_CONTENT_LENGTH": 1024}])
def test_a_body_over_the_limit_is_a_json_413(client):
    response = client.post(
        "/api/v1/requests", data=b'{"a": "' + b"x" * 2048 + b'"}', content_type="application/json"
    )

    assert response.status_code == 413
    assert "error" in response.get_json()


def test_pages_outside_the_api_still_get_html_errors(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
