"""Password hashing (argon2id) and the password policy."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 defaults
# Verified against when the username is unknown, so both paths take the same time.
_DUMMY_HASH = _hasher.hash("not a real password, only here for timing")

MIN_LENGTH = 12
MAX_LENGTH = 128


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


_COMMON: frozenset[str] | None = None


def is_common(password: str) -> bool:
    """A bundled list of the most used passwords, plus one character repeated."""
    global _COMMON
    if _COMMON is None:
        from pathlib import Path

        text = (Path(__file__).parent / "common_passwords.txt").read_text(encoding="utf-8")
        _COMMON = frozenset(line.strip().lower() for line in text.splitlines()
                            if line.strip() and not line.startswith("#"))
    return password.lower() in _COMMON or len(set(password)) <= 2


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    from flask_babel import lazy_gettext as _l

    if len(password) < MIN_LENGTH:
        return str(_l("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_l("Use at most %(n)d characters.", n=MAX_LENGTH))
    if "\x00" in password:
        return str(_l("The password contains a character that is not allowed."))
    if is_common(password):
        return str(_l("This password is too common; choose another."))
    return None
