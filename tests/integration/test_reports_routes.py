"""The annual report page at /staff/reports/annual, its downloads and the dashboard partial."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from flask import render_template

from foia_portal.core import deadlines
from foia_portal.extensions import db
from foia_portal.reports.annual import current_fiscal_year
from foia_portal.reports.dashboard import dashboard_figures
from tests.fixtures.reports import eastern, make_request
from tests.fixtures.staff import login

URL = "/staff/reports/annual"
d = date


@pytest.fixture
def signed_in(client, officer):
    response = login(client, officer)
    assert response.status_code in (302, 303), response.status_code
    return client


@pytest.fixture
def small_year(app):
    """FY 2024: one pending at start, three received, two processed (one with exemptions)."""
    make_request(d(2023, 9, 5), closed=d(2023, 10, 10), disposition="full_grant")
    make_request(
        d(2023, 11, 6), closed=d(2023, 12, 4), disposition="partial_grant", exemptions=["b6"]
    )
    make_request(d(2024, 3, 4), due=d(2024, 4, 1))
    make_request(d(2024, 9, 3), due=d(2024, 10, 1))
    make_request(d(2024, 2, 1), closed=d(2024, 2, 2), disposition="full_grant", is_test=True)
    db.session.commit()


def test_the_report_needs_a_signed_in_member_of_staff(client):
    response = client.get(URL + "?fy=2024")
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]


@pytest.mark.parametrize("output", ["csv", "json"])
def test_downloads_need_a_signed_in_member_of_staff_too(client, output):
    response = client.get(f"{URL}?fy=2024&format={output}")
    assert response.status_code == 302


def test_the_page_shows_the_figures_that_reconcile(signed_in, small_year):
    response = signed_in.get(URL + "?fy=2024")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Annual FOIA Report, fiscal year 2024" in html
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert (
        "The figures reconcile: 1 pending at start + 3 received − 2 processed = 2 pending at end"
        in text
    )
    assert "Partial grant / partial denial 1" in text
    assert "(b)(6) Personal privacy 1" in text
    assert "year to date" not in text


def test_the_page_writes_dates_in_words_and_offers_secondary_download_buttons(
    signed_in, small_year
):
    html = signed_in.get(URL + "?fy=2024").get_data(as_text=True)
    assert "October 1, 2023 to September 30, 2024" in html
    assert "(October 1, 2023)" in html and "Oct 1," not in html
    downloads = re.findall(r'<a class="([^"]+)" href="[^"]+format=(?:csv|json)"', html)
    assert downloads == ["usa-button usa-button--secondary"] * 2
    assert '<div class="grid-container usa-section' in html  # the spacing of other pages


def test_the_page_draws_four_accessible_charts_with_tables(signed_in, small_year):
    html = signed_in.get(URL + "?fy=2024").get_data(as_text=True)
    svgs = re.findall(r"<svg [^>]*class=\"portal-chart\".*?</svg>", html, flags=re.S)
    assert len(svgs) == 4
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.get("role") == "img"
        title_id, desc_id = root.get("aria-labelledby").split()
        ns = "{http://www.w3.org/2000/svg}"
        assert root.find(f"{ns}title").get("id") == title_id
        assert root.find(f"{ns}desc").get("id") == desc_id
        assert root.find(f"{ns}desc").text.strip()
    assert html.count("The figures behind this chart") == 4
    assert "style=" not in html
    assert '<script src="http' not in html


def test_every_script_on_the_page_is_a_file_of_ours(signed_in, small_year):
    response = signed_in.get(URL + "?fy=2024")
    html = response.get_data(as_text=True)
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all('src="/static/' in tag for tag in scripts)


def test_without_a_year_the_page_shows_the_current_fiscal_year_to_date(signed_in):
    response = signed_in.get(URL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    fy = current_fiscal_year()
    assert f"fiscal year {fy}" in html
    assert "year to date" in html


def test_csv_download_is_an_attachment_with_the_figures(signed_in, small_year):
    response = signed_in.get(URL + "?fy=2024&format=csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="annual-foia-report-FY2024.csv"' in response.headers["Content-Disposition"]
    rows = {(s, i): v for s, i, v in csv.reader(io.StringIO(response.get_data(as_text=True)))}
    assert rows[("requests", "received")] == "3"
    assert rows[("requests", "processed")] == "2"


def test_json_download_matches_the_contract(signed_in, small_year):
    response = signed_in.get(URL + "?fy=2024&format=json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    document = json.loads(response.get_data(as_text=True))
    assert {k: document[k] for k in ("pending_start", "received", "processed", "pending_end")} == {
        "pending_start": 1,
        "received": 3,
        "processed": 2,
        "pending_end": 2,
    }
    assert len(document["dispositions"]) == 12
    assert document["exemptions"]["b6"] == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("fy=abc", "Enter the fiscal year as four digits, for example 2026."),
        ("fy=20266", "Enter the fiscal year as four digits, for example 2026."),
        ("fy=1950", "Enter a fiscal year from 1968"),
        ("fy=2999", "Fiscal year 2999 has not started yet"),
        ("fy=2024&format=xml", "is not a download format: use csv or json."),
    ],
)
def test_a_bad_year_or_format_is_explained_and_the_input_kept(signed_in, query, message):
    response = signed_in.get(f"{URL}?{query}")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="error-summary"' in html
    assert message in html.replace("&#34;", '"').replace("&#39;", "'")
    typed = query.split("&")[0].split("=")[1]
    assert f'value="{typed}"' in html
    assert "portal-chart" not in html


def test_a_bad_year_in_a_json_download_gets_json_errors(signed_in):
    response = signed_in.get(URL + "?fy=1900&format=json")
    assert response.status_code == 422
    assert response.get_json() == {
        "errors": {"fy": ["Enter a fiscal year from 1968 (the first year of the FOIA) onward."]}
    }


def test_a_hostile_year_is_escaped(signed_in):
    response = signed_in.get(URL + "?fy=<script>alert(1)</script>")
    assert response.status_code == 422
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_the_dashboard_partial_shows_this_months_figures(app):
    today = deadlines.today_eastern()
    make_request(today.replace(day=1), due=date(2000, 1, 3))
    db.session.commit()
    with app.test_request_context("/staff/"):
        html = render_template("reports/_dashboard.html", dashboard=dashboard_figures(today))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert f"{today:%B %Y} at a glance" in text
    assert "1 received by law this month (next business day)" in text
    assert "1 past due today, of 1 open" in text
    assert "no request closed yet this month" in text
    assert 'href="/staff/reports/annual"' in html


def test_the_dashboard_partial_names_filings_not_yet_received_by_law(app):
    today = deadlines.today_eastern()
    # Filed today after 17:00 Eastern: received by law the next business day.
    make_request(deadlines.next_business_day(today), submitted_at=eastern(today, 18))
    db.session.commit()
    with app.test_request_context("/staff/"):
        html = render_template("reports/_dashboard.html", dashboard=dashboard_figures(today))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "+ 1 filed, not yet received by law" in text


def test_the_queue_page_carries_the_dashboard(signed_in):
    make_request(deadlines.today_eastern(), due=date(2000, 1, 3))
    db.session.commit()
    html = signed_in.get("/staff/").get_data(as_text=True)
    assert 'aria-labelledby="dashboard-heading"' in html
    received = re.search(r'id="dashboard-received"><strong>(\d+)</strong>', html)
    assert received and received.group(1) == "1"
