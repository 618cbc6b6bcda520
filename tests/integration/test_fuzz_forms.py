"""Fuzzing every form and JSON body with hypothesis: any input gets a considered answer — never a
500 — and every refusal names the field at fault (HTML: an error summary whose every link points
to a field on the page, and the message at that field; JSON: `{"errors": {field: [messages]}}`).

The OpenAPI document is fuzzed with schemathesis in tests/integration/test_api_openapi.py
(`test_the_api_answers_as_its_document_says`, positive and negative modes over every
operation); not repeated here.
"""

from __future__ import annotations

import json
import re
import urllib.parse

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foia_portal.auth import services as accounts
from foia_portal.core.vocabulary import FeeCategory
from foia_portal.extensions import db
from foia_portal.requests.forms import JSON_FIELDS, REQUEST_FIELDS
from foia_portal.staff.forms import ACTION_FORMS
from tests.fixtures.adversarial import XSS_PAYLOADS

FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)

# Text people and programs send: anything printable, control characters, very long strings,
# numbers written oddly, hostile payloads, and the valid values.
nasty_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=0, max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\r\n",
            "0",
            "-1",
            "1e309",
            "NaN",
            "2024-02-30",
            "9999-12-31",
            "true",
            "null",
            "x" * 10_001,
            *XSS_PAYLOADS,
        ]  # fmt: skip
    ),
)


def valid_or_nasty(valid: str) -> st.SearchStrategy[str]:
    return st.one_of(st.just(valid), nasty_text)


def form_fields(valid: dict) -> st.SearchStrategy[dict]:
    """Each request field: its valid value, something nasty, or missing."""
    fields = {
        name: st.one_of(valid_or_nasty(str(valid.get(name, ""))), st.none())
        for name in REQUEST_FIELDS
    }
    fields["fee_category"] = st.one_of(st.sampled_from([c.value for c in FeeCategory]), nasty_text)
    fields["expedited_certified"] = st.one_of(st.none(), st.sampled_from(["y", "", "no"]))
    return st.fixed_dictionaries(fields).map(
        lambda d: {k: v for k, v in d.items() if v is not None}
    )


def assert_field_level_errors(page: str) -> None:
    """A 422 page: a summary of messages, each linked to a field that shows its own message."""
    assert 'id="error-summary"' in page
    summary = page.split('id="error-summary"', 1)[1].split("</div>", 2)[0]
    targets = re.findall(r'href="#([^"]+)"', summary)
    general = re.findall(r"<li>(?!<a)", summary)
    assert targets or general, "an empty error summary"
    for target in targets:
        assert f'id="{target}"' in page, f"the summary links to #{target}, not on the page"
    assert "usa-error-message" in page or general


def no_server_error(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:3000]


def test_the_request_form_answers_anything_with_a_filing_or_field_messages(
    app, valid_request_fields
):
    client = app.test_client()

    @FUZZ
    @given(fields=form_fields(valid_request_fields))
    def submit(fields):
        response = client.post("/foia/request", data=fields)
        no_server_error(response)
        assert response.status_code in (303, 422), response.status_code
        if response.status_code == 422:
            assert_field_level_errors(response.get_data(as_text=True))
        db.session.rollback()

    submit()


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False),
        nasty_text,
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)


def json_bodies(valid: dict) -> st.SearchStrategy:
    known = st.fixed_dictionaries(
        {},
        optional={name: st.one_of(st.just(valid.get(name)), json_values) for name in JSON_FIELDS},
    )
    extra = st.dictionaries(st.text(min_size=1, max_size=12), json_values, max_size=2)
    return st.one_of(
        st.builds(lambda a, b: {**b, **a}, known, extra),
        json_values,  # not even an object
    )


def assert_json_field_errors(body: dict, allowed: set[str]) -> None:
    assert set(body) == {"error", "errors"}, body
    assert body["errors"], "no field named"
    for field, messages in body["errors"].items():
        # A known field, "_body" for a body that is not an object, or the unknown key itself.
        assert field in allowed or field == "_body" or field, field
        assert messages and all(isinstance(m, str) and m.strip() for m in messages), messages


def test_the_request_api_answers_any_json_with_201_or_field_messages(app, valid_request_fields):
    client = app.test_client()

    @FUZZ
    @given(body=json_bodies(valid_request_fields))
    def post(body):
        response = client.post(
            "/api/v1/requests", data=json.dumps(body), content_type="application/json"
        )
        no_server_error(response)
        assert response.status_code in (201, 422), response.status_code
        if response.status_code == 422:
            # An unknown key the client sent (even "") is named as it was sent.
            sent = set(body) if isinstance(body, dict) else set()
            assert_json_field_errors(response.get_json(), set(JSON_FIELDS) | sent)
        db.session.rollback()

    post()


def test_the_status_lookup_answers_any_pair_without_an_error(app, file_request):
    number = file_request().tracking_number
    client = app.test_client()

    @FUZZ
    @given(tracking_number=valid_or_nasty(number), email=valid_or_nasty("ada@example.com"))
    def look_up(tracking_number, email):
        response = client.post(
            "/foia/status", data={"tracking_number": tracking_number, "email": email}
        )
        no_server_error(response)
        assert response.status_code in (303, 404, 422)
        if response.status_code == 422:
            assert_field_level_errors(response.get_data(as_text=True))
        if tracking_number.strip("/. "):
            path = urllib.parse.quote(tracking_number, safe="")
            api = client.get(f"/api/v1/requests/{path}", query_string={"email": email})
            no_server_error(api)
        db.session.rollback()

    look_up()


def test_staff_actions_over_the_api_answer_any_body_without_an_error(app, officer, make_request):
    foia_request = make_request()
    number = foia_request.tracking_number
    token = accounts.issue_api_token(officer)
    db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    action_bodies = st.builds(
        lambda action, values: {"action": action, **values},
        st.one_of(st.sampled_from(sorted(ACTION_FORMS)), nasty_text),
        st.dictionaries(
            st.sampled_from(
                [
                    "track",
                    "assignee",
                    "text",
                    "message",
                    "reason",
                    "disposition",
                    "exemptions",
                    "estimated_completion_date",
                    "answered_on",
                    "decision",
                    "version",
                    "x",
                ]
            ),  # fmt: skip
            json_values,
            max_size=4,
        ),
    )

    @FUZZ
    @given(body=st.one_of(action_bodies, json_values))
    def act(body):
        response = client.post(
            f"/api/v1/staff/requests/{number}/actions",
            data=json.dumps(body),
            content_type="application/json",
            headers=headers,
        )
        no_server_error(response)
        assert response.status_code in (200, 403, 409, 422), response.status_code
        if response.status_code == 422:
            assert_json_field_errors(response.get_json(), {"action", "body", "version"})
        db.session.rollback()

    act()


def test_staff_forms_answer_anything_with_field_messages(app, officer, make_request):
    from tests.fixtures.staff import login

    foia_request = make_request()
    client = app.test_client()
    login(client, officer)
    queue_params = ["status", "track", "assignee", "overdue", "due_within", "received_from",
                    "received_to", "q", "sort", "after", "before", "per_page"]  # fmt: skip

    @FUZZ
    @given(
        params=st.dictionaries(st.sampled_from(queue_params), nasty_text, max_size=4),
        note=nasty_text,
    )
    def use(params, note):
        queue = client.get("/staff/", query_string=params)
        no_server_error(queue)
        assert queue.status_code in (200, 422)
        action = client.post(
            f"/staff/requests/{foia_request.tracking_number}/actions/note",
            data={"text": note},
        )
        no_server_error(action)
        assert action.status_code in (303, 409, 422)
        if action.status_code == 422:
            page = action.get_data(as_text=True)
            assert "usa-error-message" in page or 'id="error-summary"' in page
        db.session.rollback()

    use()
    # Notes that were accepted are on the timeline (the fuzzing did real work).
    from foia_portal.requests.models import RequestEvent

    assert db.session.scalar(
        sa.select(sa.func.count()).select_from(RequestEvent).where(RequestEvent.kind == "note")
    )
