"""The request queue: filters, sort orders, keyset pagination, the summary and the CSV export.

Shared by the staff pages and the staff API: `parse_filters(request.args, user)` then
`queue_page(filters)` (or `export_csv(filters)`).

Pagination is by keyset ("rows after this due date and id"), never OFFSET, so page 1000 costs what
page 1 does; every sort order has a matching index (see FoiaRequest.__table_args__ and
docs/staff-workflow.md for measurements at a million rows).

"Overdue" means the clock is running and the due date has passed: a request on hold (clock
stopped, § 552(a)(6)(A)(ii)) or closed is never overdue.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from foia_portal.auth.models import StaffUser
from foia_portal.core import deadlines
from foia_portal.core.tracking import TRACKING_NUMBER_PATTERN, normalise_tracking_number
from foia_portal.core.vocabulary import OPEN_STATUSES, Status
from foia_portal.extensions import cache, db
from foia_portal.platform.types import utcnow
from foia_portal.requests.models import FoiaRequest, Requester
from foia_portal.staff.forms import QueueFilterForm

CLOCK_RUNNING = (Status.RECEIVED, Status.IN_PROGRESS)
DEFAULT_PER_PAGE = 50
# Counting every match of a broad filter among a million rows costs more than the page itself:
# the count stops here and the page says "more than 10,000".
COUNT_LIMIT = 10_000
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DUE_SOON_BUSINESS_DAYS = 5
EXPORT_LIMIT = 200_000

SORTS = {
    # name: (column, descending?)
    "due_date": (FoiaRequest.due_date, False),
    "received": (FoiaRequest.received_date, True),
    "tracking_number": (FoiaRequest.tracking_number, False),
}


@dataclass(frozen=True)
class QueueFilters:
    """A validated queue view; `args()` gives it back as URL parameters."""

    status: str = ""  # "", "open", "all" or a status
    track: str = ""
    assignee: str = ""  # "", "mine", "unassigned" or an email
    assignee_id: int | None = None  # resolved from `assignee`
    overdue: bool = False
    reply_waiting: bool = False
    due_within: int | None = None
    received_from: date | None = None
    received_to: date | None = None
    q: str = ""
    sort: str = "due_date"
    after: str = ""
    before: str = ""
    per_page: int = DEFAULT_PER_PAGE
    today: date = field(default_factory=deadlines.today_eastern)

    def args(self, **changes: Any) -> dict[str, str]:
        """URL parameters of this view (cursors dropped unless given), for links and bookmarks."""
        values = {
            "status": self.status,
            "track": self.track,
            "assignee": self.assignee,
            "overdue": "1" if self.overdue else "",
            "reply_waiting": "1" if self.reply_waiting else "",
            "due_within": "" if self.due_within is None else str(self.due_within),
            "received_from": self.received_from.isoformat() if self.received_from else "",
            "received_to": self.received_to.isoformat() if self.received_to else "",
            "q": self.q,
            "sort": "" if self.sort == "due_date" else self.sort,
            "per_page": "" if self.per_page == DEFAULT_PER_PAGE else str(self.per_page),
        }
        values.update({k: "" if v is None else str(v) for k, v in changes.items()})
        return {k: v for k, v in values.items() if v}

    @property
    def statuses(self) -> tuple[str, ...] | None:
        """The statuses shown; None for all. Without a status filter, a search covers every
        status (contract) and the plain queue shows open requests."""
        if self.status == "all" or (not self.status and self.q):
            return None
        if self.status in ("", "open"):
            return tuple(OPEN_STATUSES)
        return (self.status,)


def parse_filters(
    args: Mapping[str, Any], user: StaffUser | None = None, today: date | None = None
) -> tuple[QueueFilters, dict[str, list[str]]]:
    """Validate URL parameters; returns the filters and {parameter: [messages]}."""
    form = QueueFilterForm(formdata=args)
    form.validate()
    errors = {name: list(messages) for name, messages in form.errors.items()}
    data = {name: value for name, value in form.data.items() if name not in errors}
    assignee = (data.get("assignee") or "").strip()
    assignee_id = None
    if assignee.lower() == "mine":
        assignee = "mine"
        assignee_id = user.id if user is not None else None
    elif assignee.lower() == "unassigned":
        assignee = "unassigned"
    elif assignee:
        found = db.session.scalar(
            sa.select(StaffUser.id).where(StaffUser.email == assignee.lower())
        )
        if found is None:
            errors["assignee"] = ["No staff member has that email; use mine or unassigned."]
            assignee = ""
        else:
            assignee, assignee_id = assignee.lower(), found
    sort = data.get("sort") or "due_date"
    for cursor in ("after", "before"):
        if data.get(cursor) and decode_cursor(sort, data[cursor]) is None:
            errors[cursor] = ["This page link is not valid any more; start from the first page."]
            data[cursor] = ""
    filters = QueueFilters(
        status=data.get("status") or "",
        track=data.get("track") or "",
        assignee=assignee,
        assignee_id=assignee_id,
        overdue=bool(data.get("overdue")),
        reply_waiting=bool(data.get("reply_waiting")),
        due_within=data.get("due_within"),
        received_from=data.get("received_from"),
        received_to=data.get("received_to"),
        q=data.get("q") or "",
        sort=sort,
        after=data.get("after") or "",
        before=data.get("before") or "",
        per_page=data.get("per_page") or DEFAULT_PER_PAGE,
        today=today or deadlines.today_eastern(),
    )
    return filters, errors


def status_in(statuses) -> sa.ColumnElement[bool]:
    """`status IN ('a', 'b')` with the values written into the SQL, not bound: the planner must
    see them to use the partial indexes on open requests (FoiaRequest.__table_args__)."""
    values = [str(s) for s in statuses]
    if len(values) == 1:
        return FoiaRequest.status == sa.bindparam(None, values[0], literal_execute=True)
    return FoiaRequest.status.in_(sa.bindparam(None, values, expanding=True, literal_execute=True))


def search_condition(q: str):
    """Each word must appear in the tracking number, the requester's name or email, or the
    description; a whole tracking number or email address is looked up exactly (indexed)."""
    number = normalise_tracking_number(q)
    if TRACKING_NUMBER_PATTERN.match(number):
        return FoiaRequest.tracking_number == number
    if EMAIL_PATTERN.match(q.strip()):
        return Requester.email == q.strip().lower()
    words = [w for w in re.split(r"\s+", q.strip()) if w][:8]
    conditions = []
    for word in words:
        conditions.append(
            sa.or_(
                FoiaRequest.tracking_number.icontains(word, autoescape=True),
                FoiaRequest.description.icontains(word, autoescape=True),
                Requester.first_name.icontains(word, autoescape=True),
                Requester.last_name.icontains(word, autoescape=True),
                Requester.email.icontains(word, autoescape=True),
            )
        )
    return sa.and_(*conditions)


def where_clauses(filters: QueueFilters) -> list:
    today = filters.today
    # Test submissions (FOIA.gov's `testing: true`) are stored but never part of the workload.
    clauses = [FoiaRequest.is_test.is_(False)]
    statuses = filters.statuses
    if statuses is not None:
        clauses.append(status_in(statuses))
    if filters.track:
        clauses.append(FoiaRequest.track == filters.track)
    if filters.assignee == "unassigned":
        clauses.append(FoiaRequest.assignee_id.is_(None))
    elif filters.assignee:
        clauses.append(FoiaRequest.assignee_id == filters.assignee_id)
    if filters.overdue:
        clauses.append(status_in(CLOCK_RUNNING))
        clauses.append(FoiaRequest.due_date < today)
    if filters.reply_waiting:
        clauses.append(FoiaRequest.reply_waiting_since.is_not(None))
    if filters.due_within is not None:
        clauses.append(status_in(CLOCK_RUNNING))
        clauses.append(FoiaRequest.due_date >= today)
        clauses.append(
            FoiaRequest.due_date <= deadlines.add_business_days(today, filters.due_within)
        )
    if filters.received_from:
        clauses.append(FoiaRequest.received_date >= filters.received_from)
    if filters.received_to:
        clauses.append(FoiaRequest.received_date <= filters.received_to)
    if filters.q:
        clauses.append(search_condition(filters.q))
    return clauses


def base_query(filters: QueueFilters) -> sa.Select:
    return (
        sa.select(FoiaRequest)
        .join(FoiaRequest.requester)
        .where(*where_clauses(filters))
        .options(joinedload(FoiaRequest.assignee))
    )


# --- keyset cursors ----------------------------------------------------------------------------


def encode_cursor(sort: str, foia_request: FoiaRequest) -> str:
    if sort == "tracking_number":
        return foia_request.tracking_number
    value = foia_request.due_date if sort == "due_date" else foia_request.received_date
    return f"{value.isoformat()}_{foia_request.id}"


def decode_cursor(sort: str, cursor: str) -> tuple | None:
    if sort == "tracking_number":
        return (cursor,) if TRACKING_NUMBER_PATTERN.match(cursor) else None
    day, _, raw_id = cursor.partition("_")
    try:
        return date.fromisoformat(day), int(raw_id)
    except ValueError:
        return None


def _order_and_seek(query: sa.Select, sort: str, cursor: str, backwards: bool) -> sa.Select:
    column, descending = SORTS[sort]
    descending = descending != backwards
    keys = [column] if sort == "tracking_number" else [column, FoiaRequest.id]
    if cursor:
        values = decode_cursor(sort, cursor)
        row, bound = sa.tuple_(*keys), sa.tuple_(*[sa.literal(v) for v in values])
        query = query.where(row < bound if descending else row > bound)
    return query.order_by(*[k.desc() if descending else k.asc() for k in keys])


@dataclass
class QueueRow:
    foia_request: FoiaRequest
    days_left: int | None  # business days; negative when late; None when the clock is stopped
    overdue: bool


@dataclass
class QueuePage:
    filters: QueueFilters
    rows: list  # QueueRow (queue_page) or TableRow (table_page)
    total: int  # capped at COUNT_LIMIT + 1 (see `total_is_capped`); -1 when not counted
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def total_is_capped(self) -> bool:
        return self.total > COUNT_LIMIT

    @property
    def is_first(self) -> bool:
        return self.previous_cursor is None


def row_for(foia_request: FoiaRequest, today: date) -> QueueRow:
    if foia_request.status not in CLOCK_RUNNING:
        return QueueRow(foia_request, None, False)
    left = deadlines.business_days_left(foia_request.due_date, today)
    return QueueRow(foia_request, left, foia_request.due_date < today)


def statuses_listed(filters: QueueFilters) -> tuple[str, ...] | None:
    """The statuses a view can show, when it names them (None: any status)."""
    shown = filters.statuses
    if filters.overdue or filters.due_within is not None:
        shown = CLOCK_RUNNING if shown is None else tuple(s for s in shown if s in CLOCK_RUNNING)
    return shown


# The HTML table's columns, read as plain rows: building 51 ORM objects with every column, their
# requesters and assignees cost more than the rest of the page.
TABLE_COLUMNS = (
    FoiaRequest.id,
    FoiaRequest.tracking_number,
    FoiaRequest.status,
    FoiaRequest.track,
    FoiaRequest.received_date,
    FoiaRequest.due_date,
    Requester.first_name,
    Requester.last_name,
    Requester.email,
    StaffUser.name.label("assignee_name"),
    StaffUser.email.label("assignee_email"),
)


def _table_select() -> sa.Select:
    return (
        sa.select(*TABLE_COLUMNS)
        .select_from(FoiaRequest)
        .join(Requester, FoiaRequest.requester_id == Requester.id)
        .outerjoin(StaffUser, FoiaRequest.assignee_id == StaffUser.id)
    )


def page_query(
    filters: QueueFilters, cursor: str, backwards: bool, table: bool = False
) -> sa.Select:
    """The page's statement: LIMIT per_page + 1 rows after (or before) the cursor; FoiaRequest
    objects, or the TABLE_COLUMNS when `table`.

    In due-date order with the statuses named (the default view, overdue, due soon), one ordered
    walk of `ix_foia_request_status_due_date` per status, each stopping after per_page + 1 rows,
    merged: `id IN (… UNION ALL …)`. A plain `status IN (…) ORDER BY due_date` makes SQLite read
    and sort every matching row (`USE TEMP B-TREE FOR ORDER BY`), O(overdue rows) per page.
    """
    limit = filters.per_page + 1
    statuses = statuses_listed(filters)
    if filters.sort != "due_date" or filters.q or not statuses:
        query = _table_select().where(*where_clauses(filters)) if table else base_query(filters)
        return _order_and_seek(query, filters.sort, cursor, backwards).limit(limit)
    branches = []
    walk = _order_and_seek(sa.select(FoiaRequest.id), filters.sort, cursor, backwards)
    walk = walk.where(*where_clauses(filters)).limit(limit)
    for status in statuses:
        branch = walk.where(status_in([status])).subquery()
        branches.append(sa.select(branch.c.id))
    # The outer statement only orders the ≤ len(statuses) × limit rows the branches found.
    merged = _table_select() if table else sa.select(FoiaRequest)
    merged = merged.where(FoiaRequest.id.in_(sa.union_all(*branches)))
    if not table:
        merged = merged.options(joinedload(FoiaRequest.assignee))
    return _order_and_seek(merged, filters.sort, "", backwards).limit(limit)


def queue_page(filters: QueueFilters, with_total: bool = True) -> QueuePage:
    """One page of the queue, in the chosen order, with cursors to the next and previous pages."""
    found = list(db.session.scalars(page_query(filters, *_cursor(filters))))
    return _paged(filters, found, [row_for(r, filters.today) for r in found], with_total)


class TableRow(NamedTuple):
    """One line of the staff page's table: a plain named tuple, not an ORM object."""

    id: int
    tracking_number: str
    status: str
    track: str | None
    received_date: date
    due_date: date
    requester_name: str
    requester_email: str
    assignee_name: str | None
    assignee_email: str | None
    days_left: int | None  # as QueueRow
    overdue: bool


def table_page(filters: QueueFilters) -> QueuePage:
    """`queue_page` for the HTML table: rows are TableRows; no total (see `cached_total`)."""
    today = filters.today
    found = db.session.execute(page_query(filters, *_cursor(filters), table=True)).all()
    rows = []
    # Unpacked in TABLE_COLUMNS' order into named tuples: looking a Row's values up by name and
    # building a frozen dataclass per row cost a tenth of the whole view.
    for (
        request_id,
        tracking_number,
        status,
        track,
        received_date,
        due_date,
        first_name,
        last_name,
        email,
        assignee_name,
        assignee_email,
    ) in found:
        running = status in CLOCK_RUNNING
        rows.append(
            TableRow(
                request_id,
                tracking_number,
                status,
                track,
                received_date,
                due_date,
                f"{first_name} {last_name}".strip(),  # as Requester.full_name
                email,
                assignee_name,
                assignee_email,
                deadlines.business_days_left(due_date, today) if running else None,
                running and due_date < today,
            )
        )
    return _paged(filters, found, rows, with_total=False)


def _cursor(filters: QueueFilters) -> tuple[str, bool]:
    backwards = bool(filters.before) and not filters.after
    return (filters.before if backwards else filters.after), backwards


def _paged(filters: QueueFilters, found: list, rows: list, with_total: bool) -> QueuePage:
    """Cursors for the rows found (per_page + 1 of them when there is more)."""
    backwards = _cursor(filters)[1]
    more = len(found) > filters.per_page
    found, rows = found[: filters.per_page], rows[: filters.per_page]
    if backwards:
        found.reverse()
        rows.reverse()
    next_cursor = previous_cursor = None
    if found:
        if more or backwards:
            next_cursor = encode_cursor(filters.sort, found[-1])
        if (backwards and more) or (not backwards and filters.after):
            previous_cursor = encode_cursor(filters.sort, found[0])
    total = count(filters) if with_total else -1
    return QueuePage(filters, rows, total, next_cursor, previous_cursor)


def count(filters: QueueFilters, limit: int | None = None) -> int:
    """How many requests match, counting no further than `limit` (COUNT_LIMIT) + 1."""
    limit = COUNT_LIMIT if limit is None else limit
    matching = sa.select(FoiaRequest.id)
    if filters.q:
        matching = matching.join(FoiaRequest.requester)
    matching = matching.where(*where_clauses(filters)).limit(limit + 1).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(matching))


@dataclass
class QueueSummary:
    by_status: dict[str, int]  # open statuses; "closed" counts this fiscal year's closures
    overdue: int
    due_soon: int
    due_soon_days: int
    mine_open: int | None
    fiscal_year: int
    reply_waiting: int = 0  # requests whose requester replied and awaits staff


def summary(user: StaffUser | None = None, today: date | None = None) -> QueueSummary:
    """Open requests by status, requests closed this fiscal year, and how many running clocks
    are overdue or due within 5 business days. Every count reads an index on open requests or
    on the closing date, never the whole table."""
    today = today or deadlines.today_eastern()
    soon = deadlines.add_business_days(today, DUE_SOON_BUSINESS_DAYS)
    fiscal_year = deadlines.fiscal_year_for(today)
    year_start, _ = deadlines.fiscal_year_bounds(fiscal_year)
    by_status = dict.fromkeys([s.value for s in Status], 0)
    overdue = due_soon = 0
    # One walk of the open requests for both the counts by status and the late and due-soon ones.
    for status, number, late, soon_ in db.session.execute(
        sa.select(
            FoiaRequest.status,
            sa.func.count(),
            sa.func.count().filter(FoiaRequest.due_date < today),
            sa.func.count().filter(FoiaRequest.due_date >= today, FoiaRequest.due_date <= soon),
        )
        .where(status_in(OPEN_STATUSES), FoiaRequest.is_test.is_(False))
        .group_by(FoiaRequest.status)
    ):
        by_status[status] = number
        if status in CLOCK_RUNNING:  # a request on hold is never late (its clock is stopped)
            overdue, due_soon = overdue + late, due_soon + soon_
    by_status[Status.CLOSED.value] = db.session.scalar(
        sa.select(sa.func.count()).where(
            FoiaRequest.closed_date >= year_start, FoiaRequest.is_test.is_(False)
        )
    )
    mine = mine_open(user) if user is not None else None
    reply_waiting = db.session.scalar(
        sa.select(sa.func.count()).where(
            FoiaRequest.reply_waiting_since.is_not(None), FoiaRequest.is_test.is_(False)
        )
    )
    return QueueSummary(
        by_status,
        overdue or 0,
        due_soon or 0,
        DUE_SOON_BUSINESS_DAYS,
        mine,
        fiscal_year,
        reply_waiting,
    )


def assignee_choices() -> list[sa.Row]:
    """(email, name) of everyone who can be assigned a request, by name: the filter's list, as
    plain rows (auth.services.active_staff gives the same people as objects)."""
    return db.session.execute(
        sa.select(StaffUser.email, StaffUser.name)
        .where(StaffUser.active.is_(True))
        .order_by(StaffUser.name)
    ).all()


def mine_open(user: StaffUser) -> int:
    """Open requests assigned to `user`."""
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            FoiaRequest.assignee_id == user.id,
            status_in(OPEN_STATUSES),
            FoiaRequest.is_test.is_(False),
        )
    )


# --- figures cached a minute ----------------------------------------------------------------------
#
# The counts at the top of the queue page (by status, overdue, due soon, mine, the dashboard) and
# the total of the filtered view are aggregates over many rows: tens of milliseconds at 100,000
# requests, growing with the table, where the page's table is one index walk of 51 rows. So the
# figures are cached for a minute (Flask-Caching: per process, or shared through Redis), keyed on
# the date (overdue is a matter of the date) and whatever else they count; the page says how
# recent they are.

FIGURES_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class CachedFigures:
    value: Any
    as_of: datetime  # UTC, for the page


def cached_figures(key: tuple, compute: Callable[[], Any]) -> CachedFigures:
    """`compute()`'s value for `key` (which must name the date and anything else it counts)."""
    cache_key = json.dumps(["queue-figures", *key], default=str)
    entry = cache.get(cache_key)
    # The age is checked here rather than given to the cache as a timeout: SimpleCache, when full,
    # evicts the entries that expire soonest first, and short-lived figures would go first.
    if entry is None or (utcnow() - entry.as_of).total_seconds() >= FIGURES_TIMEOUT_SECONDS:
        entry = CachedFigures(compute(), utcnow())
        cache.set(cache_key, entry)
    return entry


def cached_total(filters: QueueFilters) -> CachedFigures:
    """The (capped) total of a view, whichever page of it is shown."""
    view = replace(filters, after="", before="", per_page=DEFAULT_PER_PAGE)
    return cached_figures(("total", view), lambda: count(view))


def cached_summary(user: StaffUser, today: date) -> CachedFigures:
    """The counts at the top of the page: the office's (shared by every user) and the user's."""
    office = cached_figures(("summary", today), lambda: summary(None, today))
    mine = cached_figures(("mine", user.id, today), lambda: mine_open(user))
    return replace(
        office,
        value=replace(office.value, mine_open=mine.value),
        as_of=min(office.as_of, mine.as_of),
    )


# --- CSV export --------------------------------------------------------------------------------

CSV_COLUMNS = (
    "tracking_number", "requester_name", "requester_email", "organization", "received_date",
    "due_date", "days_left", "overdue", "status", "track", "assignee",
    "estimated_completion_date", "disposition", "closed_date", "channel",
)  # fmt: skip


def csv_safe(value: Any) -> str:
    """A cell that a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_csv(filters: QueueFilters) -> Iterator[str]:
    """The filtered view as CSV lines, every page of it (up to EXPORT_LIMIT rows), streamed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield flush()
    query = _order_and_seek(
        base_query(replace(filters, after="", before="")), filters.sort, "", False
    )
    result = db.session.scalars(query.limit(EXPORT_LIMIT).execution_options(yield_per=1000))
    for number, foia_request in enumerate(result, start=1):
        row = row_for(foia_request, filters.today)
        writer.writerow(
            [
                csv_safe(v)
                for v in (
                    foia_request.tracking_number,
                    foia_request.requester.full_name,
                    foia_request.requester.email,
                    foia_request.requester.organization,
                    foia_request.received_date.isoformat(),
                    foia_request.due_date.isoformat(),
                    "" if row.days_left is None else row.days_left,
                    "yes" if row.overdue else "no",
                    foia_request.status,
                    foia_request.track,
                    foia_request.assignee.email if foia_request.assignee else "",
                    foia_request.estimated_completion_date,
                    foia_request.disposition,
                    foia_request.closed_date,
                    foia_request.channel,
                )
            ]
        )
        if number % 500 == 0:
            yield flush()
    yield flush()
