"""FOIA.gov, an intake channel: the National FOIA Portal's Agency API v1.1.0, receiving side.

FOIA.gov POSTs each request filed there for our office as flat JSON with the shared secret in the
`FOIA-API-SECRET` header (see docs/foia-portal.md) to the route in
`foia_portal/api/portal_endpoints.py`. This module checks the secret, reads the payload into our
intake service's terms, files it through `requests.services.submit_request`, and keeps what has
no column of its own (fax number, agency-specific fields, the portal's request category) with the
request.

Nothing a requester wrote is lost: values too long for a column are cut there but kept whole in
`FoiaRequest.portal_payload`, and an attachment we refuse to store (a type we do not accept) is
named in a staff note instead of failing the whole request. The payload is refused (400) only
when it is not the portal's JSON at all: a required field missing, or a value of the wrong type.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app

from foia_portal.core.vocabulary import Channel, FeeCategory
from foia_portal.extensions import db
from foia_portal.platform.text import CONTROL_CHARACTERS, WHITESPACE
from foia_portal.requests import services
from foia_portal.requests.models import FoiaRequest, Requester
from foia_portal.requests.uploads import CheckedUpload, UploadRejected, check_upload

API_VERSION = "1.1.0"
SECRET_HEADER = "FOIA-API-SECRET"  # noqa: S105  (a header name, not a secret)
NAME_NOT_GIVEN = "(not given)"
# Largest `request_id` a BigInteger column holds.
MAX_PORTAL_REQUEST_ID = 2**63 - 1
# Control characters other than tab and newlines have no place in text (PostgreSQL refuses NUL).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class PortalField:
    """One field of the portal's payload: its JSON kind, whether it is required, what it means."""

    name: str
    kind: str  # string | integer | yes_no | boolean | file | files
    description: str
    required: bool = False
    example: Any = None


# FOIA.gov Agency API v1.1.0, request fields. Validation and the OpenAPI schema both read this.
PORTAL_FIELDS: tuple[PortalField, ...] = (
    PortalField("version", "string", "Version of the Agency API the portal speaks.", True, "1.1.0"),
    PortalField("request_id", "integer",
                "The portal's id of this submission. A repeated id is answered with the first "
                "answer and creates nothing.", True, 1234),
    PortalField("agency", "string", "Name of the agency.", True, "Department of Justice"),
    PortalField("agency_component_name", "string", "Name of the component the request is for.",
                True, "Office of Community Oriented Policing Services"),
    PortalField("request_description", "string", "The records sought (up to 10,000 characters).",
                True, "All grant award documents for hiring grants to Springfield, IL, in 2024."),
    PortalField("name_first", "string", "Requester's first name.", example="George"),
    PortalField("name_last", "string", "Requester's last name.", example="Washington"),
    PortalField("address_line1", "string", "Mailing address, first line."),
    PortalField("address_line2", "string", "Mailing address, second line."),
    PortalField("address_city", "string", "City."),
    PortalField("address_state_province", "string", "State or province."),
    PortalField("address_zip_postal_code", "string", "ZIP or postal code."),
    PortalField("address_country", "string", "Country."),
    PortalField("email", "string", "Requester's email address.", example="george@example.com"),
    PortalField("phone_number", "string", "Requester's phone number."),
    PortalField("fax_number", "string", "Requester's fax number."),
    PortalField("company_organization", "string", "Organization the requester files for."),
    PortalField("fee_amount_willing", "string",
                "The most the requester agrees to pay, in US dollars, as text.", example="25"),
    PortalField("fee_waiver", "yes_no", "Whether the requester asks for a fee waiver."),
    PortalField("fee_waiver_explanation", "string", "Why fees should be waived."),
    PortalField("request_category", "string",
                "The requester's fee category as the portal names it (e.g. `individual`, "
                "`media`, `educational`, `scientific`, `commercial`); mapped to ours, and the "
                "original kept.", example="individual"),
    PortalField("expedited_processing", "yes_no", "Whether the requester asks for expedited "
                "processing (5 U.S.C. § 552(a)(6)(E))."),
    PortalField("expedited_processing_explanation", "string", "The compelling need, certified "
                "true by the requester on the portal."),
    PortalField("attachments_supporting_documentation", "files",
                "Supporting documents, base64-encoded, up to 20 MB each."),
    PortalField("pdf", "file", "The whole request as a PDF made by the portal."),
    PortalField("testing", "boolean",
                "A test submission: stored and answered, but kept out of the queue and the "
                "annual report, and no email is sent."),
)  # fmt: skip
FIELDS_BY_NAME = {f.name: f for f in PORTAL_FIELDS}
FILE_KEYS = ("filename", "content_type", "filesize", "filedata")

# Portal field → our request field (contract names), for the plain text fields.
TEXT_MAPPING = {
    "name_first": "first_name",
    "name_last": "last_name",
    "phone_number": "phone",
    "company_organization": "organization",
    "address_city": "city",
    "address_state_province": "state",
    "address_zip_postal_code": "zip_code",
    "address_country": "country",
}

# The portal's request categories → our fee categories (5 U.S.C. § 552(a)(4)(A)(ii)). Matched on
# words, because agencies and portal versions spell them differently; anything else, including
# the portal's "individual", is "all other requesters".
CATEGORY_WORDS = (
    (FeeCategory.COMMERCIAL, ("commercial", "business", "company", "corporate")),
    (FeeCategory.NEWS_MEDIA, ("media", "news", "press", "journalist", "reporter")),
    (FeeCategory.EDUCATIONAL, ("educational", "education", "school", "university", "academic")),
    (FeeCategory.SCIENTIFIC, ("scientific", "science", "research")),
)


class PortalPayloadInvalid(ValueError):
    """The body is not the portal's JSON: answered 400 with every problem found."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(f"{name}: {problem}" for name, problem in problems.items()))
        self.problems = problems


@dataclass
class PortalSubmission:
    """A portal payload read into our intake's terms."""

    request_id: int
    is_test: bool
    fields: dict[str, Any]
    files: list[CheckedUpload]
    pdf: CheckedUpload | None
    stored_payload: dict[str, Any]
    # For staff: what the portal sent that has no column, and what we had to adjust.
    portal_details: dict[str, Any] = field(default_factory=dict)
    adjustments: list[str] = field(default_factory=list)


# --- authentication -------------------------------------------------------------------------


def secret_is_valid(sent: str | None) -> bool:
    """Compare the sent secret with FOIA_PORTAL_SECRET in constant time; unset refuses all."""
    expected = current_app.config.get("FOIA_PORTAL_SECRET")
    if not expected or not sent:
        return False
    return hmac.compare_digest(sent.encode("utf-8"), expected.encode("utf-8"))


def body_limit() -> int:
    """Largest body we read: every file at the attachment limit, base64-encoded (4/3 larger).

    Five supporting files and the portal's PDF, plus room for the text fields.
    """
    per_file = current_app.config["MAX_ATTACHMENT_BYTES"]
    files = current_app.config["MAX_ATTACHMENTS"] + 1
    return files * (per_file * 4 // 3 + 4) + 2 * 1024 * 1024


# --- reading the payload --------------------------------------------------------------------


def clean_text(value: str) -> str:
    return unicodedata.normalize("NFC", _CONTROL.sub("", value)).strip()


def read_string(value: Any) -> str | None:
    """A text value; numbers are accepted as text (a ZIP code sent as 20530)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("must be a string")
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return clean_text(value) or None


# What each kind of field takes, as regexes the OpenAPI document states too
# (api.openapi_schemas.portal_request_schema): one rule for both.
DIGITS_TEXT = f"[{WHITESPACE}]*[0-9]+[{WHITESPACE}]*"
# A request_id as text: 1 and up, at most 18 digits (a BigInteger holds them all).
ID_TEXT = f"[{WHITESPACE}]*0*[1-9][0-9]{{0,17}}[{WHITESPACE}]*"
YES_NO_TEXT = (
    f"[{WHITESPACE}]*(?:[Yy][Ee][Ss]|[Nn][Oo]|[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])[{WHITESPACE}]*"
)
BOOLEAN_TEXT = f"[{WHITESPACE}]*(?:[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|[Yy][Ee][Ss]|[Nn][Oo]|1|0)[{WHITESPACE}]*"
# Base64, which may be wrapped in lines: whitespace anywhere is not data.
BASE64_TEXT = (
    f"[{WHITESPACE}]*(?:(?:[A-Za-z0-9+/][{WHITESPACE}]*){{4}})*"
    f"(?:(?:[A-Za-z0-9+/][{WHITESPACE}]*){{2}}=[{WHITESPACE}]*=|(?:[A-Za-z0-9+/][{WHITESPACE}]*){{3}}=)?[{WHITESPACE}]*"
)
# A required text needs one character that cleaning leaves (see `clean_text`).
VISIBLE_TEXT = f"[^{WHITESPACE}{CONTROL_CHARACTERS}]"


def read_integer(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and re.fullmatch(ID_TEXT, value):
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be an integer")
    if not 0 < value <= MAX_PORTAL_REQUEST_ID:
        raise ValueError(f"must be between 1 and {MAX_PORTAL_REQUEST_ID}")
    return value


def read_yes_no(value: Any) -> bool:
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(YES_NO_TEXT, value):
        return value.strip().lower() in {"yes", "true"}
    raise ValueError('must be "yes" or "no"')


def read_boolean(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and re.fullmatch(BOOLEAN_TEXT, value):
        return value.strip().lower() in {"true", "yes", "1"}
    raise ValueError("must be true or false")


@dataclass
class PortalFile:
    """One `{filename, content_type, filesize, filedata}` object, decoded."""

    filename: str
    content_type: str | None
    filesize: int | None
    content: bytes


def read_file(value: Any) -> PortalFile | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError("must be an object with filename, content_type, filesize and filedata")
    filedata = value.get("filedata")
    if not isinstance(filedata, str):
        raise ValueError("filedata must be a base64 string")
    filename = value.get("filename")
    if filename is not None and not isinstance(filename, str):
        raise ValueError("filename must be a string")
    content_type = value.get("content_type")
    if content_type is not None and not isinstance(content_type, str):
        raise ValueError("content_type must be a string")
    filesize = value.get("filesize")
    if isinstance(filesize, str) and re.fullmatch(DIGITS_TEXT, filesize):
        filesize = int(filesize.strip())
    if isinstance(filesize, float) and filesize.is_integer():
        filesize = int(filesize)
    if filesize is not None and (
        isinstance(filesize, bool) or not isinstance(filesize, int) or filesize < 0
    ):
        raise ValueError("filesize must be an integer, 0 or more")
    if not re.fullmatch(BASE64_TEXT, filedata):
        raise ValueError("filedata is not valid base64")
    try:
        # Some encoders wrap base64 in lines: whitespace is not data.
        content = base64.b64decode(re.sub(f"[{WHITESPACE}]", "", filedata), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("filedata is not valid base64") from None
    return PortalFile(filename or "attachment", content_type, filesize, content)


def read_files(value: Any) -> list[PortalFile]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError("must be a list of file objects")
    files = []
    for index, item in enumerate(value):
        try:
            portal_file = read_file(item)
        except ValueError as problem:
            raise ValueError(f"item {index}: {problem}") from None
        if portal_file is not None:
            files.append(portal_file)
    return files


READERS = {
    "string": read_string,
    "integer": read_integer,
    "yes_no": read_yes_no,
    "boolean": read_boolean,
    "file": read_file,
    "files": read_files,
}


def fee_category_for(portal_category: str | None) -> FeeCategory:
    """Our fee category for the portal's `request_category`; "other" when nothing fits."""
    words = set(re.findall(r"[a-z]+", (portal_category or "").lower()))
    if "noncommercial" in words or ("non" in words and "commercial" in words):
        # "Non-commercial scientific institution" is scientific, not commercial.
        words -= {"commercial", "non", "noncommercial"}
    for category, markers in CATEGORY_WORDS:
        if words & set(markers):
            return category
    return FeeCategory.OTHER


def parse_fee_limit(text: str | None) -> Decimal | None:
    """US dollars from text like "25", "$1,000.00"; None when empty or not an amount."""
    if not text:
        return None
    cleaned = text.replace("$", "").replace(",", "").replace("USD", "").strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("10000000000"):
        return None
    return amount.quantize(Decimal("0.01"))


def column_length(name: str) -> int | None:
    """The length of a requester column, read from the model (no second copy to drift)."""
    column = Requester.__table__.c.get(name)
    return getattr(column.type, "length", None) if column is not None else None


def without_nul(value: Any) -> Any:
    """A JSON value with NUL characters removed from every string (PostgreSQL stores no NUL)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    return value


def without_file_data(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as received, minus the base64 file contents (stored as attachments)."""

    def strip(item: Any) -> Any:
        if isinstance(item, dict):
            return {k: v for k, v in item.items() if k != "filedata"}
        return item

    kept = dict(payload)
    if isinstance(kept.get("pdf"), dict):
        kept["pdf"] = strip(kept["pdf"])
    if isinstance(kept.get("attachments_supporting_documentation"), list):
        kept["attachments_supporting_documentation"] = [
            strip(item) for item in kept["attachments_supporting_documentation"]
        ]
    return kept


def parse_portal_request(payload: Any) -> PortalSubmission:
    """Read the portal's JSON; raise PortalPayloadInvalid listing every problem."""
    if not isinstance(payload, dict):
        raise PortalPayloadInvalid({"body": "must be a JSON object"})
    problems: dict[str, str] = {}
    values: dict[str, Any] = {}
    for portal_field in PORTAL_FIELDS:
        try:
            values[portal_field.name] = READERS[portal_field.kind](payload.get(portal_field.name))
        except ValueError as problem:
            problems[portal_field.name] = str(problem)
            continue
        if portal_field.required and values[portal_field.name] in (None, ""):
            problems[portal_field.name] = "is required"
    if problems:
        raise PortalPayloadInvalid(problems)

    adjustments: list[str] = []
    fields: dict[str, Any] = {}
    for portal_name, our_name in TEXT_MAPPING.items():
        fields[our_name] = fit_column(our_name, values[portal_name], portal_name, adjustments)
    street = ", ".join(v for v in (values["address_line1"], values["address_line2"]) if v) or None
    fields["street"] = fit_column("street", street, "address_line1/address_line2", adjustments)
    fields["email"] = requester_email(values["email"], adjustments)
    for name, portal_name in (("first_name", "name_first"), ("last_name", "name_last")):
        if not fields[name]:
            # The requester table needs both names; the portal does not require them.
            fields[name] = NAME_NOT_GIVEN
            adjustments.append(f"No {portal_name} was given; recorded as “{NAME_NOT_GIVEN}”.")

    fee_limit = parse_fee_limit(values["fee_amount_willing"])
    if values["fee_amount_willing"] and fee_limit is None:
        adjustments.append(
            f"fee_amount_willing “{values['fee_amount_willing'][:100]}” is not an amount in "
            "dollars; no fee limit was recorded."
        )
    portal_category = values["request_category"]
    fields.update(
        description=values["request_description"],
        date_from=None,
        date_to=None,
        fee_category=str(fee_category_for(portal_category)),
        fee_limit=fee_limit,
        fee_waiver=values["fee_waiver"],
        fee_waiver_reason=values["fee_waiver_explanation"],
        expedited=values["expedited_processing"],
        expedited_reason=values["expedited_processing_explanation"],
        delivery_format="electronic",
    )
    if fields["fee_waiver"] and not fields["fee_waiver_reason"]:
        adjustments.append("A fee waiver was asked for without an explanation.")
    if fields["expedited"] and not fields["expedited_reason"]:
        adjustments.append("Expedited processing was asked for without an explanation.")

    files: list[CheckedUpload] = []
    for portal_file in values["attachments_supporting_documentation"]:
        checked = check_portal_file(portal_file, adjustments)
        if checked is not None:
            files.append(checked)
    pdf = check_portal_file(values["pdf"], adjustments) if values["pdf"] else None

    extra = without_nul({k: v for k, v in payload.items() if k not in FIELDS_BY_NAME})
    details = {
        "portal_request_id": values["request_id"],
        "version": values["version"],
        "agency": values["agency"],
        "agency_component_name": values["agency_component_name"],
        "request_category": portal_category,
        "fax_number": values["fax_number"],
        "agency_fields": extra,
    }
    return PortalSubmission(
        request_id=values["request_id"],
        is_test=values["testing"],
        fields=fields,
        files=files,
        pdf=pdf,
        stored_payload=without_nul(without_file_data(payload)),
        portal_details=details,
        adjustments=adjustments,
    )


def fit_column(our_name: str, value: str | None, portal_name: str, adjustments: list[str]):
    """The value, cut to its column's length; the cut is noted (the whole value stays kept)."""
    length = column_length(our_name)
    if value and length and len(value) > length:
        adjustments.append(
            f"{portal_name} is {len(value):,} characters, more than the {length} that fit in "
            f"{our_name}: cut there; the full text is in the portal payload."
        )
        return value[:length]
    return value


def requester_email(value: str | None, adjustments: list[str]) -> str:
    """The normalised address, or "" (postal requester, or an address that cannot be used)."""
    if not value:
        return ""
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        adjustments.append(
            f"The email address “{value[:254]}” is not valid, so no email can be sent to it."
        )
        return ""


def check_portal_file(portal_file: PortalFile, adjustments: list[str]) -> CheckedUpload | None:
    """Check a file like any upload (20 MB, type by content); a refused one becomes a note."""
    try:
        checked = check_upload(portal_file.filename, portal_file.content)
    except UploadRejected as problem:
        adjustments.append(
            f"An attachment was not stored: {problem} Ask the requester for it in another format."
        )
        return None
    if portal_file.filesize is not None and portal_file.filesize != len(portal_file.content):
        adjustments.append(
            f"“{checked.original_filename}”: the portal gave its size as {portal_file.filesize:,} "
            f"bytes but {len(portal_file.content):,} arrived."
        )
    return checked


# --- storing --------------------------------------------------------------------------------


def find_by_portal_request_id(request_id: int) -> FoiaRequest | None:
    return db.session.scalar(
        sa.select(FoiaRequest).where(FoiaRequest.portal_request_id == request_id)
    )


def receive_portal_request(
    submission: PortalSubmission, stored: services.StoredFiles
) -> FoiaRequest:
    """File a portal submission through the one intake service, channel "FOIA.gov".

    The portal's PDF of the request is stored as an attachment after the supporting files; a
    staff-only timeline event lists what has no column (fax, agency fields, the portal's own
    category) and anything we had to adjust. Flushes; the caller commits.
    """
    files = list(submission.files)
    if submission.pdf is not None:
        files.append(submission.pdf)
    foia_request = services.submit_request(
        services.Intake(
            fields=submission.fields,
            channel=Channel.FOIA_GOV,
            files=files,
            portal_request_id=submission.request_id,
            portal_payload=submission.stored_payload,
            is_test=submission.is_test,
        ),
        stored,
    )
    lines = [f"Received from FOIA.gov (portal request {submission.request_id})."]
    category = submission.portal_details.get("request_category")
    lines.append(
        f"Requester category on the portal: “{category}”, filed as “{foia_request.fee_category}”."
        if category
        else "No requester category was given."
    )
    if submission.portal_details.get("fax_number"):
        lines.append(f"Fax: {submission.portal_details['fax_number']}")
    for name, value in submission.portal_details.get("agency_fields", {}).items():
        lines.append(f"{name}: {value}")
    if submission.pdf is not None:
        lines.append(f"The portal's PDF of the request: “{submission.pdf.original_filename}”.")
    lines.extend(submission.adjustments)
    services.record_event(
        foia_request,
        "foia_gov_received",
        public=False,
        message="\n".join(lines),
        details={**submission.portal_details, "adjustments": submission.adjustments},
    )
    db.session.flush()
    return foia_request


def portal_answer(foia_request: FoiaRequest) -> dict[str, Any]:
    """The portal's success body: our numeric id and the tracking number requesters use."""
    return {"id": foia_request.id, "status_tracking_number": foia_request.tracking_number}
