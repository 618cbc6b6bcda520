"""The staff workspace: the queue, one request and its workflow, staff entry, users, audit log,
FAQ editing and the outbox. Every route checks the role; thin views over the services."""

from __future__ import annotations

from datetime import UTC, datetime, time

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload, selectinload

from foia_portal.auth import services as accounts
from foia_portal.auth.access import admin_required, staff_required
from foia_portal.auth.forms import UserChangeForm, UserForm
from foia_portal.auth.models import AuditEntry, StaffUser
from foia_portal.core import deadlines
from foia_portal.core.tracking import normalise_tracking_number
from foia_portal.core.types import utcnow
from foia_portal.core.vocabulary import DISPOSITION_LABELS, TRACK_LABELS
from foia_portal.core.workflow import ACTIONS, ActionNotAllowed, RoleNotAllowed, request_actions
from foia_portal.extensions import db
from foia_portal.faq import services as faq_services
from foia_portal.faq.forms import QUESTION_MAX, FaqForm
from foia_portal.faq.models import Faq, FaqCategory
from foia_portal.mail.outbox import send_after_commit
from foia_portal.mail.transport import mail_file_dir_shown, writes_files
from foia_portal.reports.services import dashboard_figures
from foia_portal.requests import services as intake
from foia_portal.requests.clock import deadline_for
from foia_portal.requests.models import Attachment, FoiaRequest, RequestEvent
from foia_portal.requests.uploads import check_uploaded_files, stored_path
from foia_portal.staff import queue as queue_module
from foia_portal.staff.forms import ACTION_FORMS, StaffEntryForm, action_values
from foia_portal.staff.services import ActionInvalid, RequestChanged, perform_action
from foia_portal.staff.timeline import staff_timeline

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.record_once
def _register_template_helpers(state) -> None:
    app = state.app

    def staff_endpoints() -> set[str]:
        return set(app.view_functions)

    app.jinja_env.globals["staff_endpoints"] = staff_endpoints
    app.jinja_env.globals["now_utc"] = utcnow


# --- the queue ---------------------------------------------------------------------------------


@bp.route("/")
@staff_required
def queue():
    """The queue: counts at the top, then the filtered, sorted, paginated table of requests.

    The table is one index walk; the counts are cached for a minute (staff/queue.py) and the
    page says how recent they are."""
    filters, errors = queue_module.parse_filters(request.args, current_user)
    today = filters.today
    total = queue_module.cached_total(filters)
    summary = queue_module.cached_summary(current_user, today)
    dashboard = queue_module.cached_figures(("dashboard", today), lambda: dashboard_figures(today))
    return render_template(
        "staff/queue.html",
        page=queue_module.table_page(filters),
        total=total.value,
        total_is_capped=total.value > queue_module.COUNT_LIMIT,
        filters=filters,
        errors=errors,
        summary=summary.value,
        dashboard=dashboard.value,
        figures_as_of=min(total.as_of, summary.as_of, dashboard.as_of).astimezone(
            deadlines.EASTERN
        ),
        staff=queue_module.assignee_choices(),
        active_nav="queue",
    ), (422 if errors else 200)


@bp.route("/queue.csv")
@staff_required
def queue_csv():
    """The filtered queue as CSV (every page of it), for a spreadsheet."""
    filters, errors = queue_module.parse_filters(request.args, current_user)
    if errors:
        return queue()  # the queue page, with the same messages (422)
    filename = f"foia-queue-{filters.today.isoformat()}.csv"
    return Response(
        stream_with_context(queue_module.export_csv(filters)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- one request -------------------------------------------------------------------------------


def load_request(tracking_number: str) -> FoiaRequest:
    number = normalise_tracking_number(tracking_number)
    foia_request = db.session.scalar(
        sa.select(FoiaRequest)
        .where(FoiaRequest.tracking_number == number)
        .options(
            joinedload(FoiaRequest.assignee),
            selectinload(FoiaRequest.attachments),
            selectinload(FoiaRequest.holds),
            selectinload(FoiaRequest.events).joinedload(RequestEvent.actor),
        )
    )
    if foia_request is None:
        abort(404)
    return foia_request


def action_form(name: str, formdata=None):
    """The form of one action, with ids unique on a page that shows several forms."""
    form = ACTION_FORMS[name](formdata=formdata) if formdata is not None else ACTION_FORMS[name]()
    for field in form:
        field.id = f"{name}-{field.id}"
    return form


def render_request(foia_request: FoiaRequest, failed: tuple[str, object] | None = None, **extra):
    """The request page, with the forms of the actions allowed now (and a failed one re-shown)."""
    actions = request_actions(foia_request, current_user.role)
    forms = {}
    for action in actions:
        if failed is not None and failed[0] == action.name:
            forms[action.name] = failed[1]
            continue
        form = action_form(action.name)
        form.version.data = foia_request.version
        forms[action.name] = form
    deadline = deadline_for(foia_request)
    end = foia_request.closed_date or deadlines.today_eastern()
    used = deadlines.business_days_used(foia_request.received_date, end, list(deadline.pauses))
    today = deadlines.today_eastern()
    emails = []
    try:
        from foia_portal.mail.outbox import messages_for_request

        emails = messages_for_request(foia_request)
    except ImportError:  # the outbox module is optional for this page
        emails = []
    staff = accounts.active_staff()
    return render_template(
        "staff/request.html",
        foia_request=foia_request,
        deadline=deadline,
        business_days_used=used,
        days_left=deadlines.business_days_left(deadline.due_date, today),
        today=today,
        actions=actions,
        action_forms=forms,
        open_action=failed[0] if failed is not None else None,
        staff=staff,
        timeline=staff_timeline(foia_request, {person.id: person.name for person in staff}),
        emails=emails,
        active_nav="queue",
        **extra,
    )


@bp.route("/requests/<tracking_number>")
@staff_required
def request_detail(tracking_number: str):
    """Everything about one request: what was asked, the deadline explained, the timeline."""
    return render_request(load_request(tracking_number))


CLOSE_NOT_CONFIRMED = (
    "Check the summary of what will be sent, then tick the box to confirm closing the request."
)


def done_message(action: str, foia_request: FoiaRequest, values: dict) -> str:
    """What a successful action did, as a sentence."""
    track = TRACK_LABELS.get(foia_request.track or "", foia_request.track or "")
    disposition = DISPOSITION_LABELS.get(foia_request.disposition or "", "")
    assignee = foia_request.assignee
    decision = (values.get("decision") or "").replace("_", " ")
    messages = {
        "acknowledge": f"Request acknowledged and placed on the {track.lower()} track.",
        "assign": f"Request assigned to {assignee.name}." if assignee else "Request unassigned.",
        "note": "Internal note added to the timeline.",
        "request_info": "Question sent to the requester; the clock is stopped until they answer.",
        "resume": "Processing resumed; the clock is running again.",
        "extend": "Time extended by 10 business days; the requester has been told why.",
        "set_estimate": "Estimated completion date saved and sent to the requester.",
        "decide_expedited": f"Expedited processing {decision}; the requester has been told.",
        "decide_fee_waiver": f"Fee waiver {decision}; the requester has been told.",
        "close": f"Request closed as “{disposition}”; the final response is emailed to the "
        "requester.",
        "reopen": "Request reopened and back in progress.",
    }
    return messages.get(action, f"{ACTIONS[action].label}: done.")


@bp.route("/requests/<tracking_number>/actions/<action>", methods=["POST"])
@staff_required
def request_action(tracking_number: str, action: str):
    """Take one workflow action; refused with 409 when the status does not allow it."""
    if action not in ACTION_FORMS:
        abort(404)
    foia_request = load_request(tracking_number)
    form = action_form(action, request.form)
    values_valid = form.validate()
    values = action_values(form) if values_valid else {}
    if action == "close":
        files, problems = check_uploaded_files(request.files.getlist("released"))
        if problems:
            form.released.errors = list(form.released.errors) + problems
            values_valid = False
        values["released"] = files
        if not form.confirm.data:
            form.confirm.errors = [*form.confirm.errors, CLOSE_NOT_CONFIRMED]
            values_valid = False
    if not values_valid:
        # A stale or disallowed action says so first; field errors come after.
        try:
            from foia_portal.core.workflow import check_request_action

            check_request_action(action, foia_request, current_user.role)
        except RoleNotAllowed:
            abort(403)
        except ActionNotAllowed as error:
            return render_request(foia_request, conflict=str(error)), 409
        return render_request(foia_request, failed=(action, form)), 422

    stored = intake.StoredFiles()
    try:
        perform_action(foia_request, action, current_user, values, form.version.data, stored=stored)
        db.session.commit()
    except RoleNotAllowed:
        db.session.rollback()
        abort(403)
    except (ActionNotAllowed, RequestChanged) as error:
        db.session.rollback()
        stored.discard()
        return render_request(load_request(tracking_number), conflict=str(error)), 409
    except ActionInvalid as error:
        db.session.rollback()
        stored.discard()
        for name, messages in error.errors.items():
            if name in form:
                form[name].errors = list(form[name].errors) + messages
            else:
                form.form_errors.extend(messages)
        return render_request(load_request(tracking_number), failed=(action, form)), 422
    except OSError:
        db.session.rollback()
        stored.discard()
        current_app.logger.exception("could not store released records")
        form.form_errors.append(
            "The released files could not be saved just now, so nothing was changed. Try again."
        )
        return render_request(load_request(tracking_number), failed=(action, form)), 503
    except BaseException:
        db.session.rollback()
        stored.discard()
        raise
    send_after_commit()
    flash(done_message(action, foia_request, values), "success")
    return redirect(url_for("staff.request_detail", tracking_number=tracking_number), code=303)


@bp.route("/requests/<tracking_number>/attachments/<int:attachment_id>")
@staff_required
def attachment(tracking_number: str, attachment_id: int):
    """Download a file the requester sent or the office released."""
    foia_request = load_request(tracking_number)
    found = db.session.get(Attachment, attachment_id)
    if found is None or found.request_id != foia_request.id:
        abort(404)
    path = stored_path(found.stored_name)
    if not path.is_file():
        abort(404)
    return send_file(
        path,
        mimetype=found.content_type,
        as_attachment=True,
        download_name=found.original_filename,
        max_age=0,
    )


# --- staff entry of requests that arrived by mail, email, phone, fax or in person ---------------


@bp.route("/requests/new", methods=["GET", "POST"])
@staff_required
def new_request():
    """Enter a request that arrived on paper or by phone; the clock starts on the date received."""
    form = StaffEntryForm()
    if request.method == "GET":
        return render_template("staff/new_request.html", form=form, active_nav="new_request")
    valid = form.validate()
    today = deadlines.today_eastern()
    if form.received_on.data and form.received_on.data > today:
        form.received_on.errors = [*form.received_on.errors, "The date cannot be in the future."]
        valid = False
    files, problems = check_uploaded_files(request.files.getlist("attachments"))
    if problems:
        form.attachments.errors = list(form.attachments.errors) + problems
    if not valid or problems:
        return render_template("staff/new_request.html", form=form, active_nav="new_request"), 422
    arrived = form.received_on.data
    # A request that arrives on a weekend or holiday counts from the next business day.
    received = (
        arrived if deadlines.is_business_day(arrived) else deadlines.next_business_day(arrived)
    )
    # The fiscal year of the tracking number is that of receipt, not of data entry.
    submitted_at = datetime.combine(arrived, time(12, 0), deadlines.EASTERN).astimezone(UTC)
    stored = intake.StoredFiles()
    try:
        foia_request = intake.submit_request(
            intake.Intake(
                fields=form.request_fields(),
                channel=form.channel.data,
                files=files,
                submitted_at=submitted_at,
                received_on=received,
                actor_id=current_user.id,
            ),
            stored,
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        stored.discard()
        raise
    send_after_commit()
    flash(f"Request {foia_request.tracking_number} entered.", "success")
    return redirect(
        url_for("staff.request_detail", tracking_number=foia_request.tracking_number), code=303
    )


# --- users and the audit log (administrators) ---------------------------------------------------


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


# --- FAQ editing (thin views over foia_portal.faq.services) -------------------------------------


def _faq_form(faq=None):
    if faq is None and request.method == "GET" and request.args.get("question"):
        # From the search insights: a query that found nothing starts a draft with it.
        question = request.args["question"][:QUESTION_MAX].strip()
        return FaqForm(data={"question": question[:1].upper() + question[1:], "published": False})
    if faq is None or request.method == "POST":
        return FaqForm()
    return FaqForm(
        data={
            "category": faq.category.name,
            "question": faq.question,
            "answer": faq.answer,
            "slug": faq.slug,
            "published": faq.published,
        }
    )


@bp.route("/faqs")
@staff_required
def faq_list():
    """Every FAQ, published or not, by category; publish, unpublish, reorder categories."""
    categories = faq_services.list_categories()
    faqs = list(db.session.scalars(sa.select(Faq).order_by(Faq.category_id, Faq.position, Faq.id)))
    by_category = {c.id: [f for f in faqs if f.category_id == c.id] for c in categories}
    return render_template(
        "staff/faq_list.html",
        categories=categories,
        by_category=by_category,
        feedback_counts=faq_services.feedback_counts(),
        active_nav="faqs",
    )


def _faq_editor(form, faq, **extra):
    """The editor's page, with what readers said was missing from the FAQ (newest first)."""
    if faq is not None:
        extra.update(
            feedback=faq_services.feedback_for(faq),
            feedback_count=faq_services.feedback_count(faq),
        )
    return render_template("staff/faq_edit.html", form=form, faq=faq, active_nav="faqs", **extra)


def _save_faq(faq=None):
    """Create or edit an FAQ; the "preview" button shows the rendered answer without saving."""

    form = _faq_form(faq)
    if request.method == "GET":
        return _faq_editor(form, faq)
    valid = form.validate()
    if valid and form.slug.data:
        free = faq_services.unique_slug(form.slug.data, faq.id if faq else None)
        if free != form.slug.data:
            form.slug.errors = [f"Another FAQ uses this address; “{free}” is free."]
            valid = False
    if not valid:
        return _faq_editor(form, faq), 422
    if request.form.get("preview"):
        # Sanitised by the FAQ service (markdown-it without raw HTML, then nh3): the same HTML
        # the public page shows.
        preview = Markup(faq_services.render_answer(form.answer.data).html)  # noqa: S704
        return _faq_editor(form, faq, preview=preview)
    fields = {
        "category": form.category.data,
        "question": form.question.data,
        "answer": form.answer.data,
        "slug": form.slug.data or None,
        "published": bool(form.published.data),
    }
    if faq is None:
        faq = faq_services.create_faq(**fields)
        accounts.audit(current_user, "faq.create", faq.slug, question=faq.question[:200])
    else:
        faq_services.update_faq(faq, **fields)
        accounts.audit(current_user, "faq.update", faq.slug, question=faq.question[:200])
    db.session.commit()
    flash(f"Saved “{faq.question}”.", "success")
    return redirect(url_for("staff.faq_list"), code=303)


@bp.route("/faqs/new", methods=["GET", "POST"])
@staff_required
def faq_new():
    """Write a new FAQ, with a preview of the rendered answer."""
    return _save_faq()


@bp.route("/faqs/<int:faq_id>/edit", methods=["GET", "POST"])
@staff_required
def faq_edit(faq_id: int):
    """Edit an FAQ, with a preview of the rendered answer."""
    return _save_faq(db.get_or_404(Faq, faq_id))


@bp.route("/faqs/<int:faq_id>/publish", methods=["POST"])
@staff_required
def faq_publish(faq_id: int):
    """Publish (`published=1`) or unpublish (`published=0`) an FAQ."""
    faq = db.get_or_404(Faq, faq_id)
    published = request.form.get("published") == "1"
    faq_services.set_published(faq, published)
    accounts.audit(current_user, "faq.publish" if published else "faq.unpublish", faq.slug)
    db.session.commit()
    flash(f"{'Published' if published else 'Unpublished'} “{faq.question}”.", "success")
    return redirect(url_for("staff.faq_list"), code=303)


@bp.route("/faqs/categories/<int:category_id>/move", methods=["POST"])
@staff_required
def faq_category_move(category_id: int):
    """Move a category one place up or down in the FAQ's order."""
    category = db.get_or_404(FaqCategory, category_id)
    order = [c.id for c in faq_services.list_categories()]
    step = -1 if request.form.get("direction") == "up" else 1
    faq_services.move_category(category, max(0, order.index(category.id) + step))
    accounts.audit(current_user, "faq.category_move", category.slug, direction=step)
    db.session.commit()
    return redirect(url_for("staff.faq_list"), code=303)


# --- the outbox ---------------------------------------------------------------------------------


@bp.route("/outbox")
@staff_required
def outbox():
    """Emails that could not be sent, with a button to try each again."""
    from foia_portal.mail import outbox as mail_outbox

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
    from foia_portal.mail import outbox as mail_outbox

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


# The FAQ editors' search pages register their routes on `bp` when imported.
from foia_portal.staff import faq_search_pages  # noqa: E402,F401
