"""Staff accounts, API tokens and the audit log (administrators), in the staff workspace."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from foia_portal.auth import services as accounts
from foia_portal.auth.access import admin_required
from foia_portal.auth.forms import UserChangeForm, UserForm
from foia_portal.auth.models import AuditEntry, StaffUser
from foia_portal.extensions import db
from foia_portal.mail.outbox import send_after_commit
from foia_portal.mail.transport import mail_file_dir_shown, writes_files
from foia_portal.staff.blueprint import bp


def render_users(create_form=None, token=None, token_user=None, problem=None):
    users = list(db.session.scalars(sa.select(StaffUser).order_by(StaffUser.name)))
    tokens = {u.id: accounts.live_token_count(u) for u in users}
    return render_template(
        "staff/users.html",
        users=users,
        tokens=tokens,
        form=create_form or UserForm(),
        change_form=UserChangeForm(),
        new_token=token,
        token_user=token_user,
        problem=problem,
        active_nav="users",
    )


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users():
    """Staff accounts: create, change role, deactivate, API tokens."""
    if request.method == "GET":
        return render_users()
    form = UserForm()
    if not form.validate():
        return render_users(create_form=form), 422
    try:
        user = accounts.create_user(
            form.email.data, form.name.data, form.role.data, form.password.data, current_user
        )
    except accounts.AccountError as error:
        db.session.rollback()
        if error.field in form:
            form[error.field].errors = [*form[error.field].errors, str(error)]
        else:
            form.form_errors.append(str(error))
        return render_users(create_form=form), 422
    db.session.commit()
    flash(f"Account created for {user.email}.", "success")
    return redirect(url_for("staff.users"), code=303)


@bp.route("/users/<int:user_id>", methods=["POST"])
@admin_required
def user_update(user_id: int):
    """Change one account: `operation` = role | deactivate | activate | token | revoke | reset."""
    user = db.get_or_404(StaffUser, user_id)
    operation = request.form.get("operation", "")
    # CSRFProtect has already checked the token of every POST.
    form = UserChangeForm()
    if operation not in ("role", "deactivate", "activate", "token", "revoke", "reset"):
        return render_users(problem="Unknown change."), 422
    if operation == "role" and not form.validate():
        return render_users(problem="Choose a role: officer or admin."), 422
    token = None
    try:
        if operation == "role":
            accounts.change_role(user, form.role.data, current_user)
        elif operation in ("deactivate", "activate"):
            accounts.set_active(user, operation == "activate", current_user)
            if operation == "deactivate":
                accounts.revoke_tokens(user, current_user)
        elif operation == "token":
            token = accounts.issue_api_token(user, current_user)
        elif operation == "reset":
            if not accounts.request_password_reset(
                user.email,
                lambda raw: url_for("auth.reset_password", token=raw, _external=True),
                actor=current_user,
            ):
                raise accounts.AccountError("A deactivated account cannot reset its password.")
        else:
            accounts.revoke_tokens(user, current_user)
    except accounts.AccountError as error:
        db.session.rollback()
        return render_users(problem=str(error)), 409
    db.session.commit()
    send_after_commit()
    if token is not None:
        # Shown once, in this response only: never flashed (the session cookie is not secret).
        return render_users(token=token, token_user=user)
    if operation == "reset" and writes_files():
        flash(
            f"A password reset link for {user.email} is written to a file in "
            f"{mail_file_dir_shown()}, not emailed: this site has no mail server. It works once, "
            f"within {accounts.PASSWORD_RESET_MINUTES} minutes.",
            "success",
        )
    elif operation == "reset":
        flash(
            f"A password reset link will be emailed to {user.email}; it works once, within "
            f"{accounts.PASSWORD_RESET_MINUTES} minutes.",
            "success",
        )
    else:
        flash(f"Saved the change to {user.email}.", "success")
    return redirect(url_for("staff.users"), code=303)


AUDIT_PAGE_SIZE = 100


@bp.route("/audit")
@admin_required
def audit_log():
    """The audit log: sign-ins, failed sign-ins, user changes, tokens, FAQ edits; newest first."""
    before = request.args.get("before", type=int)
    query = (
        sa.select(AuditEntry).options(joinedload(AuditEntry.actor)).order_by(AuditEntry.id.desc())
    )
    if before:
        query = query.where(AuditEntry.id < before)
    entries = list(db.session.scalars(query.limit(AUDIT_PAGE_SIZE + 1)))
    more = len(entries) > AUDIT_PAGE_SIZE
    entries = entries[:AUDIT_PAGE_SIZE]
    return render_template(
        "staff/audit.html",
        entries=entries,
        next_before=entries[-1].id if more and entries else None,
        active_nav="audit",
    )
