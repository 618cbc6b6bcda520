"""The per-address rate limit on sign-in over every account (RATELIMIT_LOGIN_ADDRESS), on top
of the per address-and-account limit (RATELIMIT_LOGIN, tests/integration/test_auth_password_reset.py) and the
per-account lockout."""

import pytest


@pytest.fixture
def config_overrides():
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN_ADDRESS": "3 per minute"}


def test_sign_in_attempts_are_rate_limited_per_address(client):
    codes = [
        client.post("/staff/login", data={"email": f"x{i}@b.gov", "password": "p"}).status_code
        for i in range(4)
    ]
    assert codes == [422, 422, 422, 429]


def test_the_sign_in_page_itself_is_not_limited(client):
    assert {client.get("/staff/login").status_code for _ in range(5)} == {200}
