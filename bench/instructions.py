"""Instructions per request, counted by valgrind: the benchmark's ratios without the machine's noise.

    python -m bench.instructions [--requests 100] [--rows 10000]

wrk's figures move with whatever else the (shared, virtual) machine is doing: the same build can
measure 0.06 or 0.08 of the ceiling an hour apart. What a request costs in instructions does not
move. This serves the ceiling and the portal each in one gunicorn sync worker under
`valgrind --tool=callgrind`, sends a few unmeasured requests first (templates and statements
compiled, caches filled), zeroes the worker's counters, sends `--requests` more one at a time,
and divides. The ceiling's count over an endpoint's count tracks its wrk ratio closely (the
submission: 0.070 by instructions, 0.07 by wrk; docs/performance.md), so a change can be judged
in one quiet minute instead of several noisy benchmark runs.

It needs valgrind (`apt-get install -y valgrind`) and takes about two minutes. The database is a
SQLite file seeded like the benchmark's (bench/results/instructions.db), with `--rows` requests.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from bench import seed
from bench.run import RESULTS_DIR, log, make_app, migrate
from bench.server import GUNICORN, PROJECT_DIR, children_of, free_port

Request = tuple[str, str, str | None]  # method, path, form body


def submission(number: int) -> Request:
    fields = {
        "form_token": f"instructions-{secrets.token_hex(6)}-{number}",
        "first_name": "Bench",
        "last_name": "Requester",
        "email": f"bench.{number}@example.com",
        "phone": "(202) 555-0100",
        "city": "Springfield",
        "state": "IL",
        "country": "United States",
        "description": "All grant award documents about the body-worn camera pilot program.",
        "fee_category": "other",
        "fee_limit": "50",
        "delivery_format": "electronic",
        "website": "",
    }
    return "POST", "/foia/request", urllib.parse.urlencode(fields)


ENDPOINTS: dict[str, tuple[str, Callable[[int], Request]]] = {
    "ceiling": ("bench.ceiling:app", lambda number: ("GET", "/", None)),
    "request form (GET)": ("foia_portal:create_app()", lambda number: ("GET", "/foia/request", None)),
    "request submission (POST)": ("foia_portal:create_app()", submission),
}  # fmt: skip


def send(port: int, request: Request) -> int:
    method, path, body = request
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def count(app: str, make_request: Callable[[int], Request], env: dict[str, str], n: int) -> float:
    """Instructions per request of one gunicorn worker serving `n` requests (after a warm-up)."""
    port = free_port()
    with tempfile.TemporaryDirectory() as out_dir:
        command = [
            "valgrind", "--tool=callgrind", "--trace-children=yes",
            f"--callgrind-out-file={out_dir}/callgrind.%p",
            GUNICORN, app, "--workers", "1", "--worker-class", "sync",
            "--bind", f"127.0.0.1:{port}", "--timeout", "600", "--log-level", "warning",
        ]  # fmt: skip
        server = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 300
            while True:
                try:
                    send(port, ("GET", "/", None))
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"gunicorn {app} did not start under valgrind") from None
                    time.sleep(1)
            [worker] = children_of(server.pid)
            for number in range(20):
                send(port, make_request(number))
            subprocess.run(["callgrind_control", "--zero", str(worker)], check=True,
                           capture_output=True)  # fmt: skip
            statuses = {send(port, make_request(1000 + number)) for number in range(n)}
            subprocess.run(["callgrind_control", "--dump", str(worker)], check=True,
                           capture_output=True)  # fmt: skip
            if not statuses <= {200, 303}:
                raise RuntimeError(f"{app} answered {sorted(statuses)}")
            dumps = sorted(Path(out_dir).glob(f"callgrind.{worker}.*"))
            summary = re.search(r"^summary: (\d+)", dumps[-1].read_text(), re.MULTILINE)
            return int(summary.group(1)) / n
        finally:
            server.terminate()
            server.wait(timeout=120)


def database(rows: int) -> str:
    path = RESULTS_DIR / "instructions.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    migrate(make_app(url, secrets.token_hex(32)))
    engine = sa.create_engine(url)
    seed.seed_requests(engine, rows * 10 // 11, progress=log)
    engine.dispose()
    return url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__)
    parser.add_argument("--requests", type=int, default=100, help="measured requests per endpoint")
    parser.add_argument("--rows", type=int, default=10_000, help="requests in the database")
    args = parser.parse_args(argv)
    if not shutil.which("valgrind"):
        log("valgrind is not installed: apt-get install -y valgrind")
        return 2
    RESULTS_DIR.mkdir(exist_ok=True)
    env = {
        "FOIA_PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database(args.rows),
        "RATELIMIT_ENABLED": "false",
        "MAIL_SEND_IMMEDIATELY": "false",
        "MAIL_SERVER": "localhost",  # production requires one; the outbox is not sent
        "FOIA_OFFICE_EMAIL": "foia-office@example.gov",
        "UPLOAD_FOLDER": str(RESULTS_DIR / "uploads"),
    }
    figures = {}
    for name, (app, make_request) in ENDPOINTS.items():
        log(f"{name} …")
        figures[name] = count(app, make_request, env, args.requests)
    ceiling = figures["ceiling"]
    print(f"{'endpoint':<28} {'instructions':>14} {'ceiling ÷ endpoint':>20}")
    for name, instructions in figures.items():
        print(f"{name:<28} {instructions / 1e6:>12.2f} M {ceiling / instructions:>20.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
