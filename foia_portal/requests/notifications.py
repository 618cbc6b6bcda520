"""Emails about a request (filled in by the email work: see issue "Email that never loses")."""

from __future__ import annotations


def request_received(foia_request) -> None:
    """Queue the requester's confirmation and the staff notice for a new request."""
