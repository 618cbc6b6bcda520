"""Access: a requester's request, attachments and released records reach only that requester
(signed link, or tracking number + email) and staff. Every object URL is tried with no, wrong,
other people's, tampered, foreign-key-signed and revoked credentials: the answer is 401, 403,
404 or the sign-in page, and never a byte of the request.

Status links do not expire (a request can stay open for months; docs/security.md): revoking them
(`foia_portal.requests.status_links.revoke_status_links`) is how a leaked link is shut.
"""

from __future__ import annotations

import pytest
from itsdangerous import URLSafeSerializer

from foia_portal.auth import services as accounts
from foia_portal.extensions import db
from foia_portal.requests.status_links import SALT, revoke_status_links, status_token
from foia_portal.requests.uploads import check_upload
from tests.fixtures.staff import login
from tests.helpers import PDF_BYTES

MINE = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
        "description": "Ada's private description of the grant files she wants, 2024."}  # fmt: skip
THEIRS = {"first_name": "Bob", "last_name": "Bobson", "email": "bob@example.com",
          "description": "Bob's private description of the hiring records he wants, 2023."}  # fmt: skip
PRIVATE = ("Lovelace", "Bobson", "ada@example.com", "bob@example.com", "private description",
           "%PDF", "released records of")  # fmt: skip


@pytest.fixture
def world(app, make_request, officer, act):
    """Two requesters, each with a supporting file and a released record."""
    requests = {}
    for key, fields in (("mine", MINE), ("theirs", THEIRS)):
        foia_request = make_request(**fields)
        act(foia_request, "acknowledge", officer, track="simple")
        record = check_upload("records.pdf", PDF_BYTES + f"released records of {key}".encode())
        act(foia_request, "close", officer, disposition="full_grant", message="Done.",
            released=[record])  # fmt: skip
        supporting = check_upload("id.pdf", PDF_BYTES + b"supporting")
        from foia_portal.requests import services
        from foia_portal.requests.models import Attachment

        name, sha = services.store_file(supporting.content)
        db.session.add(
            Attachment(request=foia_request, kind="supporting", original_filename="id.pdf",
                       stored_name=name, content_type="application/pdf",
                       size_bytes=supporting.size_bytes, sha256=sha)
        )  # fmt: skip
        db.session.commit()
        requests[key] = foia_request
    return requests


def released(foia_request):
    return next(a for a in foia_request.attachments if a.kind == "released")


def supporting(foia_request):
    return next(a for a in foia_request.attachments if a.kind == "supporting")


def refused(response, *statuses: int, typed: str = "") -> None:
    """Refused with one of `statuses`, and nothing private in the answer (but what was typed)."""
    assert response.status_code in statuses, response.status_code
    body = response.get_data(as_text=True)
    response.close()
    for private in PRIVATE:
        if private not in typed:
            assert private not in body, private


def tamper(token: str) -> list[str]:
    """Ways to damage a signed token: flip a signature character, cut it, drop the signature."""
    payload, _, signature = token.rpartition(".")
    # Flip the first character: every one of its bits is used. (The last character of unpadded
    # base64 carries unused bits, so changing it can leave the signature bytes as they were.)
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return [f"{payload}.{flipped}", token[:-3], payload, f"{payload}.", token + "x", "x" * 5000]


def test_the_right_link_opens_the_request_and_its_record(client, world):
    """The positive control: the credentials below are wrong, not the URLs."""
    mine = world["mine"]
    token = status_token(mine)
    assert "Ada" in client.get(f"/foia/status/{token}").get_data(as_text=True)
    download = client.get(f"/foia/status/{token}/records/{released(mine).id}")
    assert download.status_code == 200
    download.close()


def test_tampered_or_foreign_signed_status_links_open_nothing(app, client, world):
    mine = world["mine"]
    token = status_token(mine)
    forged = URLSafeSerializer("another-deployments-secret-key-0123456789", salt=SALT)
    other_salt = URLSafeSerializer(app.config["SECRET_KEY"], salt="another-purpose")
    bad_tokens = [
        *tamper(token),
        forged.dumps([mine.id, mine.status_link_nonce]),
        other_salt.dumps([mine.id, mine.status_link_nonce]),
        forged.dumps([world["theirs"].id, mine.status_link_nonce]),
    ]
    for bad in bad_tokens:
        refused(client.get(f"/foia/status/{bad}"), 404)
        refused(client.get(f"/foia/request/received/{bad}"), 404)
        refused(client.get(f"/foia/status/{bad}/records/{released(mine).id}"), 404)


def test_one_requesters_link_opens_none_of_anothers_records(client, world):
    token = status_token(world["mine"])
    theirs = world["theirs"]
    refused(client.get(f"/foia/status/{token}/records/{released(theirs).id}"), 404)
    refused(client.get(f"/foia/status/{token}/records/{supporting(theirs).id}"), 404)
    # Not even one's own supporting documents: only released records download here.
    refused(client.get(f"/foia/status/{token}/records/{supporting(world['mine']).id}"), 404)
    refused(client.get(f"/foia/status/{token}/records/999999"), 404)


def test_a_link_signed_for_another_request_with_a_stolen_nonce_opens_nothing(app, client, world):
    """Knowing one's own nonce does not help: id and nonce are signed together."""
    mine, theirs = world["mine"], world["theirs"]
    serializer = URLSafeSerializer(app.config["SECRET_KEY"], salt=SALT)
    mixed = serializer.dumps([theirs.id, mine.status_link_nonce])
    refused(client.get(f"/foia/status/{mixed}"), 404)


def test_revoked_links_stop_working_everywhere(client, world):
    mine = world["mine"]
    old = status_token(mine)
    revoke_status_links(mine)
    db.session.commit()

    refused(client.get(f"/foia/status/{old}"), 404)
    refused(client.get(f"/foia/request/received/{old}"), 404)
    refused(client.get(f"/foia/status/{old}/records/{released(mine).id}"), 404)
    new = client.get(f"/foia/status/{status_token(mine)}")
    assert new.status_code == 200


@pytest.mark.parametrize(
    ("number_of", "email"),
    [
        ("mine", "bob@example.com"),  # someone else's email
        ("mine", "ada@example.org"),  # nearly right
        ("mine", "ADA@example.com "),  # case and spaces are forgiven (below: 200)
        ("theirs", "ada@example.com"),
        ("mine", "' OR '1'='1"),
        ("mine", "%"),
        ("mine", "*"),
    ],
)
def test_lookups_by_number_and_email_need_the_requesters_own_pair(client, world, number_of, email):
    number = world[number_of].tracking_number
    page = client.post("/foia/status", data={"tracking_number": number, "email": email})
    api = client.get(f"/api/v1/requests/{number}", query_string={"email": email})
    if (number_of, email.strip().lower()) == ("mine", "ada@example.com"):
        assert page.status_code == 303 and api.status_code == 200
        return
    refused(page, 404, 422, typed=email)
    refused(api, 404, 422)


def test_staff_urls_need_a_signed_in_member_of_staff(app, client, world):
    mine = world["mine"]
    number = mine.tracking_number
    urls = [
        f"/staff/requests/{number}",
        f"/staff/requests/{number}/attachments/{supporting(mine).id}",
        f"/staff/requests/{number}/attachments/{released(mine).id}",
        "/staff/?status=all",
        "/staff/queue.csv?status=all",
        "/staff/audit",
        "/staff/outbox",
    ]
    forged_session = URLSafeSerializer("not-our-key-0123456789abcdef", salt="cookie-session")
    for url in urls:
        refused(client.get(url), 302, 401)
        assert "/staff/login" in client.get(url).headers.get("Location", "")
    # A session cookie signed with another key is no session at all.
    client.set_cookie("session", forged_session.dumps({"_user_id": "1:x", "_fresh": True}))
    for url in urls:
        refused(client.get(url), 302, 401)


def test_staff_attachment_urls_are_bound_to_their_request(client, world, officer):
    login(client, officer)
    mine, theirs = world["mine"], world["theirs"]
    url = f"/staff/requests/{mine.tracking_number}/attachments/{supporting(theirs).id}"
    refused(client.get(url), 404)
    refused(client.get(f"/staff/requests/{mine.tracking_number}/attachments/999999"), 404)
    refused(client.get("/staff/requests/COPS-1999-999999"), 404)


def test_officers_get_403_on_administrator_pages(client, world, officer):
    login(client, officer)
    for url in ("/staff/audit", "/staff/users"):
        refused(client.get(url), 403)


@pytest.fixture
def tokens(app, officer, make_user):
    live = accounts.issue_api_token(officer)
    revoked_user = make_user("revoked@cops.example.gov")
    revoked = accounts.issue_api_token(revoked_user)
    accounts.revoke_tokens(revoked_user)
    gone_user = make_user("gone@cops.example.gov")
    gone = accounts.issue_api_token(gone_user)
    gone_user.active = False
    db.session.commit()
    return {"live": live, "revoked": revoked, "deactivated": gone}


def test_the_staff_api_refuses_every_credential_but_a_live_token(client, world, tokens, officer):
    number = world["mine"].tracking_number
    calls = [
        ("GET", "/api/v1/staff/requests?status=all", None),
        ("GET", f"/api/v1/staff/requests/{number}", None),
        ("POST", f"/api/v1/staff/requests/{number}/actions", {"action": "note", "text": "x"}),
    ]
    bad = [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer foia_" + "A" * 43},
        {"Authorization": f"Bearer {tokens['revoked']}"},
        {"Authorization": f"Bearer {tokens['deactivated']}"},
        {"Authorization": f"Basic {tokens['live']}"},
        {"Authorization": f"Bearer {tokens['live'][:-1]}"},
        {"Authorization": f"Bearer {tokens['live']}x"},
        {"Authorization": "Bearer ' OR 1=1 --"},
    ]
    for method, url, body in calls:
        for headers in bad:
            refused(client.open(url, method=method, headers=headers, json=body), 401)
        good = client.open(
            url, method=method, headers={"Authorization": f"Bearer {tokens['live']}"}, json=body
        )
        assert good.status_code in (200, 409), (url, good.status_code)


def test_a_signed_in_browser_session_is_not_a_staff_api_credential(client, world, officer):
    """The API has no CSRF protection because it takes no cookies: a session must not count."""
    login(client, officer)
    number = world["mine"].tracking_number
    refused(client.get(f"/api/v1/staff/requests/{number}"), 401)
    refused(
        client.post(
            f"/api/v1/staff/requests/{number}/actions", json={"action": "note", "text": "x"}
        ),
        401,
    )
