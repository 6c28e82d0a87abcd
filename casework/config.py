"""Configuration: defaults, then instance/config.py, then environment, then test overrides."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "WTF_CSRF_TIME_LIMIT": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Belgrade",
    "CASES_PER_PAGE": 50,
}


def protect_instance_folder(instance_path: str) -> None:
    """instance/ holds the database, the secret key and uploads: its owner alone may enter it."""
    path = Path(instance_path)
    path.mkdir(parents=True, exist_ok=True)
    if path.stat().st_uid == os.getuid():
        os.chmod(path, 0o700)


def owner_only(*paths) -> None:
    """Make each existing file readable and writable by its owner only, whatever the umask was."""
    for path in paths:
        try:
            if os.stat(path).st_mode & 0o077:
                os.chmod(path, 0o600)
        except FileNotFoundError:
            continue
        except PermissionError:  # not ours (a shared system database): leave it to its owner
            continue


def write_private(path, data: bytes) -> None:
    """Write a file that holds personal data or secrets: 0600 from its first byte."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    owner_only(path)


def load_secret_key(instance_path: str) -> str:
    """The key from the environment, else one generated once into instance/ (owner-only)."""
    key = os.environ.get("CASEWORK_SECRET_KEY")
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    if path.exists():
        owner_only(path)
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def database_url(instance_path: str) -> str:
    url = os.environ.get("CASEWORK_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(Path(instance_path) / "casework.sqlite3")
