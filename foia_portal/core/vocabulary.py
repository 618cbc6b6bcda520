"""The contract's fixed vocabularies: statuses, tracks, dispositions, exemptions, fee categories.

One source of truth: forms, the API schema, the status machine and the annual report all read these.
"""

from enum import StrEnum


class Status(StrEnum):
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"  # awaiting the requester: the statutory clock is stopped
    CLOSED = "closed"


OPEN_STATUSES = (Status.RECEIVED, Status.IN_PROGRESS, Status.ON_HOLD)

STATUS_LABELS = {
    Status.RECEIVED: "Received",
    Status.IN_PROGRESS: "In progress",
    Status.ON_HOLD: "Waiting for your reply",
    Status.CLOSED: "Closed",
}


class Track(StrEnum):
    SIMPLE = "simple"
    COMPLEX = "complex"
    EXPEDITED = "expedited"


TRACK_LABELS = {Track.SIMPLE: "Simple", Track.COMPLEX: "Complex", Track.EXPEDITED: "Expedited"}


class Disposition(StrEnum):
    # DOJ Annual FOIA Report, section V.B: columns 1-3, then the nine "other reasons" (4a-4i).
    FULL_GRANT = "full_grant"
    PARTIAL_GRANT = "partial_grant"
    FULL_DENIAL = "full_denial"
    NO_RECORDS = "no_records"
    REFERRED = "referred"
    WITHDRAWN = "withdrawn"
    FEE_RELATED = "fee_related"
    NOT_REASONABLY_DESCRIBED = "not_reasonably_described"
    IMPROPER_REQUEST = "improper_request"
    NOT_AGENCY_RECORD = "not_agency_record"
    DUPLICATE = "duplicate"
    OTHER = "other"


DISPOSITION_LABELS = {
    Disposition.FULL_GRANT: "Full grant",
    Disposition.PARTIAL_GRANT: "Partial grant / partial denial",
    Disposition.FULL_DENIAL: "Full denial based on exemptions",
    Disposition.NO_RECORDS: "No records",
    Disposition.REFERRED: "All records referred to another component or agency",
    Disposition.WITHDRAWN: "Request withdrawn",
    Disposition.FEE_RELATED: "Fee-related reason",
    Disposition.NOT_REASONABLY_DESCRIBED: "Records not reasonably described",
    Disposition.IMPROPER_REQUEST: "Improper FOIA request for another reason",
    Disposition.NOT_AGENCY_RECORD: "Not agency record",
    Disposition.DUPLICATE: "Duplicate request",
    Disposition.OTHER: "Other",
}

# Dispositions that are "adverse determinations" under the FOIA Improvement Act of 2016: the
# response must name OGIS and give at least 90 days to appeal.
ADVERSE_DISPOSITIONS = frozenset(Disposition) - {Disposition.FULL_GRANT, Disposition.WITHDRAWN}

# A withholding must cite the exemptions it rests on.
DISPOSITIONS_REQUIRING_EXEMPTIONS = frozenset({Disposition.PARTIAL_GRANT, Disposition.FULL_DENIAL})

EXEMPTIONS = (
    "b1", "b2", "b3", "b4", "b5", "b6",
    "b7A", "b7B", "b7C", "b7D", "b7E", "b7F",
    "b8", "b9",
)  # fmt: skip

EXEMPTION_LABELS = {
    "b1": "(b)(1) National security",
    "b2": "(b)(2) Internal personnel rules and practices",
    "b3": "(b)(3) Withheld by another statute",
    "b4": "(b)(4) Trade secrets and confidential commercial information",
    "b5": "(b)(5) Privileged inter- or intra-agency communications",
    "b6": "(b)(6) Personal privacy",
    "b7A": "(b)(7)(A) Interference with enforcement proceedings",
    "b7B": "(b)(7)(B) Deprivation of a fair trial",
    "b7C": "(b)(7)(C) Unwarranted invasion of personal privacy",
    "b7D": "(b)(7)(D) Confidential source",
    "b7E": "(b)(7)(E) Law enforcement techniques and procedures",
    "b7F": "(b)(7)(F) Endangering life or physical safety",
    "b8": "(b)(8) Financial institution supervision",
    "b9": "(b)(9) Geological information on wells",
}


class FeeCategory(StrEnum):
    COMMERCIAL = "commercial"
    EDUCATIONAL = "educational"
    SCIENTIFIC = "scientific"
    NEWS_MEDIA = "news_media"
    OTHER = "other"


FEE_CATEGORY_LABELS = {
    FeeCategory.COMMERCIAL: "Commercial use",
    FeeCategory.EDUCATIONAL: "Educational institution",
    FeeCategory.SCIENTIFIC: "Noncommercial scientific institution",
    FeeCategory.NEWS_MEDIA: "Representative of the news media",
    FeeCategory.OTHER: "All other requesters",
}


class DeliveryFormat(StrEnum):
    ELECTRONIC = "electronic"
    PAPER = "paper"


class Channel(StrEnum):
    WEB = "web"
    API = "api"
    FOIA_GOV = "foia_gov"
    MAIL = "mail"
    EMAIL = "email"
    PHONE = "phone"
    FAX = "fax"
    IN_PERSON = "in_person"


CHANNEL_LABELS = {
    Channel.WEB: "Online form",
    Channel.API: "API",
    Channel.FOIA_GOV: "FOIA.gov",
    Channel.MAIL: "Postal mail",
    Channel.EMAIL: "Email",
    Channel.PHONE: "Phone",
    Channel.FAX: "Fax",
    Channel.IN_PERSON: "In person",
}


class Role(StrEnum):
    OFFICER = "officer"
    ADMIN = "admin"
