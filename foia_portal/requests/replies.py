"""The requester's reply on the status page: a public timeline event with its files.

The assigned officer (or the office inbox when unassigned) is emailed the reply, and the request
shows "reply waiting" in the queue until staff next write to the requester. A reply while the
request is on hold ends the toll, as 5 U.S.C. § 552(a)(6)(A)(ii) says (the agency's receipt of
the response ends the tolling period): the staff `resume` action is taken on the requester's
behalf, the same day, so the rule and the clock stay in one place (staff/services.py,
requests/clock.py).

Like every service, it flushes and never commits.
"""

from __future__ import annotations

from datetime import date

from foia_portal.core import deadlines
from foia_portal.core.vocabulary import Status
from foia_portal.extensions import db
from foia_portal.platform.types import utcnow
from foia_portal.requests.models import FoiaRequest, RequestEvent
from foia_portal.requests.services import StoredFiles, record_event, store_attachment
from foia_portal.requests.uploads import CheckedUpload
from foia_portal.staff import notifications
from foia_portal.staff.services import perform_action

REPLY_KIND = "requester_replied"
ATTACHMENT_KIND = "reply"

CLOSED_MESSAGE = (
    "This request is closed, so we cannot take a reply to it here. If you disagree with our "
    "decision, you may appeal within 90 days of our final response letter, which explains how. "
    "For anything else, contact our FOIA Public Liaison, or make a new request."
)


class ReplyRefused(Exception):
    """The request cannot take a reply now (it is closed); the message says what to do."""


def record_reply(
    foia_request: FoiaRequest,
    text: str | None,
    files: list[CheckedUpload],
    stored: StoredFiles,
    today: date | None = None,
) -> RequestEvent:
    """Store the requester's reply and its files, tell staff, and end a hold if there is one."""
    if foia_request.status == Status.CLOSED:
        raise ReplyRefused(CLOSED_MESSAGE)
    today = today or deadlines.today_eastern()
    event = record_event(
        foia_request,
        REPLY_KIND,
        public=True,
        message=text or None,
        previous_due_date=foia_request.due_date,
        details={"files": [upload.original_filename for upload in files]},
    )
    for upload in files:
        attachment = store_attachment(upload, ATTACHMENT_KIND, stored)
        foia_request.attachments.append(attachment)
        attachment.event = event
    foia_request.reply_waiting_since = utcnow()
    db.session.flush()
    on_hold = foia_request.status == Status.ON_HOLD
    if on_hold:
        perform_action(foia_request, "resume", None, {"answered_on": today}, today=today)
    names = [upload.original_filename for upload in files]
    notifications.reply_received(foia_request, event, names, resumed=on_hold)
    return event
