"""Public request pages: the form, the confirmation, and the requester's status page."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from foia_portal.requests.clock import deadline_for
from foia_portal.extensions import db, limiter
from foia_portal.requests import services
from foia_portal.requests.forms import FoiaRequestForm
from foia_portal.requests.links import read_status_token, status_token
from foia_portal.requests.models import FoiaRequest
from foia_portal.requests.uploads import check_uploaded_files

bp = Blueprint("requests", __name__)


def submission_limit() -> str:
    return current_app.config["RATELIMIT_SUBMISSIONS"]


@bp.route("/foia/request", methods=["GET", "POST"])
@limiter.limit(submission_limit, methods=["POST"])
def new():
    """The FOIA request form; a valid POST files the request and redirects to its confirmation."""
    form = FoiaRequestForm()
    if request.method == "GET":
        form.form_token.data = secrets.token_urlsafe(24)
        return render_template("requests/new.html", form=form)

    if form.website.data:
        # The spam trap was filled in: people never see that field.
        return render_template("requests/new.html", form=form, spam=True), 400

    already = services.find_by_submission_token(form.form_token.data)
    if already is not None:
        return redirect_to_confirmation(already)

    valid = form.validate()
    files, file_problems = check_uploaded_files(request.files.getlist("attachments"))
    if file_problems:
        form.attachments.errors = list(form.attachments.errors) + file_problems
    if not valid or file_problems:
        return render_template("requests/new.html", form=form), 422

    stored = services.StoredFiles()
    try:
        foia_request = services.submit_request(
            services.Intake(
                fields=form.request_fields(),
                files=files,
                submission_token=form.form_token.data or None,
            ),
            stored,
        )
        db.session.commit()
    except IntegrityError:
        # The same form token arrived twice at once: the other submission won; show its result.
        db.session.rollback()
        stored.discard()
        already = services.find_by_submission_token(form.form_token.data)
        if already is None:
            raise
        return redirect_to_confirmation(already)
    except OSError:
        db.session.rollback()
        stored.discard()
        current_app.logger.exception("could not store attachments")
        form.attachments.errors = list(form.attachments.errors) + [
            "We could not save your files just now, so your request was not filed. "
            "Please try again in a few minutes; nothing you typed has been lost."
        ]
        return render_template("requests/new.html", form=form), 503
    except BaseException:
        db.session.rollback()
        stored.discard()
        raise
    notifications_after_commit()
    return redirect_to_confirmation(foia_request)


def notifications_after_commit() -> None:
    """Try the emails the commit queued right away (contract: "Email"); the outbox retries."""
    from foia_portal.mail.outbox import send_after_commit

    send_after_commit()


def redirect_to_confirmation(foia_request: FoiaRequest):
    return redirect(url_for("requests.received", token=status_token(foia_request)), code=303)


def request_for_token(token: str) -> FoiaRequest:
    found = read_status_token(token)
    if found is None:
        abort(404)
    request_id, nonce = found
    foia_request = db.session.get(FoiaRequest, request_id)
    if foia_request is None or foia_request.status_link_nonce != nonce:
        abort(404)
    return foia_request


@bp.route("/foia/request/received/<token>")
def received(token: str):
    """The confirmation page: tracking number, received date, due date and what happens next."""
    foia_request = request_for_token(token)
    deadline = deadline_for(foia_request)
    return render_template(
        "requests/received.html", foia_request=foia_request, deadline=deadline, token=token
    )


@bp.route("/foia/status", methods=["GET", "POST"])
def status():
    """Look up a request by tracking number and email (the status page is being built)."""
    return render_template("requests/status_lookup.html")


@bp.route("/foia/status/<token>")
def status_link(token: str):
    """The requester's status page, opened from the signed link in every email."""
    foia_request = request_for_token(token)
    return render_template(
        "requests/status.html", foia_request=foia_request, deadline=deadline_for(foia_request)
    )
