"""The built-in measurements: case list, queries per page, import, export, reports, search."""
from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime

from sqlalchemy import func, select, text

from tools.bench import NotAvailable, measurement
from tools.bench.runner import ROOT, TRIVIAL_URL, median_time, p95


def _late_page(bench) -> int:
    per_page = bench.app.config["CASES_PER_PAGE"]
    return max(2, min(1000, bench.scale // per_page * 4 // 5))


def case_list_urls(bench) -> dict[str, str]:
    """The case list as users reach it: the first page, a late page by following "Next" (its
    keyset cursor) and a filtered page."""
    return {
        "first": "/cases/",
        "late": _late_page_url(bench),
        "filtered": "/cases/?programme=SYN-DE&status=closed&municipality=Ni%C5%A1&sort=arrival_desc",
    }


def _late_page_url(bench) -> str:
    from casework.auth.models import User
    from casework.cases.queries import CaseFilters, case_list
    from casework.extensions import db

    user = db.session.scalar(select(User).where(User.username == "bench.supervisor"))
    number = _late_page(bench)
    before = case_list(user, CaseFilters(), page=number - 1, per_page=bench.app.config["CASES_PER_PAGE"])
    db.session.remove()
    return f"/cases/?page={number}&after={before.last.encode()}"


def _timed_pages(bench, urls: dict[str, str]) -> tuple[list[float], dict[str, float]]:
    """Every page's timings together, and each page's p95."""
    samples, per_url = [], {}
    for name, url in urls.items():
        timings = bench.timed(url, bench.options.runs)
        per_url[name] = round(p95(timings), 1)
        samples += timings
    return samples, per_url


@measurement("case_list")
def case_list(bench) -> dict:
    runs = bench.options.runs
    samples, per_url = _timed_pages(bench, case_list_urls(bench))
    # Typing a late page's number skips rows through the index: reported, not part of the ratio.
    late_by_number = bench.timed(f"/cases/?page={_late_page(bench)}", runs)
    trivial = bench.timed(TRIVIAL_URL, runs * 3)
    list_p95, trivial_p95 = p95(samples), p95(trivial)
    return {"case_list_p95_ms": round(list_p95, 1), "case_list_p95_ms_by_page": per_url,
            "case_list_late_page_by_number_p95_ms": round(p95(late_by_number), 1),
            "trivial_page_p95_ms": round(trivial_p95, 1),
            "case_list_vs_trivial": round(list_p95 / trivial_p95, 2)}


def grant_list_urls(bench) -> dict[str, str]:
    """The grant list: first page, a late page reached by "Next", one status."""
    from casework.extensions import db
    from casework.grants.models import Grant

    ids = db.session.scalars(select(Grant.id).order_by(Grant.created_at.desc(), Grant.id.desc())
                             .offset(min(50_000, bench.scale // 10)).limit(1)).all()
    db.session.remove()
    late = f"/grants/?page=1000&after={ids[0]}" if ids else "/grants/?page=2"
    return {"first": "/grants/", "late": late, "filtered": "/grants/?status=approved&programme=SYN-CH"}


@measurement("grant_list")
def grant_list(bench) -> dict:
    runs = bench.options.runs
    samples, per_url = _timed_pages(bench, grant_list_urls(bench))
    trivial = bench.timed(TRIVIAL_URL, runs * 3)
    return {"grant_list_p95_ms": round(p95(samples), 1), "grant_list_p95_ms_by_page": per_url,
            "grant_list_vs_trivial": round(p95(samples) / p95(trivial), 2),
            "decision_queue_p95_ms": round(p95(bench.timed("/grants/queue", runs)), 1)}


def _case_with_family(size: int):
    """An open case of `size` members with no visits or surveys yet: two such cases differ only in
    their families, so their pages' statements can be compared."""
    from casework.cases.models import Case, CaseStatus, Person
    from casework.extensions import db
    from casework.monitoring.models import MonitoringVisit
    from casework.surveys.models import SurveyResponse

    return db.session.scalar(
        select(Person.case_id).join(Case, Case.id == Person.case_id)
        .where(Case.status != CaseStatus.CLOSED,
               ~select(MonitoringVisit.id).where(MonitoringVisit.case_id == Person.case_id).exists(),
               ~select(SurveyResponse.id).where(SurveyResponse.case_id == Person.case_id).exists())
        .group_by(Person.case_id).having(func.count() == size).limit(1))


@measurement("queries_per_page")
def queries_per_page(bench) -> dict:
    out = {}
    urls = case_list_urls(bench)
    with bench.config(CASES_PER_PAGE=10):
        small = bench.queries(urls["first"])
    with bench.config(CASES_PER_PAGE=100):
        large = bench.queries(urls["first"])
    out["queries_case_list"] = bench.queries(urls["first"])
    out["queries_case_list_late"] = bench.queries(urls["late"])
    out["queries_case_list_filtered"] = bench.queries(urls["filtered"])
    out["queries_case_list_10_vs_100_rows"] = [small, large]
    single, eight = _case_with_family(1), _case_with_family(8)
    out["queries_case_page"] = bench.queries(f"/cases/{eight or single}")
    out["queries_case_page_family_1_vs_8"] = [bench.queries(f"/cases/{single}"),
                                              bench.queries(f"/cases/{eight}") if eight else None]
    out["queries_grant_list"] = bench.queries(grant_list_urls(bench)["late"])
    give_caseload(bench)
    full = full_case()
    out["queries_case_page_tabs"] = {tab: bench.queries(url) for tab, url in case_tab_urls(full).items()}
    out["queries_case_page_full"] = max(out["queries_case_page_tabs"].values())
    out["queries_my_work_caseworker"] = bench.queries("/my-work/", "caseworker")
    out["queries_my_work_supervisor"] = bench.queries("/my-work/")
    report = _report_url(bench)
    out["queries_report_page"] = bench.queries(report) if report else "n/a: reports not present"
    # The lists and the report; the case page (which gathers every domain's section) is counted apart.
    counts = [v for v in (out["queries_case_list"], out["queries_case_list_late"], out["queries_case_list_filtered"],
                          out["queries_grant_list"], out["queries_report_page"])
              if isinstance(v, int)]
    out["queries_per_page"] = max(counts)
    out["queries_grow_with_page_size"] = small != large
    one, eight_members = out["queries_case_page_family_1_vs_8"]
    out["queries_grow_with_family_size"] = eight_members is not None and eight_members > one
    return out


REPORT_PROGRAMME, REPORT_YEAR = "SYN-CH", 2010


def _report_url(bench):
    if importlib.util.find_spec("casework.reports.views") is None:
        return None
    return f"/reports/?programme={REPORT_PROGRAMME}&period={REPORT_YEAR}"


@measurement("report_vs_sql")
def report_vs_sql(bench) -> dict:
    if importlib.util.find_spec("casework.reports.engine") is None:
        raise NotAvailable("n/a: engine not present")
    from casework.extensions import db
    from casework.programmes.models import Programme
    from casework.reports.engine import compute_figures
    from casework.reports.periods import parse_period
    from tools.bench.report_sql import hand_figures

    programme = db.session.scalar(select(Programme).where(Programme.code == REPORT_PROGRAMME))
    period = parse_period(str(REPORT_YEAR))
    figures = compute_figures(programme, period)
    hand = hand_figures(db.session.connection(), programme.id, period.start, period.end, programme.start_date)
    if (figures.cases, figures.persons) != (hand["cases"][0][0], hand["persons"][0][0]):
        raise RuntimeError("the figures engine and the hand-written SQL disagree")
    runs = 7
    engine_s = median_time(lambda: compute_figures(programme, period), runs)
    sql_s = median_time(lambda: hand_figures(db.session.connection(), programme.id, period.start, period.end,
                                             programme.start_date), runs)
    return {"report_cases": figures.cases, "report_persons": figures.persons,
            "report_engine_ms": round(engine_s * 1000, 1), "report_sql_ms": round(sql_s * 1000, 1),
            "report_vs_sql": round(engine_s / sql_s, 2)}


@measurement("search")
def search(bench) -> dict:
    from tools.search_bench import measure_search

    figures = measure_search(bench.app)
    return {"search_p95_ms": figures["search_p95_ms"], "search_vs_trivial": figures["search_vs_trivial"],
            "search_persons": figures.get("persons")}


# --- import ---------------------------------------------------------------------------

def persons_file(rows: int, seed: int = 5) -> tuple[bytes, list[list[str]]]:
    rng = random.Random(seed)
    header = ["case_ref", "programme", "family_name", "given_name", "sex", "date_of_birth", "relationship",
              "arrival_date", "municipality", "travelled", "vulnerabilities", "nationality", "sending_country"]
    out, case_no = [], 0
    while len(out) < rows:
        case_no += 1
        size = min(rng.choice([1, 1, 2, 3, 4, 5]), rows - len(out))
        arrival = f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(2003, 2020)}"
        for i in range(size):
            out.append([f"BENCH/{case_no:06d}", "SYN-CH", "Petrović", rng.choice(["Marko", "Ana", "Đorđe"]),
                        rng.choice("FM"), str(rng.randint(1940, 2002)) if rng.random() < 0.3 else
                        f"{rng.randint(1940, 2002)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                        "principal" if i == 0 else "child", arrival, "Niš", "" if rng.random() < 0.9 else "no",
                        "medical" if rng.random() < 0.05 else "", "RS", "CH"])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(out)
    return buffer.getvalue().encode("utf-8"), out


def _raw_insert(rows: list[list[str]]) -> None:
    """The same rows written with a plain executemany: the floor an import cannot beat."""
    from casework.dates import parse_birth, parse_date
    from casework.extensions import db
    from casework.programmes.models import Programme
    from casework.search.normalize import search_key, search_key_given_first

    conn = db.session.connection()
    raw = conn.connection.dbapi_connection
    programme_id = db.session.scalar(select(Programme.id).where(Programme.code == "SYN-CH"))
    mark = "%s" if conn.dialect.name == "postgresql" else "?"
    case_id = (conn.execute(text("SELECT MAX(id) FROM cases")).scalar() or 0) + 1
    person_id = (conn.execute(text("SELECT MAX(id) FROM persons")).scalar() or 0) + 1
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    cases, persons, ids = [], [], {}
    for row in rows:
        if row[0] not in ids:
            ids[row[0]] = case_id
            arrival = parse_date(row[7]).isoformat()
            cases.append((case_id, f"BENCH-{case_id}", row[0], programme_id, "CH", arrival, row[8], "arrived", "",
                          now, now, 1))
            case_id += 1
        year, born = parse_birth(row[5])
        persons.append((person_id, ids[row[0]], row[2], row[3], row[4], year, born.isoformat() if born else None,
                        row[11], row[6], row[9] != "no", now, now, 1,
                        search_key(row[2], row[3]), search_key_given_first(row[2], row[3])))
        person_id += 1
    cursor = raw.cursor()
    cursor.executemany(
        "INSERT INTO cases (id, reference, legacy_reference, programme_id, sending_country, arrival_date, "
        "municipality, status, notes, created_at, updated_at, version) VALUES (" + ", ".join([mark] * 12) + ")",
        cases)
    cursor.executemany(
        "INSERT INTO persons (id, case_id, family_name, given_name, sex, birth_year, birth_date, nationality, "
        "relationship, travelled, created_at, updated_at, version, search_key, search_key_given_first) "
        "VALUES (" + ", ".join([mark] * 15) + ")",
        persons)
    cursor.close()


@measurement("import")
def import_speed(bench) -> dict:
    from casework.extensions import db
    from casework.imports.services import import_file

    n = bench.options.import_rows
    data, rows = persons_file(n)
    db.session.rollback()
    started = time.perf_counter()
    result = import_file("persons", data, "bench.csv")
    import_s = time.perf_counter() - started
    db.session.rollback()
    if result.errors or result.persons != n:
        raise RuntimeError(f"benchmark import failed: {result.errors[:3]}")
    started = time.perf_counter()
    _raw_insert(rows)
    raw_s = time.perf_counter() - started
    db.session.rollback()
    return {"import_rows": n, "import_s": round(import_s, 2), "import_raw_s": round(raw_s, 2),
            "import_rows_per_s": round(n / import_s), "import_vs_raw": round(raw_s / import_s, 2)}


# --- export ---------------------------------------------------------------------------

@measurement("export")
def export_memory(bench) -> dict:
    out = {}
    for fmt in ("csv", "xlsx"):
        probe = subprocess.run(
            [sys.executable, "-m", "tools.bench.export_probe", bench.url, fmt],
            capture_output=True, text=True, check=False, cwd=ROOT,
            env={**os.environ, "CASEWORK_INSTANCE_PATH": bench.app.instance_path})
        if probe.returncode != 0:
            raise RuntimeError(f"export probe failed: {probe.stderr[-500:]}")
        figures = json.loads(probe.stdout.strip().splitlines()[-1])
        out[f"export_{fmt}_peak_mb"] = figures["peak_mb"]
        out[f"export_{fmt}_rows"] = figures["rows"]
        out[f"export_{fmt}_s"] = figures["seconds"]
    out["export_peak_mb"] = max(out["export_csv_peak_mb"], out["export_xlsx_peak_mb"])
    return out


# --- the slow pages against the trivial page ---------------------------------------------

RATIO_ROUNDS = 3


def _common_names() -> tuple[str, str]:
    """The most common family name, and the most common full name ("Family Given")."""
    from casework.cases.models import Person
    from casework.extensions import db

    family = db.session.execute(select(Person.family_name, func.count().label("n")).group_by(Person.family_name)
                                .order_by(text("n DESC"), Person.family_name).limit(1)).first()
    full = db.session.execute(select(Person.family_name, Person.given_name, func.count().label("n"))
                              .group_by(Person.family_name, Person.given_name)
                              .order_by(text("n DESC"), Person.family_name, Person.given_name).limit(1)).first()
    db.session.remove()
    return (family[0] if family else "Petrović"), (f"{full[0]} {full[1]}" if full else "Petrović Marko")


CASELOAD = 2000  # cases per caseworker: the office has scale / CASELOAD of them


def give_caseload(bench) -> int:
    """Share the cases among scale / CASELOAD caseworkers, every Nth case to the same one (the
    benchmark's caseworker among them), and give each case's tasks to its caseworker, as in an
    office where every case has one; returns how many open cases the benchmark's caseworker has.
    Idempotent."""
    from sqlalchemy import case

    from casework.auth.models import Role, User
    from casework.auth.usernames import username_key
    from casework.cases.models import Case
    from casework.extensions import db
    from casework.tasks.models import Task
    from casework.tasks.queries import OPEN_CASE

    team = max(1, bench.scale // CASELOAD)
    names = ["bench.caseworker"] + [f"bench.caseworker.{n:04d}" for n in range(1, team)]
    have = dict(db.session.execute(select(User.username, User.id).where(User.username.in_(names))).all())
    for name in names:
        if name not in have:  # colleagues who never log in here: no usable password
            db.session.add(User(username=name, username_key=username_key(name), role=Role.CASEWORKER,
                                password_hash="!", full_name=name))
    db.session.flush()
    ids = dict(db.session.execute(select(User.username, User.id).where(User.username.in_(names))).all())
    owner = case({n: ids[name] for n, name in enumerate(names)}, value=Case.id % team) if team > 1 else ids[names[0]]
    given = db.session.execute(Case.__table__.update().where(Case.caseworker_id.is_(None))
                               .values(caseworker_id=owner)).rowcount
    their = select(Case.caseworker_id).where(Case.id == Task.case_id).scalar_subquery()
    db.session.execute(Task.__table__.update().where(Task.assignee_id.is_(None)).values(assignee_id=their))
    db.session.commit()
    if given:  # the planner's statistics were taken when no case had a caseworker
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # On PostgreSQL the update left every case and task row dead and the visibility map
            # cleared, which index-only scans need (as after the build).
            conn.execute(text("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"))
    open_cases = db.session.scalar(select(func.count()).select_from(Case)
                                   .where(Case.caseworker_id == ids[names[0]], Case.status.in_(OPEN_CASE)))
    db.session.remove()
    return open_cases


def full_case() -> int | None:
    """A case with a whole plan (three items, one referred), notes, open tasks and a grant; else any
    case with a plan."""
    from casework.cases.models import Case
    from casework.extensions import db
    from casework.grants.models import Grant
    from casework.notes.models import CaseNote
    from casework.plans.models import PlanItem, ReintegrationPlan
    from casework.referrals.models import Referral
    from casework.tasks.models import Task, TaskStatus

    items = (select(func.count()).select_from(PlanItem).where(PlanItem.plan_id == ReintegrationPlan.id)
             .scalar_subquery())
    notes = select(func.count()).select_from(CaseNote).where(CaseNote.case_id == Case.id).scalar_subquery()
    stmt = (select(Case.id).join(ReintegrationPlan, ReintegrationPlan.case_id == Case.id)
            .where(items == 3, notes == 2,
                   select(Task.id).where(Task.case_id == Case.id, Task.status == TaskStatus.OPEN).exists(),
                   select(Referral.id).where(Referral.case_id == Case.id).exists(),
                   select(Grant.id).where(Grant.case_id == Case.id).exists())
            .order_by(Case.id).limit(1))
    found = db.session.scalar(stmt) or db.session.scalar(select(ReintegrationPlan.case_id)
                                                         .order_by(ReintegrationPlan.case_id).limit(1))
    db.session.remove()
    return found


def case_tab_urls(case_id) -> dict[str, str]:
    """Each tab of a case's page: the overview at the case's own address, the others beside it."""
    from casework.cases.tabs import OVERVIEW, case_tabs

    return {tab.name: f"/cases/{case_id}" + ("" if tab.name == OVERVIEW else f"?tab={tab.name}")
            for tab in case_tabs()}


def ratio_pages(bench) -> dict[str, str]:
    from urllib.parse import quote_plus

    family, full = _common_names()
    case_page = case_tab_urls(full_case())
    return {
        "decision_queue": "/grants/queue",
        "search_family_name": f"/cases/?q={quote_plus(family)}",
        "search_full_name": f"/cases/?q={quote_plus(full)}",
        "grant_list": "/grants/",
        "case_list": "/cases/",
        "dashboard": "/dashboard",
        "my_work_caseworker": "/my-work/",
        "my_work_supervisor": "/my-work/",
        **{("case_page" if tab == "overview" else f"case_page_{tab}"): url for tab, url in case_page.items()},
    }


# Who asks for each page (the supervisor unless named here).
RATIO_USERS = {"my_work_caseworker": "caseworker"}


def _waiting_grants(bench) -> int:
    from casework.auth.models import User
    from casework.extensions import db
    from casework.grants.services import queue_count

    user = db.session.scalar(select(User).where(User.username == "bench.supervisor"))
    waiting = queue_count(user, cap=10_000_000)  # every waiting grant, for the record
    db.session.remove()
    return waiting


@measurement("page_ratios")
def page_ratios(bench) -> dict:
    """Each page's p95 over the trivial page's p95, in three rounds; the median of the three.

    Within a round every page's requests alternate with the trivial page's, so both see the
    same machine; the round's trivial p95 is over all of its trivial requests."""
    caseload = give_caseload(bench)
    pages = ratio_pages(bench)
    runs = bench.options.runs
    bench.get(TRIVIAL_URL)
    for name, url in pages.items():
        bench.get(url, RATIO_USERS.get(name, "supervisor"))  # warm once
    rounds = []
    for _ in range(RATIO_ROUNDS):
        trivial, timings = [], {name: [] for name in pages}
        for name, url in pages.items():
            for _ in range(runs):
                trivial += bench.timed(TRIVIAL_URL, 1, warm=False)
                timings[name] += bench.timed(url, 1, warm=False, user=RATIO_USERS.get(name, "supervisor"))
        trivial_p95 = p95(trivial)
        rounds.append({"trivial_p95_ms": round(trivial_p95, 2),
                       **{name: {"p95_ms": round(p95(samples), 2), "ratio": round(p95(samples) / trivial_p95, 2)}
                          for name, samples in timings.items()}})
    ratios = {name: {"median": statistics.median(r[name]["ratio"] for r in rounds),
                     "runs": [r[name]["ratio"] for r in rounds],
                     "p95_ms_runs": [r[name]["p95_ms"] for r in rounds]} for name in pages}
    return {"ratio_trivial_url": TRIVIAL_URL, "ratio_trivial_p95_ms_runs": [r["trivial_p95_ms"] for r in rounds],
            "ratio_pages": pages, "ratios_vs_trivial": ratios,
            "ratio_decision_queue_waiting": _waiting_grants(bench), "ratio_caseworker_open_cases": caseload,
            "ratios_worst_median": max(r["median"] for r in ratios.values())}
