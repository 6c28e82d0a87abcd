"""Fixtures for the document tests: one real clamd and one local S3 server (moto's server mode on
127.0.0.1) per test session, and every document test run on both storage backends."""
from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import time

import pytest

from tests.conftest import REQUIRE_BROWSER

CLAMD = shutil.which("clamd") or "/usr/sbin/clamd"
REQUIRE_SERVICES = REQUIRE_BROWSER or os.environ.get("CI") == "true"
# The EICAR test file: harmless, and detected by every scanner as if it were a virus.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML_AS_PDF = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def gps_jpeg(size=(800, 600)) -> bytes:
    """A photo carrying its camera, a comment and the GPS position of where it was taken."""
    from PIL import Image

    image = Image.new("RGB", size, (40, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "Casework Test Camera"  # Make
    exif[0x8825] = {1: "N", 2: (44.0, 49.0, 12.5), 3: "E", 4: (20.0, 27.0, 33.1)}  # GPSInfo: Belgrade
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"taken at the returnee's home")
    return out.getvalue()


def png(size=(300, 200)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", size, (200, 30, 30, 128)).save(out, format="PNG")
    return out.getvalue()


def _needed(what: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required for the document tests (CI=true or CASEWORK_REQUIRE_BROWSER=1)")
    pytest.skip(f"{what} is missing")


@pytest.fixture(scope="session")
def clamd(tmp_path_factory):
    """A clamd of the session's own, on a Unix socket, with one local signature: EICAR's."""
    if not os.path.exists(CLAMD):
        _needed("clamd (Debian's clamav-daemon)")
    from casework.documents.scan import ping

    home = tmp_path_factory.mktemp("clamd")
    (home / "db").mkdir()
    (home / "db" / "casework-test.ndb").write_text(f"Casework.Test.EICAR:0:*:{EICAR.hex()}\n")
    sock = home / "clamd.sock"
    (home / "clamd.conf").write_text(
        f"LocalSocket {sock}\nDatabaseDirectory {home / 'db'}\nForeground yes\nLogFile {home / 'clamd.log'}\n")
    process = subprocess.Popen([CLAMD, "-c", str(home / "clamd.conf")], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    address = f"unix:{sock}"
    for _ in range(300):
        if ping(address):
            break
        if process.poll() is not None:
            break
        time.sleep(0.1)
    else:
        process.terminate()
    if not ping(address):
        process.kill()
        log = (home / "clamd.log").read_text() if (home / "clamd.log").exists() else ""
        pytest.fail(f"clamd did not start: {log[-500:]}")
    yield address
    process.terminate()
    process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server on 127.0.0.1 with one bucket; its settings as environment variables."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    settings = {"CASEWORK_DOCUMENT_STORAGE": "s3", "CASEWORK_S3_URL": f"http://127.0.0.1:{port}/casework-documents",
                "CASEWORK_S3_ACCESS_KEY": "test-access-key", "CASEWORK_S3_SECRET_KEY": "test-secret-key",
                "CASEWORK_S3_REGION": "us-east-1"}
    boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                 aws_access_key_id="test-access-key", aws_secret_access_key="test-secret-key",
                 ).create_bucket(Bucket="casework-documents")
    yield settings
    server.stop()


# The object store is exercised in the SQLite pass; the database backend in both passes.
@pytest.fixture(params=["database", pytest.param("s3", marks=pytest.mark.database_independent)])
def backend(request):
    return request.param


@pytest.fixture(autouse=True)
def _document_settings(request, monkeypatch, clamd, backend):
    """Set before any app of the test is created: the real clamd, and the backend under test."""
    monkeypatch.setenv("CASEWORK_CLAMD", clamd)
    if backend == "s3":
        for key, value in request.getfixturevalue("s3_server").items():
            monkeypatch.setenv(key, value)
    else:
        monkeypatch.delenv("CASEWORK_DOCUMENT_STORAGE", raising=False)
