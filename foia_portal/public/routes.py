"""The office's public pages and the health check."""

import sqlalchemy as sa
from flask import Blueprint, render_template
from sqlalchemy.exc import SQLAlchemyError

from foia_portal.extensions import db
from foia_portal.platform.page_cache import cached_page

bp = Blueprint("public", __name__)


@bp.route("/")
def home():
    """The office's home page."""
    return cached_page("home", lambda: render_template("public/home.html"))


@bp.route("/foia")
def foia():
    """How to file a FOIA request and what happens next."""
    return cached_page("foia", lambda: render_template("public/foia.html"))


@bp.route("/healthz")
def healthz():
    """200 when the database answers, 503 when it does not (for load balancers and monitors)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
