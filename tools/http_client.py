"""The app served by gunicorn on 127.0.0.1, and a scripted browser for it: what the load run,
the security scan and the real-server tests drive the application with."""
from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# How long a starting gunicorn may take to answer: its workers import the whole application, which
# takes long on a loaded machine.
STARTUP_WAIT = 180
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')


def wait_until_answering(url: str, process: subprocess.Popen, log: Path) -> None:
    """Wait until a starting server answers `url`; raise with the end of its log when it stops or
    has not answered within STARTUP_WAIT seconds."""
    deadline = time.monotonic() + STARTUP_WAIT
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("the server stopped: " + log.read_text(errors="replace")[-2000:]) from None
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {STARTUP_WAIT} s: "
                       + log.read_text(errors="replace")[-2000:])


def csrf_token(html: str) -> str | None:
    """The CSRF token of the first form on a page, whatever the order of its attributes."""
    found = CSRF.search(html)
    value = re.search(r'value="([^"]+)"', found.group(0)) if found else None
    return value.group(1) if value else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving wsgi:app on 127.0.0.1 over `url`, in a process group of its own (so a
    kill reaches every worker), with its own pid file and no control socket (several instances
    may run as one user). Its log (with an access log) is `workdir`/server.log."""

    def __init__(self, url: str, workdir: Path, workers: int = 4, env: dict | None = None):
        self.workdir, self.workers = Path(workdir), workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "CASEWORK_DATABASE_URL": url, "CASEWORK_INSTANCE_PATH": str(self.workdir / "instance"),
                    "CASEWORK_SECRET_KEY": os.environ.get("CASEWORK_SECRET_KEY", "served-for-a-run"), **(env or {})}
        self.process = None
        self.log = self.workdir / "server.log"

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).with_name("gunicorn")), "--workers", str(self.workers),
                 "--bind", f"127.0.0.1:{self.port}", "--pid", str(self.workdir / "gunicorn.pid"),
                 "--no-control-socket", "--access-logfile", "-", "--timeout", "120", "wsgi:app"],
                cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True)
        wait_until_answering(self.base + "/login", self.process, self.log)

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=60)
        self.process = None

    def server_errors(self) -> list[str]:
        """Access-log lines of answers 500 and above, and tracebacks."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return [line for line in text.splitlines() if re.search(r'" 5\d\d ', line) or "Traceback" in line]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """One browser: its own cookies, redirects not followed, the session's CSRF token sent with forms."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.token = None

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        """(status, Location, body) of a GET, or of a POST of `data` with the CSRF token."""
        body = urllib.parse.urlencode({**data, "csrf_token": self.token or ""}).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode(errors="replace")

    def fetch_token(self, path: str = "/login") -> None:
        self.token = csrf_token(self.request(path)[2])

    def login(self, username: str, password: str) -> Visitor:
        self.fetch_token()
        status, location, _ = self.request("/login", {"username": username, "password": password})
        if status != 302 or "login" in location:
            raise RuntimeError(f"{username} could not log in ({status})")
        self.fetch_token("/dashboard")  # a new session at login, and so a new token
        return self

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)
