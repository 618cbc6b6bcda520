"""Charts drawn on the server as accessible SVG: no chart library, no JavaScript, no inline CSS.

Each chart is an `<svg role="img">` named by its `<title>` and summarised by its `<desc>`; the
text inside it is hidden from assistive technology (role="img" makes it one image), so every
chart is shown next to a table of the same figures (`ChartFigure.table_*`). Colours come from
the USWDS palette with at least 3:1 contrast against white (WCAG 2.1, 1.4.11); series differ by
shape and dash pattern as well as colour (1.4.1), and every bar carries its value as text.
Styling is done with SVG presentation attributes, which the Content-Security-Policy allows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from foia_portal.core.vocabulary import DISPOSITION_LABELS, TRACK_LABELS
from foia_portal.reports.annual import AnnualReport
from foia_portal.reports.closures import TRACKS

WIDTH = 720
FONT = 'font-family="Source Sans Pro Web, Helvetica Neue, Helvetica, Arial, sans-serif"'
INK = "#1b1b1b"
GRID = "#dfe1e2"
AXIS = "#71767a"
# Blue, orange and green from the USWDS palette: each at least 4.5:1 against white.
COLOURS = ("#005ea2", "#c05600", "#008817")
LINE_COLOURS = ("#1a4480", "#b50909")
DASHES = ("", "6 4")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int | float]


@dataclass
class ChartFigure:
    """A chart and the table that says the same thing in text."""

    chart_id: str
    title: str
    svg: Markup
    table_caption: str
    table_headers: list[str]
    table_rows: list[list[str | int | float]] = field(default_factory=list)


def _nice_ceiling(value: float, ticks: int = 4) -> tuple[float, float]:
    """A round axis maximum at or above `value`, and the step between its gridlines."""
    if value <= 0:
        return 1, 1
    raw_step = value / ticks
    magnitude = 10 ** math.floor(math.log10(raw_step))
    # 2.5 only from 25 upwards: a count axis never needs a gridline at 7.5.
    multiples = (1, 2, 2.5, 5, 10) if magnitude >= 10 else (1, 2, 5, 10)
    for multiple in multiples:
        step = multiple * magnitude
        if step >= raw_step:
            break
    step = max(step, 1)  # counts are whole numbers
    return math.ceil(value / step) * step, step


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _open_svg(chart_id: str, title: str, description: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" focusable="false" class="portal-chart" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]


def _text(x: float, y: float, label: str, *, anchor: str = "start", size: int = 12,
          weight: str | None = None) -> str:  # fmt: skip
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="{INK}" {FONT}{bold}>{escape(label)}</text>'
    )


def _legend(series: Sequence[Series], y: float, *, lines: bool = False) -> list[str]:
    parts, x = [], 60.0
    for i, s in enumerate(series):
        if lines:
            dash = f' stroke-dasharray="{DASHES[i % 2]}"' if DASHES[i % 2] else ""
            colour = LINE_COLOURS[i % len(LINE_COLOURS)]
            parts.append(
                f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 24:.1f}" y2="{y - 4:.1f}" '
                f'stroke="{colour}" stroke-width="3"{dash}/>'
            )
            parts.append(_marker(i, x + 12, y - 4, colour))
            x += 30
        else:
            colour = COLOURS[i % len(COLOURS)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y - 12:.1f}" width="14" height="14" fill="{colour}"/>'
            )
            x += 20
        parts.append(_text(x, y, s.name))
        x += 14 + 7.5 * len(s.name)
    return parts


def _marker(index: int, x: float, y: float, colour: str) -> str:
    if index % 2 == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
    return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'


def _y_axis(top: float, bottom: float, left: float, right: float, maximum: float,
            step: float) -> list[str]:  # fmt: skip
    parts, tick = [], 0.0
    while tick <= maximum + 1e-9:
        y = bottom - (bottom - top) * tick / maximum
        parts.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        parts.append(_text(left - 6, y + 4, _number(tick), anchor="end", size=11))
        tick += step
    parts.append(
        f'<line x1="{left:.1f}" y1="{bottom:.1f}" x2="{right:.1f}" y2="{bottom:.1f}" '
        f'stroke="{AXIS}"/>'
    )
    return parts


def bar_chart(chart_id: str, title: str, description: str,
              bars: Sequence[tuple[str, int]]) -> Markup:  # fmt: skip
    """Horizontal bars, one per labelled count, the count written at the end of each bar."""
    label_width, row, top = 300, 26, 10
    height = top + row * len(bars) + 10
    maximum = max((value for _, value in bars), default=0) or 1
    plot = WIDTH - label_width - 60
    parts = _open_svg(chart_id, title, description, height)
    for i, (label, value) in enumerate(bars):
        y = top + i * row
        length = plot * value / maximum
        parts.append(_text(label_width - 8, y + 16, label, anchor="end"))
        if value:
            parts.append(
                f'<rect x="{label_width}" y="{y + 4:.1f}" width="{max(length, 1):.1f}" '
                f'height="{row - 8}" fill="{COLOURS[0]}"/>'
            )
        parts.append(_text(label_width + length + 6, y + 16, _number(value), weight="bold"))
    parts.append(
        f'<line x1="{label_width}" y1="{top}" x2="{label_width}" y2="{height - 10}" '
        f'stroke="{AXIS}"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every text above went through escape())


def column_chart(chart_id: str, title: str, description: str, categories: Sequence[str],
                 series: Sequence[Series]) -> Markup:  # fmt: skip
    """Vertical bars grouped by category, one colour per series, with a legend and gridlines."""
    left, right, top, bottom, height = 56, WIDTH - 10, 40, 250, 290
    maximum, step = _nice_ceiling(max((v for s in series for v in s.values), default=0))
    parts = _open_svg(chart_id, title, description, height)
    parts += _legend(series, 20)
    parts += _y_axis(top, bottom, left, right, maximum, step)
    group = (right - left) / max(len(categories), 1)
    bar = min(28.0, (group - 6) / max(len(series), 1))
    for c, category in enumerate(categories):
        x0 = left + c * group + (group - bar * len(series)) / 2
        for s_index, s in enumerate(series):
            value = s.values[c]
            h = (bottom - top) * value / maximum
            x = x0 + s_index * bar
            if value:
                parts.append(
                    f'<rect x="{x:.1f}" y="{bottom - h:.1f}" width="{bar - 1:.1f}" '
                    f'height="{h:.1f}" fill="{COLOURS[s_index % len(COLOURS)]}"/>'
                )
                label = _number(value)
                # Written over the bar only where it fits (about 5 px a character at size 10);
                # the table under the chart always has every value.
                if 5 * len(label) <= bar + 4:
                    parts.append(_text(x + bar / 2, bottom - h - 3, label, anchor="middle",
                                       size=10))  # fmt: skip
        parts.append(_text(left + c * group + group / 2, bottom + 16, category, anchor="middle",
                           size=11))  # fmt: skip
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every text above went through escape())


def line_chart(chart_id: str, title: str, description: str, categories: Sequence[str],
               series: Sequence[Series]) -> Markup:  # fmt: skip
    """Lines over categories (months), each series with its own dash pattern and marker."""
    left, right, top, bottom, height = 56, WIDTH - 20, 40, 250, 290
    maximum, step = _nice_ceiling(max((v for s in series for v in s.values), default=0))
    parts = _open_svg(chart_id, title, description, height)
    parts += _legend(series, 20, lines=True)
    parts += _y_axis(top, bottom, left, right, maximum, step)
    slot = (right - left) / max(len(categories), 1)
    for c, category in enumerate(categories):
        parts.append(_text(left + slot * (c + 0.5), bottom + 16, category, anchor="middle",
                           size=11))  # fmt: skip
    for s_index, s in enumerate(series):
        colour = LINE_COLOURS[s_index % len(LINE_COLOURS)]
        points = [
            (left + slot * (c + 0.5), bottom - (bottom - top) * value / maximum)
            for c, value in enumerate(s.values)
        ]
        if len(points) > 1:
            dash = DASHES[s_index % 2]
            dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
            coordinates = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline fill="none" stroke-width="3" stroke="{colour}"{dash_attribute} '
                f'points="{coordinates}"/>'
            )
        parts += [_marker(s_index, x, y, colour) for x, y in points]
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every text above went through escape())


# ----------------------------------------------------------------------------------------------
# The annual report's charts


def _peak(labels: Sequence[str], values: Sequence[int]) -> str:
    if not values or max(values) == 0:
        return "none"
    i = max(range(len(values)), key=lambda k: values[k])
    return f"{labels[i]} ({_number(values[i])})"


def report_charts(report: AnnualReport) -> list[ChartFigure]:
    """The four charts of the annual report page, each with its text equivalent."""
    fy = report.fiscal_year
    month_labels = [m.label for m in report.months]
    short_months = [f"{m.month:%b}" for m in report.months]
    received = [m.received for m in report.months]
    closed = [m.closed for m in report.months]
    figures = [
        ChartFigure(
            chart_id="chart-flow",
            title=f"Requests received and closed per month, FY {fy}",
            svg=column_chart(
                "chart-flow",
                f"Requests received and closed per month, FY {fy}",
                f"{report.received:,} received and {report.processed:,} closed in "
                f"{len(report.months)} months. Busiest month for new requests: "
                f"{_peak(month_labels, received)}; for closures: {_peak(month_labels, closed)}.",
                short_months,
                [Series("Received", received), Series("Closed", closed)],
            ),
            table_caption=f"Requests received and closed per month, FY {fy}",
            table_headers=["Month", "Received", "Closed"],
            table_rows=[[m.label, m.received, m.closed] for m in report.months],
        )
    ]

    bars = [(DISPOSITION_LABELS[d], n) for d, n in report.dispositions.items()]
    top = sorted(bars, key=lambda bar: -bar[1])[:3]
    figures.append(
        ChartFigure(
            chart_id="chart-dispositions",
            title=f"Dispositions of the {report.processed:,} requests processed in FY {fy}",
            svg=bar_chart(
                "chart-dispositions",
                f"Dispositions of the {report.processed:,} requests processed in FY {fy}",
                "Most common: "
                + (
                    "; ".join(f"{label} ({n:,})" for label, n in top if n)
                    if report.processed
                    else "no requests were processed"
                )
                + ".",
                bars,
            ),
            table_caption=f"Dispositions, FY {fy}",
            table_headers=["Disposition", "Requests"],
            table_rows=[[label, n] for label, n in bars],
        )
    )

    bands = [band for band, _ in report.time_distribution]
    per_track = [
        Series(TRACK_LABELS[t], [counts[t] for _, counts in report.time_distribution])
        for t in TRACKS
    ]
    medians = "; ".join(
        f"{TRACK_LABELS[t]} median {_number(s.median)} business days"
        for t, s in report.processing_time.items()
        if s.median is not None
    )
    figures.append(
        ChartFigure(
            chart_id="chart-times",
            title=f"Processing time of requests processed in FY {fy}, in business days",
            svg=column_chart(
                "chart-times",
                f"Processing time of requests processed in FY {fy}, in business days",
                (medians or "No requests were processed") + ". Bars count requests per band of "
                "business days, by track; days on hold are not counted.",
                bands,
                per_track,
            ),
            table_caption=f"Requests processed per band of business days, FY {fy}",
            table_headers=["Business days", *(TRACK_LABELS[t] for t in TRACKS)],
            table_rows=[
                [band, *(counts[t] for t in TRACKS)] for band, counts in report.time_distribution
            ],  # fmt: skip
        )
    )

    pending = [m.pending_at_end for m in report.months]
    backlog = [m.backlog_at_end for m in report.months]
    trend = (
        f"Pending went from {report.pending_start:,} at the start of the year to "
        f"{report.pending_end:,}; past due went from "
        f"{backlog[0] if backlog else 0:,} at the end of the first month to {report.backlog:,}."
    )
    figures.append(
        ChartFigure(
            chart_id="chart-backlog",
            title=f"Pending and past-due requests at the end of each month, FY {fy}",
            svg=line_chart(
                "chart-backlog",
                f"Pending and past-due requests at the end of each month, FY {fy}",
                trend,
                short_months,
                [Series("Pending", pending), Series("Past due (backlog)", backlog)],
            ),
            table_caption=f"Pending and past-due requests at each month's end, FY {fy}",
            table_headers=["Month", "Pending", "Past due"],
            table_rows=[[m.label, m.pending_at_end, m.backlog_at_end] for m in report.months],
        )
    )
    return figures
