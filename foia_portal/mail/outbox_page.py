"""The outbox page in the staff workspace: emails that could not be sent, and a retry."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from foia_portal.auth.access import staff_required
from foia_portal.extensions import db
from foia_portal.mail import outbox as mail_outbox
from foia_portal.mail.outbox import send_after_commit
from foia_portal.staff.blueprint import bp


@bp.route("/outbox")
@staff_required
def outbox():
    """Emails that could not be sent, with a button to try each again."""
    return render_template(
        "staff/outbox.html",
        messages=mail_outbox.failed_messages(limit=500),
        counts=mail_outbox.counts_by_status(),
        active_nav="outbox",
    )


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@staff_required
def outbox_retry(message_id: int):
    """Put a failed email back in line and try it at once."""
    try:
        message = mail_outbox.retry_message(message_id, current_user.id)
    except mail_outbox.OutboxError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("staff.outbox"), code=303)
    db.session.commit()
    send_after_commit()
    flash(f"Trying again to send “{message.subject}” to {message.recipient}.", "success")
    return redirect(url_for("staff.outbox"), code=303)
