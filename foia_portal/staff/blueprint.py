"""The staff workspace's blueprint (/staff/…), with the helpers its templates use.

Its pages live with what they work on and register on import, as in Flask's blueprint-package
pattern: the queue and one request (staff/routes.py), accounts and the audit log
(auth/staff_pages.py), FAQ editing (faq/editor.py), the FAQ search's synonyms and insights
(faq/search_pages.py) and the outbox (mail/outbox_page.py).
"""

from __future__ import annotations

from flask import Blueprint

from foia_portal.platform.types import utcnow

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.record_once
def _register_template_helpers(state) -> None:
    app = state.app

    def staff_endpoints() -> set[str]:
        return set(app.view_functions)

    app.jinja_env.globals["staff_endpoints"] = staff_endpoints
    app.jinja_env.globals["now_utc"] = utcnow


from foia_portal.auth import staff_pages  # noqa: E402, F401
from foia_portal.faq import editor, search_pages  # noqa: E402, F401
from foia_portal.mail import outbox_page  # noqa: E402, F401
from foia_portal.staff import routes  # noqa: E402, F401
