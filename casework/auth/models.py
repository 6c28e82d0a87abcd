"""Users and their roles; which programmes each user may work on."""
from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from casework.db import Base, UTCDateTime, enum_type, utcnow


class Role(str, enum.Enum):
    CASEWORKER = "caseworker"
    SUPERVISOR = "supervisor"
    DONOR = "donor"
    ADMIN = "admin"


user_programmes = Table(
    "user_programmes",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("programme_id", ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True),
)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What the database keeps of a session token: a stolen copy of the table logs nobody in."""
    return hashlib.sha256(token.encode()).hexdigest()


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("locale IS NULL OR locale IN ('en', 'sr_Latn', 'sr_Cyrl')", name="locale_supported"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    # The username as compared (casework.auth.usernames.username_key), kept in step by the validator.
    username_key: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(enum_type(Role, "user_role"))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The interface language the user chose (en, sr_Latn, sr_Cyrl); None = negotiate.
    locale: Mapped[str | None] = mapped_column(String(8))

    programmes: Mapped[list[Programme]] = relationship(  # noqa: F821
        secondary=user_programmes, back_populates="users", order_by="Programme.code"
    )

    @validates("username")
    def _keep_key(self, _key, value):
        from casework.auth.usernames import username_key

        self.username_key = username_key(value)
        return value

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    # The session record this request came with (set by the user loader, or at login).
    current_session = None

    def get_id(self) -> str | None:
        return getattr(self, "_session_token", None)

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role.value}>"


class UserSession(Base):
    """One login: created at login, ended by logout, by the user or an administrator, by a password
    change or deactivation. The cookie carries the token; the database keeps its digest."""
    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()
