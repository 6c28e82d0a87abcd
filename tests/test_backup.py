"""`casework backup` / `casework restore`: a round trip gives back every row and the same report
figures; a file that is not a whole backup is refused and changes nothing."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from casework.extensions import db
from tests.conftest import make_app


@pytest.fixture
def office_db(migrated_demo_database, tmp_path):
    """An app on a database of its own (migrated, demo office loaded), SQLite file or PostgreSQL."""
    app = make_app(migrated_demo_database, tmp_path / "instance")
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _figures() -> dict:
    from casework.programmes.models import Programme
    from casework.reports.engine import compute_figures
    from casework.reports.periods import Period

    out = {}
    for programme in db.session.scalars(select(Programme).order_by(Programme.code)):
        data = compute_figures(programme, Period(programme.start_date, date(2026, 12, 31))).to_dict()
        data.pop("generated_at")
        out[programme.code] = data
    return out


def _state() -> tuple[dict, dict]:
    from casework.backup import table_counts

    counts = table_counts()
    db.session.remove()
    return counts, _figures()


def test_backup_then_restore_gives_back_every_row_and_the_same_figures(office_db, tmp_path):
    from casework.programmes.models import Programme
    from tests import factories

    runner = office_db.test_cli_runner()
    counts, figures = _state()
    assert counts["cases"] > 0 and counts["persons"] > counts["cases"]
    result = runner.invoke(args=["backup", str(tmp_path / "office.backup")])
    assert result.exit_code == 0, result.output
    assert "Backup written to" in result.output and not (tmp_path / "office.backup.partial").exists()

    programme = db.session.scalar(select(Programme).order_by(Programme.code))
    factories.case(programme, arrival=date(2024, 3, 3))  # work done after the backup
    db.session.commit()
    assert _state()[0]["cases"] == counts["cases"] + 1

    result = runner.invoke(args=["restore", str(tmp_path / "office.backup"), "--yes"])
    assert result.exit_code == 0, result.output
    restored_counts, restored_figures = _state()
    assert restored_figures == figures
    # Every table as it was, but the audit trail, which also records the backup and the restore.
    assert {k: v for k, v in restored_counts.items() if k != "audit_events"} == \
        {k: v for k, v in counts.items() if k != "audit_events"}
    actions = db.session.scalars(text("SELECT action FROM audit_events ORDER BY id")).all()
    assert restored_counts["audit_events"] == counts["audit_events"] + 1 and actions[-1] == "backup_restored"


def test_restore_asks_before_replacing_data_and_no_changes_nothing(office_db, tmp_path):
    runner = office_db.test_cli_runner()
    assert runner.invoke(args=["backup", str(tmp_path / "office.backup")]).exit_code == 0
    before = _state()[0]
    result = runner.invoke(args=["restore", str(tmp_path / "office.backup")], input="n\n")
    assert result.exit_code != 0 and "replaces all" in result.output
    assert _state()[0] == before


@pytest.mark.parametrize("damage", ["not a backup", "cut in half", "missing"])
def test_a_file_that_is_not_a_whole_backup_is_refused_and_changes_nothing(office_db, tmp_path, damage):
    runner = office_db.test_cli_runner()
    good = tmp_path / "office.backup"
    assert runner.invoke(args=["backup", str(good)]).exit_code == 0
    bad = tmp_path / "bad.backup"
    if damage == "not a backup":
        bad.write_text("family name;given name\nPetrović;Marko\n", encoding="utf-8")
    elif damage == "cut in half":
        data = good.read_bytes()
        bad.write_bytes(data[: len(data) // 2])
    before = _state()[0]
    result = runner.invoke(args=["restore", str(bad), "--yes"])
    assert result.exit_code != 0
    message = result.output.strip().splitlines()[-1]
    assert message.startswith("casework: ") and "Traceback" not in result.output
    expected = {"not a backup": "is not a", "cut in half": ("damaged", "failed"), "missing": "no such file"}[damage]
    assert any(word in message for word in ((expected,) if isinstance(expected, str) else expected)), message
    assert _state()[0] == before


def test_backup_into_a_missing_folder_says_so(office_db, tmp_path):
    result = office_db.test_cli_runner().invoke(args=["backup", str(tmp_path / "nowhere" / "office.backup")])
    assert result.exit_code != 0 and "no such folder" in result.output


def test_a_backup_file_is_readable_by_its_owner_only(office_db, tmp_path):
    """It holds every returnee's personal data: not world- or group-readable, whatever the umask."""
    import os
    import stat

    old = os.umask(0o022)
    try:
        result = office_db.test_cli_runner().invoke(args=["backup", str(tmp_path / "office.backup")])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((tmp_path / "office.backup").stat().st_mode) == 0o600
