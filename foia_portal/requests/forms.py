"""The FOIA request form: the one rule set for the HTML form, the JSON API and staff entry.

The field names are the public contract's (docs/api.md, "Request fields"). The API feeds JSON
through this same form (see `validate_request_json`), and the OpenAPI schema is generated from it.
"""

from __future__ import annotations

import re
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    MultipleFileField,
    SelectChoice,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from foia_portal.core.vocabulary import (
    FEE_CATEGORY_LABELS,
    DeliveryFormat,
)
from foia_portal.platform.choice_fields import ChoiceRadioField
from foia_portal.platform.jsonforms import validate_json
from foia_portal.platform.text import (
    WHITESPACE,
    forbidden_characters,
    has_control_characters,
    strip_text,
)

DESCRIPTION_MIN = 20
DESCRIPTION_MAX = 10_000  # the National FOIA Portal's text limit
REASON_MAX = 10_000

FEE_CATEGORY_CHOICES = [
    SelectChoice(value.value, label) for value, label in FEE_CATEGORY_LABELS.items()
]
DELIVERY_CHOICES = [
    SelectChoice(DeliveryFormat.ELECTRONIC.value, "Electronic (download or email)"),
    SelectChoice(DeliveryFormat.PAPER.value, "Paper copies by mail"),
]


def forbidden_in(field) -> str:
    """The characters `no_control_characters` refuses in this field (line breaks: text areas)."""
    return forbidden_characters(allow_newlines=isinstance(field, TextAreaField))


def no_control_characters(form, field):
    if isinstance(field.data, str) and has_control_characters(
        field.data, allow_newlines=isinstance(field, TextAreaField)
    ):
        raise StopValidation("Remove the invisible control characters from this field.")


# Read by the OpenAPI generator (foia_portal/api/form_schema.py) to state the rule as a pattern.
no_control_characters.forbidden_characters = forbidden_in


def real_email(form, field):
    if not field.data:
        return
    try:
        # Deliverability (a DNS look-up) is not checked: it would slow every submission and fail
        # offline; a mistyped domain still gets a syntax or a bounce.
        result = validate_email(field.data, check_deliverability=False)
    except EmailNotValidError:
        raise StopValidation("Enter an email address like name@example.com.") from None
    field.data = result.normalized


# An amount typed as text: "25", "25.50", "$1,000", up to a million dollars. The OpenAPI
# document states this same pattern (`text_pattern`), so it is the one rule for both.
AMOUNT_TEXT = (
    f"[{WHITESPACE}]*\\$?[{WHITESPACE}]*"
    r"(?:[0-9]{1,3}(?:,?[0-9]{3})?(?:\.[0-9]+)?|1,?000,?000(?:\.0+)?)"
    f"[{WHITESPACE}]*"
)
AMOUNT_MESSAGE = "Enter the amount in numbers, like 25 or 25.50, from 0 to 1,000,000 dollars."


class MoneyField(DecimalField):
    """An amount in dollars; "$1,000" is read as 1000, and words get one plain message."""

    text_pattern = f"^{AMOUNT_TEXT}$"

    def process_formdata(self, valuelist):
        text = valuelist[0] if valuelist else ""
        if not text.strip():
            self.data = None  # left empty: Optional() or InputRequired() decides
            return
        if not re.fullmatch(AMOUNT_TEXT, text):
            raise ValueError(AMOUNT_MESSAGE)
        super().process_formdata([text.strip().lstrip("$").strip().replace(",", "")])

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()  # the one message above is enough; skip the range check


def required_when(checkbox: str, message: str):
    """A reason is required when its box is ticked."""

    def check(form, field):
        if form[checkbox].data and not (field.data or "").strip():
            raise StopValidation(message)

    check.required_when = checkbox  # read by the OpenAPI generator (foia_portal/api/form_schema.py)
    return check


def true_when(checkbox: str, message: str):
    """A certification box that must be ticked when `checkbox` is."""

    def check(form, field):
        if form[checkbox].data and not field.data:
            raise ValidationError(message)

    check.true_when = checkbox  # read by the OpenAPI generator (foia_portal/api/form_schema.py)
    return check


TEXT = [strip_text]


class FoiaRequestForm(FlaskForm):
    """Every field a requester sends, grouped as the National FOIA Portal groups them."""

    class Meta:
        # Anonymous public form: no session, so no session-bound CSRF token. Double submission is
        # prevented by `form_token`; see docs/security.md.
        csrf = False

    # Contact
    first_name = StringField(
        "First name",
        filters=TEXT,
        validators=[DataRequired("Enter your first name."), Length(max=100), no_control_characters],
    )
    last_name = StringField(
        "Last name",
        filters=TEXT,
        validators=[DataRequired("Enter your last name."), Length(max=100), no_control_characters],
    )
    email = EmailField(
        "Email address",
        filters=TEXT,
        description="We send your tracking number and every update here.",
        validators=[
            DataRequired("Enter your email address."),
            Length(max=254),
            no_control_characters,
            real_email,
        ],
    )
    phone = TelField(
        "Phone number",
        filters=TEXT,
        description="Optional. In case we need to reach you quickly.",
        validators=[
            Optional(),
            Length(max=40),
            no_control_characters,
            Regexp(r"^[0-9+().\- x]*$", message="Use digits, spaces and + ( ) - only."),
        ],
    )
    organization = StringField(
        "Organization",
        filters=TEXT,
        description="Optional. The news outlet, school, company or group you file for, if any.",
        validators=[Optional(), Length(max=200), no_control_characters],
    )
    street = StringField(
        "Street address",
        filters=TEXT,
        description="Optional, but needed if you want paper copies.",
        validators=[Optional(), Length(max=200), no_control_characters],
    )
    city = StringField(
        "City", filters=TEXT, validators=[Optional(), Length(max=100), no_control_characters]
    )
    state = StringField(
        "State, territory or province",
        filters=TEXT,
        validators=[Optional(), Length(max=100), no_control_characters],
    )
    zip_code = StringField(
        "ZIP or postal code",
        filters=TEXT,
        validators=[Optional(), Length(max=20), no_control_characters],
    )
    country = StringField(
        "Country", filters=TEXT, validators=[Optional(), Length(max=100), no_control_characters]
    )

    # Description
    description = TextAreaField(
        "Describe the records you want",
        filters=TEXT,
        description=(
            "Be as specific as you can: the subject, names of people, places or programs, the kind "
            "of record (emails, grant files, reports), and a time period. We can search only for "
            "records that already exist; we cannot answer questions or create records."
        ),
        validators=[
            DataRequired("Describe the records you want."),
            Length(
                min=DESCRIPTION_MIN,
                max=DESCRIPTION_MAX,
                message=f"Describe the records in {DESCRIPTION_MIN} to {DESCRIPTION_MAX:,} characters.",
            ),
            no_control_characters,
        ],
    )
    date_from = DateField(
        "Records from (date)",
        validators=[Optional()],
        description="Optional. The earliest date of the records you want.",
    )
    date_to = DateField(
        "Records to (date)",
        validators=[Optional()],
        description="Optional. The latest date of the records you want.",
    )

    # Supporting documents (HTML form only; validated by content in uploads.py)
    attachments = MultipleFileField(
        "Supporting documents",
        description="Optional. Up to 5 files, 20 MB each: PDF, PNG, JPEG, plain text or Word (DOCX).",
    )

    # Fees
    fee_category = ChoiceRadioField(
        "Which best describes you?",
        choices=FEE_CATEGORY_CHOICES,
        description="This decides which fees, if any, apply. Most individuals choose “All other requesters”.",
        validators=[InputRequired("Choose the description that fits you.")],
    )
    fee_limit = MoneyField(
        "The most you agree to pay, in US dollars",
        places=2,
        description="Optional. We will contact you before charging more than this. We charge nothing under $25.",
        validators=[
            Optional(),
            NumberRange(min=0, max=1_000_000, message=AMOUNT_MESSAGE),
        ],
    )
    fee_waiver = BooleanField("I am asking for a fee waiver")
    fee_waiver_reason = TextAreaField(
        "Why should fees be waived?",
        filters=TEXT,
        description=(
            "Explain how the records will add to the public's understanding of what the "
            "government does, and that the request is not mainly in your commercial interest."
        ),
        validators=[
            required_when(
                "fee_waiver", "Explain why fees should be waived, or untick the fee waiver box."
            ),
            Length(max=REASON_MAX),
            no_control_characters,
        ],
    )

    # Expedited processing
    expedited = BooleanField("I am asking for expedited processing")
    expedited_reason = TextAreaField(
        "What is the compelling need?",
        filters=TEXT,
        description=(
            "For example, an imminent threat to someone’s life or safety, or an urgent need to "
            "inform the public about federal government activity if your work is disseminating "
            "information."
        ),
        validators=[
            required_when(
                "expedited", "Explain the compelling need, or untick the expedited processing box."
            ),
            Length(max=REASON_MAX),
            no_control_characters,
        ],
    )
    expedited_certified = BooleanField(
        "I certify that my statement of compelling need is true and correct to the best of my knowledge and belief.",
        validators=[true_when("expedited", "Tick the box to certify that your statement is true.")],
    )

    delivery_format = ChoiceRadioField(
        "How would you like the records?",
        choices=DELIVERY_CHOICES,
        default=DeliveryFormat.ELECTRONIC.value,
        validators=[Optional()],
    )

    # Spam trap: people never see it; bots fill it in.
    website = StringField("Leave this field empty")
    # One-time token: a double click or a retried POST files one request, not two.
    form_token = HiddenField()

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date cannot be before the start date.")

    def request_fields(self) -> dict[str, Any]:
        """The validated values, keyed by the contract's field names."""
        return {name: self[name].data for name in REQUEST_FIELDS}


# The contract's request fields, in order (attachments travel separately).
REQUEST_FIELDS = (
    "first_name", "last_name", "email", "phone", "organization", "street", "city", "state",
    "zip_code", "country", "description", "date_from", "date_to", "fee_category", "fee_limit",
    "fee_waiver", "fee_waiver_reason", "expedited", "expedited_reason", "delivery_format",
)  # fmt: skip
# Accepted in JSON bodies (the certification travels with the expedited reason).
JSON_FIELDS = REQUEST_FIELDS + ("expedited_certified",)


def validate_request_json(payload: Any) -> tuple[FoiaRequestForm, dict[str, list[str]]]:
    """Validate a JSON request body with the form's rules; returns the form and field errors."""
    return validate_json(FoiaRequestForm, payload, JSON_FIELDS)


REPLY_MAX = 10_000


class ReplyForm(FlaskForm):
    """The requester's reply on their status page; its files are checked as at intake."""

    class Meta:
        # Anonymous public form, like the request form: no session, so no session-bound token.
        # It posts to the signed status link, which a forging site cannot know (docs/security.md).
        csrf = False

    message = TextAreaField(
        "Your reply",
        filters=TEXT,
        description=f"Up to {REPLY_MAX:,} characters. Your FOIA officer is emailed your reply.",
        validators=[
            Length(
                max=REPLY_MAX, message=f"Write your reply in {REPLY_MAX:,} characters or fewer."
            ),
            no_control_characters,
        ],
    )
    attachments = MultipleFileField(
        "Files",
        description="Optional. Up to 5 files, 20 MB each: PDF, PNG, JPEG, plain text or Word (DOCX).",
    )
