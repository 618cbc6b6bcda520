"""Fast bulk seeding for the benchmark: FAQs and requests with realistic timelines.

Rows are generated in Python and written with SQLAlchemy Core `insert()` executemany, in batches
of BATCH_SIZE requests, one transaction per batch: the ORM one row at a time would take an hour
for a million requests. Ids are assigned here (continuing after the largest id in each table), so
that a request, its requester, its holds and its timeline can be written without RETURNING; the
PostgreSQL sequences are moved past them afterwards. Seeding can be repeated to grow a database
(the growth figures: 10,000 → 100,000 → 1,000,000 requests).

Each request follows the life a FOIA request really has (docs/performance.md, "The data"):
received on a business day (after-hours and weekend submissions roll forward), acknowledged and
assigned within a few business days, sometimes put on hold to ask the requester (the clock
stops: 5 U.S.C. § 552(a)(6)(A)(ii)), sometimes extended for unusual circumstances (§ 552(a)(6)(B)),
and closed with a disposition and the exemptions cited — or still open, and often overdue, as in
a backlogged office. Due dates come from the same business-day rules as
`foia_portal.core.deadlines` (checked against `compute_deadline` on a sample before writing).
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import Any

import sqlalchemy as sa

from foia_portal import models
from foia_portal.core import deadlines
from foia_portal.core.deadlines import EASTERN, Pause
from foia_portal.core.tracking import format_tracking_number
from foia_portal.core.vocabulary import (
    DISPOSITIONS_REQUIRING_EXEMPTIONS,
    EXEMPTIONS,
    Channel,
    Disposition,
    FeeCategory,
    Role,
    Status,
    Track,
)

BATCH_SIZE = 5_000
BENCH_PASSWORD = "bench-password-not-secret"  # noqa: S105  (the benchmark's own throwaway user)
BENCH_ADMIN_EMAIL = "bench-admin@example.gov"
OFFICER_COUNT = 25

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


# --------------------------------------------------------------------------------------------
# The calendar: business days as an index, so that a million due dates cost a list look-up each.
# --------------------------------------------------------------------------------------------


class BusinessCalendar:
    """Business days between two dates, with `foia_portal.core.deadlines`' rules, precomputed."""

    def __init__(self, first: date, last: date):
        self.first = first
        self.business_days: list[date] = []
        self._count_through: dict[date, int] = {}
        day = first
        while day <= last:
            if deadlines.is_business_day(day):
                self.business_days.append(day)
            self._count_through[day] = len(self.business_days)
            day += timedelta(days=1)

    def add(self, start: date, count: int) -> date:
        """The `count`-th business day after `start` (deadlines.add_business_days)."""
        if count == 0:
            return start
        return self.business_days[self._count_through[start] + count - 1]

    def between(self, start: date, end: date) -> int:
        """Business days after `start` up to and including `end` (business_days_between)."""
        return self._count_through[end] - self._count_through[start]


# --------------------------------------------------------------------------------------------
# Words: enough variety for full-text search to have something to rank, and for typos to matter.
# --------------------------------------------------------------------------------------------

FAQ_CATEGORIES = [
    "Making a request", "Fees and fee waivers", "Expedited processing", "Tracking your request",
    "Exemptions", "Appeals", "Privacy Act requests", "Grants and programs", "Records we hold",
    "Time limits and extensions", "Electronic records", "Working with the FOIA Public Liaison",
]  # fmt: skip

FAQ_SUBJECTS = [
    "a FOIA request", "a fee waiver", "expedited processing", "a tracking number",
    "the status page", "an appeal", "a Privacy Act request", "grant award records",
    "hiring grant files", "community policing reports", "body-worn camera program records",
    "an estimated completion date", "released records", "the 20 business day deadline",
    "an extension for unusual circumstances", "exemption 6 personal privacy",
    "exemption 5 deliberative process", "law enforcement records", "OGIS mediation",
    "the FOIA Public Liaison", "a records search", "duplication fees", "search fees",
    "news media fee status", "a third-party request", "proof of death", "identity verification",
    "an email address change", "attachments", "paper copies", "a referral to another agency",
    "a consultation with another agency", "a no records response", "a partial grant",
    "the annual FOIA report", "technical assistance publications", "a withdrawn request",
    "a duplicate request", "a request description", "a date range",
]  # fmt: skip

FAQ_QUESTION_FORMS = [
    "How do I ask for {s}?", "What happens after I submit {s}?", "How long does {s} take?",
    "Who decides on {s}?", "Can I change {s} after filing?", "What does it cost to get {s}?",
    "Why was {s} denied?", "Where do I find {s}?", "When is {s} due?",
    "What should I include with {s}?", "Can someone else file {s} for me?",
    "How do I appeal a decision about {s}?", "Is there a limit on {s}?",
    "What if I disagree with {s}?", "How are {s} counted in the annual report?",
]  # fmt: skip

SENTENCES = [
    "The Freedom of Information Act gives any person the right to ask for federal agency records.",
    "We answer most requests within 20 business days, not counting weekends and federal holidays.",
    "If we need more information from you, the clock stops until you reply.",
    "Unusual circumstances, such as a voluminous amount of records, may add 10 business days.",
    "You may ask for a fee waiver when disclosure is in the public interest.",
    "Expedited processing is granted when there is a compelling need, and we decide within ten calendar days.",  # noqa: E501
    "Your tracking number and a signed status link are in the email we sent you.",
    "Records may be withheld in part under one of the nine exemptions in the statute.",
    "You can appeal an adverse determination within 90 days of our response.",
    "The FOIA Public Liaison can help you narrow a request or resolve a dispute.",
    "The Office of Government Information Services offers mediation as an alternative to litigation.",  # noqa: E501
    "Commercial requesters pay for search, review and duplication.",
    "Educational and scientific institutions and news media pay only for duplication beyond 100 pages.",  # noqa: E501
    "All other requesters receive two hours of search and 100 pages free of charge.",
    "Describe the records as specifically as you can: names, dates, programs and places help.",
    "We search only for records that exist; we cannot create records or answer questions.",
    "Grant files include applications, award documents, progress reports and closeout records.",
    "Requests for your own records are processed under the Privacy Act and FOIA together.",
    "We may refer records that came from another agency to that agency for a direct response.",
    "Electronic delivery is the fastest way to receive released records.",
]  # fmt: skip

SUBJECT_SENTENCES = [
    "Most questions about {s} come from people asking for {r}.",
    "Tell us in your request whether {s} applies, and we will confirm it in writing.",
    "Staff review {s} case by case; the answer depends on the records involved.",
    "If {s} concerns {r}, the program office may need to be consulted first.",
    "You can ask about {s} at any time, before or after you file.",
    "Our letters explain {s} and how to appeal if you disagree.",
]  # fmt: skip

FIRST_NAMES = [
    "Ada", "Grace", "Alan", "Katherine", "Dorothy", "Mary", "James", "Maria", "Robert", "Linda",
    "Michael", "Patricia", "David", "Jennifer", "William", "Elizabeth", "Jose", "Wei", "Fatima",
    "Kwame", "Priya", "Olga", "Hiroshi", "Aisha", "Carlos", "Nadia", "Tomasz", "Ngozi",
]  # fmt: skip
LAST_NAMES = [
    "Lovelace", "Hopper", "Turing", "Johnson", "Vaughan", "Jackson", "Smith", "Garcia", "Brown",
    "Miller", "Davis", "Rodriguez", "Martinez", "Nguyen", "Chen", "Okafor", "Patel", "Kowalski",
    "Haddad", "Tanaka", "Mensah", "Ivanova", "Silva", "Cohen", "O'Brien", "Kim", "Singh",
]  # fmt: skip
ORGANIZATIONS = [
    None, None, None, "Springfield Gazette", "State University", "Center for Policing Research",
    "Acme Consulting LLC", "Public Records Project", "Channel 7 News", "Law Office of J. Doe",
]  # fmt: skip
CITIES = [
    ("Springfield", "IL", "62701"), ("Austin", "TX", "78701"), ("Portland", "OR", "97201"),
    ("Albany", "NY", "12207"), ("Denver", "CO", "80202"), ("Atlanta", "GA", "30303"),
    ("Madison", "WI", "53703"), ("Richmond", "VA", "23219"), ("Phoenix", "AZ", "85004"),
]  # fmt: skip
RECORD_KINDS = [
    "grant award documents", "emails", "progress reports", "audit reports", "memoranda",
    "training materials", "contracts", "meeting minutes", "complaints", "budget documents",
]  # fmt: skip
RECORD_SUBJECTS = [
    "community policing hiring grants", "the body-worn camera pilot program",
    "school violence prevention grants", "the collaborative reform initiative",
    "technical assistance to police departments", "de-escalation training",
    "crisis intervention teams", "the tribal resources grant program",
    "officer wellness programs", "use-of-force data collection",
]  # fmt: skip
HOLD_MESSAGES = [
    "Please tell us which grant years you are interested in.",
    "Please confirm that you agree to pay fees above your limit.",
    "Please describe the records more specifically; your request covers many programs.",
]  # fmt: skip
NOTES = [
    "Search tasked to the grants division.", "Records located; review under way.",
    "Consultation with the Criminal Division needed.", "Requester called about the status.",
]  # fmt: skip

DISPOSITION_WEIGHTS = {
    Disposition.FULL_GRANT: 20, Disposition.PARTIAL_GRANT: 35, Disposition.FULL_DENIAL: 5,
    Disposition.NO_RECORDS: 20, Disposition.REFERRED: 3, Disposition.WITHDRAWN: 7,
    Disposition.FEE_RELATED: 2, Disposition.NOT_REASONABLY_DESCRIBED: 3,
    Disposition.IMPROPER_REQUEST: 1, Disposition.NOT_AGENCY_RECORD: 1, Disposition.DUPLICATE: 2,
    Disposition.OTHER: 1,
}  # fmt: skip
EXEMPTION_WEIGHTS = {
    "b6": 40, "b7C": 30, "b5": 25, "b7E": 10, "b4": 8, "b3": 5, "b7A": 4, "b7D": 2, "b7F": 1,
    "b1": 1, "b2": 1, "b7B": 1, "b8": 1, "b9": 1,
}  # fmt: skip
assert set(EXEMPTION_WEIGHTS) == set(EXEMPTIONS)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --------------------------------------------------------------------------------------------
# Plan and context
# --------------------------------------------------------------------------------------------


@dataclass
class Window:
    """When seeded requests arrive: `report_share` of them in the report fiscal year."""

    report_fiscal_year: int
    today: date

    @property
    def report_first_day(self) -> date:
        return deadlines.fiscal_year_bounds(self.report_fiscal_year)[0]

    @property
    def report_last_day(self) -> date:
        return deadlines.fiscal_year_bounds(self.report_fiscal_year)[1]

    @property
    def current_first_day(self) -> date:
        return self.report_last_day + timedelta(days=1)


def default_window(today: date | None = None) -> Window:
    """The last complete fiscal year is the report year; the current one runs to yesterday."""
    today = today or deadlines.today_eastern()
    return Window(report_fiscal_year=deadlines.fiscal_year_for(today) - 1, today=today)


def next_ids(connection: sa.Connection, *tables: sa.Table) -> dict[str, int]:
    return {t.name: (connection.scalar(sa.select(sa.func.max(t.c.id))) or 0) + 1 for t in tables}


def fix_sequences(connection: sa.Connection, tables: list[sa.Table]) -> None:
    """After explicit ids, move PostgreSQL's sequences past them (SQLite needs nothing)."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        connection.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            )
        )


def fast_sqlite(connection: sa.Connection) -> None:
    # Bulk loading only: this connection does not wait for the disk after each batch. A crash
    # mid-seed loses the seed, which the benchmark simply redoes.
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA synchronous = OFF")


# --------------------------------------------------------------------------------------------
# Staff
# --------------------------------------------------------------------------------------------


def seed_staff(engine: sa.Engine) -> list[int]:
    """The benchmark's admin (who signs in for the queue) and OFFICER_COUNT officers.

    Returns their ids, the admin's first; accounts that already exist are kept as they are.
    """
    from werkzeug.security import generate_password_hash

    table = models.StaffUser.__table__
    emails = [BENCH_ADMIN_EMAIL] + [f"officer{n}@example.gov" for n in range(1, OFFICER_COUNT + 1)]
    with engine.begin() as connection:
        existing = set(
            connection.scalars(sa.select(table.c.email).where(table.c.email.in_(emails)))
        )
        missing = [email for email in emails if email not in existing]
        if missing:
            password_hash = generate_password_hash(BENCH_PASSWORD, method="scrypt")  # once
            now = datetime.now(UTC)
            connection.execute(
                sa.insert(table),
                [
                    {
                        "email": email,
                        "name": "Bench Administrator"
                        if email == BENCH_ADMIN_EMAIL
                        else f"Officer {email.split('@')[0].removeprefix('officer')}",
                        "role": Role.ADMIN if email == BENCH_ADMIN_EMAIL else Role.OFFICER,
                        "password_hash": password_hash,
                        "active": True,
                        "failed_logins": 0,
                        "locked_until": None,
                        "last_login_at": None,
                        "created_at": now,
                        "session_nonce": f"{emails.index(email):016x}",
                    }
                    for email in missing
                ],
            )
        ids = dict(
            connection.execute(
                sa.select(table.c.email, table.c.id).where(table.c.email.in_(emails))
            ).all()
        )
    return [ids[email] for email in emails]


# --------------------------------------------------------------------------------------------
# FAQ
# --------------------------------------------------------------------------------------------


def render_answer(markdown: str) -> tuple[str, str]:
    """(sanitised HTML, plain text) of a Markdown answer, by the FAQ area's own renderer."""
    from foia_portal.faq.services import render_answer as faq_render_answer

    rendered = faq_render_answer(markdown)
    return rendered.html, rendered.text


def seed_faqs(engine: sa.Engine, count: int, *, seed: int = 7, progress: Progress = _quiet) -> int:
    """Add FAQ articles until the FAQ holds `count`; returns how many were added.

    Inserted with Core, so the search index is kept in step by the database itself (SQLite FTS5
    triggers, PostgreSQL's generated tsvector), as it is for articles saved by staff.
    """
    rng = random.Random(seed)
    categories = models.FaqCategory.__table__
    faqs = models.Faq.__table__
    now = datetime.now(UTC)
    with engine.begin() as connection:
        fast_sqlite(connection)
        if not connection.scalar(sa.select(sa.func.count()).select_from(categories)):
            connection.execute(
                sa.insert(categories),
                [
                    {"name": name, "slug": slugify(name), "position": n}
                    for n, name in enumerate(FAQ_CATEGORIES)
                ],
            )
        category_ids = connection.scalars(sa.select(categories.c.id)).all()
        have = connection.scalar(sa.select(sa.func.count()).select_from(faqs)) or 0
        first_id = next_ids(connection, faqs)["faq"]
    to_add = max(0, count - have)
    started = time.monotonic()
    for start in range(0, to_add, BATCH_SIZE):
        rows = []
        for n in range(start, min(start + BATCH_SIZE, to_add)):
            number = have + n
            subject = FAQ_SUBJECTS[number % len(FAQ_SUBJECTS)]
            form = FAQ_QUESTION_FORMS[(number // len(FAQ_SUBJECTS)) % len(FAQ_QUESTION_FORMS)]
            question = form.format(s=subject)
            if number >= len(FAQ_SUBJECTS) * len(FAQ_QUESTION_FORMS):
                question = f"{question[:-1]} ({rng.choice(RECORD_SUBJECTS)}, case {number})?"
            # Mostly about its own subject, like a real FAQ: a topic's words appear in the
            # articles about it, not in every article (which would make every search match
            # thousands of answers and rank them all).
            records = f"{rng.choice(RECORD_KINDS)} on {rng.choice(RECORD_SUBJECTS)}"
            paragraphs = [
                f"This answer is about **{subject}**. "
                f"{rng.choice(SUBJECT_SENTENCES).format(s=subject, r=records)}",
                rng.choice(SENTENCES),
                f"{rng.choice(SUBJECT_SENTENCES).format(s=subject, r=records)} See also the "
                f"questions about {rng.choice(FAQ_SUBJECTS)}.",
            ]
            answer = "\n\n".join(paragraphs)
            answer_html, answer_text = render_answer(answer)
            rows.append(
                {
                    "id": first_id + n,
                    "category_id": category_ids[number % len(category_ids)],
                    "slug": f"{slugify(question)[:140]}-{number}",
                    "question": question,
                    "answer": answer,
                    "answer_html": answer_html,
                    "answer_text": answer_text,
                    "published": rng.random() > 0.02,
                    "position": number,
                    "helpful_yes": rng.randrange(50),
                    "helpful_no": rng.randrange(10),
                    "created_at": now,
                    "updated_at": now,
                }
            )
        with engine.begin() as connection:
            fast_sqlite(connection)
            connection.execute(sa.insert(faqs), rows)
        progress(
            f"  faq: {have + start + len(rows):,} of {count:,} ({time.monotonic() - started:.0f} s)"
        )
    with engine.begin() as connection:
        fix_sequences(connection, [faqs])
    return to_add


# --------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------


def _at(day: date, rng: random.Random, start_hour: int = 9, end_hour: int = 17) -> datetime:
    """A moment on `day` during office hours, US Eastern, as UTC."""
    seconds = rng.randrange(start_hour * 3600, end_hour * 3600)
    local = datetime.combine(day, clock_time(), tzinfo=EASTERN) + timedelta(seconds=seconds)
    return local.astimezone(UTC)


@dataclass
class RequestRows:
    requesters: list[dict[str, Any]]
    requests: list[dict[str, Any]]
    holds: list[dict[str, Any]]
    events: list[dict[str, Any]]


class RequestFactory:
    """Makes one request's rows: requester, request, holds, timeline."""

    def __init__(
        self,
        window: Window,
        officer_ids: list[int],
        agency_code: str,
        sequences: dict[int, int],
        rng: random.Random,
    ):
        self.window = window
        self.officer_ids = officer_ids
        self.agency_code = agency_code
        self.sequences = sequences  # fiscal year -> last sequence used
        self.rng = rng
        self.calendar = BusinessCalendar(
            window.report_first_day - timedelta(days=30), window.today + timedelta(days=3 * 365)
        )
        self.report_days = (window.report_last_day - window.report_first_day).days + 1
        self.current_days = max(1, (window.today - window.current_first_day).days)
        self.dispositions = list(DISPOSITION_WEIGHTS)
        self.disposition_weights = list(DISPOSITION_WEIGHTS.values())
        self.exemptions = list(EXEMPTION_WEIGHTS)
        self.exemption_weights = list(EXEMPTION_WEIGHTS.values())

    def submitted_at(self, in_report_year: bool) -> datetime:
        rng = self.rng
        if in_report_year:
            day = self.window.report_first_day + timedelta(days=rng.randrange(self.report_days))
        else:
            day = self.window.current_first_day + timedelta(days=rng.randrange(self.current_days))
        if rng.random() < 0.8:
            return _at(day, rng)
        return _at(day, rng, 0, 24)  # some arrive at night and at weekends

    def make(self, request_id: int, requester_id: int, in_report_year: bool, events_from: int):
        rng, cal, today = self.rng, self.calendar, self.window.today
        submitted_at = self.submitted_at(in_report_year)
        received = deadlines.received_date_for(submitted_at)
        if received >= today:
            received = cal.add(today - timedelta(days=7), 1)
            submitted_at = _at(received, rng)
        fiscal_year = deadlines.fiscal_year_for(submitted_at)
        self.sequences[fiscal_year] = self.sequences.get(fiscal_year, 0) + 1
        tracking_number = format_tracking_number(
            self.agency_code, fiscal_year, self.sequences[fiscal_year]
        )

        # How long the office takes: most requests are simple, a quarter sit in a long backlog.
        takes = rng.randint(3, 60) if rng.random() < 0.75 else rng.randint(60, 400)
        close_day = cal.add(received, takes)
        closed = close_day < today
        acknowledged = closed or rng.random() > 0.08
        ack_day = cal.add(received, min(rng.randint(1, 5), takes)) if acknowledged else None
        if ack_day is not None and ack_day >= today:
            ack_day = received
        expedited = rng.random() < 0.04
        track = None
        if acknowledged:
            track = (
                Track.EXPEDITED
                if expedited and rng.random() < 0.5
                else (Track.COMPLEX if rng.random() < 0.35 else Track.SIMPLE)
            )
        assignee_id = rng.choice(self.officer_ids[1:]) if acknowledged else None
        status = (
            Status.CLOSED if closed else (Status.IN_PROGRESS if acknowledged else Status.RECEIVED)
        )

        # Holds: the clock stops while the office waits for the requester (§ 552(a)(6)(A)(ii)).
        holds: list[tuple[date, date | None, str]] = []
        last_day = close_day if closed else today
        if acknowledged and rng.random() < 0.12:
            start = cal.add(ack_day, rng.randint(1, 8))
            end = start + timedelta(days=rng.randint(3, 25))
            if end < last_day:
                holds.append((start, end, "clarification" if rng.random() < 0.8 else "fees"))
        if status == Status.IN_PROGRESS and rng.random() < 0.10:
            start = max(ack_day, today - timedelta(days=rng.randint(1, 40)))
            if not holds or start > holds[-1][1]:
                holds.append((start, None, "clarification" if not holds else "fees"))
                status = Status.ON_HOLD
        paused = sum(cal.between(start, end or today) for start, end, _ in holds)
        extension = 10 if track == Track.COMPLEX and rng.random() < 0.25 else 0
        due_before_extension = cal.add(received, 20 + paused)
        due_date = cal.add(received, 20 + extension + paused)
        first_due = cal.add(received, 20)

        disposition = exemptions = None
        if closed:
            disposition = rng.choices(self.dispositions, self.disposition_weights)[0]
            exemptions = []
            if disposition in DISPOSITIONS_REQUIRING_EXEMPTIONS:
                count = rng.choice((1, 1, 2, 2, 3))
                exemptions = sorted(
                    set(rng.choices(self.exemptions, self.exemption_weights, k=count))
                )
        closed_at = _at(close_day, rng) if closed else None

        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        city, state, zip_code = rng.choice(CITIES)
        requester = {
            "id": requester_id,
            "first_name": first,
            "last_name": last,
            "email": f"{slugify(first)}.{slugify(last)}{requester_id}@example.com",
            "phone": f"(202) 555-{rng.randrange(10000):04d}",
            "organization": rng.choice(ORGANIZATIONS),
            "street": f"{rng.randint(1, 9999)} Main Street",
            "city": city,
            "state": state,
            "zip_code": zip_code,
            "country": "United States",
            "created_at": submitted_at,
        }
        year = rng.randint(2015, 2025)
        fee_waiver = rng.random() < 0.10
        fee_category = rng.choices(list(FeeCategory), (10, 10, 3, 15, 62))[0]
        ack_at = _at(ack_day, rng) if ack_day else None
        request = {
            "id": request_id,
            "tracking_number": tracking_number,
            "fiscal_year": fiscal_year,
            "requester_id": requester_id,
            "description": (
                f"All {rng.choice(RECORD_KINDS)} about {rng.choice(RECORD_SUBJECTS)} "
                f"from {year} to {year + rng.randint(0, 3)}, including attachments."
            ),
            "date_from": date(year, 1, 1),
            "date_to": date(year, 12, 31),
            "fee_category": fee_category,
            "fee_limit": rng.choice((None, 25, 50, 100, 250)),
            "fee_waiver": fee_waiver,
            "fee_waiver_reason": "Disclosure will contribute to public understanding."
            if fee_waiver
            else None,
            "expedited": expedited,
            "expedited_reason": "An urgency to inform the public about federal activity."
            if expedited
            else None,
            "delivery_format": "electronic" if rng.random() < 0.9 else "paper",
            "channel": rng.choices(
                (Channel.WEB, Channel.FOIA_GOV, Channel.API, Channel.EMAIL, Channel.MAIL),
                (55, 30, 5, 7, 3),
            )[0],
            "status": status,
            "track": track,
            "assignee_id": assignee_id,
            "disposition": disposition,
            "exemptions": exemptions or [],
            "submitted_at": submitted_at,
            "received_date": received,
            "due_date": due_date,
            "extension_business_days": extension,
            "extension_reason": "A voluminous amount of records." if extension else None,
            "paused_business_days": paused,
            "on_hold_since": holds[-1][0] if status == Status.ON_HOLD else None,
            "hold_reason": holds[-1][2] if status == Status.ON_HOLD else None,
            "clarification_toll_used": any(h[2] == "clarification" for h in holds),
            "estimated_completion_date": (
                cal.add(due_date, rng.randint(0, 40))
                if not closed and acknowledged and rng.random() < 0.3
                else None
            ),
            "expedited_decision_due": deadlines.expedited_decision_due(received)
            if expedited
            else None,
            "expedited_decision": (
                ("granted" if track == Track.EXPEDITED else "denied")
                if expedited and acknowledged
                else None
            ),
            "expedited_decided_at": ack_at if expedited and acknowledged else None,
            "fee_waiver_decision": rng.choice(("granted", "denied"))
            if fee_waiver and closed
            else None,
            "fee_waiver_decided_at": closed_at if fee_waiver and closed else None,
            "acknowledged_at": ack_at,
            "closed_at": closed_at,
            "closed_date": close_day if closed else None,
            "submission_token": None,
            "status_link_nonce": f"{rng.getrandbits(64):016x}",
            "portal_request_id": None,
            "portal_payload": None,
            "is_test": False,
            "created_at": submitted_at,
            "updated_at": closed_at or ack_at or submitted_at,
            "version": 1,
        }

        events: list[dict[str, Any]] = []

        def event(at: datetime, kind: str, public: bool, **extra: Any) -> None:
            row = {
                "id": events_from + len(events),
                "request_id": request_id,
                "created_at": at,
                "actor_id": None,
                "kind": kind,
                "public": public,
                "message": None,
                "details": {},
                "previous_due_date": None,
                "due_date": first_due,
            }
            row.update(extra)
            events.append(row)

        event(
            submitted_at,
            "received",
            True,
            details={"channel": str(request["channel"]), "attachments": 0},
        )
        if ack_at is not None:
            event(ack_at, "acknowledge", True, actor_id=assignee_id, details={"track": str(track)})
            event(
                ack_at,
                "assign",
                False,
                actor_id=self.officer_ids[0],
                details={"assignee_id": assignee_id},
            )
        if acknowledged and rng.random() < 0.3:
            note_day = cal.add(ack_day, 1)
            if note_day < last_day:
                event(
                    _at(note_day, rng),
                    "note",
                    False,
                    actor_id=assignee_id,
                    message=rng.choice(NOTES),
                )
        hold_rows = []
        due = first_due
        for start, end, reason in holds:
            hold_rows.append(
                {"request_id": request_id, "reason": reason, "started_on": start, "ended_on": end}
            )
            event(
                _at(start, rng),
                "request_info",
                True,
                actor_id=assignee_id,
                message=rng.choice(HOLD_MESSAGES),
                details={"reason": reason},
                due_date=due,
            )
            if end is not None:
                moved = cal.add(received, 20 + cal.between(start, end))
                event(
                    _at(end, rng),
                    "resume",
                    True,
                    actor_id=assignee_id,
                    previous_due_date=due,
                    due_date=moved,
                )
                due = moved
        if extension:
            extend_day = min(cal.add(ack_day, rng.randint(2, 10)), last_day)
            event(
                _at(extend_day, rng),
                "extend",
                True,
                actor_id=assignee_id,
                message=request["extension_reason"],
                previous_due_date=due_before_extension,
                due_date=due_date,
            )
        if closed:
            event(
                closed_at,
                "close",
                True,
                actor_id=assignee_id,
                details={"disposition": str(disposition), "exemptions": exemptions},
                due_date=due_date,
            )
        return requester, request, hold_rows, events  # fmt: skip

    def self_check(self, samples: int = 200) -> None:
        """The precomputed calendar agrees with the deadline module the app uses."""
        for _ in range(samples):
            received = self.calendar.add(self.window.report_first_day, self.rng.randint(0, 250))
            pause_start = self.calendar.add(received, self.rng.randint(1, 10))
            pause_end = pause_start + timedelta(days=self.rng.randint(0, 30))
            extension = self.rng.choice((0, 10))
            expected = deadlines.compute_deadline(
                received, [Pause(pause_start, pause_end)], extension, today=self.window.today
            ).due_date
            paused = self.calendar.between(pause_start, pause_end)
            assert self.calendar.add(received, 20 + extension + paused) == expected, received


def seed_requests(
    engine: sa.Engine,
    count: int,
    *,
    window: Window | None = None,
    agency_code: str = "COPS",
    seed: int = 11,
    progress: Progress = _quiet,
) -> int:
    """Seed a report fiscal year of `count` requests, plus a tenth as many in the current one.

    The database then holds `count * 1.1` requests: the report year is exactly "a year of
    `count` requests", and the current year's requests, mostly not yet due, make the queue's
    overdue filter selective. Returns how many were added; runs again to grow the database.
    """
    window = window or default_window()
    officer_ids = seed_staff(engine)
    requesters = models.Requester.__table__
    requests = models.FoiaRequest.__table__
    holds = models.HoldPeriod.__table__
    events = models.RequestEvent.__table__
    sequences_table = models.TrackingSequence.__table__
    with engine.begin() as connection:
        have = connection.scalar(sa.select(sa.func.count()).select_from(requests)) or 0
        ids = next_ids(connection, requesters, requests, holds, events)
        sequences = {
            row.fiscal_year: row.last_value
            for row in connection.execute(
                sa.select(sequences_table).where(sequences_table.c.agency_code == agency_code)
            )
        }
    total = count * 11 // 10
    to_add = max(0, total - have)
    if not to_add:
        return 0
    rng = random.Random(seed + have)
    factory = RequestFactory(window, officer_ids, agency_code, sequences, rng)
    factory.self_check()
    started = time.monotonic()
    for batch_start in range(0, to_add, BATCH_SIZE):
        rows = RequestRows([], [], [], [])
        for n in range(batch_start, min(batch_start + BATCH_SIZE, to_add)):
            # Ten in eleven arrive in the report year, one in the current year.
            in_report_year = (have + n) % 11 != 10
            requester, request, hold_rows, event_rows = factory.make(
                ids["foia_request"] + n, ids["requester"] + n, in_report_year, ids["request_event"]
            )
            ids["request_event"] += len(event_rows)
            rows.requesters.append(requester)
            rows.requests.append(request)
            for hold in hold_rows:
                hold["id"] = ids["hold_period"]
                ids["hold_period"] += 1
            rows.holds.extend(hold_rows)
            rows.events.extend(event_rows)
        with engine.begin() as connection:
            fast_sqlite(connection)
            connection.execute(sa.insert(requesters), rows.requesters)
            connection.execute(sa.insert(requests), rows.requests)
            if rows.holds:
                connection.execute(sa.insert(holds), rows.holds)
            connection.execute(sa.insert(events), rows.events)
        done = batch_start + len(rows.requests)
        elapsed = time.monotonic() - started
        if done == to_add or (batch_start // BATCH_SIZE) % 10 == 0:
            progress(f"  requests: {have + done:,} of {total:,} ({elapsed:.0f} s)")
    with engine.begin() as connection:
        for fiscal_year, last_value in sequences.items():
            updated = connection.execute(
                sa.update(sequences_table)
                .where(
                    sequences_table.c.agency_code == agency_code,
                    sequences_table.c.fiscal_year == fiscal_year,
                )
                .values(last_value=last_value)
            ).rowcount
            if not updated:
                connection.execute(
                    sa.insert(sequences_table).values(
                        agency_code=agency_code, fiscal_year=fiscal_year, last_value=last_value
                    )
                )
        fix_sequences(connection, [requesters, requests, holds, events])
    return to_add


def analyze(engine: sa.Engine) -> None:
    """Refresh the planner's statistics on PostgreSQL (autovacuum would do it in production).

    SQLite is left as `make run` leaves it: no ANALYZE, so the figures are the ones an office
    running on the embedded database gets.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")


def sample_requests(engine: sa.Engine, count: int, *, open_only: bool = False) -> Iterator[sa.Row]:
    """A spread of seeded requests (id, nonce, tracking number, email) for the status page."""
    requests = models.FoiaRequest.__table__
    requesters = models.Requester.__table__
    with engine.connect() as connection:
        total = connection.scalar(sa.select(sa.func.max(requests.c.id))) or 0
        step = max(1, total // max(1, count))
        query = (
            sa.select(
                requests.c.id,
                requests.c.status_link_nonce,
                requests.c.tracking_number,
                requesters.c.email,
            )
            .join(requesters, requesters.c.id == requests.c.requester_id)
            .where(requests.c.id % step == 0)
            .limit(count)
        )
        if open_only:
            query = query.where(requests.c.status != Status.CLOSED)
        yield from connection.execute(query)
