"""`make load`: 50 users at once on gunicorn + PostgreSQL, then again during a wrong-password flood.

A throwaway database (created, filled and dropped by the run) holds the demo office and a
synthetic caseload. Fifty simulated users, each with a session of their own, browse the case
list, open cases, search, list grants and (the supervisors) approve submitted grants, for a
fixed time; then the same again while other clients post wrong passwords as fast as they can.
Latency p50/p95/p99 and errors are reported per kind of request and written to
load-results.json. Only 127.0.0.1 is used.

`python -m tools.loadrun [--users 50] [--seconds 60] [--cases 20000] [--database-url URL]`
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/casework_load"
PASSWORD = "load run passphrase 2026"
SEARCHES = ("Petrović", "Hadžić Emir", "Jovanović", "Krasniqi", "1980", "Stojanović Dragan")


def _percentile(samples: list[float], share: float) -> float | None:
    if not samples:
        return None
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))], 1)


class Tally:
    """Latencies and errors per kind of request, from many threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.refused: dict[str, int] = {}

    def add(self, kind: str, seconds: float, status: int, refused_ok=()):
        with self.lock:
            self.times.setdefault(kind, []).append(seconds * 1000)
            if status >= 500 or status == 0:
                self.errors[kind] = self.errors.get(kind, 0) + 1
            elif status in refused_ok:
                self.refused[kind] = self.refused.get(kind, 0) + 1

    def report(self) -> dict:
        out = {}
        for kind, samples in sorted(self.times.items()):
            out[kind] = {"requests": len(samples), "p50_ms": _percentile(samples, 0.5),
                         "p95_ms": _percentile(samples, 0.95), "p99_ms": _percentile(samples, 0.99),
                         "errors": self.errors.get(kind, 0), "refused": self.refused.get(kind, 0)}
        every = [s for kind, samples in self.times.items() if kind != "flood" for s in samples]
        out["all_users"] = {"requests": len(every), "p95_ms": _percentile(every, 0.95),
                            "p99_ms": _percentile(every, 0.99),
                            "errors": sum(n for kind, n in self.errors.items() if kind != "flood")}
        return out


def prepare(url: str, workdir: Path, users: int, cases: int, say) -> dict:
    """A fresh database: schema, demo office, synthetic cases, load users, submitted grants."""
    from flask_migrate import upgrade

    from casework import create_app
    from casework.extensions import db

    target = make_url(url)
    if target.get_backend_name() == "postgresql":
        server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
        server.dispose()
    os.environ["CASEWORK_INSTANCE_PATH"] = str(workdir / "instance")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        from sqlalchemy import select

        from casework.auth.models import Role
        from casework.auth.services import create_user
        from casework.cases.models import Case, CaseStatus
        from casework.demo.data import load_demo
        from casework.demo.synth import synthesize
        from casework.grants import services as grants
        from casework.programmes.models import Programme

        upgrade()
        load_demo(app.instance_path)
        db.session.commit()
        if cases:
            say(f"synthetic caseload: {cases:,} cases")
            synthesize(cases, seed=3)
            db.session.commit()
        programmes = db.session.scalars(select(Programme)).all()
        names = {"caseworker": [], "supervisor": []}
        for i in range(users):
            role = Role.SUPERVISOR if i % 5 == 0 else Role.CASEWORKER
            user = create_user(f"load{i:02d}", role, PASSWORD, programmes=programmes)
            names[role.value].append(user.username)
        db.session.commit()
        # Submitted grants for the supervisors to approve, proposed by a caseworker who is not one of them.
        office = db.session.scalars(select(Programme).where(Programme.decision_authority == "office")).first()
        proposer = create_user("load.proposer", Role.CASEWORKER, PASSWORD, programmes=programmes)
        case_ids = db.session.scalars(select(Case.id).where(Case.programme_id == office.id,
                                                            Case.status.not_in([CaseStatus.CLOSED, CaseStatus.WITHDRAWN]))
                                      .limit(min(400, 20 * users))).all()
        grant_ids = []
        for n, case_id in enumerate(case_ids * 3):
            grant = grants.create_grant(db.session.get(Case, case_id), {
                "category": "business", "person_id": None, "plan": "Load run: a small shop.",
                "requested_amount": str(100 + n % 50)}, actor=proposer)
            grants.submit_grant(grant, actor=proposer)
            grant_ids.append(grant.id)
        db.session.commit()
        case_ids = db.session.scalars(select(Case.id).order_by(Case.id.desc()).limit(2000)).all()
        db.session.remove()
        db.engine.dispose()
    return {"users": names, "grants": grant_ids, "cases": case_ids}


def run_phase(base: str, data: dict, users: int, seconds: float, flood: bool, say) -> dict:
    from tools.http_client import Visitor

    tally, stop = Tally(), threading.Event()
    grants = list(data["grants"])
    random.Random(5).shuffle(grants)
    grant_lock = threading.Lock()

    def next_grant():
        with grant_lock:
            return grants.pop() if grants else None

    visitors = []
    for name in data["users"]["caseworker"] + data["users"]["supervisor"]:
        visitors.append((name in data["users"]["supervisor"], Visitor(base).login(name, PASSWORD)))
    visitors = visitors[:users]

    def worker(is_supervisor, visitor, seed):
        rng = random.Random(seed)
        while not stop.is_set():
            roll = rng.random()
            if is_supervisor and roll < 0.3:
                grant_id = next_grant()
                if grant_id is None:
                    continue
                started = time.perf_counter()
                try:
                    status, _location, html = visitor.request(f"/grants/{grant_id}/decide")
                    version = re.search(r'name="version" type="hidden" value="(\d+)"', html)
                    if status == 200 and version:
                        status = visitor.request(f"/grants/{grant_id}/decide", {
                            "outcome": "approved", "version": version.group(1), "reason": ""})[0]
                except (urllib.error.URLError, OSError):
                    status = 0
                tally.add("approve", time.perf_counter() - started, status)
                continue
            if roll < 0.35:
                kind, path = "case_list", rng.choice(["/cases/", "/cases/?sort=reference", "/cases/?status=closed"])
            elif roll < 0.6:
                kind, path = "case_page", f"/cases/{rng.choice(data['cases'])}"
            elif roll < 0.8:
                kind, path = "search", "/cases/?q=" + urllib.parse.quote(rng.choice(SEARCHES))
            elif roll < 0.95:
                kind, path = "grant_list", rng.choice(["/grants/", "/grants/?status=submitted"])
            else:
                kind, path = "dashboard", "/dashboard"
            started = time.perf_counter()
            try:
                status = visitor.request(path)[0]
            except (urllib.error.URLError, OSError):
                status = 0
            tally.add(kind, time.perf_counter() - started, status)

    def flooder(seed):
        rng = random.Random(seed)
        visitor = Visitor(base)
        while not stop.is_set():
            started = time.perf_counter()
            try:
                visitor.fetch_token()
                status = visitor.request("/login", {"username": rng.choice(["caseworker", "admin", "nobody"]),
                                                    "password": f"wrong-{rng.random()}"})[0]
            except (urllib.error.URLError, OSError):
                status = 0
            tally.add("flood", time.perf_counter() - started, status, refused_ok=(200, 429))

    threads = [threading.Thread(target=worker, args=(sup, v, i)) for i, (sup, v) in enumerate(visitors)]
    if flood:
        threads += [threading.Thread(target=flooder, args=(1000 + i,)) for i in range(5)]
    say(f"{len(visitors)} users for {seconds:.0f} s" + (" with a wrong-password flood" if flood else ""))
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(timeout=120)
    return tally.report()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="casework-load", description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--cases", type=int, default=20_000, help="synthetic cases besides the demo office")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--database-url", default=os.environ.get("CASEWORK_LOAD_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--output", default=str(ROOT / "load-results.json"))
    options = parser.parse_args(argv)

    def say(line):
        if sys.stderr.isatty():
            print(line, file=sys.stderr, flush=True)

    from tools.http_client import Server

    workdir = Path(tempfile.mkdtemp(prefix="casework-load-"))
    data = prepare(options.database_url, workdir, max(options.users, 5), options.cases, say)
    server = Server(options.database_url, workdir, workers=options.workers)
    server.start()
    try:
        results = {"users": options.users, "seconds": options.seconds, "workers": options.workers,
                   "database": make_url(options.database_url).get_backend_name(),
                   "browsing": run_phase(server.base, data, options.users, options.seconds, False, say),
                   "during_flood": run_phase(server.base, data, options.users, options.seconds, True, say)}
    finally:
        server.stop()
    results["server_errors"] = len(server.server_errors())
    Path(options.output).write_text(json.dumps(results, indent=2) + "\n")
    for phase in ("browsing", "during_flood"):
        print(f"== {phase}")
        for kind, row in results[phase].items():
            print(f"  {kind:<12} {row['requests']:>7} requests  p95 {row['p95_ms']} ms  p99 {row['p99_ms']} ms  "
                  f"errors {row['errors']}" + (f"  refused {row['refused']}" if row.get("refused") else ""))
    print(f"server errors in the log: {results['server_errors']}; written to {options.output}")
    ok = results["server_errors"] == 0 and all(results[p]["all_users"]["errors"] == 0
                                               for p in ("browsing", "during_flood"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
