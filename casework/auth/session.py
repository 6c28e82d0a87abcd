"""Flask-Login wiring: a cookie carries the token of one session record, not the user's id."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from casework.auth.models import User, UserSession, token_digest
from casework.extensions import db, login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.session_protection = "basic"


def expired(record: UserSession) -> bool:
    """Older than the absolute session lifetime: dead on the server whatever the cookie says."""
    from datetime import timedelta

    from flask import current_app

    from casework.db import utcnow

    return record.created_at < utcnow() - timedelta(seconds=current_app.config["CASEWORK_ABSOLUTE_TIMEOUT"])


@login_manager.user_loader
def load_user(token: str):
    if not token:
        return None
    # The user's programmes come with the user: nearly every page filters by them.
    found = db.session.execute(
        select(UserSession, User).join(User, User.id == UserSession.user_id)
        .where(UserSession.token_digest == token_digest(token)).options(joinedload(User.programmes))
    ).unique().first()
    if found is None or not found.User.is_active or expired(found.UserSession):
        return None
    user = found.User
    user._session_token, user.current_session = token, found.UserSession
    return user
