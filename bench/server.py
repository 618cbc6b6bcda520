"""Starting an app under gunicorn, and reading its workers' memory and CPU time.

The one way the benchmark and the tests start a server (tests/fixtures/servers.py).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_of(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (gunicorn's workers), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may contain spaces and parentheses: the fields start after the last ")".
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def memory_kib(pid: int, field: str = "VmHWM") -> int:
    """A memory figure from /proc/<pid>/status in KiB: VmHWM is the peak resident set size."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(f"{field} not in /proc/{pid}/status")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used, from /proc/<pid>/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    # utime and stime are the 14th and 15th fields of the line, 12th and 13th after the name.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Gunicorn:
    """`gunicorn APP --workers 2 --worker-class sync` on a free port on 127.0.0.1.

    `env` is added to this process's environment; `ready_path` is fetched until it answers.
    """

    def __init__(
        self,
        app: str,
        env: dict[str, str],
        *,
        log_path: Path,
        workers: int = 2,
        worker_class: str = "sync",
        threads: int = 1,
        ready_path: str = "/",
        extra_args: tuple[str, ...] = ("--log-level", "warning"),
    ):
        self.app = app
        self.env = env
        self.workers = workers
        self.worker_class = worker_class
        self.threads = threads
        self.ready_path = ready_path
        self.extra_args = extra_args
        self.port = free_port()
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Gunicorn:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [GUNICORN, self.app, "--workers", str(self.workers),
             "--worker-class", self.worker_class, "--threads", str(self.threads),
             "--bind", f"127.0.0.1:{self.port}", "--timeout", "120", *self.extra_args],
            cwd=PROJECT_DIR,
            env={**os.environ, **self.env},
            stdout=log,
            stderr=log,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.app} exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base_url + self.ready_path, timeout=5):  # noqa: S310
                    pass
            except urllib.error.HTTPError:
                pass  # it answers: ready
            except OSError:
                time.sleep(0.2)
                continue
            if len(self.worker_pids()) >= self.workers:
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn {self.app} did not start in 60 s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        return children_of(self.process.pid) if self.process else []

    def warm_up(self, paths: list[str], headers: dict[str, str] | None = None, rounds: int = 3):
        """Touch each page a few times so that both workers have loaded what they lazily load."""
        for _ in range(rounds * self.workers):
            for path in paths:
                request = urllib.request.Request(self.base_url + path, headers=headers or {})
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                        response.read()
                except urllib.error.HTTPError:
                    pass

    def worker_cpu_seconds(self) -> float:
        """CPU time used so far by the workers: unlike wall-clock time, it does not depend on
        what else the machine is doing."""
        total = 0.0
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):  # a worker that just restarted
                total += cpu_seconds(pid)
        return total

    def peak_worker_memory_kib(self) -> int:
        """The largest peak RSS (VmHWM) among the workers."""
        return max((memory_kib(pid) for pid in self.worker_pids()), default=0)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
