"""The JSON API blueprint; each area's endpoints live in their own module below."""

from flask import Blueprint
from werkzeug.routing import BaseConverter

from foia_portal.extensions import csrf
from foia_portal.faq.forms import SLUG_PATTERN

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)  # token-authenticated or anonymous JSON: no cookies, so no CSRF


class FaqSlugConverter(BaseConverter):
    """An FAQ slug in an API path. `suggestions` is not one: /api/v1/faq/suggestions takes POST
    only, and GET there must be a 405 (Allow: POST), not an FAQ looked up and not found."""

    regex = f"(?!suggestions$){SLUG_PATTERN.pattern.removeprefix('^').removesuffix('$')}"


@bp.record_once
def register_converters(state) -> None:
    state.app.url_map.converters["faq_slug"] = FaqSlugConverter


# Each module registers its routes on `bp` when imported.
from foia_portal.api import (  # noqa: E402,F401
    faq_endpoints,
    openapi,
    portal_endpoints,
    reference,
    request_endpoints,
    staff_endpoints,
)
