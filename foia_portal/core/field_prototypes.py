"""Forms whose fields are copied from a bound prototype instead of being built on every request.

WTForms builds every field of a form anew for each form it makes: `Field.__init__` checks the
validators, makes the label and the flags, reads the widget's flags. For the request form's 24
fields that was 1.9 M instructions of every submission's 11 M (a bare Flask response is 0.8 M;
docs/performance.md). None of it depends on the request: what does (the submitted data, the
errors, the form the field belongs to) is set after binding, by `process` and `validate`.

`PrototypeFieldsMeta.bind_field` (WTForms' hook for this) binds each field once per process the
usual way and keeps it; every later form gets a shallow copy pointing at its own form and meta.
What the copies share is what WTForms sets once and only reads afterwards: the label, flags,
validators, filters, widget, choices and render keywords. Code that changes one of those on a
bound field (not done here; use `render_kw` at render time) would change it for every form.
"""

from __future__ import annotations

from typing import Any

from wtforms import Field
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields.core import UnboundField

# (unbound field, name, prefix, translations) -> the field bound once, belonging to no form
_PROTOTYPES: dict[tuple[Any, ...], Field] = {}


class PrototypeFieldsMeta:
    """A `class Meta` mixin for hot forms: fields copied from prototypes (see the module doc)."""

    def bind_field(self, form, unbound_field: UnboundField, options: dict[str, Any]) -> Field:
        if issubclass(unbound_field.field_class, CSRFTokenField):
            # Made anew for every form (it carries that form's CSRF implementation), by a form
            # that has CSRF on (staff entry inherits this Meta): bound as usual, never kept.
            return super().bind_field(form, unbound_field, options)
        key = (
            unbound_field,
            options.get("name"),
            options.get("prefix"),
            options.get("translations"),
        )
        prototype = _PROTOTYPES.get(key)
        if prototype is None:
            prototype = super().bind_field(form, unbound_field, options)
            # Kept without the form it was bound for: that form holds a requester's data.
            prototype._form = prototype.meta = None
            _PROTOTYPES[key] = prototype
        field = object.__new__(type(prototype))
        field.__dict__.update(prototype.__dict__)
        field._form = form
        field.meta = form.meta
        return field
