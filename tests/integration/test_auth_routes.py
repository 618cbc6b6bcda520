"""Sign-in and sign-out pages: sessions, the lockout, the rate limit, cookies and CSRF."""

import pytest

from tests.fixtures.staff import OFFICER_PASSWORD, login


def test_sign_in_page_renders_a_labelled_form(client):
    response = client.get("/staff/login")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'name="email"' in page and 'name="password"' in page
    assert 'for="email"' in page and 'for="password"' in page


def test_signing_in_redirects_to_the_queue_and_signing_out_ends_the_session(client, officer):
    response = login(client, officer)
    assert response.status_code == 303 and response.headers["Location"].endswith("/staff/")
    assert client.get("/staff/").status_code == 200
    response = client.post("/staff/logout")
    assert response.status_code == 303
    assert client.get("/staff/").status_code == 302


def test_next_parameter_only_returns_to_staff_pages(client, officer):
    response = client.post(
        "/staff/login?next=https://evil.example.com/",
        data={"email": officer.email, "password": OFFICER_PASSWORD},
    )
    assert response.headers["Location"].endswith("/staff/")
    client.post("/staff/logout")
    response = client.post(
        "/staff/login?next=/staff/outbox",
        data={"email": officer.email, "password": OFFICER_PASSWORD},
    )
    assert response.headers["Location"].endswith("/staff/outbox")


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("officer@cops.example.gov", "wrong-password-here"),
        ("nobody@cops.example.gov", "wrong-password-here"),
        ("nobody@cops.example.gov", OFFICER_PASSWORD),
    ],
)
def test_a_failed_sign_in_says_the_same_thing_whether_or_not_the_account_exists(
    client, officer, email, password
):
    response = client.post("/staff/login", data={"email": email, "password": password})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "do not match an active account" in page
    assert 'value="' + password not in page  # the password is never echoed back


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "password": "x"}, "Enter your email address."),
        ({"email": "a@b.gov", "password": ""}, "Enter your password."),
    ],
)
def test_empty_fields_are_named(client, data, message):
    response = client.post("/staff/login", data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_a_locked_account_cannot_sign_in_and_the_message_does_not_say_so(app, client, officer):
    app.config["LOGIN_MAX_FAILURES"] = 2
    for _ in range(2):
        client.post("/staff/login", data={"email": officer.email, "password": "nope-nope-nope"})
    response = login(client, officer)
    assert response.status_code == 422
    assert "locked for a while" in response.get_data(as_text=True)  # the general warning
    assert client.get("/staff/").status_code == 302


def test_session_cookie_is_httponly_and_samesite_lax(client, officer):
    response = login(client, officer)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure():
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True


def test_forms_without_the_csrf_token_are_refused(csrf_on, client, officer):
    response = client.post(
        "/staff/login", data={"email": officer.email, "password": OFFICER_PASSWORD}
    )
    assert response.status_code == 400
    page = client.get("/staff/login").get_data(as_text=True)
    assert 'name="csrf_token"' in page


def test_deactivating_a_user_signs_them_out(client, officer, admin):
    from foia_portal.auth import services
    from foia_portal.extensions import db

    login(client, officer)
    assert client.get("/staff/").status_code == 200
    services.set_active(officer, False, admin)
    db.session.commit()
    assert client.get("/staff/").status_code == 302
