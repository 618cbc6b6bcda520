"""How well the FAQ search ranks: MRR@5 and recall@3 on tests/fixtures/faq_relevance_set.py, each database.

MRR@5: the mean over the queries of 1 / the rank of the first answering article among the first
five results (0 when none of the five answers). recall@3: the mean over the queries of the share
of its answering articles that are among the first three. Both figures are printed at the end of
the test run ("FAQ search relevance"); a change that lowers them below the floors fails the build.
"""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from foia_portal.faq.search import search_faqs
from tests.fixtures.faq import DEMO_FAQS
from tests.fixtures.faq_relevance_set import RELEVANCE_SET

# Raise these when the search gets better; never lower them to let a change through.
MRR_FLOOR = 0.95
RECALL_FLOOR = 0.97


def reciprocal_rank(found: list[str], answers: tuple[str, ...], depth: int = 5) -> float:
    for rank, slug in enumerate(found[:depth], start=1):
        if slug in answers:
            return 1 / rank
    return 0.0


def recall(found: list[str], answers: tuple[str, ...], depth: int = 3) -> float:
    return len(set(found[:depth]) & set(answers)) / len(answers)


def test_the_relevance_set_is_sound():
    demo_slugs = {entry["slug"] for entry in json.loads(DEMO_FAQS.read_text())}
    queries = [query.lower() for query, _, _ in RELEVANCE_SET]
    assert len(queries) >= 60
    assert len(set(queries)) == len(queries), "a query is listed twice"
    for query, kind, answers in RELEVANCE_SET:
        assert kind in {"question", "keyword", "paraphrase", "synonym", "typo", "plural"}, query
        assert answers and set(answers) <= demo_slugs, query


@pytest.mark.parametrize(
    ("found", "answers", "rr", "r3"),
    [
        (["a", "b", "c"], ("a",), 1.0, 1.0),
        (["x", "a", "c"], ("a",), 0.5, 1.0),
        (["x", "y", "z", "w", "a"], ("a",), 0.2, 0.0),
        (["x", "y", "z", "w", "v", "a"], ("a",), 0.0, 0.0),
        (["x", "b", "a"], ("a", "b"), 0.5, 1.0),
        (["a", "x", "y", "b"], ("a", "b"), 1.0, 0.5),
        ([], ("a",), 0.0, 0.0),
    ],
)
def test_the_measures(found, answers, rr, r3):
    assert reciprocal_rank(found, answers) == rr
    assert recall(found, answers) == r3


def test_the_search_ranks_the_relevance_set_above_the_floors(demo_faq, db_dialect, record_property):
    by_kind: dict[str, list[float]] = defaultdict(list)
    rr_all, recall_all, misses = [], [], []
    for query, kind, answers in RELEVANCE_SET:
        found = [hit.slug for hit in search_faqs(query, per_page=5).hits]
        rr = reciprocal_rank(found, answers)
        rr_all.append(rr)
        recall_all.append(recall(found, answers))
        by_kind[kind].append(rr)
        if rr < 1:
            misses.append(f"  {query!r}: rank {round(1 / rr) if rr else '>5'}; got {found[:3]}")
    mrr = sum(rr_all) / len(rr_all)
    recall3 = sum(recall_all) / len(recall_all)
    kinds = ", ".join(f"{kind} {sum(v) / len(v):.2f}" for kind, v in sorted(by_kind.items()))
    summary = (
        f"{db_dialect}: MRR@5 {mrr:.3f}, recall@3 {recall3:.3f} over {len(rr_all)} queries "
        f"(MRR@5 by kind: {kinds}); {len(misses)} not first"
    )
    record_property("faq_relevance", summary)
    print(summary, *misses, sep="\n")
    assert mrr >= MRR_FLOOR, "\n".join([summary, *misses])
    assert recall3 >= RECALL_FLOOR, "\n".join([summary, *misses])
