"""`flask users …` commands: create staff accounts, reset passwords and issue API tokens."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from foia_portal.core.vocabulary import Role

users_cli = AppGroup("users", help="Staff accounts and their API tokens.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.OFFICER.value,
    show_default=True,
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_command(email: str, name: str, role: str, password_stdin: bool) -> None:
    """Create a staff account (the password is prompted for unless --password-stdin)."""
    from foia_portal.auth import services
    from foia_portal.extensions import db

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(email, name, role, password)
    except services.AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}.")


@users_cli.command("token")
@click.argument("email")
def token_command(email: str) -> None:
    """Print a new API token for a staff user on one line (store it now: it is shown once)."""
    from foia_portal.auth import services
    from foia_portal.extensions import db

    user = services.find_user(email)
    if user is None:
        raise click.ClickException(f"No staff account with the email {email}.")
    try:
        raw = services.issue_api_token(user)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(raw)


@users_cli.command("revoke-tokens")
@click.argument("email")
def revoke_command(email: str) -> None:
    """Revoke every API token of a staff user."""
    from foia_portal.auth import services
    from foia_portal.extensions import db

    user = services.find_user(email)
    if user is None:
        raise click.ClickException(f"No staff account with the email {email}.")
    count = services.revoke_tokens(user)
    db.session.commit()
    click.echo(f"Revoked {count} token(s) of {user.email}.")


@users_cli.command("reset-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
def reset_password_command(email: str, password_stdin: bool) -> None:
    """Set a staff member's password (prompted unless --password-stdin); ends the lockout and
    signs them out everywhere."""
    from foia_portal.auth import services
    from foia_portal.extensions import db

    user = services.find_user(email)
    if user is None:
        raise click.ClickException(f"No staff account with the email {email}.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        services.reset_password(user, password)
    except services.AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Changed the password of {user.email}.")
