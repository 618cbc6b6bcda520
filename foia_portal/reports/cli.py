"""`flask report …` commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from foia_portal.core import deadlines
from foia_portal.reports import exports
from foia_portal.reports.annual import annual_report, fiscal_year_problem

report_cli = AppGroup("report", help="Reports on the office's FOIA work.")


@report_cli.command("annual")
@click.option("--fy", "fiscal_year", type=int, required=True, help="Fiscal year, e.g. 2026.")
@click.option(
    "--format",
    "output",
    type=click.Choice(["json", "csv"], case_sensitive=False),
    default="json",
    show_default=True,
    help="Output format.",
)
def annual(fiscal_year: int, output: str) -> None:
    """Print the Annual FOIA Report figures of fiscal year FY (1 October – 30 September)."""
    today = deadlines.today_eastern()
    problem = fiscal_year_problem(fiscal_year, today)
    if problem:
        raise click.BadParameter(problem, param_hint="'--fy'")
    report = annual_report(fiscal_year, today=today)
    if output.lower() == "csv":
        click.echo(exports.to_csv(report), nl=False)
    else:
        click.echo(exports.to_json(report))
