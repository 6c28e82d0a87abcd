"""Default-deny access control: every view declares who may use it.

A view without a declaration is refused (403) by a before_request check, so a new
route cannot be reachable by accident.
"""
from __future__ import annotations

from functools import wraps

from flask import Flask, abort, request
from flask_login import current_user
from sqlalchemy import select

from casework.auth.models import Role

CASE_ROLES = (Role.CASEWORKER, Role.SUPERVISOR, Role.ADMIN)


def public(view):
    view.access_rule = "public"
    return view


def roles_required(*roles: Role):
    """Allow logged-in users with one of these roles; anonymous users go to the login page."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from casework.extensions import login_manager

                return login_manager.unauthorized()
            if current_user.role not in roles:
                from casework.audit.services import record
                from casework.transactions import run_in_transaction

                run_in_transaction(lambda: record("access_denied", summary=f"{request.method} {request.path}"[:300]))
                abort(403)
            return view(*args, **kwargs)

        wrapped.access_rule = tuple(r.value for r in roles)
        return wrapped

    return decorator


def login_required_any(view):
    return roles_required(*Role)(view)


def install_default_deny(app: Flask) -> None:
    @app.before_request
    def _default_deny():
        if request.endpoint is None:
            return None  # 404/405 handled by routing
        if request.endpoint == "static":
            return None
        view = app.view_functions.get(request.endpoint)
        if getattr(view, "access_rule", None) is None:
            abort(403)
        return None


# --- object-level rules -------------------------------------------------------------

def sees_all_programmes(user) -> bool:
    return user.role == Role.ADMIN


def visible_programme_ids(user) -> list[int] | None:
    """The programmes whose cases a user may see; None means every programme."""
    if sees_all_programmes(user):
        return None
    return [p.id for p in user.programmes]


def programme_filter(column, user):
    """A SQL condition restricting `column` (a programme_id) to what the user may see."""
    from sqlalchemy import true

    ids = visible_programme_ids(user)
    if ids is None:
        return true()
    return column.in_(ids) if ids else column.in_([-1])


def can_see_case(user, case) -> bool:
    if user.role == Role.DONOR:
        return False
    ids = visible_programme_ids(user)
    return ids is None or case.programme_id in ids


def can_edit_case(user, case) -> bool:
    return user.role in (Role.CASEWORKER, Role.SUPERVISOR, Role.ADMIN) and can_see_case(user, case)


def programmes_for(user):
    """The Programme rows a user works on (all of them for an admin)."""
    from casework.extensions import db
    from casework.programmes.models import Programme

    if sees_all_programmes(user):
        return db.session.scalars(select(Programme).order_by(Programme.code)).all()
    return list(user.programmes)
