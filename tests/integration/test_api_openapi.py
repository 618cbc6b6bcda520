"""The OpenAPI document: generated from the forms, served, readable, and true (schemathesis)."""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    Form,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from foia_portal.api.form_schema import field_schema, form_schema
from foia_portal.core.vocabulary import FeeCategory, Role
from foia_portal.extensions import db
from foia_portal.platform.text import WHITESPACE
from foia_portal.requests.forms import DESCRIPTION_MAX, DESCRIPTION_MIN, JSON_FIELDS

PORTAL_SECRET = "openapi-test-portal-secret"


@pytest.fixture
def config_overrides():
    return {"FOIA_PORTAL_SECRET": PORTAL_SECRET}


def document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


# --- the generator ---------------------------------------------------------------------------


class SampleForm(Form):
    name = StringField(validators=[DataRequired(), Length(max=12)])
    note = TextAreaField(validators=[Optional(), Length(min=3, max=40)])
    email = EmailField(validators=[InputRequired()])
    choice = RadioField(
        choices=[SelectChoice("a"), SelectChoice("b")], validators=[InputRequired()]
    )
    flag = BooleanField()
    amount = DecimalField(validators=[Optional(), NumberRange(min=0, max=100)])
    count = IntegerField(validators=[Optional(), NumberRange(min=1, max=9)])
    day = DateField(validators=[Optional()])
    tags = SelectMultipleField(
        choices=[SelectChoice("x"), SelectChoice("y")], validators=[Optional()]
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "name",
            {
                "type": "string",
                "maxLength": 12,
                "minLength": 1,
                "pattern": f"^[\\s\\S]*[^{WHITESPACE}][\\s\\S]*$",
            },
        ),
        ("note", {"type": ["string", "null"], "minLength": 3, "maxLength": 40}),
        ("email", {"type": "string", "format": "email", "minLength": 1}),
        ("choice", {"type": "string", "enum": ["a", "b"]}),
        ("flag", {"type": ["boolean", "null"]}),
        # "" is "not given" to a date, a number or a choice, as null is.
        (
            "count",
            {
                "anyOf": [
                    {"type": "integer", "minimum": 1, "maximum": 9},
                    {"const": ""},
                    {"type": "null"},
                ]
            },
        ),
        ("day", {"anyOf": [{"type": "string", "format": "date"}, {"const": ""}, {"type": "null"}]}),
        ("tags", {"type": ["array", "null"], "items": {"type": "string", "enum": ["x", "y"]}}),
    ],
)
def test_each_field_type_becomes_its_json_schema(name, expected):
    schema = field_schema(SampleForm()[name])
    for key, value in expected.items():
        assert schema[key] == value, key


def test_a_decimal_field_takes_a_number_or_a_numeric_string():
    schema = field_schema(SampleForm()["amount"])
    number, text, blank, null = schema["anyOf"]
    assert blank == {"const": ""}
    assert number == {"type": "number", "minimum": 0, "maximum": 100}
    assert text["type"] == "string" and re.match(text["pattern"], "12.50")
    assert null == {"type": "null"}


def test_required_fields_come_from_the_validators(app):
    schema = form_schema(SampleForm)
    assert schema["required"] == ["name", "email", "choice"]
    assert schema["additionalProperties"] is False


def test_the_request_body_schema_is_the_request_forms_rules(client):
    schema = document(client)["components"]["schemas"]["RequestFields"]

    assert set(schema["properties"]) == set(JSON_FIELDS)
    assert set(schema["required"]) == {
        "first_name", "last_name", "email", "description", "fee_category",
    }  # fmt: skip
    # Lengths count after trimming, so the pattern states them (minLength would count spaces).
    description = re.compile(schema["properties"]["description"]["pattern"])
    assert description.search("x" * DESCRIPTION_MIN)
    assert description.search("x" * DESCRIPTION_MAX)
    assert description.search("  " + "x" * DESCRIPTION_MAX + "\n ")
    assert not description.search("   " + "x" * (DESCRIPTION_MIN - 1) + "   ")
    assert not description.search("x" * (DESCRIPTION_MAX + 1))
    assert not description.search("x" * DESCRIPTION_MIN + "\x07" + "x")
    assert description.search("line one\nline two\tand more")
    first_name = re.compile(schema["properties"]["first_name"]["pattern"])
    assert first_name.search(" Ada ") and not first_name.search("\r")
    assert not first_name.search("A\nda") and not first_name.search("   ")
    assert schema["properties"]["fee_category"]["enum"] == [c.value for c in FeeCategory]
    assert schema["properties"]["fee_waiver_reason"]["x-required-when"] == "fee_waiver"
    assert schema["properties"]["expedited_reason"]["x-required-when"] == "expedited"


def test_the_staff_action_schema_has_one_branch_per_workflow_action(client):
    from foia_portal.staff.forms import ACTION_FORMS

    schema = document(client)["components"]["schemas"]["StaffAction"]

    branches = {b["properties"]["action"]["const"]: b for b in schema["oneOf"]}
    assert set(branches) == set(ACTION_FORMS)
    assert "track" in branches["acknowledge"]["required"]
    assert "released" not in branches["close"]["properties"]  # HTML form only


def test_the_portal_schema_lists_the_published_fields_and_allows_agency_fields(client):
    schema = document(client)["components"]["schemas"]["PortalRequest"]

    assert set(schema["required"]) == {
        "version", "request_id", "agency", "agency_component_name", "request_description",
    }  # fmt: skip
    assert schema["additionalProperties"] is True
    assert "attachments_supporting_documentation" in schema["properties"]


# --- the document ----------------------------------------------------------------------------


def test_the_document_is_openapi_3_1_and_lists_only_served_operations(client, app):
    doc = document(client)

    assert doc["openapi"] == "3.1.0"
    assert "/api/v1/requests" in doc["paths"]
    assert "/api/foia-portal/requests" in doc["paths"]
    assert "/api/v1/staff/requests/{tracking_number}/actions" in doc["paths"]
    rules = {re.sub(r"<[^>]+>", "{}", r.rule) for r in app.url_map.iter_rules()}
    for path in doc["paths"]:
        assert re.sub(r"\{[^}]+\}", "{}", path) in rules


def test_schemathesis_accepts_the_document(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    assert len(list(schema.get_all_operations())) >= 5


def test_the_reference_page_is_rendered_on_the_server_from_the_document(client):
    doc = document(client)
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "<h1>API reference</h1>" in html
    for path in doc["paths"]:
        assert path in html
    assert "expedited_certified" in html
    # No script of its own, and the page sets no cookie (public, cache-friendly).
    assert "swagger" not in html.lower() and "redoc" not in html.lower()
    assert "Set-Cookie" not in response.headers


# --- schemathesis: the API against its own document ----------------------------------------------


@pytest.fixture
def api_headers(app):
    """A staff token (admin, so every action is open) and the portal secret, for every call."""
    from foia_portal.auth.models import StaffUser
    from foia_portal.auth.services import hash_password, issue_api_token

    admin = StaffUser(
        email="admin@cops.example.gov",
        name="Admin",
        role=Role.ADMIN,
        password_hash=hash_password("correct horse battery staple"),
    )
    db.session.add(admin)
    db.session.flush()
    token = issue_api_token(admin)
    db.session.commit()
    return {"Authorization": f"Bearer {token}", "FOIA-API-SECRET": PORTAL_SECRET}


@pytest.fixture
def seeded_request(client):
    """One request in the database, so that detail and action endpoints find something."""
    response = client.post(
        "/api/v1/requests",
        json={
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.com",
            "description": "All grant files for the 2024 hiring program in Springfield.",
            "fee_category": "other",
        },
    )
    assert response.status_code == 201
    return response.get_json()["tracking_number"]


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Small enough for the whole run to take well under a minute per database.
EXAMPLES_PER_OPERATION = 8


def test_the_api_answers_as_its_document_says(app, api_headers, seeded_request):
    """Every operation, with valid and invalid inputs: no 500, every answer matches the document.

    (schemathesis' pytest plugin does not run under pytest 9, so the strategies are driven with
    hypothesis directly.)
    """
    api = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 5
    for operation in operations:
        seeded = (
            {"tracking_number": seeded_request} if "{tracking_number}" in operation.path else None
        )
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(
                generation_mode=mode,
                path_parameters=seeded if mode == GenerationMode.POSITIVE else None,
            )

            @given(case=strategy)
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            def answers_as_documented(case):
                case.call_and_validate(headers=api_headers, checks=CHECKS)
                db.session.rollback()

            try:
                answers_as_documented()
            except Unsatisfiable:
                # No invalid input exists for this operation (every string is a valid `q`).
                assert mode == GenerationMode.NEGATIVE, operation.label
