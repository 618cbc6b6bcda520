"""A request's deadline, worked out from its own record by the one deadline module."""

from __future__ import annotations

from datetime import date

from foia_portal.core import deadlines
from foia_portal.core.deadlines import Deadline, Pause
from foia_portal.requests.models import FoiaRequest


def pauses_of(foia_request: FoiaRequest) -> list[Pause]:
    return [Pause(h.started_on, h.ended_on, h.reason) for h in foia_request.holds]


def deadline_for(foia_request: FoiaRequest, today: date | None = None) -> Deadline:
    """The statutory due date of this request today, with how it was worked out."""
    return deadlines.compute_deadline(
        foia_request.received_date,
        pauses_of(foia_request),
        foia_request.extension_business_days,
        today=today or deadlines.today_eastern(),
    )


def refresh_due_date(foia_request: FoiaRequest, today: date | None = None) -> Deadline:
    """Recompute and store the due date after anything that moves it (hold, resume, extension)."""
    deadline = deadline_for(foia_request, today)
    foia_request.due_date = deadline.due_date
    foia_request.paused_business_days = deadline.paused_business_days
    return deadline
