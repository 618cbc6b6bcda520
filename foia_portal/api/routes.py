"""The JSON API blueprint; each area's endpoints live in their own module below."""

from flask import Blueprint

from foia_portal.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)  # token-authenticated or anonymous JSON: no cookies, so no CSRF

# Each module registers its routes on `bp` when imported.
from foia_portal.api import (  # noqa: E402,F401
    faq_endpoints,
    openapi,
    portal_endpoints,
    reference,
    request_endpoints,
    staff_endpoints,
)
