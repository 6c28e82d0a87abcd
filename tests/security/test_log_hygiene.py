"""What the servers write to their logs, and what the build installs into the venv."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tools.http_client import free_port, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.long_running
def test_casework_run_logs_paths_without_query_strings(tmp_path):
    port = free_port()
    log = tmp_path / "run.log"
    env = {**os.environ, "CASEWORK_INSTANCE_PATH": str(tmp_path / "instance"),
           "CASEWORK_DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}", "CASEWORK_SECRET_KEY": "run"}
    casework = str(Path(sys.executable).with_name("casework"))
    subprocess.run([casework, "db", "upgrade"], env=env, check=True, capture_output=True)
    with open(log, "wb") as out:
        server = subprocess.Popen([casework, "run", "--port", str(port)], env=env, stdout=out, stderr=out,
                                  start_new_session=True)
    try:
        wait_until_answering(f"http://127.0.0.1:{port}/login?q=Petrovi%C4%87+Jelena&born=1974", server, log)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    text = log.read_text()
    assert '"GET /login HTTP/1.1" 200' in text
    assert "Petrovi" not in text and "1974" not in text


def test_gunicorn_settings_log_no_query_string_or_referrer():
    namespace: dict = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)  # the repository's own settings
    fmt = namespace["access_log_format"]
    assert "%(U)s" in fmt
    for leaks in ("%(r)s", "%(q)s", "%(f)s", "%({query_string}e)s"):
        assert leaks not in fmt


def test_the_makefile_upgrades_pip_setuptools_and_wheel_in_the_venv(tmp_path):
    dry = subprocess.run(["make", "-n", "-B", f"VENV={tmp_path / 'v'}", "install-test"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.splitlines()
    upgrade = next(i for i, line in enumerate(dry) if "--upgrade" in line)
    assert {"pip", "setuptools", "wheel"} <= set(dry[upgrade].split())
    assert upgrade < next(i for i, line in enumerate(dry) if "-e '.[test]'" in line)
