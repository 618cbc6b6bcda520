"""The public request API: filing a request (POST) and the requester's view of it (GET)."""

from __future__ import annotations

from flask import current_app, jsonify, request, url_for

from foia_portal.api.errors import ApiError, read_json_body, validation_error
from foia_portal.api.routes import bp
from foia_portal.core.vocabulary import Channel
from foia_portal.extensions import db, limiter
from foia_portal.mail.outbox import send_after_commit
from foia_portal.requests import services
from foia_portal.requests.forms import validate_request_json
from foia_portal.requests.public_view import public_view
from foia_portal.requests.routes import LOOKUP_SCOPE, status_lookup_limit
from foia_portal.requests.status_links import status_url

# --- POST /api/v1/requests: file a request (issue 6, the JSON API) ---------------------------


def submission_limit() -> str:
    """The same limit as the HTML form (RATELIMIT_SUBMISSIONS), per client address."""
    return current_app.config["RATELIMIT_SUBMISSIONS"]


def created_request_body(foia_request) -> dict:
    """What a client needs after filing: the number, the dates and the requester's status link."""
    return {
        "tracking_number": foia_request.tracking_number,
        "status": foia_request.status,
        "track": foia_request.track,
        "received_date": foia_request.received_date.isoformat(),
        "due_date": foia_request.due_date.isoformat(),
        "expedited_decision_due": (
            foia_request.expedited_decision_due.isoformat()
            if foia_request.expedited_decision_due
            else None
        ),
        "estimated_completion_date": None,
        "channel": foia_request.channel,
        "status_url": status_url(foia_request, external=True),
    }


@bp.post("/v1/requests")
@limiter.limit(submission_limit)
def create_request():
    """File a FOIA request from a JSON body with the form's field names; 201 with its number."""
    form, errors = validate_request_json(read_json_body())
    if errors:
        validation_error(errors)
    foia_request = services.submit_request(
        services.Intake(fields=form.request_fields(), channel=Channel.API),
        services.StoredFiles(),
    )
    db.session.commit()
    send_after_commit()
    response = jsonify(created_request_body(foia_request))
    response.status_code = 201
    response.headers["Location"] = (
        url_for("api.create_request", _external=False) + f"/{foia_request.tracking_number}"
    )
    return response


# --- GET /api/v1/requests/<tracking_number>?email=: the requester's view (issue 3) ------------


@bp.get("/v1/requests/<tracking_number>")
@limiter.shared_limit(status_lookup_limit, scope=LOOKUP_SCOPE)
def get_request_status(tracking_number: str):
    """The public view of a request to whoever gives its number and the requester's email.

    Same rules as the status page: one 404 for a wrong email and an unknown number alike, and
    the lookups count against the same rate limit as the form.
    """
    email = request.args.get("email", "")
    if not email.strip():
        validation_error({"email": ["Give the requester's email address as `?email=`."]})
    foia_request = services.find_for_requester(tracking_number, email)
    if foia_request is None:
        raise ApiError(404, "No request matches this tracking number and email address.")
    response = jsonify(public_view(foia_request))
    response.headers["Cache-Control"] = "private, no-store"
    return response
