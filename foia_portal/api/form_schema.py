"""WTForms forms → JSON Schema, for the OpenAPI document (`foia_portal.api.openapi`).

Each schema says what `platform.jsonforms.validate_json` accepts when it reads JSON into the same
form, so the document cannot drift from the rules.
"""

from __future__ import annotations

import re
from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    Field,
    FileField,
    Form,
    HiddenField,
    IntegerField,
    MultipleFileField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp

from foia_portal.platform.text import WHITESPACE as WS
from foia_portal.platform.text import strip_text


def choice_values(field: SelectField) -> list[str]:
    """The values a choice field accepts (its labels are for people), empty value left out."""
    choices = field.choices or []
    if isinstance(choices, dict):  # optgroups
        choices = [c for group in choices.values() for c in group]
    values = []
    for choice in choices:
        value = (
            choice.value
            if isinstance(choice, SelectChoice)
            else (choice[0] if isinstance(choice, tuple | list) else choice)
        )
        if value not in ("", None):
            values.append(str(value))
    return values


def is_required(field: Field) -> bool:
    return any(isinstance(v, DataRequired | InputRequired) for v in field.validators)


def number_range(field: Field) -> dict[str, Any]:
    """`minimum` and `maximum` from the field's `NumberRange` validators."""
    bounds: dict[str, Any] = {}
    for validator in field.validators:
        if isinstance(validator, NumberRange):
            if validator.min is not None:
                bounds["minimum"] = validator.min
            if validator.max is not None:
                bounds["maximum"] = validator.max
    return bounds


def field_schema(field: Field) -> dict[str, Any]:
    """The JSON Schema of one form field, as `platform.jsonforms.validate_json` reads JSON into it."""
    schema: dict[str, Any]
    if isinstance(field, BooleanField):
        schema = {"type": "boolean"}
    elif isinstance(field, SelectMultipleField):
        item: dict[str, Any] = {"type": "string"}
        if field.validate_choice and choice_values(field):
            item["enum"] = choice_values(field)
        schema = {"type": "array", "items": item, "uniqueItems": True}
    elif isinstance(field, SelectField):  # RadioField too
        schema = {"type": "string"}
        # A field that checks its choices elsewhere (validate_choice=False) still lists them.
        if choice_values(field):
            schema["enum"] = choice_values(field)
    elif isinstance(field, DateField):
        schema = {"type": "string", "format": "date"}
    elif isinstance(field, DecimalField):
        number = {"type": "number", **number_range(field)}
        # In JSON a decimal is a number or a numeric string ("12.50"): both reach the same field.
        pattern = getattr(field, "text_pattern", f"^[{WS}]*-?[0-9]+(\\.[0-9]+)?[{WS}]*$")
        schema = {"anyOf": [number, {"type": "string", "pattern": pattern}]}
    elif isinstance(field, IntegerField):
        schema = {"type": "integer", **number_range(field)}
    elif isinstance(field, StringField):  # TextAreaField, EmailField, TelField
        schema = text_schema(field)
    else:
        schema = {"type": "string"}

    if field.label and field.label.text:
        schema["title"] = field.label.text
    notes = [str(field.description)] if field.description else []
    for validator in field.validators:
        # `requests.forms.required_when` marks its checks with the box they depend on.
        checkbox = getattr(validator, "required_when", None)
        if checkbox:
            notes.append(f"Required when `{checkbox}` is true.")
            schema["x-required-when"] = checkbox
    for validator in field.validators:
        # A validator may state its own rule in JSON Schema (e.g. `faq.forms.each_faq_slug`).
        extra = getattr(validator, "json_schema", None)
        if extra:
            schema = merged(schema, extra)
    if notes:
        schema["description"] = " ".join(notes)
    if not is_required(field):
        schema = nullable(schema, blank_is_not_given(field))
    return schema


def merged(schema: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """`extra`'s keywords added to `schema` (one level down for `items`)."""
    result = {**schema}
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = {**result[key], **value}
        else:
            result[key] = value
    return result


def text_schema(field: StringField) -> dict[str, Any]:
    """A text field: its lengths, and one `pattern` for what its validators refuse.

    Surrounding whitespace is trimmed (`strip_text`) before the checks, so for such a field the
    lengths count what is left (the pattern says so; `minLength`/`maxLength` would count the
    spaces too), a required field needs one visible character, and refused control characters
    at either end are trimmed away rather than refused.
    """
    schema: dict[str, Any] = {"type": "string"}
    if field.type == "EmailField":
        schema["format"] = "email"
    minimum, maximum = 0, None
    regexp = None
    forbidden = ""
    for validator in field.validators:
        if isinstance(validator, Length):
            if validator.min is not None and validator.min > 0:
                minimum = validator.min
            if validator.max is not None and validator.max >= 0:
                maximum = validator.max
        elif isinstance(validator, Regexp):
            regexp = validator.regex.pattern
        forbidden_in = getattr(validator, "forbidden_characters", None)
        if forbidden_in:
            forbidden = forbidden_in(field)
    visible = any(isinstance(v, DataRequired) for v in field.validators)
    trimmed = strip_text in field.filters
    if regexp is not None or not (trimmed or forbidden or visible):
        if max(minimum, int(is_required(field))):
            schema["minLength"] = max(minimum, int(is_required(field)))
        if maximum is not None:
            schema["maxLength"] = maximum
        if regexp is not None:
            schema["pattern"] = regexp
            if trimmed and regexp.startswith("^") and regexp.endswith("$"):
                # Checked once trimmed; a single character class also takes the maximum length
                # (`maxLength` would count the trimmed spaces).
                core = regexp[1:-1]
                if maximum is not None and re.fullmatch(r"\[(?:[^\]\\]|\\.)*\]\*", core):
                    core = f"{core[:-1]}{{0,{maximum}}}"
                    schema.pop("maxLength", None)
                blank = "" if is_required(field) else "?"  # Optional(): blank is "not given"
                schema["pattern"] = f"^[{WS}]*(?:{core}){blank}[{WS}]*$"
            elif not is_required(field) and regexp.startswith("^") and regexp.endswith("$"):
                schema["pattern"] = f"^(?:{regexp[1:-1]})?$"  # empty is "not given"
        return schema
    schema["pattern"] = text_pattern(forbidden, trimmed, visible, minimum, maximum)
    meaning = []
    if minimum or maximum is not None:
        meaning.append(
            f"{minimum:,} to {maximum:,} characters"
            if minimum and maximum is not None
            else f"at least {minimum:,} characters"
            if minimum
            else f"at most {maximum:,} characters"  # fmt: skip
        )
    if forbidden:
        meaning.append("no control characters" + (" or line breaks" if "\\n" in forbidden else ""))
    if visible:
        meaning.append("not blank")
    if trimmed:
        meaning.append("spaces around it are trimmed first")
    schema["x-pattern-meaning"] = "; ".join(meaning)
    if not trimmed:
        if max(minimum, int(visible)):
            schema["minLength"] = max(minimum, int(visible))
        if maximum is not None:
            schema["maxLength"] = maximum
    return schema


def text_pattern(forbidden: str, trimmed: bool, visible: bool, minimum: int, maximum) -> str:
    """The regex for text without `forbidden` characters, not blank if `visible`, and (when it is
    `trimmed`) between `minimum` and `maximum` characters once surrounding whitespace is gone."""
    allowed = f"[^{forbidden}]" if forbidden else r"[\s\S]"
    shown = f"[^{WS}{forbidden}]"
    space = f"[{WS}]"
    if not trimmed:
        # Optional() takes a blank value (any whitespace) as "not given" before any check.
        return f"^{allowed}*{shown}{allowed}*$" if visible else f"^(?:{space}*|{allowed}*)$"
    # What is left after trimming: one visible character, or two with `inner` between them.
    low = max(minimum - 2, 0)
    inner = f"{allowed}{{{low},{maximum - 2}}}" if maximum is not None else f"{allowed}{{{low},}}"
    one = f"{shown}|" if minimum <= 1 and (maximum is None or maximum >= 1) else ""
    text = f"(?:{one}{shown}{inner}{shown})" if maximum is None or maximum >= 2 else f"(?:{shown})"
    if visible or minimum:
        return f"^{space}*{text}{space}*$"
    # Optional: blank (read as "not given") or such text.
    return f"^{space}*{text}?{space}*$"


def blank_is_not_given(field: Field) -> bool:
    """Whether an optional field reads "" as "not given" (dates, numbers and choices do; a
    checkbox or a list wants its own type)."""
    if isinstance(field, BooleanField | SelectMultipleField):
        return False
    return isinstance(field, DateField | DecimalField | IntegerField | SelectField)


def nullable(schema: dict[str, Any], blank: bool = False) -> dict[str, Any]:
    """Optional fields also take `null` (read as "not given"), and `""` too when `blank`."""
    if blank and "enum" in schema:
        schema = {**schema, "enum": [*schema["enum"], ""]}
    elif blank:
        annotations = {k: v for k, v in schema.items() if k in ("title", "description")}
        value = {k: v for k, v in schema.items() if k not in annotations}
        alternatives = value.get("anyOf", [value])
        schema = {**annotations, "anyOf": [*alternatives, {"const": ""}]}
    if "anyOf" in schema:
        return {**schema, "anyOf": [*schema["anyOf"], {"type": "null"}]}
    if isinstance(schema.get("type"), str):
        schema = {**schema, "type": [schema["type"], "null"]}
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    return schema


def form_parameters(form_class: type[Form]) -> list[dict[str, Any]]:
    """Query parameters from a form read from the URL (the staff queue's filters)."""
    form = form_class(formdata=None, meta={"csrf": False})
    parameters = []
    for field in form:
        schema = field_schema(field)
        # In a query string "not given" is leaving the parameter out: no null.
        if isinstance(schema.get("type"), list):
            schema["type"] = next(t for t in schema["type"] if t != "null")
        if "anyOf" in schema:
            schema["anyOf"] = [s for s in schema["anyOf"] if s != {"type": "null"}]
        if "enum" in schema:
            schema["enum"] = [v for v in schema["enum"] if v is not None]
        description = schema.pop("description", "") or schema.get("title", "")
        parameters.append(
            {"name": field.name, "in": "query", "schema": schema, "description": description}
        )
    return parameters


def conditional_rules(field: Field) -> list[dict[str, Any]]:
    """`requests.forms.required_when` and `true_when` as JSON Schema: if the box is ticked
    (true), this field must be given (not blank) or be true."""
    rules = []
    for validator in field.validators:
        for marker, rule in (
            ("required_when", {"type": "string", "pattern": f"[^{WS}]"}),
            ("true_when", {"const": True}),
        ):
            checkbox = getattr(validator, marker, None)
            if checkbox:
                rules.append({
                    "if": {"properties": {checkbox: {"const": True}}, "required": [checkbox]},
                    "then": {"properties": {field.name: rule}, "required": [field.name]},
                })  # fmt: skip
    return rules


def form_schema(
    form_class: type[Form], fields: tuple[str, ...] | None = None, *, description: str = ""
) -> dict[str, Any]:
    """An object schema from a form class: one property per field, `required` from validators.

    Unknown keys are refused (`additionalProperties: false`) exactly as `validate_json` refuses
    them. File fields travel in multipart forms only and are left out.
    """
    form = form_class(formdata=None, meta={"csrf": False})
    names = fields if fields is not None else tuple(f.name for f in form)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name in names:
        field = form[name]
        if isinstance(field, FileField | MultipleFileField) or name == "csrf_token":
            continue
        if isinstance(field, HiddenField) and name in ("form_token",):
            continue
        properties[name] = field_schema(field)
        if is_required(field):
            required.append(name)
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    conditions = [condition for name in properties for condition in conditional_rules(form[name])]
    if conditions:
        schema["allOf"] = conditions
    if description:
        schema["description"] = description
    return schema
