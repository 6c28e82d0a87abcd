"""What `pip install .` installs: the application, and none of the development tooling."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.database_independent

ROOT = Path(__file__).resolve().parent.parent


def test_the_installed_package_holds_no_benchmark_scan_or_load_code(tmp_path):
    # The wheel is exactly what `pip install .` copies into an environment.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True, cwd=tmp_path)
    (wheel,) = tmp_path.glob("casework-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    modules = [n for n in names if n.endswith(".py")]
    assert "casework/__init__.py" in modules and "casework/cli.py" in modules
    assert {n.split("/")[0] for n in modules} == {"casework"}
    # The tooling's modules by their names (a document's virus scan, casework/documents/scan.py, is
    # the product's own).
    tooling = [n for n in modules if Path(n).stem in ("bench", "scan", "loadrun", "http_client", "search_bench",
                                                       "measures", "runner", "export_probe", "report_sql")
               and not n.startswith("casework/documents/")]
    assert tooling == []
    assert not any("/bench/" in n for n in names)
    assert not any(n.startswith("tools/") for n in names)
