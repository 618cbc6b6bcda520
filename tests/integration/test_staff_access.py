"""Every staff URL, walked as anonymous, officer and admin: no 500, and the right 403s."""

import re

import pytest

from tests.fixtures.staff import login

ADMIN_ONLY = {"staff.users", "staff.user_update", "staff.audit_log"}
# Open to anyone: signing in and resetting a forgotten password.
SIGNED_OUT_PAGES = {"auth.login", "auth.forgot_password", "auth.reset_password"}


@pytest.fixture
def world(app, make_request, officer, admin):
    """One of everything a staff URL can point at."""
    from foia_portal.extensions import db
    from foia_portal.faq import services as faq_services
    from foia_portal.faq import synonym_sets
    from foia_portal.mail.models import OutboxMessage
    from foia_portal.requests.models import Attachment

    foia_request = make_request()
    attachment = Attachment(
        request=foia_request,
        kind="supporting",
        original_filename="a.txt",
        stored_name="0" * 32,
        content_type="text/plain",
        size_bytes=1,
        sha256="0" * 64,
    )
    db.session.add(attachment)
    faq = faq_services.create_faq(category="Basics", question="What is FOIA?", answer="A law.")
    synonym_set = synonym_sets.save_set(["foia", "freedom of information act"])
    message = OutboxMessage(
        kind="x", recipient="a@b.gov", subject="s", body_text="t", status="failed"
    )
    db.session.add_all([attachment, message])
    db.session.commit()
    return {
        "tracking_number": foia_request.tracking_number,
        "attachment_id": attachment.id,
        "faq_id": faq.id,
        "category_id": faq.category_id,
        "set_id": synonym_set.id,
        "message_id": message.id,
        "user_id": officer.id,
        "action": "note",
        "token": "not-a-valid-reset-token",
    }


def staff_urls(app, world):
    """(endpoint, method, url) for every rule under /staff."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff"):
            continue
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:\w+:)?{name}>", str(world[name]), url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, url))
    return found


def call(client, method, url):
    return client.get(url) if method == "GET" else client.post(url, data={})


def test_anonymous_visitors_are_sent_to_sign_in_everywhere(app, client, world):
    urls = staff_urls(app, world)
    assert len(urls) > 15
    for endpoint, method, url in urls:
        response = call(client, method, url)
        if endpoint in SIGNED_OUT_PAGES:
            assert response.status_code in (200, 303, 422), url
            assert "/staff/login" not in response.headers.get("Location", ""), url
        elif endpoint == "auth.logout":
            assert response.status_code == 303, url
        else:
            assert response.status_code == 302, (method, url, response.status_code)
            assert "/staff/login" in response.headers["Location"], url


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_staff_roles_see_what_they_may_and_get_403_for_the_rest(app, client, world, role, request):
    user = request.getfixturevalue(role)
    for endpoint, method, url in staff_urls(app, world):
        if endpoint == "auth.logout":
            continue
        login(client, user)
        response = call(client, method, url)
        assert response.status_code < 500, (method, url, response.status_code)
        if endpoint in ADMIN_ONLY and role == "officer":
            assert response.status_code == 403, (method, url)
        else:
            assert response.status_code != 403, (method, url)


def test_only_an_admin_may_reopen(client, world, officer, admin, make_request):
    import sqlalchemy as sa

    from foia_portal.extensions import db
    from foia_portal.requests.models import FoiaRequest
    from foia_portal.staff.services import perform_action

    foia_request = db.session.scalar(sa.select(FoiaRequest))
    perform_action(foia_request, "close", officer, {"disposition": "withdrawn", "message": "Bye."})
    db.session.commit()
    url = f"/staff/requests/{foia_request.tracking_number}/actions/reopen"
    login(client, officer)
    assert client.post(url, data={"reason": "Mistake."}).status_code == 403
    assert 'action="' + url not in client.get(
        f"/staff/requests/{foia_request.tracking_number}"
    ).get_data(as_text=True)
    client.post("/staff/logout")
    login(client, admin)
    assert client.post(url, data={"reason": "Mistake."}).status_code == 303
