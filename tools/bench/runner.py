"""Running the registered measurements on each database and reporting them."""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event

from tools.bench import MEASUREMENTS, NotAvailable

ROOT = Path(__file__).resolve().parent.parent.parent
BENCH_PASSWORD = "benchmark password 2002"
# The yardstick of every ratio: a real, cheap logged-in page of the product (the layout, the
# user and their programmes).
TRIVIAL_URL = "/account"


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


class Bench:
    """What a measurement gets: the app (context pushed), a logged-in client and helpers."""

    def __init__(self, app, url: str, scale: int, options):
        self.app = app
        self.url = url
        self.scale = scale
        self.options = options
        self.dialect = "postgresql" if url.startswith("postgresql") else "sqlite"
        self.statements = 0
        from casework.extensions import db

        event.listen(db.engine, "before_cursor_execute", self._count)
        # One logged-in client per user whose pages are measured: the supervisor (every programme)
        # and a caseworker with a heavy caseload.
        self.clients = {"supervisor": self._login("bench.supervisor", "SUPERVISOR"),
                        "caseworker": self._login("bench.caseworker", "CASEWORKER")}
        self.client = self.clients["supervisor"]

    def _count(self, *args, **kwargs):
        self.statements += 1

    def _login(self, username: str, role: str):
        from sqlalchemy import select

        from casework.auth.models import Role, User
        from casework.auth.services import create_user, set_password
        from casework.extensions import db
        from casework.programmes.models import Programme

        user = db.session.scalar(select(User).where(User.username == username))
        programmes = db.session.scalars(select(Programme)).all()
        if user is None:
            user = create_user(username, Role[role], BENCH_PASSWORD, full_name=username.replace(".", " ").title(),
                               programmes=programmes)
        else:
            set_password(user, BENCH_PASSWORD)
            user.programmes = programmes
        db.session.commit()
        client = self.app.test_client()
        from flask import g

        for key in list(g):  # the app context outlives requests: no earlier login may carry over
            g.pop(key)
        response = client.post("/login", data={"username": username, "password": BENCH_PASSWORD})
        assert response.status_code in (302, 303), "benchmark login failed"
        return client

    def get(self, url: str, user: str = "supervisor"):
        # Each request as in production: an empty `g` (so the user is loaded) and a new session.
        from flask import g

        from casework.extensions import db

        for key in list(g):
            g.pop(key)
        db.session.remove()
        response = self.clients[user].get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} as {user} answered {response.status_code} {response.headers.get('Location', '')}")
        response.get_data()
        # The request ran in the benchmark's own application context, whose end would have ended the
        # request's database session in production: end it the same way.
        self.app.do_teardown_appcontext()
        return response

    def timed(self, url: str, runs: int, warm: bool = True, user: str = "supervisor") -> list[float]:
        if warm:
            self.get(url, user)  # warm caches once
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            self.get(url, user)
            samples.append((time.perf_counter() - started) * 1000)
        return samples

    def queries(self, url: str, user: str = "supervisor") -> int:
        self.get(url, user)
        before = self.statements
        self.get(url, user)
        return self.statements - before

    @contextmanager
    def config(self, **values):
        old = {k: self.app.config.get(k) for k in values}
        self.app.config.update(values)
        try:
            yield
        finally:
            self.app.config.update(old)


def median_time(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def run_database(label: str, url: str, options, say) -> dict:
    from casework.extensions import db
    from tools.bench.build import ensure_database

    instance = Path(options.cache_dir) / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    app = ensure_database(url, options.scale, options.seed, instance, say=say)
    results: dict = {"scale_cases": options.scale}
    with app.app_context():
        from sqlalchemy import func, select

        from casework.cases.models import Person

        results["scale_persons"] = db.session.scalar(select(func.count()).select_from(Person))
        bench = Bench(app, url, options.scale, options)
        for name, fn in MEASUREMENTS:
            if options.only and name not in options.only:
                continue
            say(f"[{label}] {name} ...")
            try:
                results.update(fn(bench))
            except NotAvailable as reason:
                results[name] = str(reason)
            finally:
                db.session.rollback()
        db.session.remove()
        db.engine.dispose()
    return results


def print_table(all_results: dict, out=None) -> None:
    out = out or sys.stdout
    labels = list(all_results)
    keys = []
    for results in all_results.values():
        keys += [k for k in results if k not in keys]
    width = max(len(k) for k in keys) + 2
    out.write("".ljust(width) + "".join(label.ljust(28) for label in labels) + "\n")
    for key in keys:
        cells = []
        for label in labels:
            value = all_results[label].get(key, "")
            if isinstance(value, float):
                value = f"{value:,.2f}"
            elif isinstance(value, (dict, list)):
                value = json.dumps(value)
            cells.append(str(value).ljust(28))
        out.write(key.ljust(width) + "".join(cells) + "\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="casework-bench", description="Benchmark every hot path at scale.")
    parser.add_argument("--scale", type=int, default=int(os.environ.get("SCALE", "400000")))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20, help="requests per timed page")
    parser.add_argument("--cache-dir", default=str(ROOT / ".bench-cache"))
    parser.add_argument("--output", default=str(ROOT / "bench-results.json"))
    parser.add_argument("--only", nargs="*", help="run only these measurements")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    options = parser.parse_args(argv)
    import tools.bench.measures  # noqa: F401  (registers the built-in measurements)

    def say(text):  # progress lines on a terminal only
        if sys.stderr.isatty():
            print(text, file=sys.stderr, flush=True)

    from tools.bench.build import sqlite_url

    Path(options.cache_dir).mkdir(parents=True, exist_ok=True)
    databases = {} if options.no_sqlite else {"sqlite": sqlite_url(Path(options.cache_dir), options.scale, options.seed)}
    pg = os.environ.get("CASEWORK_BENCH_DATABASE_URL")
    if pg and not options.no_postgres:
        databases["postgresql"] = pg
    all_results = {label: run_database(label, url, options, say) for label, url in databases.items()}
    print_table(all_results)
    Path(options.output).write_text(json.dumps(all_results, indent=2, default=str) + "\n")
    print(f"written to {options.output}")
    return 0
