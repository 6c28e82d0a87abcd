"""Search speed at scale: p95 of the case-list search against a trivial query on the same database.

`measure_search(app)` is what `make bench` calls; `python -m tools.search_bench [--runs N]` prints
the same figures as JSON for the database the application is configured with
(CASEWORK_DATABASE_URL).
"""
from __future__ import annotations

import argparse
import json
import random
import time
from types import SimpleNamespace

from sqlalchemy import func, select, text

from casework.auth.models import Role
from casework.cases.models import Case, Person
from casework.cases.queries import NAME_SORT, CaseFilters
from casework.extensions import db
from casework.programmes.models import Programme
from casework.search.services import search_cases

# What caseworkers type: family names in either script and with or without diacritics, full names,
# name beginnings, references and dates of birth.
NAME_QUERIES = ["Djordjevic", "Ђорђевић", "ĐORĐEVIĆ", "Ljubic", "Secerovic", "Hadzic Emir", "Emir Hadzic",
                "Petrovic Marko", "Jovanovic Jelena", "Krasniqi Arben", "Stojanović Dragan", "Salihovic",
                "Mitrovic Zoran", "Živković Nataša", "jova", "Pavl", "Hodžić Aida", "Berisha Besa"]


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def queries(seed: int = 7) -> list[str]:
    """Name queries plus a few references and birth dates that exist in the database."""
    rng = random.Random(seed)
    max_case = db.session.scalar(select(func.max(Case.id))) or 0
    extra = []
    for _ in range(4):
        case = db.session.get(Case, rng.randint(1, max_case)) if max_case else None
        if case is not None:
            extra.append(case.reference)
            person = case.persons[0] if case.persons else None
            if person is not None and person.birth_date is not None:
                extra.append(person.birth_date.strftime("%d.%m.%Y"))
    return NAME_QUERIES + extra


def measure_search(app, runs: int = 3, per_page: int = 50) -> dict:
    """search_p95_ms: p95 of one page of search results (all programmes' caseworker scope);
    search_vs_trivial: that p95 over the p95 of fetching one case by primary key."""
    with app.app_context():
        user = SimpleNamespace(role=Role.SUPERVISOR, programmes=db.session.scalars(select(Programme)).all())
        texts = queries()
        persons = db.session.scalar(select(func.count()).select_from(Person))
        db.session.execute(text("SELECT 1"))
        for q in texts:  # warm the cache once, as a running server would be
            search_cases(user, q, CaseFilters(sort=NAME_SORT), per_page=per_page)
        samples = []
        for q in texts:
            samples += _timed(lambda q=q: search_cases(user, q, CaseFilters(sort=NAME_SORT), per_page=per_page), runs)
        max_case = db.session.scalar(select(func.max(Case.id))) or 1
        trivial = _timed(lambda: db.session.execute(select(Case).where(Case.id == max_case // 2)).all(),
                         runs * len(texts))
        db.session.rollback()
    search_p95 = _percentile(samples, 0.95)
    trivial_p95 = max(_percentile(trivial, 0.95), 0.001)
    return {"persons": persons, "queries": len(samples), "search_p95_ms": round(search_p95, 1),
            "search_median_ms": round(_percentile(samples, 0.5), 1),
            "search_vs_trivial": round(search_p95 / trivial_p95, 1)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="search-bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timings per query")
    options = parser.parse_args(argv)
    if options.runs < 1:
        parser.error("--runs must be at least 1")
    from casework import create_app

    print(json.dumps(measure_search(create_app(), runs=options.runs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
