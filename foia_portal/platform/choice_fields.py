"""Choice fields whose error names the accepted values, for people and API clients alike.

WTForms answers a value outside the choices with "Not a valid choice"; a client sending
`reason: "voluminous records"` needs to read that `voluminous_records` is what we take.
"""

from __future__ import annotations

from wtforms import RadioField, SelectField, SelectMultipleField
from wtforms.validators import StopValidation


def accepted_values(field) -> list[str]:
    return [value for value, *_ in field.iter_choices() if value != ""]


class _NamesItsChoices:
    def pre_validate(self, form):
        if self.data in (None, ""):
            return  # nothing chosen: InputRequired, DataRequired or Optional decides
        accepted = accepted_values(self)
        if self.data not in accepted:
            raise StopValidation(f"Choose one of: {', '.join(accepted)}.")


class ChoiceRadioField(_NamesItsChoices, RadioField):
    """A radio group."""


class ChoiceSelectField(_NamesItsChoices, SelectField):
    """A drop-down list."""


class ChoiceSelectMultipleField(SelectMultipleField):
    """Several values from a list."""

    def pre_validate(self, form):
        accepted = accepted_values(self)
        if any(value not in accepted for value in self.data or []):
            raise StopValidation(f"Choose from: {', '.join(accepted)}.")
