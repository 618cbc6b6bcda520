"""Flask-Login wiring: staff sessions are loaded only on staff pages."""

from __future__ import annotations

from flask import Flask

from foia_portal.extensions import db, login_manager


def init_login_manager(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        from foia_portal.auth.models import StaffUser

        raw_id, _, nonce = user_id.partition(":")
        if not raw_id.isdigit():
            return None
        user = db.session.get(StaffUser, int(raw_id))
        if user is None or user.session_nonce != nonce or not user.active:
            return None
        return user
