"""`flask report annual --fy YEAR [--format json|csv]` (the contract's command)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from foia_portal.core.vocabulary import EXEMPTIONS, Disposition
from foia_portal.extensions import db
from tests.fixtures.reports import make_request

d = date


@pytest.fixture
def fy2024(app):
    make_request(d(2023, 9, 5), closed=d(2023, 10, 10), disposition="full_grant")
    make_request(
        d(2023, 11, 6), closed=d(2023, 12, 4), disposition="full_denial", exemptions=["b5", "b7E"]
    )
    make_request(d(2024, 3, 4))
    make_request(d(2024, 2, 1), closed=d(2024, 2, 2), disposition="withdrawn", is_test=True)
    db.session.commit()


def test_json_is_the_default_and_has_the_contract_fields(runner, fy2024):
    result = runner.invoke(args=["report", "annual", "--fy", "2024"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert (document["pending_start"], document["received"]) == (1, 2)
    assert (document["processed"], document["pending_end"]) == (2, 1)
    assert document["dispositions"] == {str(x): 0 for x in Disposition} | {
        "full_grant": 1,
        "full_denial": 1,
    }
    assert document["exemptions"] == dict.fromkeys(EXEMPTIONS, 0) | {"b5": 1, "b7E": 1}


def test_csv_prints_section_item_value_rows(runner, fy2024):
    result = runner.invoke(args=["report", "annual", "--fy", "2024", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["section", "item", "value"]
    assert ["requests", "pending_end", "1"] in rows
    assert ["dispositions", "withdrawn", "0"] in rows
    assert ["exemptions", "b7E", "1"] in rows


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fy", "1900"], "Enter a fiscal year from 1968"),
        (["--fy", "3000"], "Fiscal year 3000 has not started yet"),
        (["--fy", "soon"], "'soon' is not a valid integer"),
        (["--fy", "2024", "--format", "xml"], "'xml' is not one of 'json', 'csv'"),
        ([], "Missing option '--fy'"),
    ],
)
def test_bad_options_are_refused_with_a_reason(runner, args, message):
    result = runner.invoke(args=["report", "annual", *args])
    assert result.exit_code == 2
    assert message in result.output
