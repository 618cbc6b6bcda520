"""Schemathesis against the API as an outside client tries it: every check, every phase.

The run is `schemathesis run /api/v1/openapi.json --checks all` with a staff admin's bearer token
and the FOIA.gov secret, against the app fixture served over HTTP in a thread (so on SQLite and
on PostgreSQL):
examples, coverage, fuzzing and stateful phases, the stateful one following the links
schemathesis infers (a request made by `POST /api/v1/requests` is then read and acted on).
Any failure, or any warning other than "missing test data" (unknown tracking numbers answer
404, as they should), fails the test, with schemathesis' own description of each finding.

The seed is fixed here (CI); `make fuzz` runs the same with a random seed and more examples
(FOIA_FUZZ_SEED and FOIA_FUZZ_EXAMPLES, read below).
"""

from __future__ import annotations

import json
import os
import threading

import pytest
import requests
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, from_schema
from schemathesis.engine.events import EngineFinished, FatalError, NonFatalError, ScenarioFinished
from werkzeug.serving import make_server

from foia_portal.core.vocabulary import Role
from foia_portal.extensions import db

pytestmark = pytest.mark.slow

PORTAL_SECRET = "fuzz-test-portal-secret"  # noqa: S105
SEED = int(os.environ.get("FOIA_FUZZ_SEED") or 20261205)
# Per operation and phase: small enough for about a minute per database on a shared machine.
EXAMPLES = int(os.environ.get("FOIA_FUZZ_EXAMPLES") or 10)
# "Missing test data": unknown tracking numbers and slugs rightly answer 404.
ACCEPTED_WARNINGS = {"missing_test_data"}


@pytest.fixture
def config_overrides():
    return {"FOIA_PORTAL_SECRET": PORTAL_SECRET, "RATELIMIT_ENABLED": False}


@pytest.fixture
def credentials(app) -> dict[str, str]:
    """A staff admin's token (every action is open to an admin) and the FOIA.gov secret."""
    from foia_portal.auth import services

    admin = services.create_user(
        "fuzz-admin@cops.example.gov", "Fuzz Admin", Role.ADMIN, "fuzz-admin-password-long"
    )
    db.session.flush()
    token = services.issue_api_token(admin)
    db.session.commit()
    return {"Authorization": f"Bearer {token}", "FOIA-API-SECRET": PORTAL_SECRET}


@pytest.fixture
def served(app):
    """The test's app over real HTTP, in a thread of this process: schemathesis' in-process
    WSGI client cannot run its `ignored_auth` check (4.32 passes `max_redirects` to Werkzeug)."""
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def findings(base_url: str, headers: dict[str, str], *, seed: int, examples: int) -> list[str]:
    """Run schemathesis with every check and phase; its findings, one text each."""
    config = SchemathesisConfig(seed=seed)
    project = config.projects.override
    project.update(headers=headers, workers=1)
    project.checks.update(included_check_names=["all"])
    project.generation.update(max_examples=examples, database="none")
    schema = schemathesis.openapi.from_url(f"{base_url}/api/v1/openapi.json", config=config)

    found: list[str] = []
    for event in from_schema(schema).execute():
        if isinstance(event, ScenarioFinished):
            if event.status in (Status.FAILURE, Status.ERROR):
                found.extend(describe(event))
            warning = event.skip_warning
            if warning is not None and warning.value not in ACCEPTED_WARNINGS:
                found.append(f"warning {warning.value}: {event.label}")
        elif isinstance(event, NonFatalError | FatalError):
            found.append(f"error: {event.info.format()}")
        elif isinstance(event, EngineFinished):
            for failure in event.failures:
                found.append(f"after the run: {failure.title}: {failure.message}")
    return found


# Rules that compare two values, or a value with today or with the world, which JSON Schema
# cannot state (the document says them in words). A schema-valid request one of them refuses is
# answered 422 with only these messages; anything else refused is a finding.
RULES_BEYOND_JSON_SCHEMA = {
    "The end of the range cannot be before its start.",  # the queue's received_to and _from
    "The end date cannot be before the start date.",  # a request's date_to and date_from
    "The estimated completion date cannot be past.",
    "The estimated completion date cannot be before the request was received.",
    # email_validator's rules beyond `format: email` (e.g. no .test or .invalid domains).
    "Enter an email address like name@example.com.",
}
# The workflow's rules on the request as it stands (staff/services.py): who it is assigned to,
# whether the clock was stopped before, when the question was asked, the disposition chosen.
WORKFLOW_RULES = (
    "The request is not assigned to anyone.",
    "Choose an active staff member by their email address.",
    "The request is already assigned to ",
    "The clock has already been stopped once to ask for information",
    "The date of the requester's answer cannot be in the future.",
    "The requester cannot have answered before the question",
    "That is already the estimated date.",
    "Cite the exemptions that justify withholding records.",
    "Exemptions are cited only for a partial grant or a full denial based on exemptions.",
)


def beyond_json_schema(message: str) -> bool:
    return message in RULES_BEYOND_JSON_SCHEMA or message.startswith(WORKFLOW_RULES)


def refused_by_a_rule_beyond_json_schema(recorder, case_id: str) -> bool:
    response = recorder.find_response(case_id=case_id)
    if response is None or response.status_code != 422:
        return False
    content = response.content
    sent = recorder.interactions[case_id].request
    if sent.method == "HEAD":
        # No body to read the messages from: ask the same as GET.
        headers = {name: values[0] for name, values in sent.headers.items()}
        content = requests.get(sent.uri, headers=headers, timeout=30).content
    messages = {
        message
        for field_messages in json.loads(content).get("errors", {}).values()
        for message in field_messages
    }
    return bool(messages) and all(beyond_json_schema(m) for m in messages)


def answer(recorder, case_id: str) -> str:
    response = recorder.find_response(case_id=case_id)
    if response is None:
        return "nothing"
    return f"{response.status_code} {response.content[:300]!r}"


def describe(event: ScenarioFinished) -> list[str]:
    lines = [
        f"{event.phase.value} {event.label}: {check.name}: {check.failure_info.failure.title}: "
        f"{check.failure_info.failure.message}\n    {check.failure_info.code_sample}"
        f"\n    answered: {answer(event.recorder, case_id)}"
        for case_id, checks in event.recorder.checks.items()
        for check in checks
        if check.status == Status.FAILURE
        and check.failure_info is not None
        and not (
            check.name == "positive_data_acceptance"
            and refused_by_a_rule_beyond_json_schema(event.recorder, case_id)
        )
    ]
    if event.status == Status.ERROR and not lines:
        lines.append(f"{event.phase.value} {event.label}: error")
    return lines


def test_an_outside_fuzzer_finds_nothing(served, credentials):
    found = findings(served, credentials, seed=SEED, examples=EXAMPLES)

    assert not found, f"schemathesis (seed {SEED}) found:\n" + "\n".join(found)
