"""The benchmark: `python -m bench.run [--db sqlite|postgresql] [--requests N] [--faqs N]
[--duration 10s] [--growth]` (what `make bench` runs, with BENCH_ARGS).

One run: seed a database, serve a bare Flask route under gunicorn (the ceiling), serve the portal
under the same settings, drive every endpoint with wrk at 16 connections, and print each figure
as a fraction of the ceiling measured in this run. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import html
import http.client
import re
import secrets
import signal
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench import report as bench_report
from bench import seed
from bench.report import BenchReport, EndpointFigure, GrowthPoint
from bench.server import Gunicorn
from bench.wrk import run_wrk, wrk_binary

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

# A mix of what people type into the FAQ search box: plain questions, FOIA terms, and typos.
SEARCH_QUERIES = [
    "fee waiver", "how long does a request take", "expedited processing", "tracking number",
    "appeal a decision", "exemption 6 personal privacy", "body-worn camera program",
    "grant award records", "public liaison", "OGIS mediation", "privacy act request",
    "search fees", "news media", "estimated completion date", "extension unusual circumstances",
    "no records response", "paper copies", "status page", "withdrawn request", "attachments",
    # typos
    "fee waivr", "expidited procesing", "trackng numbr", "apeal", "exemtion privacy",
    "body worn camra", "grnt award", "liason", "privcy act", "estimatd completion",
]  # fmt: skip


def fresh_queries(count: int = 20_000) -> list[str]:
    """Distinct queries of two or three words from the FAQ's vocabulary (some with a typo)."""
    import random

    words = sorted({w for q in SEARCH_QUERIES for w in q.split() if len(w) > 3})
    chooser = random.Random(2026)  # the same queries in every run
    queries: set[str] = set()
    while len(queries) < count:
        picked = chooser.sample(words, chooser.choice((2, 3)))
        if chooser.random() < 0.2:  # a typo: one letter dropped
            word = picked[0]
            cut = chooser.randrange(len(word))
            picked[0] = word[:cut] + word[cut + 1 :]
        queries.add(" ".join(picked))
    return sorted(queries, key=lambda _: chooser.random())


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------ databases


def database_url(kind: str, name: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{RESULTS_DIR / (name + '.db')}"
    return sa.engine.make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(False)


def fresh_database(kind: str, name: str, reuse: bool) -> str:
    """An empty database (or, with --reuse, the one left by the last run)."""
    url = database_url(kind, name)
    if kind == "sqlite":
        path = RESULTS_DIR / f"{name}.db"
        if not reuse:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        return url
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if exists and not reuse:
            connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            exists = False
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url


def make_app(url: str, secret_key: str):
    """The portal app in this process, for migrations and for signing status links."""
    from config import Config
    from foia_portal import create_app

    settings = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": secret_key,
        "UPLOAD_FOLDER": str(RESULTS_DIR / "uploads"),
    }
    return create_app(type("BenchConfig", (Config,), settings))


def migrate(app) -> None:
    import logging

    from flask_migrate import upgrade

    logging.getLogger("alembic").setLevel(logging.WARNING)
    with app.app_context():
        upgrade()


# ------------------------------------------------------------------------------ HTTP helpers


def http_request(
    base_url: str, method: str, path: str, body: str | None = None, headers: dict | None = None
) -> tuple[int, dict[str, str], str, list[str]]:
    """One request without following redirects: (status, headers, body, Set-Cookie values)."""
    parts = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        cookies = response.headers.get_all("Set-Cookie") or []
        return response.status, dict(response.headers), text, cookies
    finally:
        connection.close()


def cookie_pairs(set_cookies: list[str]) -> dict[str, str]:
    # Only name=value: the Secure flag of production cookies does not stop the benchmark, which
    # talks plain HTTP to 127.0.0.1.
    return dict(c.split(";", 1)[0].split("=", 1) for c in set_cookies)


def sign_in(base_url: str, email: str, password: str) -> str:
    """Sign in through /staff/login like a person; returns the Cookie header for wrk."""
    status, _, page, set_cookies = http_request(base_url, "GET", "/staff/login")
    if status != 200:
        raise RuntimeError(f"GET /staff/login answered {status}")
    cookies = cookie_pairs(set_cookies)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    fields = {"email": email, "password": password}
    if found:
        fields["csrf_token"] = html.unescape(found.group(1))
    status, _, _, set_cookies = http_request(
        base_url,
        "POST",
        "/staff/login",
        urllib.parse.urlencode(fields),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        },
    )
    if status not in (302, 303):
        raise RuntimeError(f"signing in answered {status}, not a redirect")
    cookies.update(cookie_pairs(set_cookies))
    # Then the first page, keeping the cookie it sets (the session gains its CSRF secret there),
    # as a browser would: wrk sends one fixed Cookie header for the whole run.
    header = "; ".join(f"{k}={v}" for k, v in cookies.items())
    _, _, _, set_cookies = http_request(base_url, "GET", "/staff/", headers={"Cookie": header})
    cookies.update(cookie_pairs(set_cookies))
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def next_page_path(page_html: str) -> str | None:
    """The queue's link to the next page (keyset pagination: `after=` a cursor)."""
    for pattern in (
        r'<a[^>]*rel="next"[^>]*href="([^"]+)"',
        r'<a[^>]*href="([^"]+)"[^>]*rel="next"',
        r'href="([^"]*[?&](?:amp;)?after=[^"]+)"',
    ):
        found = re.search(pattern, page_html)
        if found:
            return html.unescape(found.group(1))
    return None


def walk_pages(base_url: str, first_path: str, pages: int, cookie: str) -> str:
    """Follow "next" links from page 1 to page `pages`; returns that page's path."""
    path = first_path
    for number in range(1, pages):
        status, _, text, _ = http_request(base_url, "GET", path, headers={"Cookie": cookie})
        if status != 200:
            raise RuntimeError(f"queue page {number} answered {status}")
        following = next_page_path(text)
        if following is None:
            raise RuntimeError(f"the queue has no page {number + 1} (is the database seeded?)")
        path = following
    return path


def cpu_ms(seconds: float, result) -> float | None:
    """Worker CPU milliseconds per answered request."""
    return seconds * 1000 / result.requests if result.requests else None


def queue_page_path(app, args: dict[str, str], number: int) -> str:
    """The URL of page `number` of a queue view, found with the queue's own functions.

    The queue pages by keyset (each page links to the next with a cursor), so page 200 is
    reached by following 199 cursors; doing it in this process is quicker than 199 HTTP GETs.
    """
    from dataclasses import replace

    from werkzeug.datastructures import MultiDict

    from foia_portal.staff import queue

    with app.app_context():
        filters, errors = queue.parse_filters(MultiDict(args))
        if errors:
            raise RuntimeError(f"the queue refused {args}: {errors}")
        for page_number in range(1, number):
            page = queue.queue_page(filters, with_total=False)
            if page.next_cursor is None:
                raise RuntimeError(f"the queue has no page {page_number + 1}")
            filters = replace(filters, after=page.next_cursor)
        return "/staff/?" + urllib.parse.urlencode(filters.args(after=filters.after))


# ------------------------------------------------------------------------------ endpoints


def route_for(app, rule_text: str, method: str = "GET") -> str | None:
    """The endpoint serving `rule_text`, or None while that area has not landed yet."""
    for rule in app.url_map.iter_rules():
        if re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"<\1>", rule.rule) == rule_text and method in (
            rule.methods or ()
        ):
            return rule.endpoint
    return None


def write_paths(name: str, paths: list[str]) -> str:
    path = RESULTS_DIR / f"paths-{name}.txt"
    path.write_text("\n".join(paths) + "\n")
    return str(path)


class Bench:
    """One benchmark run against one database."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.secret_key = secrets.token_hex(32)
        self.kind = args.db
        self.log_path = RESULTS_DIR / "gunicorn.log"
        self.log_path.write_text("")
        self.report = BenchReport(
            database=self.kind,
            machine=bench_report.machine_description(),
            settings={
                "requests": args.requests,
                "faqs": args.faqs,
                "rows": 0,
                "workers": 2,
                "connections": args.connections,
                "threads": args.threads,
                "duration": args.duration,
            },
        )

    # -- servers

    def app_env(self, url: str) -> dict[str, str]:
        return {
            "FOIA_PORTAL_ENV": "production",
            "SECRET_KEY": self.secret_key,
            "DATABASE_URL": url,
            "RATELIMIT_ENABLED": "false",
            "MAIL_SEND_IMMEDIATELY": "false",
            "MAIL_SERVER": "localhost",  # production requires one; the outbox is not sent
            "FOIA_OFFICE_EMAIL": "foia-office@example.gov",
            "UPLOAD_FOLDER": str(RESULTS_DIR / "uploads"),
        }

    def portal(self, url: str, **settings: str) -> Gunicorn:
        env = {**self.app_env(url), **settings}
        return Gunicorn("foia_portal:create_app()", env, log_path=self.log_path)

    def wrk(self, base_url: str, path: str, **options: Any):
        options.setdefault("duration", self.args.duration)
        return run_wrk(
            base_url + path,
            connections=self.args.connections,
            threads=self.args.threads,
            **options,
        )

    def ceiling(self) -> Gunicorn:
        return Gunicorn("bench.ceiling:app", {}, log_path=self.log_path)

    def measure_ceiling(self, note: str) -> None:
        log(f"ceiling ({note.strip(' ()') or 'run'}) …")
        result = self.wrk(self.ceiling_server.base_url, "/")
        self.report.ceilings.append(EndpointFigure.from_wrk("ceiling", result, note=note))
        log(f"  {result.rate:.0f} req/s, p50 {result.p50:.2f} ms, p99 {result.p99:.2f} ms")

    # -- the main run

    def run(self) -> BenchReport:
        started = time.monotonic()
        url = fresh_database(self.kind, "foia_bench" if self.kind == "postgresql" else "bench",
                             self.args.reuse)  # fmt: skip
        app = make_app(url, self.secret_key)
        migrate(app)
        engine = sa.create_engine(url)
        log(
            f"seeding {self.kind}: {self.args.faqs:,} FAQs, "
            f"a year of {self.args.requests:,} requests …"
        )
        seed.seed_faqs(engine, self.args.faqs, progress=log)
        seed.seed_requests(engine, self.args.requests, progress=log)
        seed.analyze(engine)
        with engine.connect() as connection:
            self.report.settings["rows"] = connection.scalar(
                sa.text("SELECT count(*) FROM foia_request")
            )
        self.report.seconds["seeding"] = time.monotonic() - started

        measured = time.monotonic()
        self.report.load_average["start"] = bench_report.load_average()
        # Both servers run side by side; only the one wrk drives does any work.
        with self.ceiling() as self.ceiling_server, self.portal(url) as server:
            self.ceiling_server.warm_up(["/"])
            self.measure_ceiling(" (start)")
            self.measure_public_pages(app, engine, server)
            self.measure_staff_pages(app, engine, server)
            self.measure_submissions(app, engine, server)
            self.report.worker_memory_mb = server.peak_worker_memory_kib() / 1024
            self.measure_ceiling(" (end)")
        self.check_submissions(engine)
        self.report.load_average["end"] = bench_report.load_average()
        self.report.seconds["measuring"] = time.monotonic() - measured
        engine.dispose()
        return self.report

    def endpoint(
        self,
        name: str,
        server: Gunicorn,
        path: str | None,
        why: str = "",
        warm_up: bool = True,
        **options,
    ):
        if path is None:
            self.report.missing[name] = why
            log(f"{name}: not measured: {why}")
            return None
        log(f"{name} …")
        if warm_up:
            # An unmeasured pass over the same paths first: the figures are a running server's
            # steady state (pages in the page cache, statements compiled), not its first minute.
            cold = self.wrk(server.base_url, path, duration=self.args.warm_up, **options)
            log(f"  warm-up pass: {cold.rate:.0f} req/s, p50 {cold.p50:.2f} ms (not counted)")
        adjacent = ceiling_cpu = None
        if self.args.adjacent_ceiling:
            # The ceiling again, right before: on a shared machine the load moves during a run.
            before = self.ceiling_server.worker_cpu_seconds()
            ceiling_result = self.wrk(self.ceiling_server.base_url, "/")
            adjacent = ceiling_result.rate
            ceiling_cpu = cpu_ms(self.ceiling_server.worker_cpu_seconds() - before, ceiling_result)
        before = server.worker_cpu_seconds()
        result = self.wrk(server.base_url, path, **options)
        figure = EndpointFigure.from_wrk(name, result)
        figure.ceiling_rate = adjacent
        figure.cpu_ms = cpu_ms(server.worker_cpu_seconds() - before, result)
        figure.ceiling_cpu_ms = ceiling_cpu
        self.report.endpoints.append(figure)
        log(
            f"  {result.rate:.0f} req/s, p50 {result.p50:.2f} ms, p99 {result.p99:.2f} ms, "
            f"{result.errors} errors"
            + (f" (ceiling just before: {adjacent:.0f} req/s)" if adjacent else "")
        )
        return result

    def measure_public_pages(self, app, engine, server: Gunicorn) -> None:
        from foia_portal.requests.links import status_token

        server.warm_up(["/"])
        self.endpoint("home", server, "/")

        # FAQ articles: a spread of published slugs.
        if route_for(app, "/faq/<slug>"):
            with engine.connect() as connection:
                slugs = connection.scalars(
                    sa.text("SELECT slug FROM faq WHERE published ORDER BY id")
                ).all()
            step = max(1, len(slugs) // 500)
            paths = [f"/faq/{urllib.parse.quote(s)}" for s in slugs[::step]]
            server.warm_up(paths[:5])
            self.endpoint("faq_article", server, "/", script="paths.lua",
                          script_args=[write_paths("faq-article", paths)])  # fmt: skip
        else:
            self.endpoint("faq_article", server, None, "no /faq/<slug> route yet")

        if route_for(app, "/faq/search"):
            paths = [f"/faq/search?{urllib.parse.urlencode({'q': q})}" for q in SEARCH_QUERIES]
            server.warm_up(paths[:5])
            self.endpoint("faq_search", server, "/", script="paths.lua",
                          script_args=[write_paths("faq-search", paths)])  # fmt: skip
            # Queries nobody asked before: every request a new one, so no cached page helps.
            fresh = [f"/faq/search?{urllib.parse.urlencode({'q': q})}" for q in fresh_queries()]
            self.endpoint("faq_search_fresh", server, "/", warm_up=False, script="paths.lua",
                          script_args=[write_paths("faq-search-fresh", fresh)])  # fmt: skip
        else:
            self.endpoint("faq_search", server, None, "no /faq/search route yet")

        # Status pages of 500 requests across the table, opened from their signed links.
        with app.app_context():
            tokens = [status_token(row) for row in seed.sample_requests(engine, 500)]
        paths = [f"/foia/status/{token}" for token in tokens]
        server.warm_up(paths[:5])
        self.endpoint("status_page", server, "/", script="paths.lua",
                      script_args=[write_paths("status", paths)])  # fmt: skip

    def staff_cookie(self, server: Gunicorn) -> str:
        return sign_in(server.base_url, seed.BENCH_ADMIN_EMAIL, seed.BENCH_PASSWORD)

    def measure_staff_pages(self, app, engine, server: Gunicorn) -> None:
        if not route_for(app, "/staff/"):
            self.endpoint("staff_queue_page_1", server, None, "no /staff/ queue yet")
            self.endpoint("staff_queue_page_200", server, None, "no /staff/ queue yet")
        else:
            cookie = self.staff_cookie(server)
            first = "/staff/?" + urllib.parse.urlencode({"overdue": "1", "sort": "due_date"})
            server.warm_up([first], headers={"Cookie": cookie})
            self.endpoint("staff_queue_page_1", server, first, headers={"Cookie": cookie})
            try:
                page_200 = queue_page_path(app, {"overdue": "1", "sort": "due_date"}, 200)
            except (
                ImportError,
                AttributeError,
                TypeError,
                RuntimeError,
            ):  # changed shape, or too small
                page_200 = None
            try:
                page_200 = page_200 or walk_pages(server.base_url, first, 200, cookie)
            except RuntimeError as error:
                self.endpoint("staff_queue_page_200", server, None, str(error))
            else:
                self.endpoint("staff_queue_page_200", server, page_200, headers={"Cookie": cookie})
        self.measure_annual_report(app, engine, server)

    def measure_annual_report(self, app, engine, server: Gunicorn) -> None:
        fiscal_year = seed.default_window().report_fiscal_year
        with engine.connect() as connection:
            received = connection.scalar(
                sa.text("SELECT count(*) FROM foia_request WHERE fiscal_year = :fy"),
                {"fy": fiscal_year},
            )
        if not route_for(app, "/staff/reports/annual"):
            self.report.annual_report = {"why": "no /staff/reports/annual page yet"}
            return
        cookie = self.staff_cookie(server)
        path = f"/staff/reports/annual?fy={fiscal_year}"
        timings = []
        log("annual report …")
        for _ in range(3):
            begun = time.perf_counter()
            status, _, _, _ = http_request(server.base_url, "GET", path, headers={"Cookie": cookie})
            timings.append(time.perf_counter() - begun)
            if status != 200:
                self.report.annual_report = {"why": f"{path} answered {status}"}
                return
        self.report.annual_report = {
            "fiscal_year": fiscal_year,
            "received": received,
            "seconds": timings,
            "seconds_max": max(timings),
        }
        log(f"  {', '.join(f'{t:.2f}' for t in timings)} s")

    def measure_submissions(self, app, engine, server: Gunicorn) -> None:
        self.post_prefix = f"bench{secrets.token_hex(4)}"
        result = self.endpoint("submission", server, "/foia/request", warm_up=False, script="post.lua",
                               script_args=[self.post_prefix])  # fmt: skip
        self.post_result = result

    def check_submissions(self, engine) -> None:
        """After the servers stopped: every submission stored once, numbered without gaps."""
        result = getattr(self, "post_result", None)
        if result is None:
            return
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT id, tracking_number, submission_token FROM foia_request "
                    "WHERE submission_token LIKE :prefix"
                ),
                {"prefix": self.post_prefix + "-%"},
            ).all()
            outbox = connection.scalar(
                sa.text(
                    "SELECT count(*) FROM outbox_message WHERE request_id IN "
                    "(SELECT id FROM foia_request WHERE submission_token LIKE :prefix)"
                ),
                {"prefix": self.post_prefix + "-%"},
            )
        sequences = sorted(int(row.tracking_number.rsplit("-", 1)[1]) for row in rows)
        redirects = result.post.get("redirects", 0)
        sent = result.post.get("sent", 0)
        stored = len(rows)
        facts = {
            "redirects": redirects,
            "unexpected": result.post.get("unexpected", 0),
            "sent": sent,
            "stored": stored,
            "distinct_tokens": len({row.submission_token for row in rows}),
            "distinct_tracking_numbers": len({row.tracking_number for row in rows}),
            "contiguous": bool(sequences) and sequences[-1] - sequences[0] + 1 == len(sequences),
            "outbox_rows": outbox,
        }
        problems = []
        # wrk stops with up to one request per connection in flight: those may be stored
        # although wrk never read the answer.
        if not redirects <= stored <= sent:
            problems.append(f"{stored} stored for {redirects} answered and {sent} sent")
        if facts["distinct_tokens"] != stored or facts["distinct_tracking_numbers"] != stored:
            problems.append("duplicates")
        if not facts["contiguous"]:
            problems.append("tracking numbers have gaps")
        if facts["unexpected"]:
            problems.append(f"{facts['unexpected']} answers other than 303")
        facts["ok"] = not problems
        facts["why"] = "; ".join(problems)
        self.report.submissions = facts

    # -- growth

    def run_growth(self) -> None:
        """p50 of FAQ search at 1k/10k/100k FAQs and of the queue at 10k/100k/1M requests."""
        started = time.monotonic()
        url = fresh_database(self.kind, "foia_bench_growth" if self.kind == "postgresql"
                             else "bench-growth", reuse=False)  # fmt: skip
        app = make_app(url, self.secret_key)
        migrate(app)
        engine = sa.create_engine(url)
        duration = self.args.growth_duration
        search_paths = write_paths(
            "growth-search",
            [f"/faq/search?{urllib.parse.urlencode({'q': q})}" for q in SEARCH_QUERIES],
        )
        has_search = route_for(app, "/faq/search") is not None
        has_queue = route_for(app, "/staff/") is not None
        for size in self.args.growth_faqs if has_search else ():
            log(f"growth: {size:,} FAQs …")
            seed.seed_faqs(engine, size, progress=log)
            seed.analyze(engine)
            # With the page cache off: growth is about what a search costs the database, and the
            # 30 queries of the mix would otherwise be answered from memory after their first go.
            with self.portal(url, PAGE_CACHE_ENABLED="false") as server:
                server.warm_up([f"/faq/search?q={q}" for q in ("fee", "apeal")])
                result = self.wrk(server.base_url, "/", script="paths.lua",
                                  script_args=[search_paths], duration=duration)  # fmt: skip
            self.report.search_growth.append(
                GrowthPoint(size, size, result.p50, result.p99, result.rate)
            )
            log(f"  p50 {result.p50:.2f} ms")
        for size in self.args.growth_requests if has_queue else ():
            log(f"growth: a year of {size:,} requests …")
            seed.seed_requests(engine, size, progress=log)
            seed.analyze(engine)
            with engine.connect() as connection:
                rows = connection.scalar(sa.text("SELECT count(*) FROM foia_request"))
            with self.portal(url) as server:
                cookie = self.staff_cookie(server)
                first = "/staff/?" + urllib.parse.urlencode({"overdue": "1", "sort": "due_date"})
                server.warm_up([first], headers={"Cookie": cookie})
                result = self.wrk(server.base_url, first, headers={"Cookie": cookie},
                                  duration=duration)  # fmt: skip
            self.report.queue_growth.append(
                GrowthPoint(size, rows, result.p50, result.p99, result.rate)
            )
            log(f"  p50 {result.p50:.2f} ms")
        engine.dispose()
        self.report.seconds["growth"] = time.monotonic() - started


def sizes(text: str) -> list[int]:
    return [int(part.replace("_", "").replace(",", "")) for part in text.split("/") if part]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--requests", type=int, default=100_000,
                        help="requests received in the report fiscal year (the database holds "
                             "a tenth more, received in the current year)")  # fmt: skip
    parser.add_argument("--faqs", type=int, default=10_000)
    parser.add_argument("--duration", default="10s", help="wrk's -d for each endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--growth", action="store_true",
                        help="also measure how cost grows with the number of rows")  # fmt: skip
    parser.add_argument("--growth-only", action="store_true", help="only the growth figures")
    parser.add_argument("--growth-faqs", type=sizes, default=sizes("1000/10000/100000"))
    parser.add_argument("--growth-requests", type=sizes, default=sizes("10000/100000/1000000"))
    parser.add_argument("--growth-duration", default="5s")
    parser.add_argument("--warm-up", default="5s",
                        help="wrk's -d for the unmeasured pass before each GET endpoint")  # fmt: skip
    parser.add_argument(
        "--no-adjacent-ceiling", dest="adjacent_ceiling", action="store_false",
        help="measure the ceiling only at the start and the end, not also before each endpoint",
    )  # fmt: skip
    parser.add_argument(
        "--reuse", action="store_true", help="keep the last run's database (seeding tops it up)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # SIGTERM (timeout, Ctrl-C in some shells) unwinds normally, so the gunicorns are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    wrk_binary()
    RESULTS_DIR.mkdir(exist_ok=True)
    bench = Bench(args)
    if not args.growth_only:
        bench.run()
    if args.growth or args.growth_only:
        bench.run_growth()
    bench.report.judge()
    print(bench_report.render(bench.report))
    out = RESULTS_DIR / f"latest-{args.db}.json"
    bench.report.save(out)
    log(f"\nfigures saved to {out.relative_to(BENCH_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
