"""The Jinja environment emails render in: the app's templates and filters, nothing else.

An email reads only what its context gives it (whether a web request or the CLI queued it), so it
needs none of the globals pages use: Flask's (`url_for`, `request`, `session`, `g`, `config`),
Jinja's (`range`, `dict`, …) or ours (`csp_nonce`, the label tables). Rendering without them is
also cheaper: every template and every include starts a context by copying all the globals, and
the app's twenty of them cost a new request's four email bodies a third of their rendering
(docs/performance.md). A global used by mistake is undefined here: `{{ name }}` renders empty,
and calling it or reading an attribute of it raises, which the tests that render every email
catch.
"""

from __future__ import annotations

import jinja2
from flask import Flask, current_app

_EXTENSION_KEY = "foia_portal.email_templates"


def email_environment() -> jinja2.Environment:
    """The current app's email environment, made on first use."""
    app = current_app._get_current_object()
    environment = app.extensions.get(_EXTENSION_KEY)
    if environment is None:
        environment = app.extensions[_EXTENSION_KEY] = _make_environment(app)
    return environment


def _make_environment(app: Flask) -> jinja2.Environment:
    pages = app.jinja_env
    environment = jinja2.Environment(
        loader=pages.loader,  # the same template folders
        autoescape=jinja2.select_autoescape(("html", "htm", "xml")),  # as Flask chooses
        auto_reload=pages.auto_reload,
    )
    environment.filters = pages.filters  # the app's filters (longdate, …), registered anywhere
    environment.globals.clear()
    return environment
