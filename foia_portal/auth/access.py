"""Who may open a staff page: `staff_required` for any active staff member, `role_required`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

from foia_portal.core.vocabulary import Role
from foia_portal.extensions import login_manager


def has_role(user, role: str) -> bool:
    """An admin may do everything an officer may; an officer only officer things."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return role == Role.OFFICER or user.role == Role.ADMIN


def role_required(role: str) -> Callable:
    """Anonymous visitors go to the sign-in page; a signed-in user without the role gets 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not has_role(current_user, role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = role_required(Role.OFFICER)
admin_required = role_required(Role.ADMIN)
