"""How does the FAQ search grow with the FAQ? Run: python -m bench.faq_search_scale.

Builds a throw-away database of each kind (a SQLite file; a PostgreSQL database on the test
server), migrates it, and fills it with bench/seed.py's synthetic FAQ (the articles the benchmark
uses) up to each size in turn: 1,000 and 10,000 by default (`--sizes 1000,10000,100000`).
At each size it calls `search_faqs` in this process on the benchmark's query mix
(bench/run.py SEARCH_QUERIES: plain questions, FOIA terms, typos) plus a few harder kinds (long
form text, operators, rare words). Nothing is cached between calls: this is the cost of a search
nobody asked before (the public page cache in front of /faq/search is not involved).

Prints, per size: p50 / p95 / p99 of the wall time of one search, and the CPU time per search of
this process (Flask-less: SQLAlchemy, Python) and, for PostgreSQL, of its server backend (read
from /proc, so only when the server runs on this machine). Then p50 per query kind.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import SEARCH_QUERIES  # noqa: E402

EXTRA_QUERIES = {
    "rare word": ["ogis", "exemption 7", "glomar"],
    "operators": ['"fee waiver" OR NOT -x*', "NEAR(a b) ^c :d"],
    "form text": [
        "I would like all grant award documents for community policing hiring grants made "
        "to Springfield, Illinois, in fiscal year 2024, including emails about them."
    ],
}
TYPOS = set(SEARCH_QUERIES[20:])


def query_kinds() -> dict[str, list[str]]:
    kinds = {
        "bench mix": [q for q in SEARCH_QUERIES if q not in TYPOS],
        "bench typos": sorted(TYPOS),
    }
    kinds.update(EXTRA_QUERIES)
    return kinds


def backend_cpu_seconds(pid: int | None) -> float:
    """User + system CPU of a local PostgreSQL backend (0 when it cannot be read)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(database_url: str, uploads: Path, rounds: int) -> dict:
    from foia_portal import create_app
    from foia_portal.extensions import db
    from foia_portal.faq.search import search_faqs
    from tests.conftest import make_test_config

    app = create_app(make_test_config(database_url, uploads))
    walls: dict[str, list[float]] = {}
    searches = 0
    with app.app_context():
        pid = None
        if db.engine.dialect.name == "postgresql":
            pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
        for queries in query_kinds().values():
            for query in queries:
                search_faqs(query)  # warm the connection, the statement caches and the pages
                db.session.rollback()
        server, cpu = backend_cpu_seconds(pid), time.process_time()
        for _ in range(rounds):
            for kind, queries in query_kinds().items():
                for query in queries:
                    started = time.perf_counter()
                    results = search_faqs(query, page=1)
                    db.session.rollback()
                    walls.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
                    searches += 1
                    assert results.total >= 0
        cpu = (time.process_time() - cpu) * 1000 / searches
        server = (backend_cpu_seconds(pid) - server) * 1000 / searches if pid else None
        if pid is not None:
            assert db.session.scalar(sa.text("SELECT pg_backend_pid()")) == pid
        db.session.remove()
        db.engine.dispose()
    return {"walls": walls, "cpu": cpu, "server": server}


def percentile(values: list[float], fraction: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * fraction))]


def report(label: str, result: dict) -> None:
    walls = result["walls"]
    everything = [v for values in walls.values() for v in values]
    print(f"\n{label}")
    server = f", server backend {result['server']:.2f}" if result["server"] is not None else ""
    print(
        f"  all queries: p50 {statistics.median(everything):.2f} ms, "
        f"p95 {percentile(everything, 0.95):.2f}, p99 {percentile(everything, 0.99):.2f}; "
        f"CPU per search: this process {result['cpu']:.2f} ms{server}"
    )
    print(f"  {'query kind':<14} {'p50':>8} {'p95':>8} {'max':>8}   (ms)")
    for kind, values in walls.items():
        print(
            f"  {kind:<14} {statistics.median(values):8.2f} {percentile(values, 0.95):8.2f} "
            f"{max(values):8.2f}"
        )


def run(kind: str, url: str, sizes: list[int], rounds: int, uploads: Path) -> dict[int, float]:
    from bench import seed
    from tests.conftest import upgrade_database

    upgrade_database(url, uploads)
    engine = sa.create_engine(url)
    p50s = {}
    try:
        for size in sizes:
            seed.seed_faqs(engine, size)
            seed.analyze(engine)
            result = measure(url, uploads, rounds)
            report(f"{kind}, {size:,} FAQs", result)
            mix = result["walls"]["bench mix"] + result["walls"]["bench typos"]
            p50s[size] = statistics.median(mix)
    finally:
        engine.dispose()
    return p50s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000", help="FAQ sizes, comma-separated")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))

    from tests.conftest import create_postgres_database, drop_postgres_database

    growth = {}
    with tempfile.TemporaryDirectory() as tmp:
        uploads = Path(tmp)
        if not args.skip_sqlite:
            url = f"sqlite:///{uploads / 'faq-search.db'}"
            growth["SQLite"] = run("SQLite", url, sizes, args.rounds, uploads)
        if not args.skip_postgres:
            url = create_postgres_database()
            try:
                growth["PostgreSQL"] = run("PostgreSQL", url, sizes, args.rounds, uploads)
            finally:
                drop_postgres_database(url)
    print("\ngrowth (p50 of the benchmark's query mix, ms)")
    for kind, p50s in growth.items():
        first = p50s[sizes[0]]
        cells = ", ".join(f"{size:,}: {p50:.2f} ({p50 / first:.1f}x)" for size, p50 in p50s.items())
        print(f"  {kind}: {cells}")


if __name__ == "__main__":
    main()
