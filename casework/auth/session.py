"""Flask-Login wiring: a session carries the user's session token, not their id."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from casework.auth.models import User
from casework.extensions import db, login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(token: str):
    if not token:
        return None
    # The user's programmes come with the user: nearly every page filters by them.
    user = db.session.scalar(select(User).where(User.session_token == token).options(joinedload(User.programmes)))
    if user is None or not user.is_active:
        return None
    return user
