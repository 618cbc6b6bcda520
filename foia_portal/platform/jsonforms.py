"""Validate JSON bodies with the same WTForms forms the HTML pages use: one rule set for both."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, DecimalField, Field, Form, IntegerField, SelectMultipleField

Errors = dict[str, list[str]]


def json_type_error(field: Field, value: Any) -> str | None:
    """What is wrong with the JSON type of `value` for `field`, or None."""
    if value is None:
        return None
    if isinstance(field, BooleanField):
        return None if isinstance(value, bool) else "Must be true or false."
    if isinstance(field, DecimalField | IntegerField):
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            return "Must be a number."
        return None
    if isinstance(field, SelectMultipleField):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return "Must be a list of strings."
        if len(set(value)) != len(value):
            return "Give each value once."
        return None
    return None if isinstance(value, str) else "Must be a string."


def number_text(value: int | float) -> str:
    """A JSON number as a form would receive it typed: plain digits, never `1e-07` or `-0.0`
    (JSON Schema counts 1.0 as an integer and -0.0 as not below zero; so do we)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = format(Decimal(repr(value)), "f")
    return "0" if text.lstrip("-").strip("0.") == "" else text


def validate_json(form_class: type[Form], payload: Any, fields: tuple[str, ...] | None = None):
    """Feed a JSON object through `form_class`; returns (form, {field: [messages]}).

    Unknown keys and wrong JSON types are errors too, so that a client's typo is never silently
    dropped. `fields` limits the accepted keys (default: every field of the form).
    """
    meta = {"csrf": False}
    if not isinstance(payload, dict):
        form = form_class(formdata=MultiDict(), meta=meta)
        return form, {"_body": ["The body must be a JSON object."]}
    probe = form_class(formdata=None, meta=meta)
    accepted = fields if fields is not None else tuple(f.name for f in probe)
    errors: Errors = {}
    formdata = MultiDict()
    for key, value in payload.items():
        if key not in accepted:
            errors[key] = ["Unknown field."]
            continue
        problem = json_type_error(probe[key], value)
        if problem:
            errors[key] = [problem]
        elif isinstance(value, list):
            for item in value:
                formdata.add(key, item)
        elif value is True:
            formdata[key] = "y"
        elif value is None or value is False:
            continue
        elif isinstance(value, int | float):
            formdata[key] = number_text(value)
        else:
            formdata[key] = value
    form = form_class(formdata=formdata, meta=meta)
    form.validate()
    for name, messages in form.errors.items():
        errors.setdefault(name, []).extend(messages)
    return form, errors
