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
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from foia_portal.auth import services
from foia_portal.auth.forms import ForgotPasswordForm, LoginForm, ResetPasswordForm
from foia_portal.extensions import db, limiter
from foia_portal.mail.outbox import send_after_commit
from foia_portal.mail.transport import mail_file_dir_shown, writes_files

bp = Blueprint("auth", __name__, url_prefix="/staff")

SIGN_IN_REFUSED = (
    "That email and password do not match an active account. After several failed attempts an "
    "account is locked for a while; wait, or ask an administrator."
)


RESET_SENT = (
    "If {email} belongs to an active staff account, we will email it a link to choose a new "
    "password. The link works once, within {minutes} minutes. Nothing arrived? Check the "
    "address, or ask an administrator to reset your password."
)
# Without a MAIL_SERVER (development) nothing is emailed: the link is in a file in the mail folder.
RESET_WRITTEN = (
    "If {email} belongs to an active staff account, a link to choose a new password is written "
    "to a file in {folder}, not emailed: this site has no mail server. The link works once, "
    "within {minutes} minutes."
)
RESET_LINK_INVALID = (
    "This password reset link has expired or has already been used. Ask for a new one below."
)


def login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def login_address_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN_ADDRESS"]


def address_and_account() -> str:
    """The sign-in budget is per address and account: colleagues behind one shared address
    (an office's proxy) each keep their own, while one address is still capped overall."""
    account = services.normalise_email(request.form.get("email", ""))[:254]
    return f"{get_remote_address()}|{account}"


def safe_next(target: str | None) -> str:
    """Only a path on this site under /staff/ (no open redirect to somewhere else)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/staff/"):
            return target
    return url_for("staff.queue")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, key_func=address_and_account, methods=["POST"])
@limiter.limit(login_address_limit, methods=["POST"])
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


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(login_limit, key_func=address_and_account, methods=["POST"])
@limiter.limit(login_address_limit, methods=["POST"])
def forgot_password():
    """Ask for an emailed reset link; the answer is the same whether or not the address is known."""
    form = ForgotPasswordForm()
    if request.method == "GET":
        return render_template(
            "auth/forgot_password.html", form=form, reset_minutes=services.PASSWORD_RESET_MINUTES
        )
    if not form.validate():
        return render_template(
            "auth/forgot_password.html", form=form, reset_minutes=services.PASSWORD_RESET_MINUTES
        ), 422
    services.request_password_reset(
        form.email.data,
        lambda token: url_for("auth.reset_password", token=token, _external=True),
    )
    db.session.commit()
    send_after_commit()
    answer = RESET_WRITTEN if writes_files() else RESET_SENT
    flash(
        answer.format(
            email=services.normalise_email(form.email.data),
            minutes=services.PASSWORD_RESET_MINUTES,
            folder=mail_file_dir_shown(),
        ),
        "info",
    )
    return redirect(url_for("auth.login"), code=303)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(login_address_limit, methods=["POST"])
def reset_password(token: str):
    """Choose a new password through an emailed link (single use, 30 minutes)."""
    user = services.user_for_reset_token(token)
    if user is None:
        flash(RESET_LINK_INVALID, "error")
        return redirect(url_for("auth.forgot_password"), code=303)
    form = ResetPasswordForm()
    if request.method == "GET":
        return render_template("auth/reset_password.html", form=form, user=user)
    if not form.validate():
        return render_template("auth/reset_password.html", form=form, user=user), 422
    services.reset_password(user, form.password.data)
    db.session.commit()
    logout_user()
    session.clear()
    flash("Your password has been changed. Sign in with the new password.", "success")
    return redirect(url_for("auth.login"), code=303)
