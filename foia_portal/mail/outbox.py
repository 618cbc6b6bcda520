"""The outbox (being built: see the email issue)."""


def send_after_commit() -> None:
    """Try, right away, the emails the last commit queued."""
