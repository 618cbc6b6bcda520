"""`flask faq import FILE [--if-empty]` and `flask faq export`."""

from __future__ import annotations

import json

import pytest

from foia_portal.faq import services
from tests.fixtures.faq import DEMO_FAQS, SMALL_FAQ


def write(tmp_path, entries) -> str:
    path = tmp_path / "faq.json"
    path.write_text(json.dumps(entries) if not isinstance(entries, str) else entries)
    return str(path)


def test_import_creates_then_repeats_idempotently_on_slug(runner, tmp_path):
    path = write(tmp_path, SMALL_FAQ)
    first = runner.invoke(args=["faq", "import", path])
    assert first.exit_code == 0, first.output
    assert "4 created, 0 updated, 0 unchanged" in first.output
    second = runner.invoke(args=["faq", "import", path])
    assert "0 created, 0 updated, 4 unchanged" in second.output
    assert services.faq_count() == 4


def test_import_updates_an_existing_slug(runner, tmp_path):
    runner.invoke(args=["faq", "import", write(tmp_path, SMALL_FAQ)])
    changed = [dict(SMALL_FAQ[0], question="How much does it cost?")]
    result = runner.invoke(args=["faq", "import", write(tmp_path, changed)])
    assert "0 created, 1 updated" in result.output
    assert services.get_published(SMALL_FAQ[0]["slug"]).question == "How much does it cost?"


@pytest.mark.parametrize(
    ("bad_entry", "message"),
    [
        (
            {"question": "Q?", "answer": "A", "slug": "q"},
            "entry 2 ('q'): category: Enter the category.",
        ),
        ({"category": "C", "question": "", "answer": "A", "slug": "q"}, "entry 2 ('q'): question:"),
        (
            {"category": "C", "question": "Q?", "answer": "A", "slug": "Bad Slug"},
            "slug: Use lower-case",
        ),
        ({"category": "C", "question": "Q?", "answer": "A"}, "entry 2: slug: Give the slug."),
        (
            {"category": "C", "question": "Q?", "answer": 5, "slug": "q"},
            "answer: Must be a string.",
        ),
        (
            {"category": "C", "question": "Q?", "answer": "A", "slug": "q", "x": 1},
            "x: Unknown field.",
        ),
        ("not an object", "entry 2: _body: The body must be a JSON object."),
        (dict(SMALL_FAQ[0]), "entry 2 ('how-much-does-a-foia-request-cost'): slug: The same slug"),
    ],
)
def test_a_bad_entry_is_reported_by_position_and_nothing_is_imported(
    runner, tmp_path, bad_entry, message
):
    result = runner.invoke(args=["faq", "import", write(tmp_path, [SMALL_FAQ[0], bad_entry])])
    assert result.exit_code != 0
    assert message in result.output
    assert "nothing was imported" in result.output
    assert services.faq_count() == 0


@pytest.mark.parametrize("content", ["{not json", '{"a": 1}', "[1, 2]"])
def test_a_file_that_is_not_a_list_of_entries_is_refused(runner, tmp_path, content):
    result = runner.invoke(args=["faq", "import", write(tmp_path, content)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert services.faq_count() == 0


def test_if_empty_imports_only_into_an_empty_faq(runner, tmp_path):
    path = write(tmp_path, SMALL_FAQ[:1])
    assert "1 created" in runner.invoke(args=["faq", "import", "--if-empty", path]).output
    result = runner.invoke(args=["faq", "import", "--if-empty", str(DEMO_FAQS)])
    assert "nothing imported" in result.output
    assert services.faq_count() == 1


def test_the_demo_content_imports_cleanly_with_at_least_40_faqs(runner):
    result = runner.invoke(args=["faq", "import", "--if-empty", str(DEMO_FAQS)])
    assert result.exit_code == 0, result.output
    assert services.faq_count() >= 40
    assert len({c.name for c in services.list_categories()}) >= 7


def test_export_prints_the_contract_json_that_imports_back_unchanged(runner, tmp_path):
    runner.invoke(args=["faq", "import", write(tmp_path, SMALL_FAQ)])
    exported = json.loads(runner.invoke(args=["faq", "export"]).output)
    assert [{k: e[k] for k in ("category", "question", "answer", "slug")} for e in exported] == [
        SMALL_FAQ[0],
        SMALL_FAQ[1],
        SMALL_FAQ[2],
        SMALL_FAQ[3],
    ]
    again = runner.invoke(args=["faq", "import", write(tmp_path, exported)])
    assert "0 created, 0 updated, 4 unchanged" in again.output
