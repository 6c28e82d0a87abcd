"""The rules for users: creating, authenticating, changing passwords, deactivating."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, select

from casework.audit.services import record
from casework.auth.labels import ROLE_LABELS
from casework.auth.models import Role, User, UserSession, new_session_token, token_digest
from casework.auth.passwords import hash_password, password_problem, verify_password
from casework.auth.usernames import scripts, typed_name_tag, username_key
from casework.db import utcnow
from casework.errors import DomainError
from casework.extensions import db
from casework.programmes.models import Programme


def find_user(username: str) -> User | None:
    if "\x00" in username:
        return None
    return db.session.scalar(select(User).where(User.username_key == username_key(username)))


def typed_name_summary(typed: str) -> str:
    """What the audit trail says for a name typed at login that belongs to no account."""
    from flask import current_app

    return f"unknown account #{typed_name_tag(current_app.config['SECRET_KEY'], typed)}"


def _programmes_by_code(codes) -> list[Programme]:
    programmes = []
    for code in codes:
        programme = db.session.scalar(select(Programme).where(Programme.code == code))
        if programme is None:
            raise DomainError(_("No programme with code %(code)s.", code=code), "programmes")
        programmes.append(programme)
    return programmes


def create_user(username: str, role: Role | str, password: str, *, full_name: str = "",
                programme_codes=(), programmes=None, actor=None) -> User:
    username = username.strip()
    if not username or len(username) > 64 or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise DomainError(_("A username is 1 to 64 letters, digits, dots, dashes or underscores."), "username")
    if len(scripts(username)) > 1:
        raise DomainError(_("A username uses the letters of one alphabet only (not Latin and Cyrillic mixed)."),
                          "username")
    if len(username_key(username)) > 64:
        raise DomainError(_("A username is 1 to 64 letters, digits, dots, dashes or underscores."), "username")
    if find_user(username) is not None:
        raise DomainError(_("The username %(u)s is taken.", u=username), "username")
    problem = password_problem(password)
    if problem:
        raise DomainError(problem, "password")
    role = Role(role)
    user = User(username=username, role=role, full_name=full_name.strip(), password_hash=hash_password(password))
    user.programmes = programmes if programmes is not None else _programmes_by_code(programme_codes)
    if role in (Role.CASEWORKER, Role.SUPERVISOR, Role.DONOR) and not user.programmes:
        raise DomainError(_("A %(role)s needs at least one programme.", role=ROLE_LABELS[role]), "programmes")
    db.session.add(user)
    db.session.flush()
    record("user_created", user=actor, entity=user,
           changes={"role": role.value, "programmes": [p.code for p in user.programmes]})
    return user


def update_user(user: User, *, role=None, full_name=None, programmes=None, actor=None) -> User:
    before = {"role": user.role, "full_name": user.full_name, "programmes": [p.code for p in user.programmes]}
    if role is not None:
        user.role = Role(role)
    if full_name is not None:
        user.full_name = full_name.strip()
    if programmes is not None:
        user.programmes = programmes
    if user.role in (Role.CASEWORKER, Role.SUPERVISOR, Role.DONOR) and not user.programmes:
        raise DomainError(_("A %(role)s needs at least one programme.", role=user.role.value), "programmes")
    after = {"role": user.role, "full_name": user.full_name, "programmes": [p.code for p in user.programmes]}
    if before != after:
        if before["role"] != after["role"]:
            _end_sessions(user)
        record("user_updated", user=actor, entity=user, changes={k: [before[k], after[k]] for k in after if before[k] != after[k]})
    return user


class LoginThrottled(DomainError):
    """Too many failed logins for this account (status 200) or from this address (429)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def authenticate(username: str, password: str, ip: str | None) -> User | None:
    """The user if the password is right and the account active; always verifies a hash.

    `ip` is the client's address (for the per-address limit and the audit trail). Raises
    LoginThrottled while the account is locked or the address is over its limit; the check
    costs the same time whether or not the account exists. A name that belongs to no account
    is never recorded as typed (it may be a password typed into the wrong box)."""
    from casework.auth import lockout

    user = find_user(username)
    summary = user.username if user is not None else typed_name_summary(username)
    if lockout.address_limited(ip) or lockout.account_locked(username):
        verify_password(None, password)  # the same work as a real attempt
        record("login_refused", entity_type="users", entity_id=user.id if user else None, summary=summary)
        if lockout.address_limited(ip):
            raise LoginThrottled(_("Too many failed logins from this address. Try again later."), 429)
        raise LoginThrottled(_("Too many failed logins for this account. Try again in 15 minutes."), 200)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        record("login_failed", entity_type="users", entity_id=user.id if user else None, summary=summary)
        lockout.record_failure(username, ip)
        return None
    lockout.clear_failures(username)
    user.last_login_at = utcnow()
    record("login", user=user, entity=user)
    return user


def set_password(user: User, password: str, actor=None) -> None:
    """An administrator sets a user's password: every session of that user ends."""
    problem = password_problem(password)
    if problem:
        raise DomainError(problem, "password")
    user.password_hash = hash_password(password)
    _end_sessions(user)
    record("password_changed", user=actor, entity=user)


def change_own_password(user: User, current: str, new: str, keep=None) -> int:
    """A user changes their own password: the current one is required, the password rules apply,
    and every other session of theirs ends (`keep`, the one they are using, stays). Returns how
    many sessions ended."""
    if not verify_password(user.password_hash, current or ""):
        raise DomainError(_("The current password is not right."), "current_password")
    problem = password_problem(new)
    if problem:
        raise DomainError(problem, "new_password")
    if verify_password(user.password_hash, new):
        raise DomainError(_("Choose a password different from the current one."), "new_password")
    user.password_hash = hash_password(new)
    ended = _end_sessions(user, keep=keep)
    record("password_changed", user=user, entity=user, changes={"other_sessions_ended": ended})
    return ended


def deactivate_user(user: User, actor=None) -> None:
    if actor is not None and actor.id == user.id:
        raise DomainError(_("You cannot deactivate your own account."), "user")
    user.is_active = False
    _end_sessions(user)
    record("user_deactivated", user=actor, entity=user)


def start_session(user: User, ip: str | None, user_agent: str = "") -> str:
    """A new session record for a login; returns the token for the cookie (rotated at every login)."""
    sessions_of(user)  # drops the user's expired records
    token = new_session_token()
    session = UserSession(user_id=user.id, token_digest=token_digest(token), created_at=utcnow(),
                          ip=(ip or None) and ip[:45], user_agent=(user_agent or "")[:200])
    db.session.add(session)
    db.session.flush()
    user._session_token, user.current_session = token, session
    return token


def sessions_of(user: User) -> list[UserSession]:
    """The user's live sessions, newest first (records past the absolute lifetime are dropped)."""
    from casework.auth.session import expired

    found = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                               .order_by(UserSession.created_at.desc(), UserSession.id.desc())).all()
    for old in found:
        if expired(old):
            db.session.delete(old)
    return [live for live in found if not expired(live)]


def _end_sessions(user: User, keep=None) -> int:
    stmt = delete(UserSession).where(UserSession.user_id == user.id)
    if keep is not None:
        stmt = stmt.where(UserSession.id != keep.id)
    return db.session.execute(stmt).rowcount


def end_one_session(user: User, session_id: int, actor=None) -> None:
    """End one of `user`'s sessions (the user's own choice, or an administrator's)."""
    session = db.session.scalar(select(UserSession).where(UserSession.id == session_id,
                                                          UserSession.user_id == user.id))
    if session is None:
        raise DomainError(_("That session has ended already."), "")
    db.session.delete(session)
    record("session_ended", user=actor, entity=user,
           changes={"session": session.id, "started": session.created_at, "ip": session.ip})


def end_every_session(user: User, actor=None) -> int:
    """Log out everywhere: every session of `user` ends, this one included."""
    ended = _end_sessions(user)
    record("sessions_ended", user=actor, entity=user, changes={"sessions": ended})
    return ended


def end_session(user: User) -> None:
    """Logout: this session's record goes, so its cookie is worthless; other sessions stay."""
    if user.current_session is not None:
        db.session.execute(delete(UserSession).where(UserSession.id == user.current_session.id))
    record("logout", user=user, entity=user)


def set_locale(user: User, locale: str | None) -> None:
    """Save the user's interface language (None: follow the browser)."""
    from casework.i18n import SUPPORTED_LOCALES

    if locale is not None and locale not in SUPPORTED_LOCALES:
        raise DomainError(_("Choose one of the languages offered."), "locale")
    if user.locale != locale:
        record("user_locale_set", user=user, entity=user, changes={"locale": [user.locale, locale]})
        user.locale = locale
        db.session.flush()
