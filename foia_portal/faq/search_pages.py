"""The FAQ editors' search pages, under the FAQ editor: the search synonyms and the search
insights.

Officers and admins, as on the FAQ editing pages. Thin views over foia_portal.faq.synonym_sets
and foia_portal.faq.insights.
"""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from foia_portal.auth import services as accounts
from foia_portal.auth.access import staff_required
from foia_portal.extensions import db
from foia_portal.faq import insights, synonym_sets
from foia_portal.faq.forms import SynonymSetForm
from foia_portal.faq.glossary import BUILT_IN_SETS
from foia_portal.faq.models import FaqSynonymSet
from foia_portal.staff.blueprint import bp


def render_synonyms(form: SynonymSetForm, editing: FaqSynonymSet | None = None):
    return render_template(
        "staff/faq_synonyms.html",
        form=form,
        editing=editing,
        sets=synonym_sets.list_sets(),
        built_in=BUILT_IN_SETS,
        active_nav="faqs",
    )


def save_synonym_set(form: SynonymSetForm, synonym_set: FaqSynonymSet | None):
    """Validate, save, audit, commit and go back to the list; or show the form again (422)."""
    if form.validate():
        try:
            saved = synonym_sets.save_set(form.term_list(), synonym_set)
        except synonym_sets.SynonymSetError as error:
            form.terms.errors = list(error.problems)
        else:
            action = "faq.synonyms_update" if synonym_set else "faq.synonyms_create"
            accounts.audit(current_user, action, str(saved.id), terms=saved.terms)
            db.session.commit()
            flash(f"Saved the synonyms “{', '.join(saved.terms)}”.", "success")
            return redirect(url_for("staff.faq_synonyms"), code=303)
    return render_synonyms(form, synonym_set), 422


@bp.route("/faqs/synonyms", methods=["GET", "POST"])
@staff_required
def faq_synonyms():
    """The built-in FOIA glossary and the editors' synonym sets; add a set."""
    form = SynonymSetForm()
    if request.method == "POST":
        return save_synonym_set(form, None)
    return render_synonyms(form)


@bp.route("/faqs/synonyms/<int:set_id>/edit", methods=["GET", "POST"])
@staff_required
def faq_synonyms_edit(set_id: int):
    """Change the terms of one of the editors' synonym sets."""
    synonym_set = db.get_or_404(FaqSynonymSet, set_id)
    if request.method == "POST":
        return save_synonym_set(SynonymSetForm(), synonym_set)
    form = SynonymSetForm(data={"terms": "\n".join(synonym_set.terms)})
    return render_synonyms(form, synonym_set)


@bp.route("/faqs/synonyms/<int:set_id>/delete", methods=["POST"])
@staff_required
def faq_synonyms_delete(set_id: int):
    """Remove one of the editors' synonym sets."""
    synonym_set = db.get_or_404(FaqSynonymSet, set_id)
    terms = synonym_set.terms
    synonym_sets.delete_set(synonym_set)
    accounts.audit(current_user, "faq.synonyms_delete", str(set_id), terms=terms)
    db.session.commit()
    flash(f"Removed the synonyms “{', '.join(terms)}”.", "success")
    return redirect(url_for("staff.faq_synonyms"), code=303)


@bp.route("/faqs/insights")
@staff_required
def faq_insights():
    """What readers searched for in the last 30 days, what found nothing, and what people filed
    a request about after the request form had shown them FAQ answers."""
    since = insights.window_start()
    return render_template(
        "staff/faq_insights.html",
        since=since,
        most_searched=insights.most_searched(since),
        found_nothing=insights.found_nothing(since),
        filed_anyway=insights.filed_anyway(since),
        listed=insights.LISTED,
        active_nav="faqs",
    )


@bp.route("/faqs/insights.csv")
@staff_required
def faq_insights_csv():
    """The three lists of the insights page, every query of them, as CSV."""
    since = insights.window_start()
    return Response(
        insights.insights_csv(since),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="faq-search-insights-{since}.csv"'},
    )
