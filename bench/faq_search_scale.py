"""How fast is the FAQ search with 10,000 articles? Run: python -m bench.faq_search_scale.

Builds a throw-away database of each kind (a SQLite file and a PostgreSQL database, named by
--postgres-url's server), migrates it, fills it with N synthetic FAQs made by recombining the demo
articles' paragraphs (so the vocabulary and the text lengths are realistic and common words match
thousands of articles: the worst case for ranking), then times `search_faqs` on a fixed mix of
queries: common words, plain-English questions, rare words, misspellings, operators, and long
text like the request form's suggestions send. Prints p50 / p95 / max per query kind, in ms.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = {
    "common word": ["request", "fees", "records", "foia"],
    "question": [
        "how much does a foia request cost",
        "how long will my request take",
        "can I appeal a denial",
    ],
    "rare word": ["ogis", "exemption 7", "glomar"],
    "misspelt": ["expidited procesing", "exemtpions", "apeal"],
    "operators": ['"fee waiver" OR NOT -x*', "NEAR(a b) ^c :d"],
    "form text": [
        "I would like all grant award documents for community policing hiring grants made "
        "to Springfield, Illinois, in fiscal year 2024, including emails about them."
    ],
}


def synthetic_faqs(count: int, seed: int = 4) -> list[dict]:
    demo = json.loads((ROOT / "foia_portal" / "faq" / "demo_faqs.json").read_text())
    paragraphs = [p for entry in demo for p in entry["answer"].split("\n\n") if p.strip()]
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pra", "gri", "sto"]
    entries = []
    for i in range(count):
        base = demo[i % len(demo)]
        topic = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        body = rng.sample(paragraphs, rng.randint(2, 5))
        body.append(f"This also covers {topic} and related {topic} records.")
        entries.append(
            {
                "category": base["category"],
                "question": f"{base['question'].rstrip('?')} for {topic}?",
                "answer": "\n\n".join(body),
                "slug": f"{base['slug'][:120]}-{i}",
            }
        )
    return entries


def fill(database_url: str, count: int, uploads: Path) -> None:
    from foia_portal import create_app
    from foia_portal.extensions import db
    from foia_portal.faq import services
    from tests.conftest import make_test_config, upgrade_database

    upgrade_database(database_url, uploads)
    app = create_app(make_test_config(database_url, uploads))
    with app.app_context():
        entries = synthetic_faqs(count)
        for start in range(0, count, 1000):
            services.import_faqs(entries[start : start + 1000])
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        db.engine.dispose()


def measure(database_url: str, uploads: Path, rounds: int) -> dict[str, list[float]]:
    from foia_portal import create_app
    from foia_portal.extensions import db
    from foia_portal.faq.search import search_faqs
    from tests.conftest import make_test_config

    app = create_app(make_test_config(database_url, uploads))
    timings: dict[str, list[float]] = {}
    with app.app_context():
        for kind, queries in QUERIES.items():
            for query in queries:
                search_faqs(query)  # warm caches
                for _ in range(rounds):
                    started = time.perf_counter()
                    results = search_faqs(query, page=1)
                    timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
                    db.session.rollback()
                assert results.total >= 0
        db.engine.dispose()
    return timings


def report(label: str, timings: dict[str, list[float]]) -> None:
    print(f"\n{label}")
    print(f"  {'query kind':<14} {'p50':>8} {'p95':>8} {'max':>8}   (ms)")
    for kind, values in timings.items():
        values = sorted(values)
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        print(f"  {kind:<14} {statistics.median(values):8.1f} {p95:8.1f} {values[-1]:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--faqs", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()

    from tests.conftest import create_postgres_database, drop_postgres_database

    with tempfile.TemporaryDirectory() as tmp:
        uploads = Path(tmp)
        sqlite_url = f"sqlite:///{uploads / 'bench.db'}"
        fill(sqlite_url, args.faqs, uploads)
        report(f"SQLite, {args.faqs} FAQs", measure(sqlite_url, uploads, args.rounds))
        if not args.skip_postgres:
            url = create_postgres_database()
            try:
                fill(url, args.faqs, uploads)
                report(f"PostgreSQL, {args.faqs} FAQs", measure(url, uploads, args.rounds))
            finally:
                drop_postgres_database(url)


if __name__ == "__main__":
    main()
