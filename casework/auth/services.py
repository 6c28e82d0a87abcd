"""The rules for users: creating, authenticating, changing passwords, deactivating."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from casework.audit.services import record
from casework.auth.models import Role, User, new_session_token
from casework.auth.passwords import hash_password, password_problem, verify_password
from casework.db import utcnow
from casework.errors import DomainError
from casework.extensions import db
from casework.programmes.models import Programme


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


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
    if find_user(username) is not None:
        raise DomainError(_("The username %(u)s is taken.", u=username), "username")
    problem = password_problem(password)
    if problem:
        raise DomainError(problem, "password")
    role = Role(role)
    user = User(username=username, role=role, full_name=full_name.strip(), password_hash=hash_password(password))
    user.programmes = programmes if programmes is not None else _programmes_by_code(programme_codes)
    if role in (Role.CASEWORKER, Role.SUPERVISOR, Role.DONOR) and not user.programmes:
        raise DomainError(_("A %(role)s needs at least one programme.", role=role.value), "programmes")
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
            user.session_token = new_session_token()
        record("user_updated", user=actor, entity=user, changes={k: [before[k], after[k]] for k in after if before[k] != after[k]})
    return user


class LoginThrottled(DomainError):
    """Too many failed logins for this account (status 200) or from this address (429)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def authenticate(username: str, password: str) -> User | None:
    """The user if the password is right and the account active; always verifies a hash.

    Raises LoginThrottled while the account is locked or the address is over its limit;
    the check costs the same time whether or not the account exists."""
    from flask import has_request_context, request

    from casework.auth import lockout

    ip = request.remote_addr if has_request_context() else None
    if lockout.address_limited(ip) or lockout.account_locked(username):
        verify_password(None, password)  # the same work as a real attempt
        record("login_refused", entity_type="users", summary=username[:64].replace("\x00", ""))
        if lockout.address_limited(ip):
            raise LoginThrottled(_("Too many failed logins from this address. Try again later."), 429)
        raise LoginThrottled(_("Too many failed logins for this account. Try again in 15 minutes."), 200)
    user = find_user(username) if "\x00" not in username else None
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        record("login_failed", entity_type="users", entity_id=user.id if user else None,
               summary=username[:64].replace("\x00", ""))
        lockout.record_failure(username, ip)
        return None
    lockout.clear_failures(username)
    user.last_login_at = utcnow()
    record("login", user=user, entity=user)
    return user


def set_password(user: User, password: str, actor=None) -> None:
    problem = password_problem(password)
    if problem:
        raise DomainError(problem, "password")
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    record("password_changed", user=actor, entity=user)


def deactivate_user(user: User, actor=None) -> None:
    if actor is not None and actor.id == user.id:
        raise DomainError(_("You cannot deactivate your own account."), "user")
    user.is_active = False
    user.session_token = new_session_token()
    record("user_deactivated", user=actor, entity=user)


def end_session(user: User) -> None:
    """Logout: a new token makes every cookie issued before it worthless."""
    user.session_token = new_session_token()
    record("logout", user=user, entity=user)
