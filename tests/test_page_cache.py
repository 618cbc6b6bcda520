"""Rendered public pages are served from memory, and never once their data has changed."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from foia_portal.core.page_cache import LruCache
from tests.helpers import counted_statements

NONCE = re.compile(r'nonce="([^"]+)"')


def test_the_cache_forgets_the_least_recently_used_beyond_its_size():
    cache = LruCache(max_bytes=100)
    cache.put("a", "A", 40)
    cache.put("b", "B", 40)
    assert cache.get("a") == "A"  # "b" is now the least recently used
    cache.put("c", "C", 40)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == ("A", None, "C")
    assert cache.size == 80
    cache.put("huge", "H", 101)  # larger than the whole cache: not kept, nothing evicted
    assert cache.get("huge") is None and len(cache) == 2
    cache.put("a", "A2", 10)  # replacing an entry counts its new size only
    assert cache.size == 50 and cache.get("a") == "A2"


def get_twice(client, path: str):
    """The page rendered, then the same page again, with the statements the second one sent."""
    from foia_portal.extensions import db

    first = client.get(path)
    db.session.remove()
    with counted_statements() as statements:
        second = client.get(path)
    db.session.remove()
    return first, second, statements


def test_a_faq_article_is_rendered_once_and_then_served_with_one_cheap_read(client, small_faq):
    first, second, statements = get_twice(client, "/faq/how-do-i-appeal-a-decision")
    assert first.status_code == second.status_code == 200
    assert len(statements) == 1 and "content_version" in statements[0]
    assert second.get_data(as_text=True).replace(nonce_of(second), "N") == first.get_data(
        as_text=True
    ).replace(nonce_of(first), "N")
    for header in ("Content-Type", "X-Content-Type-Options", "Content-Security-Policy"):
        assert header in second.headers
    assert "Set-Cookie" not in second.headers


def nonce_of(response) -> str:
    nonces = set(NONCE.findall(response.get_data(as_text=True)))
    assert len(nonces) == 1, nonces
    return nonces.pop()


def test_every_cached_response_has_its_own_csp_nonce_matching_its_header(client, small_faq):
    responses = [client.get("/faq/how-do-i-appeal-a-decision") for _ in range(3)]
    nonces = [nonce_of(response) for response in responses]
    assert len(set(nonces)) == 3
    for response, nonce in zip(responses, nonces, strict=True):
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]


def test_an_edited_answer_shows_at_once(app, client, small_faq):
    from foia_portal.extensions import db
    from foia_portal.faq import services

    path = "/faq/how-do-i-appeal-a-decision"
    assert "Brand-new appeal advice" not in client.get(path).get_data(as_text=True)
    assert client.get("/faq/search?q=appeal").status_code == 200
    faq = services.get_published("how-do-i-appeal-a-decision")
    services.update_faq(faq, answer="Brand-new appeal advice, *quoted* in the test.")
    db.session.commit()
    db.session.remove()

    assert "Brand-new appeal advice" in client.get(path).get_data(as_text=True)
    assert "Brand-new" in client.get("/faq/search?q=appeal").get_data(as_text=True)


def test_unpublished_and_new_articles_show_at_once_in_the_list_and_search(client, small_faq):
    from foia_portal.extensions import db
    from foia_portal.faq import services

    path = "/faq/how-do-i-appeal-a-decision"
    assert client.get(path).status_code == 200
    before_index = client.get("/faq").get_data(as_text=True)
    assert "Can a zebra file a request" not in before_index
    assert "can-a-zebra" not in client.get("/faq/search?q=zebra").get_data(as_text=True)
    services.set_published(services.get_published("how-do-i-appeal-a-decision"), False)
    services.create_faq(
        category="Filing a request", question="Can a zebra file a request?", answer="Yes."
    )
    db.session.commit()
    db.session.remove()

    assert client.get(path).status_code == 404
    index = client.get("/faq").get_data(as_text=True)
    assert "Can a zebra file a request" in index
    assert "/faq/can-a-zebra-file-a-request" in client.get("/faq/search?q=zebra").get_data(
        as_text=True
    )


def test_a_vote_does_not_throw_the_rendered_pages_away(client, small_faq):
    from foia_portal.core.content_version import FAQ, content_version

    before = content_version(FAQ)
    response = client.post(
        "/faq/how-do-i-appeal-a-decision/helpful",
        data={"helpful": "yes"},
        headers={"Origin": "http://localhost"},
    )
    assert response.status_code == 303 and "voted=yes" in response.headers["Location"]
    assert content_version(FAQ) == before


def test_the_version_moves_in_the_same_transaction_as_the_edit(app, small_faq):
    from foia_portal.core.content_version import FAQ, content_version
    from foia_portal.extensions import db
    from foia_portal.faq import services

    before = content_version(FAQ)
    services.update_faq(services.get_published("how-do-i-appeal-a-decision"), question="Appeal?")
    db.session.rollback()
    assert content_version(FAQ) == before
    services.update_faq(services.get_published("how-do-i-appeal-a-decision"), question="Appeal?")
    db.session.commit()
    assert content_version(FAQ) == before + 1


@pytest.fixture
def config_overrides():
    return {"PAGE_CACHE_MAX_BYTES": 4 * 1024 * 1024}


def status_path(foia_request) -> str:
    from flask import current_app

    from foia_portal.requests.links import status_url

    with current_app.test_request_context("/"):
        return status_url(foia_request)


def test_the_status_page_is_served_from_memory_until_the_request_changes(
    client, make_request, officer
):
    from foia_portal.extensions import db
    from foia_portal.requests.models import FoiaRequest
    from foia_portal.staff.workflow import perform_action

    foia_request = make_request()
    path = status_path(foia_request)
    first, second, statements = get_twice(client, path)
    assert first.status_code == second.status_code == 200
    assert len(statements) == 1
    assert second.headers["Cache-Control"] == "private, no-store"
    assert second.headers["X-Robots-Tag"] == "noindex, nofollow"

    foia_request = db.session.get(FoiaRequest, foia_request.id)
    officer = db.session.merge(officer)
    perform_action(foia_request, "acknowledge", officer, {"track": "simple"})
    db.session.commit()
    db.session.remove()
    page = client.get(path).get_data(as_text=True)
    assert "acknowledged" in page.lower()
    assert page != second.get_data(as_text=True)


def test_an_event_added_without_touching_the_request_shows_too(client, make_request):
    from foia_portal.extensions import db
    from foia_portal.requests.models import FoiaRequest
    from foia_portal.requests.services import record_event

    foia_request = make_request()
    path = status_path(foia_request)
    client.get(path)
    # A public event recorded straight on the timeline, as the mail worker records its events:
    # the request row (and its version) stay as they were.
    foia_request = db.session.get(FoiaRequest, foia_request.id)
    version = foia_request.version
    record_event(foia_request, "records_released", public=True, message="Unique public words.")
    db.session.commit()
    assert db.session.get(FoiaRequest, foia_request.id).version == version
    db.session.remove()
    assert "Unique public words." in client.get(path).get_data(as_text=True)


def test_a_revoked_link_stops_working_even_when_its_page_was_cached(client, make_request, officer):
    from foia_portal.extensions import db
    from foia_portal.requests.links import revoke_status_links
    from foia_portal.requests.models import FoiaRequest

    foia_request = make_request()
    path = status_path(foia_request)
    assert client.get(path).status_code == 200
    revoke_status_links(db.session.get(FoiaRequest, foia_request.id))
    db.session.commit()
    db.session.remove()
    assert client.get(path).status_code == 404


def test_the_cache_can_be_turned_off(app, client, small_faq):
    from foia_portal.core.page_cache import page_cache

    app.config["PAGE_CACHE_ENABLED"] = False
    client.get("/faq/how-do-i-appeal-a-decision")
    assert len(page_cache()) == 0


@pytest.mark.parametrize("cache_on", [True, False])
def test_the_request_form_is_rendered_once_and_each_answer_gets_its_own_token(
    app, client, valid_request_fields, cache_on
):
    import sqlalchemy as sa
    from flask import template_rendered

    from foia_portal.extensions import db
    from foia_portal.requests import routes
    from tests.helpers import form_token

    def submit(token):
        return client.post("/foia/request", data={**valid_request_fields, "form_token": token})

    app.config["PAGE_CACHE_ENABLED"] = cache_on
    rendered = []

    def record(sender, template, context, **extra):
        rendered.append(template.name)

    with template_rendered.connected_to(record, app):
        pages = [client.get("/foia/request") for _ in range(3)]
    assert rendered.count("requests/new.html") == (1 if cache_on else 3)
    tokens = [form_token(page.get_data(as_text=True)) for page in pages]
    assert len(set(tokens)) == 3
    for page, token in zip(pages, tokens, strict=True):
        body = page.get_data(as_text=True)
        assert routes._FORM_TOKEN_PLACEHOLDER not in body
        assert body.count(token) == 1
        assert f"'nonce-{nonce_of(page)}'" in page.headers["Content-Security-Policy"]
        assert "Set-Cookie" not in page.headers
    # Each token files once; the page's other fields are the same form everyone gets.
    for token in tokens:
        assert submit(token).status_code == 303
    assert submit(tokens[0]).status_code == 303
    assert db.session.scalar(sa.text("SELECT count(*) FROM foia_request")) == 3


# -- the staff queue keeps whole pages per user and session ---------------------------------------


def test_each_staff_member_gets_their_own_queue_page(app, make_request, make_user):
    from tests.fixtures.staff import OFFICER_PASSWORD

    make_request()
    olive = make_user("olive@cops.example.gov", "Olive Officer")
    oscar = make_user("oscar@cops.example.gov", "Oscar Other")
    olive_client, oscar_client = app.test_client(), app.test_client()

    def page_for(client):
        # In a thread of its own, as under a server: the test's app context (and the signed-in
        # user Flask-Login keeps in its `g`) is not shared between the two clients' requests.
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(lambda: client.get("/staff/").get_data(as_text=True)).result()

    for client, email in ((olive_client, olive.email), (oscar_client, oscar.email)):
        with ThreadPoolExecutor(1) as pool:
            credentials = {"email": email, "password": OFFICER_PASSWORD}
            pool.submit(client.post, "/staff/login", data=credentials).result()
    for _ in range(2):  # the second round is served from the kept pages
        olive_page = page_for(olive_client)
        oscar_page = page_for(oscar_client)
        assert "Signed in as <strong>Olive Officer</strong>" in olive_page
        assert "Signed in as <strong>Oscar Other</strong>" in oscar_page
        assert "Oscar Other</strong>" not in olive_page


def test_a_kept_queue_page_is_not_served_over_a_message_waiting_to_be_shown(
    app, client, make_request, officer
):
    from tests.fixtures.staff import login

    make_request()
    login(client, officer)
    client.get("/staff/")
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "A message the officer must see once.")]
    assert "A message the officer must see once." in client.get("/staff/").get_data(as_text=True)
    assert "A message the officer must see once." not in client.get("/staff/").get_data(
        as_text=True
    )


def test_the_sign_out_form_on_a_kept_queue_page_still_works(app, client, make_request, officer):
    from tests.fixtures.staff import OFFICER_PASSWORD

    app.config["WTF_CSRF_ENABLED"] = True
    make_request()
    email = officer.email

    def token_on(path: str) -> str:
        page = client.get(path).get_data(as_text=True)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    def sign_in_look_twice_sign_out() -> tuple[int, int]:
        token = token_on("/staff/login")
        credentials = {"email": email, "password": OFFICER_PASSWORD, "csrf_token": token}
        client.post("/staff/login", data=credentials)
        client.get("/staff/")
        client.get("/staff/")
        kept_token = token_on("/staff/")  # served from the kept pages by now
        signed_out = client.post("/staff/logout", data={"csrf_token": kept_token}).status_code
        return signed_out, client.get("/staff/").status_code

    # Outside the test's app context, as under a server (Flask-WTF keeps its token in `g`).
    # Twice: the second sign-in is a new session, with a CSRF secret of its own, while nothing
    # else changed, so it must not be handed the first session's kept page.
    for _ in range(2):
        with ThreadPoolExecutor(1) as pool:
            assert pool.submit(sign_in_look_twice_sign_out).result() == (303, 302)


def test_every_change_to_request_data_moves_a_commit_ordered_counter_in_its_transaction(
    app, make_request, officer
):
    """What the staff queue's data version reads: the change counter, and the count of requests
    filed (the tracking-number counters) for new requests, both locked from their move to the
    commit. max(request_event.id) alone would not follow commit order (core/content_version.py)."""
    from foia_portal.core.content_version import REQUESTS, content_version
    from foia_portal.extensions import db
    from foia_portal.requests.models import FoiaRequest
    from foia_portal.requests.services import record_event
    from foia_portal.staff.queue import data_version
    from foia_portal.staff.workflow import perform_action

    def moved(change) -> int:
        before = content_version(REQUESTS)
        change()
        db.session.commit()
        return content_version(REQUESTS) - before

    # Intake's flush moves the change counter, and its tracking number the count of requests filed.
    before = data_version()
    foia_request = make_request()
    after = data_version()
    assert (after.changes, after.filed) == (before.changes + 1, before.filed + 1)
    foia_request = db.session.get(FoiaRequest, foia_request.id)
    actor = db.session.merge(officer)
    assert moved(lambda: perform_action(foia_request, "acknowledge", actor, {"track": "simple"}))
    # An event alone (as the mail worker records a failed email) moves it too.
    assert moved(lambda: record_event(foia_request, "email_failed", public=False))
    # A change that is rolled back leaves both where they were.
    before = data_version()
    record_event(foia_request, "note", public=False, message="never committed")
    db.session.flush()
    db.session.rollback()
    assert data_version() == before
