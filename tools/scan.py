"""`make scan`: real attack tools against the application, on a throwaway copy of the demo office.

The app is served by gunicorn on 127.0.0.1 over a new SQLite database holding the demo data.
Then:
- wapiti (the PyPI wapiti3) crawls and attacks the app logged in as each role, through the
  login form (CSRF token and all), never following the logout button;
- sqlmap (--level 3 --risk 2) attacks every parameter of the routes that take parameters:
  the login form (with its CSRF token), search, the case list's and grant list's filters, the
  report's parameters, the audit search — logged in, with a session cookie.
The run fails on any finding above informational, and on any 5xx answer in the server's log.
Only 127.0.0.1 is ever targeted.

`python -m tools.scan [--quick]` (the tools come from `make scan`'s own environment).
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tools.http_client import Server, Visitor

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".venv-scan" / "bin"
ROLES = ("caseworker", "supervisor", "donor.ch", "admin")
# wapiti's findings are (category: [items]); these categories are informational only.
INFORMATIONAL = {"Fingerprinting", "Fingerprint web technology", "Fingerprint web application framework",
                 "Fingerprint web server", "HTTP Methods"}
# What a scan over plain HTTP on 127.0.0.1 must find, and why it is not a finding in production:
EXPECTED_ON_PLAIN_HTTP = {
    "Secure Flag cookie": "the session cookie is Secure when the app is served over HTTPS "
                          "(PREFERRED_URL_SCHEME = 'https' behind the TLS proxy; tests/security/test_headers.py)",
}


@dataclass
class Finding:
    tool: str
    who: str
    what: str
    where: str = ""


@dataclass
class Summary:
    findings: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    server_errors: int = 0

    @property
    def clean(self) -> bool:
        return not self.findings and self.server_errors == 0


# --- the app on a throwaway database ---------------------------------------------------

class App(Server):
    """The app under gunicorn over a new SQLite database holding the demo office."""

    def __init__(self, workdir: Path):
        super().__init__(f"sqlite:///{workdir / 'scan.sqlite3'}", workdir, workers=4,
                         env={"CASEWORK_SECRET_KEY": "scan-only"})

    def prepare(self) -> dict[str, str]:
        """Migrate the new database, load the demo office; the demo accounts' passwords."""
        casework = Path(sys.executable).with_name("casework")
        # sqlmap sends thousands of wrong logins from 127.0.0.1: lift the per-address limit so that
        # the login form is attacked, not just refused (the per-account lockout stays on).
        (self.workdir / "instance").mkdir(parents=True, exist_ok=True)
        (self.workdir / "instance" / "config.py").write_text("CASEWORK_LOGIN_ADDRESS_LIMIT = 10**9\n")
        for args in (["db", "upgrade"], ["demo", "load"]):
            subprocess.run([str(casework), *args], env=self.env, check=True, capture_output=True)
        text = (self.workdir / "instance" / "demo-passwords.txt").read_text()
        return dict(line.split(": ", 1) for line in text.splitlines() if ": " in line and not line.startswith("#"))


def session_cookie(base: str, username: str, password: str) -> str:
    """Log in through the form (with its CSRF token); the session cookie as NAME=VALUE."""
    return Visitor(base).login(username, password).cookie_header()


# --- wapiti ------------------------------------------------------------------------------

def wapiti_findings(report: dict, who: str) -> list[Finding]:
    """Vulnerabilities and anomalies (500s, timeouts) of a wapiti JSON report, informational left out."""
    found = []
    for section in ("vulnerabilities", "anomalies"):
        for category, items in (report.get(section) or {}).items():
            if category in INFORMATIONAL or category in EXPECTED_ON_PLAIN_HTTP:
                continue
            for item in items or []:
                found.append(Finding("wapiti", who, f"{category}: {item.get('info', '')}"[:300],
                                     f"{item.get('method', '')} {item.get('path', '')}"))
    return found


def run_wapiti(app: App, username: str, password: str, workdir: Path, quick: bool) -> tuple[list, str]:
    out = workdir / f"wapiti-{username}.json"
    command = [
        str(TOOLS / "wapiti"), "-u", app.base + "/", "--scope", "folder",
        # wapiti finds the login form's fields (and its CSRF token) itself.
        "--form-url", app.base + "/login", "--form-user", username, "--form-password", password,
        "-x", app.base + "/logout", "-x", app.base + "/admin/users/*/deactivate",
        "-x", app.base + "/admin/users/*/password",
        "-m", ("sql,timesql,xss,permanentxss,exec,file,redirect,crlf,csrf,upload,ssrf,xxe,methods,http_headers,"
               "cookieflags"),
        # Every case page has the same forms: a bounded crawl samples them instead of visiting all.
        "-d", "4", "--max-links-per-page", "20", "--max-files-per-dir", "10", "--max-parameters", "12",
        "--max-scan-time", "60" if quick else "180", "--max-attack-time", "15" if quick else "30",
        "--flush-session", "-f", "json", "-o", str(out), "-v", "0", "--store-session", str(workdir / f"wapiti-{username}"),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=1800)
    if not out.exists():
        return [Finding("wapiti", username, f"wapiti did not write its report: {done.stderr[-500:]}")], ""
    report = json.loads(out.read_text())
    infos = report.get("infos") or {}
    if not (infos.get("auth") or {}).get("logged_in"):
        return [Finding("wapiti", username, "wapiti could not log in")], f"wapiti as {username}: not logged in"
    found = wapiti_findings(report, username)
    return found, f"wapiti as {username}: {infos.get('crawled_pages_nbr', '?')} URLs, {len(found)} findings"


# --- sqlmap ------------------------------------------------------------------------------

SQLMAP_TARGETS = [
    # (name, path, data for POST or None, who)
    ("login form", "/login", "csrf_token=x&username=caseworker&password=wrong", None),
    ("search", "/cases/?q=Petrovic", None, "supervisor"),
    ("case list filters", ("/cases/?programme=AVR-CH&status=arrived&municipality=Nis&arrived_from=2010-01-01"
                           "&arrived_to=2012-12-31&sort=reference&page=1"), None, "supervisor"),
    ("grant list filters", ("/grants/?programme=AVR-CH&status=approved&category=business&period_from=2010-01-01"
                            "&page=1"), None, "supervisor"),
    ("report parameters", "/reports/?programme=AVR-CH&period=2011", None, "supervisor"),
    ("report export", "/reports/export.csv?programme=AVR-CH&period=2011", None, "donor.ch"),  # a released year
    ("audit search", ("/admin/audit?username=caseworker&action=login&entity_type=cases&entity_id=1"
                      "&start=2020-01-01"), None, "admin"),
]


def sqlmap_findings(log_text: str, name: str) -> list[Finding]:
    """sqlmap's log names each injectable parameter ('Parameter: x (GET)')."""
    return [Finding("sqlmap", name, f"injectable: {m.group(1)}") for m in
            re.finditer(r"^Parameter: (.+)$", log_text, re.MULTILINE)]


def sqlmap_target(app: App, passwords: dict, workdir: Path, quick: bool, target) -> tuple[list, str]:
    name, path, data, who = target
    out = workdir / "sqlmap" / re.sub(r"\W+", "-", name)
    command = [str(TOOLS / "sqlmap"), "-u", app.base + path, "--batch", "--flush-session",
               "--level", "1" if quick else "3", "--risk", "1" if quick else "2",
               "--output-dir", str(out), "--disable-coloring", "--timeout", "30", "--retries", "1"]
    if data is not None:
        command += ["--data", data, "--csrf-token", "csrf_token", "--csrf-url", app.base + path]
    if who is not None:
        command += ["--cookie", session_cookie(app.base, who, passwords[who])]
        # The session is the scan's: its token is not a parameter to attack, and no redirect is followed.
        command += ["--skip", "csrf_token", "--ignore-redirects"]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=3600)
    log = "\n".join(p.read_text(errors="replace") for p in out.rglob("log") if p.is_file())
    hits = sqlmap_findings(log, name)
    tested = len(re.findall(r"testing '", done.stdout))
    line = (f"sqlmap {name} ({who or 'anonymous'}): {tested} tests, {len(hits)} injectable parameters, "
            f"{time.monotonic() - started:.0f} s")
    critical = [row for row in done.stdout.splitlines() if "CRITICAL" in row]
    if critical and not hits:
        line += f" (sqlmap said: {critical[-1][:160]})"
    return hits, line


def _in_parallel(jobs, workers: int) -> list:
    """Run the callables a few at a time (the tools wait on the server most of the time)."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda job: job(), jobs))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="casework-scan", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs (wapiti 60 s, sqlmap level 1)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (reports, server log)")
    parser.add_argument("--only", choices=("sqlmap", "wapiti"), help="run one tool (to re-check a fix)")
    parser.add_argument("--roles", nargs="*", default=list(ROLES), help="wapiti's roles (default: all)")
    options = parser.parse_args(argv)
    for tool in ("wapiti", "sqlmap"):
        if not (TOOLS / tool).exists():
            raise SystemExit(f"{TOOLS / tool} is missing: run `make scan`, which installs the tools")
    workdir = Path(tempfile.mkdtemp(prefix="casework-scan-"))
    summary = Summary()
    app = App(workdir)
    try:
        passwords = app.prepare()
        app.start()
        jobs = [] if options.only == "wapiti" else [
            lambda t=t: sqlmap_target(app, passwords, workdir, options.quick, t) for t in SQLMAP_TARGETS]
        roles = [] if options.only == "sqlmap" else [who for who in ROLES if who in options.roles]
        # wapiti as an administrator last: its attacks edit users, which the other roles' sessions rely on.
        jobs += [lambda who=who: run_wapiti(app, who, passwords[who], workdir, options.quick)
                 for who in roles if who != "admin"]
        results = _in_parallel(jobs, workers=4)
        if "admin" in roles:
            results += [run_wapiti(app, "admin", passwords["admin"], workdir, options.quick)]
        for found, line in results:
            summary.findings += found
            summary.lines.append(line)
        errors = app.server_errors()
        summary.server_errors = len(errors)
    finally:
        app.stop()
    print("\n".join(summary.lines))
    for category, why in EXPECTED_ON_PLAIN_HTTP.items():
        print(f"not counted: {category}: {why}")
    for finding in summary.findings:
        print(f"FINDING {finding.tool} ({finding.who}): {finding.what} {finding.where}")
    if summary.server_errors:
        print(f"{summary.server_errors} server errors (5xx or tracebacks) in {workdir / 'server.log'}")
    print("scan clean" if summary.clean else "scan FAILED")
    if summary.clean and not options.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"reports and server log kept in {workdir}")
    return 0 if summary.clean else 1


if __name__ == "__main__":
    sys.exit(main())
