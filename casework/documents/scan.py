"""Virus scanning through clamd's INSTREAM command, when CASEWORK_CLAMD is configured.

CASEWORK_CLAMD is ``unix:/run/clamav/clamd.ctl`` or ``tcp:127.0.0.1:3310``. A configured scanner
that cannot be reached, times out or answers anything but a clean verdict refuses the file:
the scan fails closed.
"""
from __future__ import annotations

import socket
import struct
from collections.abc import Iterable

CHUNK = 256 * 1024


class ScanUnavailable(Exception):
    """The scanner is configured but gave no verdict (down, timed out, or reported an error)."""


class InfectedFile(Exception):
    def __init__(self, signature: str):
        super().__init__(signature)
        self.signature = signature


def _connect(address: str, timeout: float) -> socket.socket:
    kind, _, where = address.partition(":")
    try:
        if kind == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(where)
        elif kind == "tcp":
            host, _, port = where.rpartition(":")
            sock = socket.create_connection((host, int(port)), timeout=timeout)
        else:
            raise ScanUnavailable(f"CASEWORK_CLAMD must start with unix: or tcp:, not {address!r}")
    except (OSError, ValueError) as error:
        raise ScanUnavailable(f"clamd at {address} is unreachable: {error}") from None
    return sock


def scan(address: str, chunks: Iterable[bytes], timeout: float = 30.0) -> None:
    """Send the content to clamd; return if clean, raise InfectedFile or ScanUnavailable."""
    sock = _connect(address, timeout)
    try:
        sock.sendall(b"zINSTREAM\0")
        for chunk in chunks:
            for start in range(0, len(chunk), CHUNK):
                piece = chunk[start:start + CHUNK]
                sock.sendall(struct.pack("!L", len(piece)) + piece)
        sock.sendall(struct.pack("!L", 0))
        reply = b""
        while not reply.endswith(b"\0"):
            data = sock.recv(4096)
            if not data:
                break
            reply += data
    except OSError as error:
        raise ScanUnavailable(f"clamd at {address} failed during the scan: {error}") from None
    finally:
        sock.close()
    verdict = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if verdict.endswith("FOUND"):
        raise InfectedFile(verdict.removeprefix("stream:").removesuffix("FOUND").strip())
    if verdict != "stream: OK":
        raise ScanUnavailable(f"clamd gave no verdict: {verdict[:200]!r}")


def ping(address: str, timeout: float = 5.0) -> bool:
    try:
        sock = _connect(address, timeout)
    except ScanUnavailable:
        return False
    try:
        sock.sendall(b"zPING\0")
        return sock.recv(16).startswith(b"PONG")
    except OSError:
        return False
    finally:
        sock.close()
