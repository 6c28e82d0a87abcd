"""Users and their roles; which programmes each user may work on."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table
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


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    # The username as compared (casework.auth.usernames.username_key), kept in step by the validator.
    username_key: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(enum_type(Role, "user_role"))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Changes at logout, password change and deactivation, killing every older cookie.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

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

    def get_id(self) -> str:
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role.value}>"
