"""Signed status links: the requester's key to their request, sent in every email.

Bound to the request and to a nonce stored with it: staff revoke every link sent so far by
changing the nonce. No expiry, since requests can stay open for months.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from foia_portal.extensions import db
from foia_portal.requests.models import Attachment, FoiaRequest, RequestEvent

SALT = "foia-portal.status-link"


def new_link_nonce() -> str:
    return secrets.token_hex(8)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def status_token(foia_request) -> str:
    return _serializer().dumps([foia_request.id, foia_request.status_link_nonce])


def read_status_token(token: str) -> tuple[int, str] | None:
    """The (request id, nonce) a token was signed for, or None when it is not ours."""
    try:
        request_id, nonce = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(request_id, int) or not isinstance(nonce, str):
        return None
    return request_id, nonce


def _newest(column, of_request) -> sa.Select:
    return sa.select(sa.func.max(column)).where(of_request == sa.bindparam("request_id"))


_STAMP = sa.select(
    FoiaRequest.version,
    FoiaRequest.status_link_nonce,
    _newest(RequestEvent.id, RequestEvent.request_id).scalar_subquery().label("last_event"),
    _newest(Attachment.id, Attachment.request_id).scalar_subquery().label("last_attachment"),
).where(FoiaRequest.id == sa.bindparam("request_id"))


def status_page_stamp(token: str) -> tuple[int, int, int] | None:
    """What the status page behind `token` shows has changed when this changes; None: no page.

    One indexed read instead of loading the request: its row version (every update of the
    request moves it), its newest timeline event and its newest attachment (the mail worker adds
    events without touching the request). A forged or revoked link has no stamp.
    """
    found = read_status_token(token)
    if found is None:
        return None
    request_id, nonce = found
    with db.engine.connect() as connection:  # as content_version(): a cached page's one read
        row = connection.execute(_STAMP, {"request_id": request_id}).one_or_none()
    if row is None or not secrets.compare_digest(row.status_link_nonce, nonce):
        return None
    return row.version, row.last_event or 0, row.last_attachment or 0


def status_url(foia_request, external: bool = False) -> str:
    path = url_for("requests.status_link", token=status_token(foia_request))
    return current_app.config["PUBLIC_BASE_URL"] + path if external else path


def revoke_status_links(foia_request, actor_id: int | None = None) -> None:
    """Make every status link sent so far stop working (a new nonce); records an internal event.

    The caller commits, and usually queues the new link with
    `foia_portal.requests.notifications.status_link_sent(foia_request)`.
    """
    foia_request.status_link_nonce = new_link_nonce()
    db.session.add(
        RequestEvent(
            request=foia_request,
            kind="status_links_revoked",
            public=False,
            actor_id=actor_id,
            due_date=foia_request.due_date,
            details={},
        )
    )
    db.session.flush()
