"""Peak memory of one case-list export, in a fresh process: `python -m casework.bench.export_probe URL FORMAT`."""
from __future__ import annotations

import json
import resource
import sys
import time

from casework import create_app
from casework.bench.runner import BENCH_PASSWORD


def main(url: str, fmt: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    with app.app_context():
        client.post("/login", data={"username": "bench.supervisor", "password": BENCH_PASSWORD})
        started = time.perf_counter()
        response = client.get(f"/cases/export?format={fmt}", buffered=False)
        assert response.status_code == 200, response.status_code
        size = lines = 0
        for chunk in response.response:
            size += len(chunk)
            lines += chunk.count(b"\n")
        response.close()
        seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peak_mb": round(peak_kb / 1024, 1), "bytes": size,
                      "rows": lines - 1 if fmt == "csv" else None, "seconds": round(seconds, 1)}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
