"""POST /api/foia-portal/requests: where the National FOIA Portal (FOIA.gov) delivers requests.

Agency API v1.1.0, receiving side: this module is only the HTTP endpoint; checking the secret,
reading the payload and storing it are in foia_portal/requests/foiagov.py (see
docs/foia-portal.md). Answers 200 `{"id", "status_tracking_number"}`; errors
`{"code", "message", "description"}`.
"""

from __future__ import annotations

from flask import current_app, jsonify, request
from sqlalchemy.exc import IntegrityError

from foia_portal.api.errors import ApiError, read_json_body
from foia_portal.api.routes import bp
from foia_portal.extensions import db
from foia_portal.mail.outbox import send_after_commit
from foia_portal.requests import foiagov, services


@bp.post("/foia-portal/requests")
def receive_foia_gov_request():
    """Receive one request from FOIA.gov; a repeated `request_id` gets the first answer again.

    The portal waits 30 seconds and then retries, up to five times, so repeats are normal and may
    arrive while the first is still being stored: the unique `portal_request_id` makes the second
    insert fail, and we answer with the request the first one stored.
    """
    # The secret is checked before the body is read, so strangers cannot make us parse 160 MB.
    if not foiagov.secret_is_valid(request.headers.get(foiagov.SECRET_HEADER)):
        configured = bool(current_app.config.get("FOIA_PORTAL_SECRET"))
        raise ApiError(
            401,
            f"The {foiagov.SECRET_HEADER} header is missing or wrong."
            if configured
            else "This endpoint is not configured (FOIA_PORTAL_SECRET is not set).",
            portal_code="unauthorized",
        )
    payload = read_json_body(max_bytes=foiagov.body_limit())
    try:
        submission = foiagov.parse_portal_request(payload)
    except foiagov.PortalPayloadInvalid as invalid:
        code = "missing_field" if "is required" in invalid.problems.values() else "invalid_field"
        raise ApiError(400, str(invalid), portal_code=code) from None

    existing = foiagov.find_by_portal_request_id(submission.request_id)
    if existing is not None:
        return jsonify(foiagov.portal_answer(existing))

    stored = services.StoredFiles()
    try:
        foia_request = foiagov.receive_portal_request(submission, stored)
        db.session.commit()
    except IntegrityError:
        # The same request_id arrived twice at once: the other one won; give its answer.
        db.session.rollback()
        stored.discard()
        existing = foiagov.find_by_portal_request_id(submission.request_id)
        if existing is None:
            raise
        return jsonify(foiagov.portal_answer(existing))
    except OSError:
        db.session.rollback()
        stored.discard()
        current_app.logger.exception("could not store FOIA.gov attachments")
        raise ApiError(
            503,
            "The attachments could not be stored just now; nothing was saved. Retry later.",
            portal_code="storage_unavailable",
        ) from None
    except BaseException:
        db.session.rollback()
        stored.discard()
        raise
    send_after_commit()
    return jsonify(foiagov.portal_answer(foia_request))
