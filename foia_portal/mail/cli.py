"""`flask outbox …`: deliver due emails once, or keep doing it (the mail worker)."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

import click
from flask import current_app
from flask.cli import AppGroup

from foia_portal.extensions import db
from foia_portal.mail import outbox

outbox_cli = AppGroup("outbox", help="The email outbox: deliver due emails, show failures.")


def run_worker(
    interval: float,
    should_stop: Callable[[], bool],
    *,
    include_waiting: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    on_round: Callable[[outbox.DeliveryReport], None] | None = None,
) -> outbox.DeliveryReport:
    """Deliver due emails every `interval` seconds until `should_stop()`; returns the totals.

    A round that fails (the database restarting, say) is logged and the next round tries again:
    the worker must outlive short outages of everything it depends on.
    """
    total = outbox.DeliveryReport()
    while not should_stop():
        try:
            report = outbox.send_due(include_waiting=include_waiting)
        except Exception as error:  # noqa: BLE001 - keep the worker alive; the next round retries
            db.session.rollback()
            current_app.logger.error("outbox worker: round failed (%s)", type(error).__name__)
        else:
            total.add(report)
            if on_round is not None:
                on_round(report)
        finally:
            db.session.remove()
        include_waiting = False  # only the first round, when asked
        waited = 0.0
        while waited < interval and not should_stop():
            step = min(0.5, interval - waited)
            sleep(step)
            waited += step
    return total


def echo_round(report: outbox.DeliveryReport) -> None:
    if report.attempted or report.deferred:
        click.echo(f"outbox: {report}")


@outbox_cli.command("send")
@click.option(
    "--loop", is_flag=True, help="Keep sending (the mail worker); stop with Ctrl-C or SIGTERM."
)
@click.option(
    "--interval", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
    help="Seconds between rounds with --loop.",
)  # fmt: skip
@click.option(
    "--all-pending", is_flag=True,
    help="Also send pending emails still waiting out their retry delay (after fixing the server).",
)  # fmt: skip
def send_command(loop: bool, interval: float, all_pending: bool) -> None:
    """Send the emails that are due, once; with --loop, keep sending."""
    if not loop:
        report = outbox.send_due(include_waiting=all_pending)
        click.echo(f"outbox: {report}")
        return

    stopping = {"now": False}

    def stop(signum, frame):
        stopping["now"] = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    click.echo(f"outbox worker: sending every {interval:g} s; stop with Ctrl-C or SIGTERM")
    try:
        total = run_worker(
            interval,
            lambda: stopping["now"],
            include_waiting=all_pending,
            on_round=echo_round,
        )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo(f"outbox worker stopped: {total}")


@outbox_cli.command("status")
def status_command() -> None:
    """Count the emails pending, sent and failed."""
    counts = outbox.counts_by_status()
    click.echo(", ".join(f"{name} {count}" for name, count in counts.items()))
