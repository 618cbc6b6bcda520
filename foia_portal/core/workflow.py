"""The status machine: which action is allowed from which status, and by which role.

Pages, the JSON API and the CLI all ask this module; nothing else decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from foia_portal.core.vocabulary import OPEN_STATUSES, Role, Status

ALL_STATUSES = frozenset(Status)
OPEN = frozenset(OPEN_STATUSES)


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    allowed_from: frozenset[Status]
    moves_to: Status | None = None  # None: the status stays as it is
    role: Role = Role.OFFICER  # the least role that may take it


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action("acknowledge", "Acknowledge and choose a track", frozenset({Status.RECEIVED}),
               Status.IN_PROGRESS),
        Action("assign", "Assign", OPEN),
        Action("note", "Add an internal note", ALL_STATUSES),
        # A plain message to the requester: no status change, no clock change.
        Action("message", "Send the requester a message", ALL_STATUSES),
        # § 552(a)(6)(A)(ii): the clock stops while the office waits for the requester.
        Action("request_info", "Ask the requester", frozenset({Status.IN_PROGRESS}), Status.ON_HOLD),
        Action("resume", "Resume (requester answered)", frozenset({Status.ON_HOLD}),
               Status.IN_PROGRESS),
        # § 552(a)(6)(B): unusual circumstances, once per request.
        Action("extend", "Extend (unusual circumstances)", frozenset({Status.IN_PROGRESS})),
        Action("set_estimate", "Set the estimated completion date", OPEN),
        Action("decide_expedited", "Decide on expedited processing", OPEN),
        Action("decide_fee_waiver", "Decide on the fee waiver", OPEN),
        Action("close", "Close with a disposition", OPEN, Status.CLOSED),
        Action("reopen", "Reopen", frozenset({Status.CLOSED}), Status.IN_PROGRESS, Role.ADMIN),
    )
}  # fmt: skip


class ActionNotAllowed(Exception):
    """The action cannot be taken from the request's current status (HTTP 409)."""


class RoleNotAllowed(Exception):
    """The staff member's role may not take this action (HTTP 403)."""


def role_may(role: str, action: Action) -> bool:
    return action.role == Role.OFFICER or role == Role.ADMIN


def allowed_actions(status: str, role: str) -> list[Action]:
    """The actions a member of staff with `role` may take on a request in `status`."""
    return [a for a in ACTIONS.values() if status in a.allowed_from and role_may(role, a)]


def check_action(name: str, status: str, role: str) -> Action:
    """Return the action, or raise why it may not be taken now."""
    action = ACTIONS.get(name)
    if action is None:
        raise KeyError(name)
    if not role_may(role, action):
        raise RoleNotAllowed(f"Only an administrator may {action.label.lower()}.")
    if status not in action.allowed_from:
        raise ActionNotAllowed(
            f"“{action.label}” is not possible while the request is {status.replace('_', ' ')}."
        )
    return action


# Rules that depend on the request itself, not only on its status. The status machine above says
# what each status allows; these say what this particular request still allows.
def _request_rule_problem(name: str, foia_request) -> str | None:
    if name == "extend" and (foia_request.extension_business_days or 0) > 0:
        # § 552(a)(6)(B)(i): one extension of 10 working days for unusual circumstances.
        return "This request has already been extended once; the law allows one 10-day extension."
    if name == "decide_expedited":
        if not foia_request.expedited:
            return "The requester did not ask for expedited processing."
        if foia_request.expedited_decision:
            return f"Expedited processing was already {foia_request.expedited_decision}."
    if name == "decide_fee_waiver":
        if not foia_request.fee_waiver:
            return "The requester did not ask for a fee waiver."
        if foia_request.fee_waiver_decision:
            return f"The fee waiver was already {foia_request.fee_waiver_decision}."
    return None


def check_request_action(name: str, foia_request, role: str) -> Action:
    """`check_action` plus the rules that depend on this request (extend once, decisions once)."""
    action = check_action(name, foia_request.status, role)
    problem = _request_rule_problem(name, foia_request)
    if problem:
        raise ActionNotAllowed(problem)
    return action


def request_actions(foia_request, role: str) -> list[Action]:
    """The actions a member of staff with `role` may take on this request now."""
    return [
        a
        for a in allowed_actions(foia_request.status, role)
        if _request_rule_problem(a.name, foia_request) is None
    ]
