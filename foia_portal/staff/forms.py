"""Forms of the staff workspace: one per workflow action, staff entry of a request, FAQ editing.

Action field names equal the JSON keys of `POST /api/v1/staff/requests/<n>/actions` (contract:
`track`, `assignee`, `text`, `message`, `reason`, `disposition`, `exemptions`; ours added:
`estimated_completion_date`, `decision`, `answered_on`, `version`). The API validates its JSON
with these same classes through `foia_portal.platform.jsonforms.validate_json`.
"""

from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Form,
    IntegerField,
    MultipleFileField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from foia_portal.core.vocabulary import (
    CHANNEL_LABELS,
    DISPOSITION_LABELS,
    EXEMPTION_LABELS,
    STATUS_LABELS,
    TRACK_LABELS,
    Channel,
    Status,
)
from foia_portal.platform.choice_fields import (
    ChoiceRadioField,
    ChoiceSelectField,
    ChoiceSelectMultipleField,
)
from foia_portal.platform.jsonforms import validate_json
from foia_portal.platform.text import CONTROL_CHARACTERS, WHITESPACE, strip_text
from foia_portal.requests.forms import FoiaRequestForm, no_control_characters

TEXT = [strip_text]
MESSAGE_MAX = 10_000


def choices(pairs) -> list[SelectChoice]:
    """WTForms 3.3 wants SelectChoice objects rather than (value, label) tuples."""
    return [SelectChoice(str(value), label) for value, label in pairs]


TRACK_CHOICES = choices((t.value, label) for t, label in TRACK_LABELS.items())
DISPOSITION_CHOICES = choices((d.value, label) for d, label in DISPOSITION_LABELS.items())
EXEMPTION_CHOICES = choices(EXEMPTION_LABELS.items())
HOLD_REASON_CHOICES = choices(
    [
        ("clarification", "To ask for information (once per request)"),
        ("fees", "To resolve a fee question"),
    ]
)
EXTENSION_REASON_CHOICES = choices(
    [
        ("field_facilities", "Records at field facilities"),
        ("voluminous_records", "A voluminous amount of records"),
        ("consultation", "Consultation with another agency or component"),
    ]
)
DECISION_CHOICES = choices([("granted", "Grant"), ("denied", "Deny")])
# Channels staff enter by hand (the web form, the API and FOIA.gov file themselves).
STAFF_CHANNELS = (Channel.MAIL, Channel.EMAIL, Channel.PHONE, Channel.FAX, Channel.IN_PERSON)


def message_field(label: str, required: bool, description: str | None = None):
    validators = [DataRequired(f"Enter {label.lower()}.")] if required else [Optional()]
    return TextAreaField(
        label,
        filters=TEXT,
        description=description,
        validators=[*validators, Length(max=MESSAGE_MAX), no_control_characters],
    )


class ActionForm(FlaskForm):
    """Every action form carries the version of the request it was shown with."""

    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class AcknowledgeForm(ActionForm):
    track = ChoiceRadioField(
        "Processing track",
        choices=TRACK_CHOICES,
        validators=[InputRequired("Choose a processing track.")],
    )
    estimated_completion_date = DateField(
        "Estimated completion date",
        description="Leave empty for the office's median for this track. The requester sees it "
        "beside the statutory due date (5 U.S.C. § 552(a)(7)(B)).",
        validators=[Optional()],
    )
    message = message_field("Message to the requester", required=False)


class AssignForm(ActionForm):
    assignee = EmailField(
        "Assign to",
        filters=TEXT,
        description="A staff member's email address; empty to unassign.",
        validators=[Optional(), Length(max=254)],
    )


class NoteForm(ActionForm):
    text = message_field(
        "Internal note", required=True, description="Never shown to the requester."
    )


class MessageForm(ActionForm):
    message = message_field(
        "Message to the requester",
        required=True,
        description="Shown on their status page and emailed to them. The status and the clock "
        "do not change.",
    )


class RequestInfoForm(ActionForm):
    message = message_field(
        "Message to the requester",
        required=True,
        description="What you need from them. The clock stops until they answer.",
    )
    reason = ChoiceRadioField(
        "Why the clock stops",
        choices=HOLD_REASON_CHOICES,
        default="clarification",
        validators=[InputRequired("Choose why the clock stops.")],
    )


class ResumeForm(ActionForm):
    answered_on = DateField(
        "Date the requester answered",
        description="Empty for today. The clock restarts from this day.",
        validators=[Optional()],
    )
    message = message_field("Message to the requester", required=False)


class ExtendForm(ActionForm):
    reason = ChoiceRadioField(
        "Unusual circumstance",
        choices=EXTENSION_REASON_CHOICES,
        validators=[InputRequired("Choose the unusual circumstance that justifies the extension.")],
    )
    message = message_field(
        "Explanation for the requester",
        required=False,
        description="The notice already offers to narrow the request and names the FOIA Public "
        "Liaison and OGIS.",
    )


class EstimateForm(ActionForm):
    estimated_completion_date = DateField(
        "New estimated completion date",
        validators=[InputRequired("Enter the new estimated completion date.")],
    )
    reason = message_field("Why it changes", required=True, description="Shown to the requester.")


class DecisionForm(ActionForm):
    decision = ChoiceRadioField(
        "Decision", choices=DECISION_CHOICES, validators=[InputRequired("Grant or deny.")]
    )
    reason = message_field(
        "Reason",
        required=True,
        description="Shown to the requester; a denial email also explains how to appeal.",
    )


class CloseForm(ActionForm):
    disposition = ChoiceSelectField(
        "Disposition",
        choices=[SelectChoice("", "- Choose -"), *DISPOSITION_CHOICES],
        validators=[DataRequired("Choose a disposition.")],
    )
    exemptions = ChoiceSelectMultipleField(
        "Exemptions cited",
        choices=EXEMPTION_CHOICES,
        description="Required for a partial grant or a full denial based on exemptions.",
        validators=[Optional()],
    )
    message = message_field(
        "Final message to the requester",
        required=True,
        description="The email adds the disposition, the exemptions, appeal rights (90 days), "
        "the FOIA Public Liaison and OGIS.",
    )
    released = MultipleFileField(
        "Released records",
        description="Optional. PDF, PNG, JPEG, plain text or Word (DOCX), 20 MB each. The "
        "requester downloads them from their status page.",
    )
    # The page's own safeguard (the API's caller confirms in its own way): closing emails the
    # final response at once and cannot be undone by an officer.
    confirm = BooleanField("I have checked the summary: close the request and send the response")


class ReopenForm(ActionForm):
    reason = message_field("Why it is reopened", required=True)


# The form of each action; the API validates JSON payloads with the same classes.
ACTION_FORMS: dict[str, type[ActionForm]] = {
    "acknowledge": AcknowledgeForm,
    "assign": AssignForm,
    "note": NoteForm,
    "message": MessageForm,
    "request_info": RequestInfoForm,
    "resume": ResumeForm,
    "extend": ExtendForm,
    "set_estimate": EstimateForm,
    "decide_expedited": DecisionForm,
    "decide_fee_waiver": DecisionForm,
    "close": CloseForm,
    "reopen": ReopenForm,
}
HTML_ONLY_FIELDS = {"released", "confirm"}


def action_values(form: ActionForm) -> dict:
    """The values a workflow service takes, from a validated action form."""
    return {
        name: value
        for name, value in form.data.items()
        if name not in ("csrf_token", "version", "confirm")
    }


def validate_action_json(action: str, payload: dict):
    """Validate a JSON action payload (without the `action` key); returns (form, errors)."""
    form_class = ACTION_FORMS[action]
    probe = form_class(formdata=None, meta={"csrf": False})
    fields = tuple(f.name for f in probe if f.name not in HTML_ONLY_FIELDS | {"csrf_token"})
    return validate_json(form_class, payload, fields)


# The request form speaks to the requester ("Your email"); staff entering a mailed request read
# the same fields worded for them. (label, description) per field; "" keeps no description.
STAFF_ENTRY_WORDING = {
    "first_name": ("The requester's first name", None),
    "last_name": ("The requester's last name", None),
    "email": (
        "The requester's email",
        "The tracking number and every update go here. Leave it as the requester gave it.",
    ),
    "phone": ("The requester's phone number", "Optional."),
    "organization": (
        "The requester's organization",
        "Optional. The news outlet, school, company or group they file for, if any.",
    ),
    "street": ("Street address", "Optional, but needed for paper copies."),
    "description": (
        "The records sought",
        "As the requester wrote it. Type or paste the whole description; attach a scan below.",
    ),
    "date_from": ("Records from (date)", "Optional. The earliest date of the records sought."),
    "date_to": ("Records to (date)", "Optional. The latest date of the records sought."),
    "fee_category": (
        "The requester's fee category",
        "From the letter, or “All other requesters” when it does not say.",
    ),
    "fee_limit": (
        "The most the requester agrees to pay, in US dollars",
        "Optional. The office asks before charging more. Nothing is charged under $25.",
    ),
    "fee_waiver": ("The requester asks for a fee waiver", None),
    "fee_waiver_reason": ("Why fees should be waived, as the requester explains", ""),
    "expedited": ("The requester asks for expedited processing", None),
    "expedited_reason": ("The compelling need, as the requester states it", ""),
    "expedited_certified": (
        "The requester certified the statement of compelling need as true and correct",
        None,
    ),
    "delivery_format": ("How the requester wants the records", None),
}


def staff_worded(message: str) -> str:
    """An error of the request form, worded for staff ("Enter the requester's email address.")."""
    return (
        message.replace("the records you want", "the records sought")
        .replace("that fits you", "that fits the requester")
        .replace("your ", "the requester's ")
    )


class StaffEntryForm(FoiaRequestForm):
    """A request that arrived by mail, email, phone, fax or in person, typed in by staff."""

    class Meta:
        @property
        def csrf(self):
            # A signed-in staff page, unlike the public form: CSRF on (as configured).
            return current_app.config.get("WTF_CSRF_ENABLED", True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, description) in STAFF_ENTRY_WORDING.items():
            self[name].label.text = label
            if description is not None:
                self[name].description = description

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            field.errors = [staff_worded(message) for message in field.errors]
        self.form_errors = [staff_worded(message) for message in self.form_errors]
        return valid

    received_on = DateField(
        "Date received",
        description="The business day the office received it; the 20-day clock starts here.",
        validators=[InputRequired("Enter the date the request was received.")],
    )
    channel = ChoiceRadioField(
        "How it arrived",
        choices=choices((c.value, CHANNEL_LABELS[c]) for c in STAFF_CHANNELS),
        validators=[InputRequired("Choose how the request arrived.")],
    )


QUEUE_STATUS_CHOICES = choices(
    [
        ("open", "Open (received, in progress, on hold)"),
        *[(s.value, STATUS_LABELS[s] if s != Status.ON_HOLD else "On hold") for s in Status],
        ("all", "Every status"),
    ]
)
QUEUE_SORT_CHOICES = choices(
    [
        ("due_date", "Due date (soonest first)"),
        ("received", "Received (newest first)"),
        ("tracking_number", "Tracking number"),
    ]
)


# A page link's shape (staff.queue.encode_cursor): "<date>_<id>", or a tracking number when
# sorted by tracking number. A well-formed link that leads nowhere is for `queue.parse_filters`.
CURSOR_PATTERN = r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]+|[A-Z]{2,10}-[0-9]{4}-[0-9]{6,})$"
CURSOR_MESSAGE = "This page link is not valid any more; start from the first page."


# `mine`, `unassigned` (any case) or something shaped like an email address; whether that address
# is a staff member's is `queue.parse_filters`' question (the API answers 404 when not).
ADDRESS_PART = f"[^@{WHITESPACE}{CONTROL_CHARACTERS}]+"
ASSIGNEE_PATTERN = (
    f"^(?:[Mm][Ii][Nn][Ee]|[Uu][Nn][Aa][Ss][Ss][Ii][Gg][Nn][Ee][Dd]|{ADDRESS_PART}@{ADDRESS_PART})$"
)
OVERDUE_FALSE = ("false", "", "0", "no", "off")
OVERDUE_TRUE = ("true", "1", "yes", "on", "y")


def yes_or_no_word(form, field) -> None:
    """A checkbox read from a URL takes the words a browser or a client sends, nothing else."""
    if field.raw_data and field.raw_data[0] not in OVERDUE_FALSE + OVERDUE_TRUE:
        raise ValidationError(
            f"Use one of: {', '.join(w for w in OVERDUE_TRUE + OVERDUE_FALSE if w)}."
        )


# The OpenAPI document lists the same words (foia_portal/api/form_schema.py reads it).
yes_or_no_word.json_schema = {"type": "string", "enum": [*OVERDUE_TRUE, *OVERDUE_FALSE]}


class QueueFilterForm(Form):
    """The queue's filters, read from the URL (GET: bookmarkable, no CSRF, nothing changes)."""

    status = ChoiceSelectField(
        "Status",
        choices=[SelectChoice("", "Open, or every status when searching"), *QUEUE_STATUS_CHOICES],
        validators=[Optional()],
    )
    track = ChoiceSelectField(
        "Track",
        choices=[SelectChoice("", "Any track"), *TRACK_CHOICES],
        validators=[Optional()],
    )
    assignee = StringField(
        "Assignee",
        filters=TEXT,
        description="“mine”, “unassigned” or a staff email address.",
        validators=[
            Optional(),
            Length(max=254),
            no_control_characters,
            Regexp(ASSIGNEE_PATTERN, message="Use mine, unassigned or a staff email address."),
        ],
    )
    overdue = BooleanField(
        "Overdue only",
        false_values=OVERDUE_FALSE,
        validators=[yes_or_no_word],
    )
    reply_waiting = BooleanField(
        "Reply waiting only",
        description="The requester replied on the status page and staff have not written back.",
        false_values=OVERDUE_FALSE,
        validators=[yes_or_no_word],
    )
    due_within = IntegerField(
        "Due within (business days)",
        validators=[
            Optional(),
            NumberRange(min=0, max=365, message="Enter a number of days from 0 to 365."),
        ],
    )
    received_from = DateField("Received from", validators=[Optional()])
    received_to = DateField("Received to", validators=[Optional()])
    q = StringField(
        "Search",
        filters=TEXT,
        description="Tracking number, requester name or email, or words in the description.",
        validators=[Optional(), Length(max=200), no_control_characters],
    )
    sort = ChoiceSelectField(
        "Sort by",
        choices=QUEUE_SORT_CHOICES,
        default="due_date",
        validators=[Optional()],
    )
    after = StringField(
        description="`next_cursor` of the page before, for the same `sort`.",
        validators=[Optional(), Length(max=100), Regexp(CURSOR_PATTERN, message=CURSOR_MESSAGE)],
    )
    before = StringField(
        description="`previous_cursor` of the page after, for the same `sort`.",
        validators=[Optional(), Length(max=100), Regexp(CURSOR_PATTERN, message=CURSOR_MESSAGE)],
    )
    per_page = IntegerField(
        "Per page",
        validators=[Optional(), NumberRange(min=1, max=500, message="Enter 1 to 500.")],
    )

    def validate_received_to(self, field):
        if field.data and self.received_from.data and field.data < self.received_from.data:
            raise ValidationError("The end of the range cannot be before its start.")
