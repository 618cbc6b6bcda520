"""Flask-Login wiring: staff sessions are loaded only on staff pages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, Request, g
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from flask_login.utils import _user_context_processor

from foia_portal.auth.models import StaffUser
from foia_portal.extensions import db, login_manager


class CookieOnlySessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without building the signer for visitors who have none.

    Nearly every request comes from the public, who never have a session cookie; Flask would
    still make a signing serializer for each of them before noticing there is nothing to read.
    """

    def open_session(self, app: Flask, request: Request):
        if self.get_cookie_name(app) not in request.cookies and app.secret_key:
            return self.session_class()
        return super().open_session(app, request)

    def get_signing_serializer(self, app: Flask):
        # Flask builds a new serializer for every request that has a session (twice when it is
        # saved: 9 % of a staff queue view); it depends only on the keys, so it is kept per app
        # until they change.
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = app.extensions.get(_SERIALIZER_KEY)
        if kept is None or kept[0] != keys:
            kept = app.extensions[_SERIALIZER_KEY] = (keys, super().get_signing_serializer(app))
        return kept[1]


_SERIALIZER_KEY = "foia_portal.session_serializer"


def init_login_manager(app: Flask) -> None:
    app.session_interface = CookieOnlySessionInterface()
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    # Flask-Login's own context processor loads the user (and so opens the session) on every
    # rendered page. Public pages must not touch the session: hand templates the lazy proxy
    # instead, which loads the user only on pages that actually use `current_user`.
    processors = app.template_context_processors[None]
    if _user_context_processor in processors:
        processors.remove(_user_context_processor)
    app.context_processor(lambda: {"current_user": current_user})

    # Likewise its after-request hook reads the session on every response to manage the
    # "remember me" cookie. That only matters when a user was loaded, signed in or signed out
    # during this request (all of which set g._login_user), so skip it otherwise.
    update_remember_cookie = login_manager._update_remember_cookie

    def update_remember_cookie_for_staff(response):
        if "_login_user" in g:
            return update_remember_cookie(response)
        return response

    hooks = app.after_request_funcs.setdefault(None, [])
    hooks[:] = [
        update_remember_cookie_for_staff if hook == update_remember_cookie else hook
        for hook in hooks
    ]

    login_manager.user_loader(load_user)


_USER_BY_ID = sa.select(StaffUser).where(StaffUser.id == sa.bindparam("id"))


def load_user(user_id: str):
    """The signed-in staff member of this session, or None when the session no longer counts.

    One statement built once: `Session.get` would build and annotate a new SELECT on every
    staff page view (a fifth of the queue page's time).
    """
    raw_id, _, nonce = user_id.partition(":")
    if not raw_id.isdigit():
        return None
    user = db.session.execute(_USER_BY_ID, {"id": int(raw_id)}).scalar_one_or_none()
    if user is None or user.session_nonce != nonce or not user.active:
        return None
    return user
