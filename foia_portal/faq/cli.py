"""`flask faq import FILE [--if-empty]` and `flask faq export`: the FAQ as the contract's JSON;
`flask faq synonyms import FILE [--replace]` and `flask faq synonyms export`: the editors'
search synonyms as JSON lines; `flask faq insights prune`: search counts past 13 months go."""

from __future__ import annotations

import json
import sys
from typing import NoReturn

import click
from flask.cli import AppGroup

from foia_portal.extensions import db
from foia_portal.faq import insights, services, synonym_sets

faq_cli = AppGroup("faq", help="Import and export the FAQ and its search synonyms.")


def refuse_import(name: str, problems: list[str]) -> NoReturn:
    """Roll the import back, list its problems and stop: nothing of a file is half imported."""
    db.session.rollback()
    for problem in problems:
        click.echo(problem, err=True)
    raise click.ClickException(
        f"{len(problems)} problem(s) in {name}; nothing was imported."
    ) from None


@faq_cli.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--if-empty", is_flag=True, help="Import only when there are no FAQs yet (make run).")
def import_command(file, if_empty: bool) -> None:
    """Create or update FAQs from FILE, a JSON list of {category, question, answer, slug}.

    Idempotent on slug. Every entry is checked first; if any is bad, nothing is imported and each
    problem is listed by its position in the file (1 = the first entry).
    """
    if if_empty and services.faq_count() > 0:
        click.echo("The FAQ already has questions: nothing imported.")
        return
    try:
        entries = json.loads(file.read())
    except (UnicodeDecodeError, ValueError) as problem:
        raise click.ClickException(f"{file.name} is not valid JSON: {problem}") from None
    try:
        report = services.import_faqs(entries)
    except services.FaqImportError as error:
        refuse_import(file.name, error.problems)
    db.session.commit()
    click.echo(
        f"Imported {file.name}: {len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged."
    )


@faq_cli.command("export")
def export_command() -> None:
    """Print every FAQ as a JSON list of {category, question, answer, slug, published}."""
    json.dump(services.export_faqs(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


synonyms_cli = AppGroup(
    "synonyms", help="The search synonyms the editors keep, as JSON lines of equivalent terms."
)
faq_cli.add_command(synonyms_cli)


@synonyms_cli.command("import")
@click.argument("file", type=click.File("rb"))
@click.option(
    "--replace",
    is_flag=True,
    help="Also remove the sets the file does not have: the editors' sets become the file's.",
)
def synonyms_import_command(file, replace: bool) -> None:
    """Add the synonym sets of FILE: one JSON array of equivalent terms per line.

    Sets already there are left as they are. Every line is checked first; if any is bad,
    nothing is imported and each problem is listed by its line number.
    """
    try:
        text = file.read().decode("utf-8")
    except UnicodeDecodeError as problem:
        raise click.ClickException(f"{file.name} is not UTF-8 text: {problem}") from None
    try:
        report = synonym_sets.import_sets(text, replace=replace)
    except synonym_sets.SynonymSetError as error:
        refuse_import(file.name, error.problems)
    db.session.commit()
    click.echo(
        f"Imported {file.name}: {len(report.added)} added, {len(report.unchanged)} unchanged"
        + (f", {len(report.removed)} removed." if replace else ".")
    )


@synonyms_cli.command("export")
def synonyms_export_command() -> None:
    """Print the editors' synonym sets as JSON lines (the built-in glossary is not included)."""
    sys.stdout.write(synonym_sets.export_json_lines())


insights_cli = AppGroup("insights", help="The editors' search insights.")
faq_cli.add_command(insights_cli)


@insights_cli.command("prune")
def insights_prune_command() -> None:
    """Delete the search counts older than 13 months (the daily timer in deploy/ runs this)."""
    removed = insights.prune()
    db.session.commit()
    click.echo(
        f"Deleted {removed} search count(s) (a query on a day) older than "
        f"{insights.RETENTION_MONTHS} months."
    )
