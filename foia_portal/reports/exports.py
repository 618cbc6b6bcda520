"""The Annual FOIA Report as files: JSON and CSV, for the downloads and `flask report annual`.

The JSON document (`as_dict`) is the one an API could serve as it is; the CSV has one figure per
row, (section, item, value), easy to pivot. See docs/annual-report.md.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import Any

from foia_portal.reports.annual import AnnualReport


def as_dict(report: AnnualReport) -> dict[str, Any]:
    """The report as plain JSON-ready values (dates as ISO strings)."""
    return {
        "fiscal_year": report.fiscal_year,
        "period": {
            "start": report.start.isoformat(),
            "end": report.end.isoformat(),
            "as_of": report.as_of.isoformat(),
            "complete": report.complete,
        },
        "generated_at": report.generated_at.isoformat(),
        "pending_start": report.pending_start,
        "received": report.received,
        "processed": report.processed,
        "pending_end": report.pending_end,
        "reconciles": report.reconciles,
        "dispositions": dict(report.dispositions),
        "dispositions_total": report.dispositions_total,
        "exemptions": dict(report.exemptions),
        "processing_time": {
            track: asdict(stats) for track, stats in report.processing_time.items()
        },
        "processing_time_distribution": [
            {"band": band, **counts} for band, counts in report.time_distribution
        ],
        "expedited": {**asdict(report.expedited), "decided": report.expedited.decided},
        "fee_waivers": {**asdict(report.fee_waivers), "decided": report.fee_waivers.decided},
        "backlog": {
            "pending_past_due": report.backlog,
            "oldest_pending": [
                {
                    "tracking_number": p.tracking_number,
                    "received_date": p.received_date.isoformat(),
                    "due_date": p.due_date.isoformat(),
                    "status": p.status,
                    "business_days_pending": p.business_days_pending,
                }
                for p in report.oldest_pending
            ],
        },
        "months": [
            {
                "month": f"{m.month:%Y-%m}",
                "received": m.received,
                "closed": m.closed,
                "pending_at_end": m.pending_at_end,
                "backlog_at_end": m.backlog_at_end,
            }
            for m in report.months
        ],
        "faq": {
            "sessions_with_answers": report.faq.sessions_with_answers,
            "answered_without_filing": report.faq.answered_without_filing,
            "filed_anyway": report.faq.filed_anyway,
        },
    }


def to_json(report: AnnualReport) -> str:
    """The report as a JSON document (the `--format json` output and the download)."""
    return json.dumps(as_dict(report), indent=2)


def csv_rows(report: AnnualReport) -> list[tuple[str, str, Any]]:
    """The report as (section, item, value) rows: one figure per row, easy to pivot."""
    rows: list[tuple[str, str, Any]] = [
        ("period", "fiscal_year", report.fiscal_year),
        ("period", "start", report.start.isoformat()),
        ("period", "end", report.end.isoformat()),
        ("period", "as_of", report.as_of.isoformat()),
        ("period", "complete", str(report.complete).lower()),
        ("requests", "pending_start", report.pending_start),
        ("requests", "received", report.received),
        ("requests", "processed", report.processed),
        ("requests", "pending_end", report.pending_end),
        ("requests", "reconciles", str(report.reconciles).lower()),
    ]
    rows += [("dispositions", name, count) for name, count in report.dispositions.items()]
    rows.append(("dispositions", "total", report.dispositions_total))
    rows += [("exemptions", name, count) for name, count in report.exemptions.items()]
    for track, stats in report.processing_time.items():
        for measure, value in asdict(stats).items():
            rows.append((f"processing_time_{track}", measure, _blank(value)))
    for band, counts in report.time_distribution:
        for track, count in counts.items():
            rows.append((f"processing_time_distribution_{track}", band, count))
    for name, stats in (("expedited", report.expedited), ("fee_waivers", report.fee_waivers)):
        for measure, value in asdict(stats).items():
            if measure == "within_limit" and value is None:
                continue
            rows.append((name, measure, _blank(value)))
    rows.append(("backlog", "pending_past_due", report.backlog))
    for p in report.oldest_pending:
        rows.append(("oldest_pending", p.tracking_number, p.received_date.isoformat()))
    for m in report.months:
        key = f"{m.month:%Y-%m}"
        rows += [
            ("month_received", key, m.received),
            ("month_closed", key, m.closed),
            ("month_pending_at_end", key, m.pending_at_end),
            ("month_backlog_at_end", key, m.backlog_at_end),
        ]
    rows += [
        ("faq", "sessions_with_answers", report.faq.sessions_with_answers),
        ("faq", "answered_without_filing", report.faq.answered_without_filing),
        ("faq", "filed_anyway", report.faq.filed_anyway),
    ]
    return rows


def to_csv(report: AnnualReport) -> str:
    """The report as CSV with a header row `section,item,value`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("section", "item", "value"))
    writer.writerows(csv_rows(report))
    return out.getvalue()


def _blank(value: Any) -> Any:
    return "" if value is None else value
