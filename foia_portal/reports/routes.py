"""The annual report page and its CSV and JSON downloads (staff only)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request
from wtforms import Form, IntegerField
from wtforms.validators import Optional, ValidationError

from foia_portal.auth.access import staff_required
from foia_portal.core import deadlines
from foia_portal.reports import charts, exports
from foia_portal.reports.annual import (
    FIRST_FISCAL_YEAR,
    annual_report,
    current_fiscal_year,
    fiscal_year_problem,
)

bp = Blueprint("reports", __name__, url_prefix="/staff/reports")

FORMATS = ("html", "csv", "json")


class FiscalYearField(IntegerField):
    """A four-digit year, with a message that says what to type when it is not a number."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            text = valuelist[0].strip()
            if not (text.isascii() and text.isdigit() and len(text) == 4):
                self.data = None
                raise ValueError("Enter the fiscal year as four digits, for example 2026.")
            self.data = int(text)


class FiscalYearForm(Form):
    """The year picker: a GET form, so no CSRF token (it changes nothing)."""

    fy = FiscalYearField(
        "Fiscal year",
        validators=[Optional()],
        description="A federal fiscal year runs from 1 October to 30 September: "
        "FY 2027 began on 1 October 2026.",
    )

    def validate_fy(self, field: FiscalYearField) -> None:
        if field.data is not None:
            problem = fiscal_year_problem(field.data, deadlines.today_eastern())
            if problem:
                raise ValidationError(problem)


@bp.get("/annual")
@staff_required
def annual():
    """The Annual FOIA Report of one fiscal year: tables, charts, and `?format=csv|json`."""
    form = FiscalYearForm(request.args)
    output = request.args.get("format", "html").strip().lower() or "html"
    errors = {} if form.validate() else {f.name: list(f.errors) for f in form if f.errors}
    if output not in FORMATS:
        problem = f"“{request.args.get('format')}” is not a download format: use csv or json."
        form.form_errors.append(problem)
        errors["format"] = [problem]
    if errors:
        if output == "json":
            return jsonify({"errors": errors}), 422
        return render_template("reports/annual.html", form=form, report=None), 422

    today = deadlines.today_eastern()
    fiscal_year = form.fy.data or current_fiscal_year(today)
    report = annual_report(fiscal_year, today=today)
    filename = f"annual-foia-report-FY{fiscal_year}"
    if output == "json":
        return Response(
            exports.to_json(report),
            mimetype="application/json",
            headers={"Content-Disposition": f'attachment; filename="{filename}.json"'},
        )
    if output == "csv":
        return Response(
            exports.to_csv(report),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
        )
    form.fy.data = fiscal_year
    return render_template(
        "reports/annual.html",
        form=form,
        report=report,
        figures=charts.report_charts(report),
        current_fiscal_year=current_fiscal_year(today),
        first_fiscal_year=FIRST_FISCAL_YEAR,
    )
