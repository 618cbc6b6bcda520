"""`make run` serves on PORT (5000 unless given), and links in emails follow the port."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.helpers import PROJECT_DIR

ROOT = PROJECT_DIR

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def planned_serve_command(*arguments: str, **environment: str) -> str:
    """The `flask run` line `make run` would execute (make -n: nothing is run)."""
    env = {k: v for k, v in os.environ.items() if k not in {"PORT", "PUBLIC_BASE_URL"}}
    env.update(environment)
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", *arguments],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    [line] = [line for line in result.stdout.splitlines() if " run --host " in line]
    return line


def test_make_run_serves_on_port_5000_by_default():
    line = planned_serve_command()
    assert line.endswith("run --host 127.0.0.1 --port 5000")
    assert "PUBLIC_BASE_URL='http://127.0.0.1:5000'" in line


def test_make_run_port_changes_the_port_and_the_links_in_emails():
    line = planned_serve_command("PORT=5050")
    assert line.endswith("run --host 127.0.0.1 --port 5050")
    assert "PUBLIC_BASE_URL='http://127.0.0.1:5050'" in line


def test_a_public_base_url_from_the_environment_is_kept():
    line = planned_serve_command("PORT=5050", PUBLIC_BASE_URL="https://foia.example.gov")
    assert "PUBLIC_BASE_URL='https://foia.example.gov'" in line
    assert line.endswith("--port 5050")
