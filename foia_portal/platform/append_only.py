"""Append-only records: rows the application may add but never change or remove.

The audit log (`AuditEntry`) and each request's timeline (`RequestEvent`) are the record of what
staff did; a legal record must not be rewritten afterwards. Models decorated with `@append_only`
refuse, in the ORM, every flush that would update or delete one of their rows and every ORM
`update()`/`delete()` statement aimed at them. On PostgreSQL a trigger refuses UPDATE and DELETE
on `audit_entry` and `request_event` as well (migrations/versions/0003_audit_append_only.py), so
that not even hand-written SQL through the application's connection can change them.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import ORMExecuteState, Session

_APPEND_ONLY: set[type] = set()


class AppendOnlyViolation(RuntimeError):
    """Someone tried to change or remove an append-only record."""


def append_only(model: type) -> type:
    """Class decorator: rows of `model` can be added, never updated or deleted."""

    def refuse(verb: str):
        def listener(mapper, connection, target) -> None:
            raise AppendOnlyViolation(f"{model.__name__} rows are append-only: cannot {verb} one")

        return listener

    sa.event.listen(model, "before_update", refuse("update"))
    sa.event.listen(model, "before_delete", refuse("delete"))
    _APPEND_ONLY.add(model)
    return model


@sa.event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    # `session.execute(sa.update(AuditEntry)…)` bypasses the mapper events above.
    if not (state.is_update or state.is_delete):
        return
    for mapper in state.all_mappers:
        if mapper.class_ in _APPEND_ONLY:
            verb = "update" if state.is_update else "delete"
            raise AppendOnlyViolation(
                f"{mapper.class_.__name__} rows are append-only: cannot {verb}"
            )
