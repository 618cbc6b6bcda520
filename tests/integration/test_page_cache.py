"""Whole public pages are served from the cache (Flask-Caching), and never once their data has
changed: per process by default, shared by every process through Redis when configured."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.helpers import counted_statements


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
    assert second.get_data() == first.get_data()
    for header in ("Content-Type", "X-Content-Type-Options", "Content-Security-Policy"):
        assert header in second.headers
    assert "Set-Cookie" not in second.headers


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
    from foia_portal.platform.content_version import FAQ, content_version

    before = content_version(FAQ)
    response = client.post(
        "/faq/how-do-i-appeal-a-decision/helpful",
        data={"helpful": "yes"},
        headers={"Origin": "http://localhost"},
    )
    assert response.status_code == 303 and "voted=yes" in response.headers["Location"]
    assert content_version(FAQ) == before


def test_the_version_moves_in_the_same_transaction_as_the_edit(app, small_faq):
    from foia_portal.extensions import db
    from foia_portal.faq import services
    from foia_portal.platform.content_version import FAQ, content_version

    before = content_version(FAQ)
    services.update_faq(services.get_published("how-do-i-appeal-a-decision"), question="Appeal?")
    db.session.rollback()
    assert content_version(FAQ) == before
    services.update_faq(services.get_published("how-do-i-appeal-a-decision"), question="Appeal?")
    db.session.commit()
    assert content_version(FAQ) == before + 1


def test_only_the_apps_session_moves_the_version(app, small_faq):
    """The hook listens on `db.session`; a session of its own (a script's) manages itself."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from foia_portal.extensions import db
    from foia_portal.faq.models import Faq
    from foia_portal.platform.content_version import FAQ, content_version

    before = content_version(FAQ)
    slug = "how-do-i-appeal-a-decision"
    with Session(db.engine) as own:
        own.scalars(sa.select(Faq).where(Faq.slug == slug)).one().question = "Appeal, own?"
        own.commit()
    assert content_version(FAQ) == before
    db.session.scalars(sa.select(Faq).where(Faq.slug == slug)).one().question = "Appeal?"
    db.session.commit()
    assert content_version(FAQ) == before + 1


def test_a_cached_public_page_is_the_same_for_every_visitor(app, small_faq, make_request):
    """Nothing made per visitor (a form token, a script nonce) is in a page kept for everyone."""
    foia_request = make_request()
    paths = ["/", "/foia", "/faq", "/faq/how-do-i-appeal-a-decision", "/faq/search?q=appeal",
             status_path(foia_request)]  # fmt: skip
    for path in paths:
        first = app.test_client().get(path)
        second = app.test_client().get(path)
        assert first.status_code == second.status_code == 200, path
        assert first.get_data() == second.get_data(), path
        page = first.get_data(as_text=True)
        assert "csrf_token" not in page and "nonce" not in page, path
        assert "Set-Cookie" not in first.headers and "Set-Cookie" not in second.headers, path


def status_path(foia_request) -> str:
    from flask import current_app

    from foia_portal.requests.status_links import status_url

    with current_app.test_request_context("/"):
        return status_url(foia_request)


def test_the_status_page_is_served_from_memory_until_the_request_changes(
    client, make_request, officer
):
    from foia_portal.extensions import db
    from foia_portal.requests.models import FoiaRequest
    from foia_portal.staff.services import perform_action

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
    from foia_portal.requests.models import FoiaRequest
    from foia_portal.requests.status_links import revoke_status_links

    foia_request = make_request()
    path = status_path(foia_request)
    assert client.get(path).status_code == 200
    revoke_status_links(db.session.get(FoiaRequest, foia_request.id))
    db.session.commit()
    db.session.remove()
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("config_overrides", [{"CACHE_THRESHOLD": 4, "CACHE_SEARCH_THRESHOLD": 2}])
def test_a_run_of_new_searches_leaves_the_other_pages_cached(client, small_faq):
    from foia_portal.extensions import db

    article = "/faq/how-do-i-appeal-a-decision"
    assert client.get(article).status_code == 200
    for number in range(10):  # more queries than either cache holds, each asked once
        assert client.get(f"/faq/search?q=appeal+{number}").status_code == 200
    db.session.remove()
    with counted_statements() as statements:
        assert client.get(article).status_code == 200
    assert len(statements) == 1  # only the version read: the article was not pushed out
    first, second, statements = get_twice(client, "/faq/search?q=fees")
    assert second.get_data() == first.get_data()
    # Search pages are cached too, in a cache of their own: the version read is all the page
    # costs, beside counting the search for the editors' insights (faq/insights.py).
    page_work = [
        s for s in statements
        if "faq_query_day" not in s and not s.startswith(("PRAGMA synchronous", "SET LOCAL"))
    ]  # fmt: skip
    assert len(page_work) == 1, statements


def test_the_cache_can_be_turned_off(app, client, small_faq):
    app.config["PAGE_CACHE_ENABLED"] = False
    _, second, statements = get_twice(client, "/faq/how-do-i-appeal-a-decision")
    assert second.status_code == 200
    assert len(statements) > 1  # rendered again: the article and its related questions read


def test_each_request_form_gets_its_own_token_and_each_token_files_once(
    app, client, valid_request_fields
):
    import sqlalchemy as sa

    from foia_portal.extensions import db
    from tests.helpers import form_token

    def submit(token):
        return client.post("/foia/request", data={**valid_request_fields, "form_token": token})

    pages = [client.get("/foia/request") for _ in range(3)]
    tokens = [form_token(page.get_data(as_text=True)) for page in pages]
    assert len(set(tokens)) == 3
    for page in pages:
        assert "Set-Cookie" not in page.headers
    for token in tokens:
        assert submit(token).status_code == 303
    assert submit(tokens[0]).status_code == 303
    assert db.session.scalar(sa.text("SELECT count(*) FROM foia_request")) == 3


# -- several processes sharing one cache in Redis ---------------------------------------------------


@pytest.fixture
def redis_url():
    import redis

    from tests.conftest import skip_or_fail

    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as error:
        skip_or_fail("Redis half", f"no server at 127.0.0.1:6379 ({error})")
    return url


def test_processes_sharing_redis_serve_each_others_pages_and_see_a_change_at_once(
    app, database_url, tmp_path, small_faq, redis_url
):
    import secrets

    from foia_portal import create_app
    from foia_portal.extensions import cache, db
    from foia_portal.faq import services
    from tests.conftest import make_test_config

    prefix = f"foia-test-{secrets.token_hex(4)}:"  # this test's own keys
    shared = {"CACHE_REDIS_URL": redis_url, "CACHE_TYPE": "RedisCache", "CACHE_KEY_PREFIX": prefix}
    first, second = (
        create_app(make_test_config(database_url, tmp_path / "uploads", **shared)) for _ in range(2)
    )
    path = "/faq/how-do-i-appeal-a-decision"

    def page_from(worker) -> tuple[str, list[str]]:
        # Each in a thread of its own, as two servers: neither shares the test's app context.
        def fetch():
            with worker.app_context(), counted_statements() as statements:
                page = worker.test_client().get(path).get_data(as_text=True)
            return page, statements

        with ThreadPoolExecutor(1) as pool:
            return pool.submit(fetch).result()

    try:
        rendered, _ = page_from(first)
        served, statements = page_from(second)
        assert served == rendered
        assert len(statements) == 1  # the version read: the first one's render was served

        faq = services.get_published("how-do-i-appeal-a-decision")
        services.update_faq(faq, answer="Shared news.")
        db.session.commit()
        db.session.remove()
        assert "Shared news." in page_from(second)[0]
        assert "Shared news." in page_from(first)[0]
    finally:
        for worker in (first, second):
            with worker.app_context():
                cache.clear()  # this test's keys (its own prefix)
                db.engine.dispose()


# -- each staff member sees their own queue page ----------------------------------------------------


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
    for _ in range(2):
        olive_page = page_for(olive_client)
        oscar_page = page_for(oscar_client)
        assert "Signed in as <strong>Olive Officer</strong>" in olive_page
        assert "Signed in as <strong>Oscar Other</strong>" in oscar_page
        assert "Oscar Other</strong>" not in olive_page


def test_the_queue_page_shows_a_message_waiting_to_be_shown_once(
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


def test_the_sign_out_form_on_a_queue_page_seen_twice_works(app, client, make_request, officer):
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
        shown_token = token_on("/staff/")
        signed_out = client.post("/staff/logout", data={"csrf_token": shown_token}).status_code
        return signed_out, client.get("/staff/").status_code

    # Outside the test's app context, as under a server (Flask-WTF keeps its token in `g`).
    # Twice: the second sign-in is a new session, with a CSRF secret of its own.
    for _ in range(2):
        with ThreadPoolExecutor(1) as pool:
            assert pool.submit(sign_in_look_twice_sign_out).result() == (303, 302)
