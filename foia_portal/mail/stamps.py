"""Emails rendered once for many: a stamp with a placeholder where each email's own values go.

The two emails about a new request, in both their parts, read the same for every request of one
shape (received on the same day, through the same channel, with the same lines present) except
for a few values: the tracking number, the link, the requester's name, what they asked for. A
stamp is rendered once per shape and worker with placeholders in their place, and each email is
the stamp with its values put in, escaped for the HTML part as Jinja would have (a tenth of the
cost of rendering four templates; docs/performance.md).

What a template may do with a stamped value: print it, or test whether it is empty (an empty
value is never stamped: it stays in the context, and so in the shape). Anything else (a filter,
a comparison, its length) would act on the placeholder, not the value: work such things out in
Python and pass the result. tests/test_mail_notifications.py renders every shape both ways.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import threading
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import current_app
from markupsafe import escape

from foia_portal.mail.outbox import RenderedEmail, render_email

# New in every process, so no text an email quotes can contain it.
_TOKEN = secrets.token_hex(8)
_PLACEHOLDER = re.compile(rf"stamp{_TOKEN}n(\d+)n")
_EXTENSION_KEY = "foia_portal.email_stamps"
_KEPT = 256  # shapes kept per app: a day brings a handful
_KEEPING = threading.Lock()


class Values:
    """The values of one email set, each replaced in its context by a placeholder."""

    def __init__(self) -> None:
        self.values: list[str] = []

    def stamp(self, value: str) -> str:
        """A placeholder for `value`, or `value` itself when empty (then part of the shape)."""
        return self._placeholder(value) if value else value

    def later(self) -> tuple[int, str]:
        """A placeholder for a value known only later: its index (for `set`) and the text."""
        placeholder = self._placeholder("")
        return len(self.values) - 1, placeholder

    def _placeholder(self, value: str) -> str:
        self.values.append(value)
        return f"stamp{_TOKEN}n{len(self.values) - 1}n"  # what _PLACEHOLDER finds

    def set(self, index: int, value: str) -> None:
        self.values[index] = value


@dataclasses.dataclass(frozen=True)
class Stamp:
    kind: str
    body_text: str
    body_html: str

    def filled_in(self, values: Values, recipient: str, subject: str) -> RenderedEmail:
        """The email, with its values in place of the placeholders."""
        plain = values.values
        escaped = [str(escape(value)) for value in plain]
        return RenderedEmail(
            self.kind,
            recipient,
            subject,
            _PLACEHOLDER.sub(lambda found: plain[int(found[1])], self.body_text),
            _PLACEHOLDER.sub(lambda found: escaped[int(found[1])], self.body_html),
        )


def stamps(kinds: tuple[str, ...], context: dict[str, Any]) -> list[Stamp]:
    """Each of `kinds` (template pairs under templates/email/) rendered with `context`, once per
    app for all equal contexts: placeholders from `Values` included, so the shape is the context."""
    kept = current_app.extensions.setdefault(_EXTENSION_KEY, {})
    key = (kinds, _frozen(context))
    found = kept.get(key)
    if found is None:
        found = [Stamp(kind, *render_email(kind, context)) for kind in kinds]
        with _KEEPING:  # threads may read meanwhile; they only change it here
            if len(kept) >= _KEPT:
                kept.pop(next(iter(kept)))  # the oldest
            kept[key] = found
    return found


_PLAIN = frozenset((str, int, float, bool, Decimal, date, datetime, type(None)))


def _frozen(value: Any) -> Any:
    """`value` as a key: lists and dicts as tuples, and values that are equal but print
    differently (1, True, 1.0, Decimal("1.00")) told apart by their type. An object compared by
    identity (a model row) would make every context new, and the stamps useless: refused."""
    kind = type(value)
    if kind is str:
        return value
    if kind in _PLAIN:
        return kind, value
    if kind is list or kind is tuple:
        return tuple(map(_frozen, value))
    if kind is dict:
        return tuple((name, _frozen(item)) for name, item in value.items())
    if dataclasses.is_dataclass(value) and value.__dataclass_params__.frozen:
        return value
    raise TypeError(f"a stamped email's context cannot hold a {kind.__name__}")
