"""The benchmark's figures, their targets, and the tables printed at the end of a run."""

from __future__ import annotations

import json
import math
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.wrk import WrkResult


@dataclass(frozen=True)
class Target:
    """What an endpoint must reach: a throughput ratio to the ceiling (None: printed, not judged),
    a p99 latency and, where it is judged by latency, a p50 (ms)."""

    min_ratio: float | None
    max_p99_ms: float
    min_ratio_postgresql: float | None = None
    max_p50_ms: float | None = None
    on_both_databases: bool = False

    def applies_to(self, database: str) -> bool:
        """The speed targets are SQLite's unless one is named for PostgreSQL or both."""
        return (
            database != "postgresql"
            or self.min_ratio_postgresql is not None
            or self.on_both_databases
        )

    def ratio_for(self, database: str) -> float | None:
        if database == "postgresql" and self.min_ratio_postgresql is not None:
            return self.min_ratio_postgresql
        return self.min_ratio


# The targets (2 workers, SQLite unless noted; docs/performance.md). On PostgreSQL a page without
# its own target is shown against SQLite's for reference; its errors and lost submissions still
# count. The staff queue is judged by latency, the submission by correctness and p99 alone (its
# ratio is printed): a FOIA office files a few thousand requests a day at most.
TARGETS: dict[str, Target] = {
    "home": Target(0.40, 50),
    "faq_article": Target(0.40, 50),
    "faq_search": Target(0.30, 60, min_ratio_postgresql=0.25),
    "status_page": Target(0.35, 50),
    "staff_queue_page_1": Target(None, 100, max_p50_ms=50, on_both_databases=True),
    "staff_queue_page_200": Target(None, 100, max_p50_ms=50, on_both_databases=True),
    "submission": Target(None, 200, on_both_databases=True),
}
SQLITE_ONLY = "SQLite's target, for reference"
ANNUAL_REPORT_MAX_SECONDS = 2.0
WORKER_MEMORY_MAX_MB = 150.0
QUEUE_GROWTH_MAX = 1.5  # p50 at the largest size ÷ p50 at the smallest
SEARCH_GROWTH_MAX = 3.0

LABELS = {
    "ceiling": "ceiling: bare Flask route",
    "home": "home page",
    "faq_article": "FAQ article",
    "faq_search": "FAQ search (query mix, typos)",
    "faq_search_fresh": "FAQ search, queries never asked before",
    "status_page": "status page (signed link)",
    "staff_queue_page_1": "staff queue, overdue, page 1",
    "staff_queue_page_200": "staff queue, overdue, page 200",
    "submission": "request submission (POST)",
}


@dataclass
class EndpointFigure:
    name: str
    rate: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    ratio: float | None = None
    ceiling_rate: float | None = None  # the ceiling measured right before this endpoint
    cpu_ms: float | None = None  # worker CPU time per request
    ceiling_cpu_ms: float | None = None  # the same for the ceiling measured right before
    verdict: str = ""
    note: str = ""

    @classmethod
    def from_wrk(cls, name: str, result: WrkResult, note: str = "") -> EndpointFigure:
        return cls(
            name=name,
            rate=result.rate,
            p50_ms=result.p50,
            p99_ms=result.p99,
            requests=result.requests,
            errors=result.errors,
            note=note,
        )


@dataclass
class GrowthPoint:
    size: int
    rows: int
    p50_ms: float
    p99_ms: float
    rate: float


@dataclass
class BenchReport:
    database: str
    machine: dict[str, Any]
    settings: dict[str, Any]
    ceilings: list[EndpointFigure] = field(default_factory=list)
    endpoints: list[EndpointFigure] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)
    worker_memory_mb: float | None = None
    annual_report: dict[str, Any] | None = None
    submissions: dict[str, Any] | None = None
    search_growth: list[GrowthPoint] = field(default_factory=list)
    queue_growth: list[GrowthPoint] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    load_average: dict[str, float] = field(default_factory=dict)

    @property
    def ceiling_rate(self) -> float:
        rates = [c.rate for c in self.ceilings]
        return sum(rates) / len(rates) if rates else float("nan")

    def judge(self) -> None:
        """Ratios to the ceiling of this run, and a verdict against each target."""
        for figure in self.endpoints:
            ceiling = figure.ceiling_rate or self.ceiling_rate
            figure.ratio = figure.rate / ceiling if ceiling else None
            target = TARGETS.get(figure.name)
            if target is None:
                continue
            applies = target.applies_to(self.database)
            problems = []
            min_ratio = target.ratio_for(self.database)
            if applies and min_ratio is not None and (figure.ratio or 0) < min_ratio:
                problems.append(f"ratio < {min_ratio:.2f}")
            if applies and not figure.p99_ms < target.max_p99_ms:
                problems.append(f"p99 ≥ {target.max_p99_ms:.0f} ms")
            if applies and target.max_p50_ms is not None and not figure.p50_ms < target.max_p50_ms:
                problems.append(f"p50 ≥ {target.max_p50_ms:.0f} ms")
            if figure.errors:
                problems.append(f"{figure.errors} errors")
            if figure.name == "submission" and self.submissions and not self.submissions.get("ok"):
                problems.append("not stored exactly once")
            if problems:
                figure.verdict = "MISSED: " + ", ".join(problems)
            else:
                figure.verdict = "met" if applies else SQLITE_ONLY

    def verdicts(self) -> dict[str, bool]:
        """Every target of the issue that this run measured, met or not."""
        results = {
            f.name: f.verdict == "met"
            for f in self.endpoints
            if f.name in TARGETS and f.verdict != SQLITE_ONLY
        }
        for name in self.missing:
            if name in TARGETS and TARGETS[name].applies_to(self.database):
                results[name] = False
        if self.worker_memory_mb is not None:
            results["worker_memory"] = self.worker_memory_mb < WORKER_MEMORY_MAX_MB
        if self.annual_report and "seconds_max" in self.annual_report:
            results["annual_report"] = self.annual_report["seconds_max"] < ANNUAL_REPORT_MAX_SECONDS
        if len(self.queue_growth) >= 2:
            results["queue_growth"] = growth_factor(self.queue_growth) <= QUEUE_GROWTH_MAX
        if len(self.search_growth) >= 2:
            results["search_growth"] = growth_factor(self.search_growth) <= SEARCH_GROWTH_MAX
        return results

    def to_json(self) -> str:
        return json.dumps(asdict(self) | {"ceiling_rate": self.ceiling_rate}, indent=2, default=str)

    def save(self, path: Path) -> None:
        path.write_text(self.to_json() + "\n")


def target_summary(target: Target, database: str) -> str:
    parts = []
    if target.ratio_for(database) is not None:
        parts.append(f"≥{target.ratio_for(database):.2f}")
    if target.max_p50_ms is not None:
        parts.append(f"p50<{target.max_p50_ms:.0f}")
    parts.append(f"<{target.max_p99_ms:.0f}ms")
    return ", ".join(parts)


def growth_factor(points: list[GrowthPoint]) -> float:
    return points[-1].p50_ms / points[0].p50_ms if points and points[0].p50_ms else math.nan


def load_average() -> float:
    """The 1-minute load average: other work on the machine skews every figure."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return math.nan


def machine_description() -> dict[str, Any]:
    """nproc, CPU model and memory of this machine, from /proc."""
    import os

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "memory_gib": memory_gib,
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def _ms(value: float) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:.1f}"


def render(report: BenchReport) -> str:
    """The tables printed at the end of `make bench`."""
    lines = []
    m = report.machine
    s = report.settings
    lines.append("")
    lines.append(
        f"FOIA Portal benchmark — {report.database}, {s['requests']:,} requests in the report "
        f"year ({s['rows']:,} in the database), {s['faqs']:,} FAQs"
    )
    lines.append(
        f"machine: {m['nproc']} CPU ({m['cpu']}), {m['memory_gib']} GiB; gunicorn "
        f"{s['workers']} sync workers; wrk -c{s['connections']} -t{s['threads']} -d{s['duration']}"
    )
    if report.load_average:
        lines.append(
            "load average (1 min): "
            + ", ".join(f"{name} {value:.1f}" for name, value in report.load_average.items())
            + (
                f" — above {m['nproc']} CPUs: other work shared the machine"
                if max(report.load_average.values()) > m["nproc"]
                else ""
            )
        )
    if len(report.ceilings) == 2:
        first, last = (c.rate for c in report.ceilings)
        drift = abs(first - last) / max(first, last) if max(first, last) else 0
        if drift > 0.2:
            lines.append(
                f"WARNING: the ceiling moved {drift:.0%} between the start and the end of the run; "
                "the machine was not quiet and the ratios are unreliable."
            )
    if any(f.ceiling_rate for f in report.endpoints):
        lines.append(
            "÷ ceiling: each endpoint against the ceiling measured just before it (column "
            "'ceiling'); the start and end ceilings show how much the machine moved."
        )
    lines.append("")
    header = (
        f"{'endpoint':<34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ceiling':>8} "
        f"{'÷ ceiling':>10} {'errors':>7} {'target':>16}  verdict"
    )
    lines.append(header)
    lines.append("-" * len(header) + "-" * 10)
    for ceiling in report.ceilings:
        lines.append(
            f"{LABELS['ceiling'] + ceiling.note:<34} {ceiling.rate:>8.0f} {_ms(ceiling.p50_ms):>8} "
            f"{_ms(ceiling.p99_ms):>8} {'':>8} {'':>10} {ceiling.errors:>7}"
        )
    for figure in report.endpoints:
        target = TARGETS.get(figure.name)
        target_text = target_summary(target, report.database) if target else ""
        if target and not target.applies_to(report.database):
            target_text = f"({target_summary(target, 'sqlite')})"
        ratio = "—" if figure.ratio is None else f"{figure.ratio:.2f}"
        ceiling = f"{figure.ceiling_rate or report.ceiling_rate:.0f}"
        lines.append(
            f"{LABELS.get(figure.name, figure.name):<34} {figure.rate:>8.0f} "
            f"{_ms(figure.p50_ms):>8} {_ms(figure.p99_ms):>8} {ceiling:>8} {ratio:>10} "
            f"{figure.errors:>7} {target_text:>16}  {figure.verdict}"
        )
    for name, why in report.missing.items():
        lines.append(f"{LABELS.get(name, name):<34} not measured: {why}")
    with_cpu = [f for f in report.endpoints if f.cpu_ms and f.ceiling_cpu_ms]
    if with_cpu:
        lines.append("")
        lines.append(
            "CPU per request (workers' user + system time ÷ requests; independent of other load "
            "on the machine; the database's own CPU is included for SQLite, not for PostgreSQL):"
        )
        for figure in with_cpu:
            lines.append(
                f"  {LABELS.get(figure.name, figure.name):<34} {figure.cpu_ms:7.2f} ms   "
                f"ceiling {figure.ceiling_cpu_ms:5.2f} ms   ceiling ÷ page "
                f"{figure.ceiling_cpu_ms / figure.cpu_ms:5.2f}"
            )
    lines.append("")
    if report.submissions:
        sub = report.submissions
        lines.append(
            f"submissions: {sub['redirects']:,} answered 303, {sub['unexpected']} other answers, "
            f"{sub['sent']:,} sent; {sub['stored']:,} stored ({sub['distinct_tokens']:,} distinct "
            f"form tokens, {sub['distinct_tracking_numbers']:,} distinct tracking numbers, "
            f"contiguous: {sub['contiguous']}), {sub['outbox_rows']:,} emails queued — "
            + ("stored exactly once" if sub["ok"] else "NOT stored exactly once: " + sub["why"])
        )
    if report.worker_memory_mb is not None:
        ok = report.worker_memory_mb < WORKER_MEMORY_MAX_MB
        lines.append(
            f"peak worker memory (VmHWM): {report.worker_memory_mb:.0f} MB "
            f"(target < {WORKER_MEMORY_MAX_MB:.0f} MB: {'met' if ok else 'MISSED'})"
        )
    if report.annual_report:
        ar = report.annual_report
        if "seconds_max" in ar:
            ok = ar["seconds_max"] < ANNUAL_REPORT_MAX_SECONDS
            lines.append(
                f"annual report FY{ar['fiscal_year']} ({ar['received']:,} received): "
                f"{', '.join(f'{t:.2f}' for t in ar['seconds'])} s "
                f"(target < {ANNUAL_REPORT_MAX_SECONDS:.0f} s: {'met' if ok else 'MISSED'})"
            )
        else:
            lines.append(f"annual report: not measured: {ar.get('why')}")
    for title, points, limit in (
        ("FAQ search p50 by number of FAQs", report.search_growth, SEARCH_GROWTH_MAX),
        ("staff queue p50 by number of requests", report.queue_growth, QUEUE_GROWTH_MAX),
    ):
        if not points:
            continue
        lines.append("")
        lines.append(f"growth: {title}")
        for point in points:
            lines.append(
                f"  {point.size:>10,} ({point.rows:>9,} rows)  p50 {_ms(point.p50_ms):>7} ms  "
                f"p99 {_ms(point.p99_ms):>7} ms  {point.rate:>7.0f} req/s"
            )
        factor = growth_factor(points)
        lines.append(
            f"  largest ÷ smallest p50: {factor:.2f} (target ≤ {limit:g}: "
            f"{'met' if factor <= limit else 'MISSED'})"
        )
    verdicts = report.verdicts()
    lines.append("")
    missed = [name for name, ok in verdicts.items() if not ok]
    lines.append(
        f"targets: {sum(verdicts.values())} of {len(verdicts)} met"
        + (f"; missed: {', '.join(missed)}" if missed else "")
    )
    if any(figure.verdict == SQLITE_ONLY for figure in report.endpoints):
        lines.append(
            f"  (on {report.database} only FAQ search has a speed target of its own; the other"
            " pages are shown against SQLite's, in brackets)"
        )
    if report.seconds:
        lines.append(
            "time: "
            + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in report.seconds.items())
        )
    return "\n".join(lines)
