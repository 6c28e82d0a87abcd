"""The import bombs and a large legitimate file, uploaded to gunicorn as deployed (its default
30 s worker timeout): each bomb is refused quickly without a worker growing past 500 MB or dying,
and the legitimate file is checked and imported, each by a job of its own that its page follows.

The legitimate file has 20,000 rows here (the size that used to time the worker out);
CASEWORK_SERVED_IMPORT_ROWS=100000 runs the full-size check."""
from __future__ import annotations

import os
import re
import time

import pytest

from casework.extensions import db
from tests.conftest import PASSWORD, TEST_DB_URL, make_app, own_database
from tests.helpers import import_files as files
from tests.helpers.served import Browser, Gunicorn

LEGITIMATE_ROWS = int(os.environ.get("CASEWORK_SERVED_IMPORT_ROWS", "20000"))
REFUSED_WITHIN = 10  # seconds, the bound the security review set
MEMORY_LIMIT_MB = 500


pytestmark = pytest.mark.long_running  # the three share one server (module scope): kept together


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One server for the module: starting it (a migrated database, the office) is most of the cost."""
    from flask_migrate import upgrade

    from tests import factories

    tmp_path = tmp_path_factory.mktemp("served")
    # The database of this pass of the suite: SQLite, or PostgreSQL when the suite runs there.
    with own_database("postgresql" if TEST_DB_URL else "sqlite", tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        with app.app_context():
            upgrade()
            factories.office()
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        with Gunicorn(url, tmp_path) as server:
            yield server


def _timed_upload(browser, data, name):
    browser.get("/imports/")
    started = time.monotonic()
    status, html = browser.upload("/imports/", {"kind": "persons"}, name, data)
    return status, html, time.monotonic() - started


def test_each_bomb_is_refused_quickly_in_bounded_memory_and_no_worker_dies(served):
    browser = Browser(served.base)
    browser.login("supervisor", PASSWORD)
    workers = served.workers()
    bombs = [
        ("million-rows.csv", ("case_ref,programme,family_name,given_name,sex,date_of_birth,relationship\n"
                              + "1,X\n" * 1_000_000).encode(), "more than 200,000 rows"),
        ("unpacked.xlsx", files.unpacked_size_bomb(250), "unpacks to 250 MB"),
        ("dimension.xlsx", files.dimension_bomb(), "more than 200,000 rows"),
        ("doctype.xlsx", files.doctype_xlsx(), "document type declaration (DOCTYPE)"),
    ]
    for name, data, message in bombs:
        status, html, seconds = _timed_upload(browser, data, name)
        assert status == 422 and message in html, (name, status, html[-500:])
        assert seconds < REFUSED_WITHIN, (name, seconds)
        assert served.peak_memory_mb() < MEMORY_LIMIT_MB, (name, served.peak_memory_mb())
        assert served.workers() == workers, f"a worker died on {name}"
    assert "Traceback" not in served.text() and not re.search(r'" 5\d\d ', served.text())


def _follow(browser, path):
    """Read the page as its refresh does until the job it follows has ended; the page and the
    largest peak resident size of the job seen meanwhile."""
    job_peak, deadline = 0.0, time.monotonic() + 600
    while True:
        status, page = browser.get(path)
        assert status == 200, page[-1000:]
        if 'http-equiv="refresh"' not in page:
            return page, job_peak
        assert time.monotonic() < deadline, "the job did not end"
        job_peak = max(job_peak, _job_peak_memory_mb())
        time.sleep(0.5)


def test_a_large_legitimate_file_previews_and_imports_without_a_timeout(served):
    browser = Browser(served.base)
    browser.login("supervisor", PASSWORD)
    workers = served.workers()
    browser.get("/imports/")
    started = time.monotonic()
    status, html = browser.upload("/imports/", {"kind": "persons"}, "legacy.csv", files.persons_csv(LEGITIMATE_ROWS))
    uploaded = time.monotonic() - started
    check_peak = 0.0
    if status == 302:  # a large file is checked by a job of its own; its page follows the check
        html, check_peak = _follow(browser, "/imports/" + re.search(r'href="/imports/([^/"]+)/"', html).group(1) + "/")
    else:
        assert status == 200, html[-1000:]
    checked = time.monotonic() - started
    assert f"Would create {LEGITIMATE_ROWS // 2} cases and {LEGITIMATE_ROWS} persons." in html, html[-1000:]
    token = re.search(r'name="upload" type="hidden" value="([^"]+)"', html).group(1)
    started = time.monotonic()
    status, _ = browser.post("/imports/confirm", {"upload": token})
    confirmed = time.monotonic() - started
    assert status == 302
    page, import_peak = _follow(browser, f"/imports/{token}/")
    imported = time.monotonic() - started
    assert f"Imported: legacy.csv: {LEGITIMATE_ROWS} rows; created {LEGITIMATE_ROWS // 2} cases" in page
    assert served.workers() == workers and "WORKER TIMEOUT" not in served.text()
    print(f"\n{LEGITIMATE_ROWS} rows: upload answered in {uploaded:.2f} s, preview shown after {checked:.1f} s; "
          f"confirmation answered in {confirmed:.2f} s, import done after {imported:.1f} s; peak memory: "
          f"workers {served.peak_memory_mb():.0f} MB, check job {check_peak:.0f} MB, import job {import_peak:.0f} MB")


def _job_peak_memory_mb() -> float:
    """The peak resident size (VmHWM) of a running `casework import run` job, in MB (0 when none)."""
    from pathlib import Path

    peak = 0.0
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and b"\0import\0run\0" in (proc / "cmdline").read_bytes():
                found = re.search(r"VmHWM:\s+(\d+) kB", (proc / "status").read_text())
                peak = max(peak, int(found.group(1)) / 1024 if found else 0)
        except OSError:
            continue
    return peak


def test_the_access_log_holds_paths_without_search_terms(served):
    browser = Browser(served.base)
    browser.login("caseworker", PASSWORD)
    status, _ = browser.get("/cases/?q=Petrovi%C4%87+Jelena+19.07.1931")
    assert status == 200
    deadline = time.monotonic() + 10  # the worker writes its access line once the response is sent
    while '"GET /cases/ HTTP/1.1" 200' not in served.text() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = served.text()
    assert '"GET /cases/ HTTP/1.1" 200' in log
    # (a bare year could turn up by chance in a request's duration; a dotted date cannot)
    assert "Petrovi" not in log and "19.07.1931" not in log and "1931" not in log.replace(".", " ").split()
