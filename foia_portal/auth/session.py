"""Flask-Login wiring for staff sessions."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from foia_portal.auth.models import StaffUser
from foia_portal.extensions import db, login_manager


def init_login_manager(app: Flask) -> None:
    # Flask-Login's own context processor loads the user (and so reads the session) on every
    # rendered page; public pages must not touch the session. Templates get the lazy proxy,
    # which loads the user only on the staff pages that use it.
    login_manager.init_app(app, add_context_processor=False)
    app.context_processor(lambda: {"current_user": current_user})
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)


def load_user(user_id: str):
    """The signed-in staff member of this session, or None when the session no longer counts."""
    raw_id, _, nonce = user_id.partition(":")
    if not raw_id.isdigit():
        return None
    user = db.session.get(StaffUser, int(raw_id))
    if user is None or user.session_nonce != nonce or not user.active:
        return None
    return user
