"""The dashboard at the top of the staff queue: this month at a glance.

What came in and went out this month, what is open and past due today, and the median business
days this month's closures took (the annual report's closing figures, `reports/closures.py`,
for the month so far). Shown by `templates/reports/_dashboard.html`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from foia_portal.core import deadlines
from foia_portal.core.vocabulary import OPEN_STATUSES, Status
from foia_portal.extensions import db
from foia_portal.reports.closures import COUNTED, closures, median, processed_by_date_index
from foia_portal.requests.models import FoiaRequest


@dataclass(frozen=True)
class DashboardFigures:
    """This month's flow, today's backlog and how long this month's closures took."""

    today: date
    month_start: date
    received_this_month: int
    closed_this_month: int
    pending: int
    backlog: int
    median_days_this_month: float | None
    closed_counted: int = field(default=0)
    # Filed on a weekend, a holiday or after 17:00 Eastern: received by law the next business
    # day, so not yet in `received_this_month` although the queue lists them.
    filed_not_yet_received: int = field(default=0)

    @property
    def net_change(self) -> int:
        """Received minus closed: positive when the queue grew this month."""
        return self.received_this_month - self.closed_this_month


def dashboard_figures(today: date | None = None) -> DashboardFigures:
    """The figures the staff queue shows at the top: three statements and one median.

    Each reads the rows it counts (this month's arrivals and closures by their date indexes, the
    open requests by the status index), so the staff queue keeps these figures between page views
    (staff/queue.py, `kept`) rather than counting on every view.
    """
    today = today or deadlines.today_eastern()
    month_start = today.replace(day=1)
    received, filed_not_yet_received = db.session.execute(
        sa.select(
            sa.func.count().filter(FoiaRequest.received_date <= today),
            sa.func.count().filter(FoiaRequest.received_date > today),
        ).where(COUNTED, FoiaRequest.received_date >= month_start)
    ).one()
    # Open statuses listed (not "not closed") so that the (status, due_date) index serves.
    open_request = FoiaRequest.status.in_([str(s) for s in OPEN_STATUSES])
    running = FoiaRequest.status.in_([Status.RECEIVED, Status.IN_PROGRESS])
    pending, backlog = db.session.execute(
        sa.select(
            sa.func.count(),
            # While on hold the clock is stopped (§ 552(a)(6)(A)(ii)): not overdue, whatever the date.
            sa.func.count().filter(running, FoiaRequest.due_date < today),
        ).where(COUNTED, open_request, FoiaRequest.received_date <= today)
    ).one()
    closed_days = [
        closure.business_days
        for closure in closures(month_start, today, processed_by_date_index(month_start, today))
    ]
    return DashboardFigures(
        today=today,
        month_start=month_start,
        received_this_month=received or 0,
        closed_this_month=len(closed_days),
        pending=pending or 0,
        backlog=backlog or 0,
        median_days_this_month=median(closed_days),
        closed_counted=len(closed_days),
        filed_not_yet_received=filed_not_yet_received or 0,
    )
