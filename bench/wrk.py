"""Driving wrk and reading its output."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_LATENCY_LINE = re.compile(r"^\s*(\d+(?:\.\d+)?)%\s+(\d+(?:\.\d+)?)(us|ms|s|m)\s*$", re.MULTILINE)
_REQUESTS_LINE = re.compile(r"(\d+) requests in (\d+(?:\.\d+)?)(us|ms|s|m)")
_RATE_LINE = re.compile(r"Requests/sec:\s+(\d+(?:\.\d+)?)")
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_POST_LINE = re.compile(r"BENCH-POST redirects=(\d+) unexpected=(\d+) sent=(\d+)")


class WrkMissing(RuntimeError):
    pass


@dataclass
class WrkResult:
    """One wrk run: throughput, latency percentiles (ms) and errors."""

    requests: int
    seconds: float
    rate: float
    percentiles: dict[int, float]
    non_2xx_3xx: int = 0
    socket_errors: int = 0
    timeouts: int = 0
    post: dict[str, int] = field(default_factory=dict)
    raw: str = ""

    @property
    def p50(self) -> float:
        return self.percentiles.get(50, float("nan")) if self.requests else float("nan")

    @property
    def p99(self) -> float:
        return self.percentiles.get(99, float("nan")) if self.requests else float("nan")

    @property
    def errors(self) -> int:
        """Error answers, failed sockets and requests that outlived wrk's --timeout."""
        unexpected = self.post.get("unexpected", 0)
        # post.lua counts every answer that is not a 303, error statuses included.
        answers = max(self.non_2xx_3xx, unexpected) if self.post else self.non_2xx_3xx
        return answers + self.socket_errors + self.timeouts


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if not found:
        raise WrkMissing("wrk is not installed: apt-get install -y wrk")
    return found


def parse(output: str) -> WrkResult:
    """Read wrk's `--latency` report."""
    percentiles = {
        int(float(p)): float(value) * _UNITS[unit]
        for p, value, unit in _LATENCY_LINE.findall(output)
    }
    requests_match = _REQUESTS_LINE.search(output)
    rate_match = _RATE_LINE.search(output)
    if not requests_match or not rate_match:
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    socket = _SOCKET.search(output)
    socket_errors = sum(int(n) for n in socket.groups()[:3]) if socket else 0
    post = _POST_LINE.search(output)
    return WrkResult(
        requests=int(requests_match.group(1)),
        seconds=float(requests_match.group(2)) * _UNITS[requests_match.group(3)] / 1000,
        rate=float(rate_match.group(1)),
        percentiles=percentiles,
        non_2xx_3xx=int(m.group(1)) if (m := _NON_2XX.search(output)) else 0,
        socket_errors=socket_errors,
        timeouts=int(socket.group(4)) if socket else 0,
        post=(
            {
                "redirects": int(post.group(1)),
                "unexpected": int(post.group(2)),
                "sent": int(post.group(3)),
            }
            if post
            else {}
        ),  # fmt: skip
        raw=output,
    )


def run_wrk(
    url: str,
    *,
    duration: str = "10s",
    connections: int = 16,
    threads: int = 2,
    script: str | None = None,
    script_args: list[str] | None = None,
    headers: dict[str, str] | None = None,
    timeout_seconds: int = 5,
) -> WrkResult:
    """Run wrk against `url` and return what it measured."""
    command = [
        wrk_binary(),
        f"-c{connections}",
        f"-t{threads}",
        f"-d{duration}",
        f"--timeout={timeout_seconds}s",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", str(BENCH_DIR / script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr}")
    return parse(completed.stdout)
