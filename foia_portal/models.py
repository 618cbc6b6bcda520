"""Every model, imported in one place so that Alembic and the app see the whole schema."""

from foia_portal.auth.models import ApiToken, AuditEntry, StaffUser
from foia_portal.faq.models import Faq, FaqCategory, FaqSuggestion, FaqVote
from foia_portal.mail.models import OutboxMessage
from foia_portal.platform.content_version import ContentVersion
from foia_portal.requests.models import (
    Attachment,
    FoiaRequest,
    HoldPeriod,
    Requester,
    RequestEvent,
    TrackingSequence,
)

__all__ = [
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "ContentVersion",
    "Faq",
    "FaqCategory",
    "FaqSuggestion",
    "FaqVote",
    "FoiaRequest",
    "HoldPeriod",
    "OutboxMessage",
    "RequestEvent",
    "Requester",
    "StaffUser",
    "TrackingSequence",
]
