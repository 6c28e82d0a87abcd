"""Login throttling kept in the database, so it holds across workers and machines.

An account (by the username typed, whether or not it exists) is locked for LOCK_MINUTES
after MAX_FAILURES failed logins within WINDOW_MINUTES; an address is refused (429) after
CASEWORK_LOGIN_ADDRESS_LIMIT failures within the same window.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Index, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from casework.db import Base, UTCDateTime, utcnow
from casework.extensions import db

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)
ADDRESS_LIMIT = 50


class LoginFailure(Base):
    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_username_at", "username", "at"),
        Index("ix_login_failures_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(45))


def _key(username: str) -> str:
    """The account a failure counts against: a keyed hash of the compared form of the name,
    so the table holds no typed text either."""
    from casework.auth.usernames import typed_name_tag

    return typed_name_tag(current_app.config["SECRET_KEY"], username.replace("\x00", ""))


def account_locked(username: str, now: datetime | None = None) -> bool:
    """True while MAX_FAILURES failures within WINDOW are less than LOCK old."""
    now = now or utcnow()
    times = db.session.scalars(
        select(LoginFailure.at)
        .where(LoginFailure.username == _key(username), LoginFailure.at > now - WINDOW - LOCK)
        .order_by(LoginFailure.at)
    ).all()
    for i in range(MAX_FAILURES - 1, len(times)):
        if times[i] - times[i - MAX_FAILURES + 1] <= WINDOW and now - times[i] < LOCK:
            return True
    return False


def address_limited(ip: str | None, now: datetime | None = None) -> bool:
    if not ip:
        return False
    now = now or utcnow()
    limit = current_app.config.get("CASEWORK_LOGIN_ADDRESS_LIMIT", ADDRESS_LIMIT)
    count = db.session.scalar(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.ip == ip, LoginFailure.at > now - WINDOW))
    return count >= limit


def record_failure(username: str, ip: str | None) -> None:
    db.session.add(LoginFailure(username=_key(username), ip=(ip or None) and ip[:45], at=utcnow()))


def clear_failures(username: str) -> None:
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == _key(username)))
