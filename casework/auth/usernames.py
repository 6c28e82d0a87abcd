"""One form of a username for comparing: NFKC then case-folded, the same on every database.

SQLite's lower() folds ASCII only, so "Đorđe" and "đorđe" would be two accounts there and one
on PostgreSQL; the folded form is computed here and stored in users.username_key (unique).
"""
from __future__ import annotations

import hmac
import unicodedata
from hashlib import sha256


def username_key(username: str) -> str:
    """The compared form: NFKC, case-folded, NFKC again (folding can undo normalisation)."""
    text = unicodedata.normalize("NFKC", username.strip())
    return unicodedata.normalize("NFKC", text.casefold())


def _script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    try:
        return unicodedata.name(ch).split(" ")[0]  # LATIN, CYRILLIC, GREEK, ...
    except ValueError:
        return "UNKNOWN"


def scripts(username: str) -> set[str]:
    """The writing systems whose letters the name uses (digits and punctuation belong to none)."""
    return {s for s in map(_script, unicodedata.normalize("NFKC", username)) if s}


def typed_name_tag(secret_key: str | bytes, typed: str) -> str:
    """A keyed hash of a name typed at a failed login for an account that does not exist.

    The audit trail keeps this instead of the text (which may be a password typed into the
    wrong box): it cannot be read back, only matched against a name an administrator types."""
    key = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return hmac.new(key, b"typed-username\x00" + username_key(typed).encode(), sha256).hexdigest()[:32]
