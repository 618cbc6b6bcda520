"""Public request pages: the form, the confirmation, and the requester's status page."""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_wtf import FlaskForm
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from foia_portal.core.deadlines import today_eastern
from foia_portal.core.tracking import TRACKING_NUMBER_PATTERN, normalise_tracking_number
from foia_portal.extensions import csrf, db, limiter
from foia_portal.mail.outbox import send_after_commit
from foia_portal.platform.page_cache import cached_page
from foia_portal.platform.text import strip_text
from foia_portal.requests import services
from foia_portal.requests.clock import deadline_for
from foia_portal.requests.forms import FoiaRequestForm, ReplyForm
from foia_portal.requests.models import Attachment, FoiaRequest
from foia_portal.requests.public_view import REQUESTER_DOWNLOADS, build_public_view
from foia_portal.requests.replies import ReplyRefused, record_reply
from foia_portal.requests.status_links import (
    read_status_token,
    status_page_stamp,
    status_token,
    status_url,
)
from foia_portal.requests.uploads import check_uploaded_files, display_filename, stored_path

bp = Blueprint("requests", __name__)


def submission_limit() -> str:
    return current_app.config["RATELIMIT_SUBMISSIONS"]


@bp.route("/foia/request", methods=["GET", "POST"])
@limiter.limit(submission_limit, methods=["POST"])
def new():
    """The FOIA request form; a valid POST files the request and redirects to its confirmation."""
    if request.method == "GET":
        # Rendered for each visitor: it carries a one-time form token of its own.
        form = FoiaRequestForm()
        form.form_token.data = secrets.token_urlsafe(24)
        return render_template("requests/new.html", form=form)

    form = FoiaRequestForm()

    if form.website.data:
        # The spam trap was filled in: people never see that field.
        return render_template("requests/new.html", form=form, spam=True), 400

    # A form sent twice (a double click, a retry after a timeout) is filed once: the second
    # submission fails on the form token's unique index and is shown the first one's
    # confirmation (the IntegrityError below). No look-up beforehand: it would cost every
    # submission a query for the rare repeat.
    valid = form.validate()
    files, file_problems = check_uploaded_files(request.files.getlist("attachments"))
    if file_problems:
        form.attachments.errors = list(form.attachments.errors) + file_problems
    if not valid or file_problems:
        # A repeat of a form already filed, edited into something invalid on the way (Back,
        # change, send): the request it filed is what counts. Only invalid forms pay the look-up.
        already = services.filed_with_token(form.form_token.data)
        if already is not None:
            return redirect_to_confirmation(already)
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
        # This form token has been filed already (or is being filed right now): show that one.
        db.session.rollback()
        stored.discard()
        already = services.filed_with_token(form.form_token.data)
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
    except DBAPIError:
        # The database failed (gone, or its write lock not had within the busy timeout): the
        # error handler re-shows the form with everything typed (foia_portal/errors.py), 503.
        db.session.rollback()
        stored.discard()
        raise
    except Exception:
        # Anything else (a bug): nothing was stored, and the requester keeps what they typed and
        # the form token, so that submitting again files the request once.
        db.session.rollback()
        stored.discard()
        current_app.logger.exception("request submission failed")
        form.form_errors.append(NOT_FILED)
        return render_template("requests/new.html", form=form), 500
    except BaseException:
        db.session.rollback()
        stored.discard()
        raise
    send_after_commit()
    return redirect_to_confirmation(foia_request)


NOT_FILED = (
    "Something went wrong on our side, so your request was not filed. Nothing you typed has been "
    "lost: please submit it again in a few minutes. If it keeps happening, contact the FOIA Public "
    "Liaison."
)


def redirect_to_confirmation(foia_request):
    """303 to the confirmation page of a request (or of a row with its `id` and nonce)."""
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


# ---------------------------------------------------------------------------------------------
# The requester's status page: typed lookup, signed link, released records.
#
# Public pages: no session, no flash, no CSRF token (nothing here changes data). A wrong pair and
# an unknown number get the same answer, and lookups are rate limited, so nobody can discover
# other people's requests. Released records download through the signed link only.

NO_MATCH = (
    "No request matches this tracking number and email address. Check both against the "
    "confirmation email we sent you, then try again."
)
LOOKUP_SCOPE = "status-lookup"  # shared by the form and GET /api/v1/requests/<tracking_number>


def status_lookup_limit() -> str:
    return current_app.config["RATELIMIT_STATUS_LOOKUPS"]


def lowercase(value):
    return value.lower() if isinstance(value, str) else value


def tracking_number_filter(value):
    return normalise_tracking_number(value) if isinstance(value, str) else value


class StatusLookupForm(FlaskForm):
    """Tracking number and email address; case and stray whitespace are forgiven."""

    class Meta:
        csrf = False  # anonymous, changes nothing, and must not start a session

    tracking_number = StringField(
        "Tracking number",
        filters=[tracking_number_filter],
        description="From your confirmation email, for example COPS-2027-000042.",
        validators=[
            DataRequired("Enter your tracking number."),
            Length(max=32, message="Enter the tracking number from your confirmation email."),
            Regexp(
                TRACKING_NUMBER_PATTERN,
                message="Enter the tracking number as it appears in your confirmation email, "
                "for example COPS-2027-000042.",
            ),
        ],
    )
    email = EmailField(
        "Email address",
        filters=[strip_text, lowercase],
        description="The email address you gave when you made the request.",
        validators=[
            DataRequired("Enter the email address you gave with your request."),
            Length(max=254, message="Enter the email address you gave with your request."),
            Regexp(r"^[^@\s]+@[^@\s]+$", message="Enter an email address, like name@example.com."),
        ],
    )


def private_page(response):
    """A requester's own page: never stored by shared caches, indexed, or leaked by Referer."""
    response = make_response(response)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.route("/foia/status", methods=["GET", "POST"])
@csrf.exempt
@limiter.shared_limit(status_lookup_limit, scope=LOOKUP_SCOPE, methods=["POST"])
def status():
    """Look up a request by tracking number and email; a match shows the request's status."""
    form = StatusLookupForm()
    if request.method == "GET":
        # The empty form is the same for everyone: cacheable like any public page.
        return cached_page(
            "status-lookup", lambda: render_template("requests/status_lookup.html", form=form)
        )
    if not form.validate():
        return private_page((render_template("requests/status_lookup.html", form=form), 422))
    foia_request = services.find_for_requester(form.tracking_number.data, form.email.data)
    if foia_request is None:
        form.form_errors.append(NO_MATCH)
        return private_page((render_template("requests/status_lookup.html", form=form), 404))
    # Post/redirect/get: the signed page can be reloaded and bookmarked without resending.
    return private_page(redirect(status_url(foia_request), 303))


def request_for_link(token: str) -> FoiaRequest | None:
    """The request a signed status link is for, or None when it is forged or revoked."""
    found = read_status_token(token)
    if found is None:
        return None
    request_id, nonce = found
    foia_request = db.session.get(FoiaRequest, request_id)
    if foia_request is None or not secrets.compare_digest(foia_request.status_link_nonce, nonce):
        return None
    return foia_request


@bp.route("/foia/status/<token>")
def status_link(token: str):
    """The requester's status page, opened from the signed link in every email.

    Cached whole (platform/page_cache.py) until the request changes: its row version, its newest
    timeline event and attachment, and the date (days left count down) are the key.
    """
    stamp = status_page_stamp(token)
    if stamp is None:
        return link_not_valid()
    if request.args.get("replied") == "1":
        # Right after a reply (post/redirect/get): the page with its confirmation, not cached.
        return render_status(token, replied=True)
    return cached_page(("status", token, stamp, today_eastern()), lambda: render_status(token))


def link_not_valid():
    form = StatusLookupForm(formdata=None)
    page = render_template("requests/status_lookup.html", form=form, link_invalid=True)
    return private_page((page, 404))


def render_status(token: str, reply_form: ReplyForm | None = None, code: int = 200, **extra):
    foia_request = request_for_link(token)
    if foia_request is None:
        abort(404)
    view = build_public_view(foia_request, download_token=token)
    form = reply_form if reply_form is not None else ReplyForm(formdata=None)
    page = render_template("requests/status.html", view=view, token=token, reply_form=form, **extra)
    return private_page((page, code))


def reply_limit() -> str:
    return current_app.config["RATELIMIT_STATUS_LOOKUPS"]


NO_REPLY = "Write your reply, or attach a file."
REPLY_CROSSED = (
    "Your request was being updated by the office just as you sent this, so your reply was not "
    "sent. Your text is below: send it again (choose any files again)."
)
NOT_STORED = (
    "We could not save your files just now, so your reply was not sent. Please try again in a "
    "few minutes; your text is below (choose the files again)."
)


@bp.route("/foia/status/<token>/reply", methods=["POST"])
@limiter.limit(reply_limit)
def reply(token: str):
    """The requester's reply on the status page; 303 back to the page with a confirmation."""
    foia_request = request_for_link(token)
    if foia_request is None:
        return link_not_valid()
    form = ReplyForm()
    valid = form.validate()
    files, problems = check_uploaded_files(request.files.getlist("attachments"))
    if problems:
        form.attachments.errors = list(form.attachments.errors) + problems
    elif valid and not form.message.data and not files:
        form.message.errors = [*form.message.errors, NO_REPLY]
        valid = False
    if not valid or problems:
        return render_status(token, form, 422)
    stored = services.StoredFiles()
    try:
        record_reply(foia_request, form.message.data, files, stored)
        db.session.commit()
    except ReplyRefused as refused:
        db.session.rollback()
        form.form_errors.append(str(refused))
        return render_status(token, form, 409)
    except StaleDataError:
        # The office changed the request in the same instant (optimistic locking).
        db.session.rollback()
        stored.discard()
        form.form_errors.append(REPLY_CROSSED)
        return render_status(token, form, 409)
    except OSError:
        db.session.rollback()
        stored.discard()
        current_app.logger.exception("could not store a reply's files")
        form.attachments.errors = [*form.attachments.errors, NOT_STORED]
        return render_status(token, form, 503)
    except BaseException:
        db.session.rollback()
        stored.discard()
        raise
    send_after_commit()
    location = url_for("requests.status_link", token=token, replied=1, _anchor="conversation")
    return private_page(redirect(location, 303))


@bp.route("/foia/status/<token>/records/<int:attachment_id>")
def released_record(token: str, attachment_id: int):
    """Download a record released to the requester, or a file they sent with a reply: signed link
    only, always as an attachment."""
    foia_request = request_for_link(token)
    if foia_request is None:
        abort(404)
    attachment = db.session.get(Attachment, attachment_id)
    if (
        attachment is None
        or attachment.request_id != foia_request.id
        or attachment.kind not in REQUESTER_DOWNLOADS
    ):
        abort(404)
    path = stored_path(attachment.stored_name)
    if not path.is_file():
        current_app.logger.error("released record %s is missing from storage", attachment.id)
        abort(404)
    response = send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=display_filename(attachment.original_filename),
        conditional=True,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
