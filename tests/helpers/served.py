"""gunicorn serving the repository's wsgi:app with its own gunicorn.conf.py, and a small browser."""
from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from tools.http_client import free_port, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]


class Gunicorn:
    """The deployed settings (gunicorn.conf.py: default 30 s timeout, path-only access log) with
    `workers` workers on a free port; its whole output goes to `log`."""

    def __init__(self, database_url: str, workdir: Path, workers: int = 2):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = Path(workdir) / "gunicorn.log"
        self.env = {**os.environ, "CASEWORK_DATABASE_URL": database_url,
                    "CASEWORK_INSTANCE_PATH": str(Path(workdir) / "instance"), "CASEWORK_SECRET_KEY": "served"}
        self.args = [str(Path(sys.executable).with_name("gunicorn")), "--workers", str(workers),
                     "--bind", f"127.0.0.1:{self.port}", "--pid", str(Path(workdir) / "gunicorn.pid"),
                     "--no-control-socket", "wsgi:app"]
        self.process = None

    def __enter__(self):
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=log, stderr=log,
                                            start_new_session=True)
        wait_until_answering(self.base + "/login", self.process, self.log)
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=60)

    def workers(self) -> set[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return {int(pid) for pid in children}

    def peak_memory_mb(self) -> float:
        """The largest peak resident size (VmHWM) of any worker, in MB."""
        peaks = []
        for pid in self.workers():
            status = Path(f"/proc/{pid}/status").read_text()
            peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
        return max(peaks)

    def text(self) -> str:
        return self.log.read_text(errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())
        self.token = ""

    def _open(self, path, body=None, headers=None, timeout=120):
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def _remember_token(self, html: str) -> None:
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        if found:
            self.token = found.group(1)

    def get(self, path):
        status, html = self._open(path)
        self._remember_token(html)
        return status, html

    def post(self, path, fields: dict):
        body = urllib.parse.urlencode({**fields, "csrf_token": self.token}).encode()
        return self._open(path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def upload(self, path, fields: dict, file_name: str, data: bytes):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in {**fields, "csrf_token": self.token}.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
                     "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self._open(path, b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def login(self, username: str, password: str) -> None:
        self.get("/login")
        status, _ = self.post("/login", {"username": username, "password": password})
        assert status == 302, f"{username} could not log in ({status})"
