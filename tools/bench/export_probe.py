"""Peak memory of one case-list export, in a fresh process: `python -m tools.bench.export_probe URL FORMAT`."""
from __future__ import annotations

import json
import resource
import sys
import time

from casework import create_app
from tools.bench.runner import BENCH_PASSWORD


def _peak_kb() -> int:
    """This process's peak resident memory. VmHWM, not ru_maxrss: ru_maxrss keeps the parent's
    peak across fork and exec, which would measure the benchmark, not the export."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(url: str, fmt: str) -> None:
    from werkzeug.test import EnvironBuilder

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.post("/login", data={"username": "bench.supervisor", "password": BENCH_PASSWORD})
    cookie = client.get_cookie("session")
    # Straight through WSGI, as a server would: the body is consumed chunk by chunk.
    environ = EnvironBuilder(path="/cases/export", query_string={"format": fmt},
                             headers={"Cookie": f"session={cookie.value}"}).get_environ()
    status = []
    started = time.perf_counter()
    body = app(environ, lambda s, headers, exc_info=None: status.append(s))
    size = lines = 0
    try:
        for chunk in body:
            size += len(chunk)
            lines += chunk.count(b"\n")
    finally:
        getattr(body, "close", lambda: None)()
    seconds = time.perf_counter() - started
    assert status and status[0].startswith("200"), status
    peak_kb = _peak_kb()
    print(json.dumps({"peak_mb": round(peak_kb / 1024, 1), "bytes": size,
                      "rows": lines - 1 if fmt == "csv" else None, "seconds": round(seconds, 1)}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
