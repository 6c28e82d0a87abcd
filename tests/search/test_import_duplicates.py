"""The import dry run warns about rows that look like persons already recorded."""
from __future__ import annotations

from tests.imports.test_import import _invoke

FILE = (
    "programme,case_ref,family_name,given_name,sex,date_of_birth,relationship,arrival_date\n"
    "AVR-CH,CH/2020/001,Petrovic,Marko,M,1980,principal,01.02.2020\n"       # office's Marko Petrović, 1980
    "AVR-CH,CH/2020/002,Petrović,Marko,M,1981,principal,01.02.2020\n"       # another year: not him
    "AVR-CH,CH/2020/003,Berisha,Arben,M,1980,principal,01.02.2020\n"        # Arben is in VARRP-UK only
)


def test_dry_run_names_the_row_and_the_earlier_case(runner, office, tmp_path):
    result = _invoke(runner, tmp_path, "persons", FILE, "--dry-run")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("Warning:")]
    assert warnings == [f"Warning: row 2, column family_name: possibly the same person as Marko Petrović, "
                        f"born 1980, in case {office.ch_case.reference}"]


def test_upload_preview_shows_the_warning(client, auth, office):
    from tests.imports.test_web import _upload

    auth.login("supervisor")
    html = _upload(client, FILE).get_data(as_text=True)
    assert "Some rows may be persons already recorded (warnings: 1)" in html
    assert f"possibly the same person as Marko Petrović, born 1980, in case {office.ch_case.reference}" in html
    assert "Import now" in html          # a warning, not an error
