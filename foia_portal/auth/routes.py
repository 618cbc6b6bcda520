"""Staff sign-in and sign-out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from foia_portal.auth import services
from foia_portal.auth.forms import LoginForm
from foia_portal.extensions import db, limiter

bp = Blueprint("auth", __name__, url_prefix="/staff")

SIGN_IN_REFUSED = (
    "That email and password do not match an active account. After several failed attempts an "
    "account is locked for a while; wait, or ask an administrator."
)


def login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def safe_next(target: str | None) -> str:
    """Only a path on this site under /staff/ (no open redirect to somewhere else)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/staff/"):
            return target
    return url_for("staff.queue")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login():
    """Sign in with email and password; repeated failures lock the account for a while."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if request.method == "GET":
        return render_template("auth/login.html", form=form)
    if not form.validate():
        return render_template("auth/login.html", form=form), 422
    result = services.authenticate(form.email.data, form.password.data, request.remote_addr)
    db.session.commit()  # the failure count and the audit entry are kept either way
    if not result.ok:
        form.form_errors.append(SIGN_IN_REFUSED)
        form.password.data = ""
        return render_template("auth/login.html", form=form), 422
    next_page = safe_next(request.args.get("next"))
    session.clear()  # nothing from before sign-in survives it
    login_user(result.user)
    return redirect(next_page, code=303)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (a POST with the CSRF token, so that no other site can sign staff out)."""
    if current_user.is_authenticated:
        services.audit(current_user, "logout", current_user.email)
        db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.login"), code=303)
