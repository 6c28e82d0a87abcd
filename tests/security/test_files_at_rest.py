"""Under a permissive umask, nothing the application writes into instance/ is readable by others."""
from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import text

from casework.extensions import db
from tests.conftest import make_app


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def loose_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_instance_folder_database_wal_shm_and_secret_key_are_owner_only(tmp_path, loose_umask, monkeypatch):
    monkeypatch.delenv("CASEWORK_SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    database = instance / "casework.sqlite3"
    app = make_app(f"sqlite:///{database}", instance, SECRET_KEY=None)
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (name TEXT)"))
            conn.execute(text("INSERT INTO t VALUES ('Petrović Jelena')"))
        with db.engine.connect() as conn:  # the WAL and its index exist while a connection is open
            conn.execute(text("SELECT * FROM t")).all()
            assert _mode(instance) == 0o700
            for path in (database, f"{database}-wal", f"{database}-shm", instance / "secret_key"):
                assert os.path.exists(path), path
                assert _mode(path) == 0o600, path
        db.engine.dispose()


def test_files_left_readable_by_an_earlier_version_are_tightened(tmp_path, loose_umask):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    database = instance / "casework.sqlite3"
    database.touch(mode=0o644)
    os.chmod(database, 0o644)
    app = make_app(f"sqlite:///{database}", instance)
    with app.app_context():
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        db.engine.dispose()
    assert _mode(instance) == 0o700
    assert _mode(database) == 0o600
