"""FAQ editing in the staff workspace: thin views over foia_portal.faq.services."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from foia_portal.auth import services as accounts
from foia_portal.auth.access import staff_required
from foia_portal.extensions import db
from foia_portal.faq import services as faq_services
from foia_portal.faq.forms import QUESTION_MAX, FaqForm
from foia_portal.faq.models import Faq, FaqCategory
from foia_portal.staff.blueprint import bp


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
