"""Server-side SVG charts: valid, accessible, escaped, and honest about their numbers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from foia_portal.reports import charts
from foia_portal.reports.charts import Series, bar_chart, column_chart, line_chart

NS = "{http://www.w3.org/2000/svg}"


def parse(svg) -> ET.Element:
    root = ET.fromstring(str(svg))
    assert root.tag == f"{NS}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{NS}text")]


@pytest.mark.parametrize(
    "draw",
    [
        lambda: bar_chart("c1", "Title", "Description", [("A", 3), ("B", 0)]),
        lambda: column_chart("c1", "Title", "Description", ["Oct", "Nov"],
                             [Series("Received", [4, 2]), Series("Closed", [1, 5])]),
        lambda: line_chart("c1", "Title", "Description", ["Oct", "Nov"],
                           [Series("Pending", [4, 2]), Series("Past due", [1, 0])]),
    ],
)  # fmt: skip
def test_every_chart_is_one_named_and_described_image(draw):
    root = parse(draw())
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{NS}title").get("id") == "c1-title"
    assert root.find(f"{NS}title").text == "Title"
    assert root.find(f"{NS}desc").text == "Description"
    assert root.get("style") is None and "style=" not in str(draw())


def test_text_in_a_chart_is_escaped():
    svg = bar_chart("c<1>", "<script>alert(1)</script>", "a & b", [("<b>x</b>", 1)])
    assert "<script>" not in svg
    root = parse(svg)
    assert root.find(f"{NS}title").text == "<script>alert(1)</script>"
    assert "<b>x</b>" in texts(root)


def test_bars_are_as_long_as_their_values_and_labelled_with_them():
    root = parse(bar_chart("c", "t", "d", [("Full grant", 10), ("No records", 5), ("Other", 0)]))
    widths = [float(r.get("width")) for r in root.iter(f"{NS}rect")]
    assert len(widths) == 2  # no bar for zero
    assert widths[0] == pytest.approx(2 * widths[1])
    assert [t for t in texts(root) if t.isdigit()] == ["10", "5", "0"]


def test_columns_share_one_scale_with_round_gridlines():
    root = parse(column_chart("c", "t", "d", ["Oct"], [Series("A", [37]), Series("B", [10])]))
    heights = [float(r.get("height")) for r in root.iter(f"{NS}rect") if r.get("height") != "14"]
    assert heights[0] / heights[1] == pytest.approx(3.7, rel=1e-2)  # coordinates to 0.1 px
    assert {"0", "10", "20", "30", "40"} <= set(texts(root))


def test_lines_differ_by_dash_and_marker_not_only_colour():
    root = parse(line_chart("c", "t", "d", ["Oct", "Nov", "Dec"],
                            [Series("A", [1, 2, 3]), Series("B", [3, 2, 1])]))  # fmt: skip
    lines = list(root.iter(f"{NS}polyline"))
    assert [line.get("stroke-dasharray") for line in lines] == [None, "6 4"]
    assert len(list(root.iter(f"{NS}circle"))) == 3 + 1  # data points + legend
    assert lines[0].get("stroke") != lines[1].get("stroke")


def test_an_empty_chart_still_draws():
    root = parse(column_chart("c", "t", "d", [], []))
    assert root.find(f"{NS}title").text == "t"
    parse(line_chart("c", "t", "d", ["Oct"], [Series("A", [0])]))


@pytest.mark.parametrize(
    ("value", "ceiling", "step"),
    [(0, 1, 1), (3, 3, 1), (9, 10, 5), (37, 40, 10), (101, 150, 50), (9_999, 10_000, 2_500)],
)
def test_axis_ceilings_are_round_numbers(value, ceiling, step):
    assert charts._nice_ceiling(value) == (ceiling, step)


def test_report_charts_describe_the_year_in_words(app):
    from foia_portal.reports.annual import annual_report

    report = annual_report(2024, today=date(2026, 1, 1))
    figures = charts.report_charts(report)
    assert [f.chart_id for f in figures] == [
        "chart-flow",
        "chart-dispositions",
        "chart-times",
        "chart-backlog",
    ]
    for figure in figures:
        root = parse(figure.svg)
        assert root.find(f"{NS}title").text == figure.title
        assert re.search(r"\w", root.find(f"{NS}desc").text)
        assert all(len(row) == len(figure.table_headers) for row in figure.table_rows)
    assert len(figures[0].table_rows) == 12
    assert "no requests were processed" in figures[1].svg
