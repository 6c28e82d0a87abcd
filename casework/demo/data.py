"""The demo office: two programmes, their users and a caseload whose totals match the source.

By the counting rules, AVR-CH must come out at 221 cases and 530 persons assisted from
2002-07-01 to 2011-12-31, and VARRP-UK at 30 processed cases. The caseload also holds
what a careless count would include: cases that arrived after 2011, cases not yet
returned, withdrawn cases and family members who did not travel.
"""
from __future__ import annotations

import os
import random
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from casework.auth.models import Role
from casework.auth.services import create_user, find_user
from casework.cases.models import Case, CaseStatus
from casework.cases.services import PersonData, change_status, register_case
from casework.errors import DomainError
from casework.extensions import db
from casework.programmes.models import Programme
from casework.programmes.services import create_programme, set_cap

SEED = 2002
AVR_CH_CASES, AVR_CH_PERSONS = 221, 530
VARRP_CASES = 30

FAMILY_NAMES = [
    "Jovanović", "Petrović", "Nikolić", "Marković", "Đorđević", "Stojanović", "Ilić", "Stanković",
    "Pavlović", "Milošević", "Todorović", "Šećerović", "Živković", "Mitrović", "Ristić", "Čolić",
    "Berisha", "Krasniqi", "Gashi", "Hoxha", "Shala", "Bajrami", "Demiri", "Rexhepi",
    "Hadžić", "Mehmedović", "Hodžić", "Bešić", "Salihović", "Omerović",
    "Ramić", "Kurtić", "Mustafić", "Memedović", "Jašarević", "Ljubić", "Njegovan",
]
CYRILLIC_FAMILY_NAMES = ["Ђорђевић", "Љубић", "Јовановић", "Његован", "Петровић", "Шећеровић"]
GIVEN_F = ["Jelena", "Marija", "Ana", "Milica", "Dragana", "Vesna", "Fatima", "Arta", "Valbona", "Emina",
           "Selma", "Ljiljana", "Snežana", "Đurđa", "Zorica", "Aida", "Mirjana", "Besa", "Azra", "Nataša"]
GIVEN_M = ["Marko", "Nikola", "Dragan", "Zoran", "Milan", "Dušan", "Arben", "Besnik", "Fatmir", "Edin",
           "Senad", "Nenad", "Đorđe", "Željko", "Emir", "Ljubomir", "Bekim", "Jasmin", "Goran", "Slobodan"]
CYRILLIC_GIVEN = {"F": ["Јелена", "Љиљана", "Снежана"], "M": ["Ђорђе", "Љубомир", "Душан"]}
MUNICIPALITIES = ["Beograd", "Novi Sad", "Niš", "Kragujevac", "Subotica", "Kraljevo", "Čačak", "Novi Pazar",
                  "Leskovac", "Vranje", "Zrenjanin", "Smederevo", "Bujanovac", "Preševo", "Šabac"]
VULNERABILITIES = ["medical", "disability", "trafficking_victim", "single_parent", "older_person"]

DEMO_USERS = [
    ("admin", Role.ADMIN, "Office Administrator", []),
    ("supervisor", Role.SUPERVISOR, "Snežana Supervisor", ["AVR-CH", "VARRP-UK"]),
    ("supervisor2", Role.SUPERVISOR, "Goran Second Reviewer", ["AVR-CH", "VARRP-UK"]),
    ("caseworker", Role.CASEWORKER, "Milica Caseworker", ["AVR-CH"]),
    ("caseworker.uk", Role.CASEWORKER, "Nenad Caseworker", ["VARRP-UK"]),
    ("donor.ch", Role.DONOR, "Swiss FOM desk officer", ["AVR-CH"]),
    ("donor.uk", Role.DONOR, "VARRP desk officer", ["VARRP-UK"]),
]


@dataclass
class PlannedCase:
    arrival: date | None
    status: CaseStatus
    travelling: int
    not_travelling: int = 0


def _family_sizes(rng: random.Random, cases: int, persons: int) -> list[int]:
    """Family sizes from 1 to 8 that add up to exactly `persons`."""
    sizes = [rng.choices([1, 2, 3, 4, 5, 6, 7, 8], weights=[34, 18, 18, 15, 8, 4, 2, 1])[0] for _ in range(cases)]
    while sum(sizes) != persons:
        i = rng.randrange(cases)
        if sum(sizes) < persons and sizes[i] < 8:
            sizes[i] += 1
        elif sum(sizes) > persons and sizes[i] > 1:
            sizes[i] -= 1
    return sizes


def _random_day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _plan_avr_ch(rng: random.Random) -> list[PlannedCase]:
    sizes = _family_sizes(rng, AVR_CH_CASES, AVR_CH_PERSONS)
    start, end = date(2002, 7, 1), date(2011, 12, 31)
    arrivals = [start, end] + [_random_day(rng, start, end) for _ in range(AVR_CH_CASES - 2)]
    plans = []
    for arrival, size in zip(sorted(arrivals), sizes):
        status = CaseStatus.CLOSED if arrival.year < 2010 else rng.choice(
            [CaseStatus.MONITORING, CaseStatus.CLOSED, CaseStatus.REINTEGRATION])
        # About one family in twelve left someone behind: listed, but not assisted.
        plans.append(PlannedCase(arrival, status, size, not_travelling=int(rng.random() < 0.08)))
    # What must not be counted for 2002-07-01..2011-12-31:
    plans.append(PlannedCase(date(2012, 1, 1), CaseStatus.CLOSED, 4))
    for _ in range(24):
        plans.append(PlannedCase(_random_day(rng, date(2012, 1, 2), date.today() - timedelta(days=30)),
                                 rng.choice([CaseStatus.ARRIVED, CaseStatus.REINTEGRATION, CaseStatus.MONITORING]),
                                 rng.randint(1, 5)))
    plans += [PlannedCase(None, CaseStatus.REFERRED, rng.randint(1, 4)) for _ in range(5)]
    plans += [PlannedCase(None, CaseStatus.WITHDRAWN, rng.randint(1, 3)) for _ in range(3)]
    return plans


def _plan_varrp(rng: random.Random) -> list[PlannedCase]:
    plans = [PlannedCase(_random_day(rng, date(2002, 3, 1), date(2011, 11, 30)), CaseStatus.CLOSED,
                         rng.choice([1, 1, 1, 2, 3, 4]), not_travelling=int(rng.random() < 0.1))
             for _ in range(VARRP_CASES)]
    plans += [PlannedCase(None, CaseStatus.REFERRED, 2), PlannedCase(None, CaseStatus.WITHDRAWN, 1)]
    return plans


def _person(rng: random.Random, arrival: date | None, relationship: str, family: str,
            sex: str | None = None, travelled: bool = True) -> PersonData:
    ref_day = arrival or date.today()
    if relationship == "child":
        age = rng.randint(0, 17)
    elif relationship == "parent":
        age = rng.randint(60, 82)
    else:
        age = rng.randint(19, 58)
    sex = sex or rng.choice("FM")
    year = ref_day.year - age
    birth_date = None
    if rng.random() > 0.25:  # a quarter of legacy records know only the year
        birth_date = _random_day(rng, date(year, 1, 1), date(year, 12, 31))
        if birth_date > ref_day:
            birth_date = ref_day
    cyrillic = family in CYRILLIC_FAMILY_NAMES
    names = CYRILLIC_GIVEN[sex] if cyrillic else (GIVEN_F if sex == "F" else GIVEN_M)
    vulnerabilities = []
    if age >= 60:
        vulnerabilities.append("older_person")
    if rng.random() < 0.08:
        vulnerabilities.append(rng.choice(VULNERABILITIES[:3]))
    return PersonData(family_name=family, given_name=rng.choice(names), sex=sex, birth_year=year,
                      birth_date=birth_date, relationship=relationship, nationality="RS" if rng.random() < 0.8 else "XK",
                      travelled=travelled, vulnerabilities=vulnerabilities)


def _family(rng: random.Random, plan: PlannedCase) -> list[PersonData]:
    family = rng.choice(CYRILLIC_FAMILY_NAMES if rng.random() < 0.1 else FAMILY_NAMES)
    principal_sex = rng.choice("FMM")
    members = [_person(rng, plan.arrival, "principal", family, principal_sex)]
    relationships = []
    if plan.travelling + plan.not_travelling > 1 and rng.random() < 0.7:
        relationships.append("spouse")
    while len(relationships) < plan.travelling + plan.not_travelling - 1:
        relationships.append(rng.choice(["child", "child", "child", "parent", "sibling"]))
    for index, relationship in enumerate(relationships):
        travelled = index < plan.travelling - 1
        sex = ("M" if principal_sex == "F" else "F") if relationship == "spouse" else None
        members.append(_person(rng, plan.arrival, relationship, family, sex, travelled))
    return members


class Closing:
    """The demo cases planned closed, each with the last day something happened on it.

    A case is closed only once its grants are decided and paid, so the cases planned closed stay in
    monitoring while the demo hooks add their grants, plans and visits. The hooks ask `case in
    closing` (its work then ends: items done, referrals answered) and tell `closing.happened(case,
    day)`; each case is then closed some weeks after its last event, never later than today."""

    # Support lasts at least this long after the arrival.
    SUPPORT_DAYS = 180

    def __init__(self) -> None:
        self._cases: dict[int, tuple[Case, object, date]] = {}

    def add(self, case: Case, caseworker) -> None:
        self._cases[case.id] = (case, caseworker, case.arrival_date + timedelta(days=self.SUPPORT_DAYS))

    def __contains__(self, case: Case) -> bool:
        return case.id in self._cases

    def happened(self, case: Case, day: date) -> None:
        """Something happened on the case that day: it closes later."""
        if case.id in self._cases:
            closed_case, caseworker, last = self._cases[case.id]
            self._cases[case.id] = (closed_case, caseworker, max(last, day))

    def last_day(self, case: Case) -> date:
        return self._cases[case.id][2]

    def __iter__(self):
        return iter(self._cases.values())


def _register_plans(rng: random.Random, programme: Programme, plans: list[PlannedCase], country: str,
                    caseworker, closing: Closing) -> int:
    """Register the planned cases; those planned closed are left in monitoring and put in `closing`."""
    counters: dict[int, int] = {}
    for plan in plans:
        year = plan.arrival.year if plan.arrival else date.today().year
        counters[year] = counters.get(year, 0) + 1
        case = register_case(
            programme,
            {"sending_country": country, "arrival_date": plan.arrival, "municipality": rng.choice(MUNICIPALITIES),
             "caseworker_id": caseworker.id if caseworker else None,
             "legacy_reference": f"{country}/{year}/{counters[year]:03d}" if year <= 2011 else None},
            _family(rng, plan),
            actor=caseworker,
            reference=f"{programme.code}-{year}-{counters[year]:04d}",
        )
        path = {
            CaseStatus.REINTEGRATION: [CaseStatus.REINTEGRATION],
            CaseStatus.MONITORING: [CaseStatus.REINTEGRATION, CaseStatus.MONITORING],
            CaseStatus.CLOSED: [CaseStatus.REINTEGRATION, CaseStatus.MONITORING],
            CaseStatus.WITHDRAWN: [CaseStatus.WITHDRAWN],
        }.get(plan.status, [])
        for status in path:
            change_status(case, status, actor=caseworker)
        if plan.status == CaseStatus.CLOSED:
            closing.add(case, caseworker)
    return len(plans)


def _close(closing: Closing) -> None:
    """Close the cases planned closed, dated some weeks after their last event (never after today),
    except those with a grant still awaiting a decision or payment at the demo's end (the rule of
    casework.cases.services.change_status): they stay in monitoring."""
    rng = random.Random(f"{SEED}-closures")
    for case, caseworker, last in closing:
        on_date = min(last + timedelta(days=rng.randint(14, 75)), date.today())
        try:
            change_status(case, CaseStatus.CLOSED, actor=caseworker, reason="support_ended", on_date=on_date)
        except DomainError:
            continue


def _password_file(instance_path: str) -> Path:
    return Path(instance_path) / "demo-passwords.txt"


def _read_passwords(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    pairs = (line.split(":", 1) for line in path.read_text().splitlines() if ":" in line)
    return {name.strip(): password.strip() for name, password in pairs}


def _write_passwords(path: Path, passwords: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("# Demo accounts of this installation (username: password). Keep private.\n")
        for name, password in passwords.items():
            fh.write(f"{name}: {password}\n")
    os.chmod(path, 0o600)


def ensure_programmes() -> dict[str, Programme]:
    programmes = {}
    existing = {p.code: p for p in db.session.scalars(select(Programme))}
    if "AVR-CH" not in existing:
        p = create_programme("AVR-CH", "Assisted Voluntary Return from Switzerland",
                             "Swiss Federal Office for Migration", "CHF", date(2002, 7, 1),
                             decision_authority="donor", budget="2500000.00", report_language="en",
                             sustainability_threshold="0.5")  # an office's choice, not IOM's
        set_cap(p, date(2002, 7, 1), per_person="5000.00", per_case="12000.00")
        existing["AVR-CH"] = p
    if "VARRP-UK" not in existing:
        p = create_programme("VARRP-UK", "Voluntary Assisted Return and Reintegration Programme – UK",
                             "UK Home Office (VARRP)", "GBP", date(2002, 1, 1),
                             decision_authority="office", budget="150000.00")
        set_cap(p, date(2002, 1, 1), per_case="1000.00")  # GBP 500 cash + GBP 500 in kind
        set_cap(p, date(2005, 1, 1), per_case="1500.00")
        set_cap(p, date(2006, 1, 1), per_case="3500.00")
        existing["VARRP-UK"] = p
    programmes.update(existing)
    return programmes


def ensure_users(instance_path: str) -> dict[str, str]:
    path = _password_file(instance_path)
    passwords = _read_passwords(path)
    for username, role, full_name, codes in DEMO_USERS:
        if find_user(username) is not None:
            continue
        password = passwords.get(username) or secrets.token_urlsafe(12)
        create_user(username, role, password, full_name=full_name, programme_codes=codes)
        passwords[username] = password
    _write_passwords(path, passwords)
    return passwords


def load_demo(instance_path: str) -> str:
    """Create what is missing of the demo office; running it again changes nothing."""
    programmes = ensure_programmes()
    ensure_users(instance_path)
    loaded, closing = [], Closing()
    for code, planner, country, caseworker_name in (
        ("AVR-CH", _plan_avr_ch, "CH", "caseworker"),
        ("VARRP-UK", _plan_varrp, "GB", "caseworker.uk"),
    ):
        programme = programmes[code]
        has_cases = db.session.scalar(select(func.count()).select_from(Case).where(Case.programme_id == programme.id))
        if has_cases:
            continue
        rng = random.Random(f"{SEED}-{code}")
        n = _register_plans(rng, programme, planner(rng), country, find_user(caseworker_name), closing)
        loaded.append(f"{code}: {n} cases")
    for hook in demo_hooks():
        hook(programmes, loaded, closing)
    _close(closing)
    lines = ["Demo data: " + ("; ".join(loaded) if loaded else "already loaded, nothing changed") + "."]
    lines.append("Demo accounts: " + ", ".join(u[0] for u in DEMO_USERS))
    lines.append(f"Their passwords are in {_password_file(instance_path)} (readable only by you).")
    return "\n".join(lines)


def demo_hooks():
    """Other domains (grants, for one) add their demo data through these hooks, called in turn with
    (programmes by code, the summary lines to add to, the Closing of the cases planned closed)."""
    from flask import current_app

    return current_app.extensions.get("demo_hooks", [])
