"""The request form's fields are copies of prototypes (core/field_prototypes.py): forms made one
after the other must still be as independent as WTForms makes them."""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from foia_portal.core import field_prototypes
from foia_portal.requests.forms import FoiaRequestForm

VALID = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.com",
    "description": "Every grant file of the body-worn camera pilot program, 2024 to 2026.",
    "fee_category": "other",
}


@pytest.fixture
def request_context():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="a" * 32)
    with app.test_request_context("/foia/request", method="POST"):
        yield


def form_with(**changes) -> FoiaRequestForm:
    return FoiaRequestForm(formdata=MultiDict({**VALID, **changes}))


def test_each_form_keeps_its_own_data_and_errors(request_context):
    invalid = form_with(email="not an address", fee_waiver="y", date_from="2026-05-01",
                        date_to="2026-01-01")  # fmt: skip
    assert not invalid.validate()
    valid = form_with()
    assert valid.validate(), valid.errors

    # The second form neither saw the first one's values nor its errors, and the first kept both.
    assert valid.email.data == "ada@example.com" and invalid.email.data == "not an address"
    assert set(invalid.errors) == {"email", "fee_waiver_reason", "date_to"}
    assert valid.errors == {}
    # Rules that read other fields (the waiver reason, the date range) read their own form's.
    assert valid.fee_waiver_reason.errors == [] and valid.date_to.errors == []

    # Errors added by the view to one form's field stay on that form.
    invalid.attachments.errors = [*invalid.attachments.errors, "Too big."]
    assert form_with().attachments.errors == ()


def test_fields_belong_to_their_form_and_the_prototypes_hold_no_ones_data(request_context):
    first, second = form_with(), form_with(first_name="Grace")
    assert first.first_name is not second.first_name
    assert first.first_name._form is first and second.first_name._form is second
    assert second.first_name.data == "Grace" and first.first_name.data == "Ada"

    prototypes = list(field_prototypes._PROTOTYPES.values())
    assert len(prototypes) >= len(first._fields)
    for prototype in prototypes:
        assert prototype._form is None and prototype.meta is None
        assert "data" not in prototype.__dict__ and "raw_data" not in prototype.__dict__


def test_a_form_with_csrf_on_gets_a_token_field_of_its_own_and_keeps_nothing_more(
    request_context,
):
    from foia_portal.staff.forms import StaffEntryForm  # inherits the prototypes, CSRF on

    StaffEntryForm()
    kept = len(field_prototypes._PROTOTYPES)
    first, second = StaffEntryForm(), StaffEntryForm()
    # The CSRF token field is made anew for every form: keeping it would grow without end.
    assert len(field_prototypes._PROTOTYPES) == kept
    assert first.csrf_token is not second.csrf_token
    assert first.csrf_token.current_token
