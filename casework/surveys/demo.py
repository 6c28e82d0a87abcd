"""Demo surveys: the shipped example instrument, loaded through the surveys service, and the intake
survey of the adults who returned in the demo cases arriving since the office took the survey up.
The monitoring visits (casework.monitoring.demo) take the later rounds with the same people."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from casework.auth.services import find_user
from casework.cases.models import Case
from casework.extensions import db
from casework.surveys import services
from casework.surveys.models import SurveyResponse

SEED = 2002
# The office surveys the returnees arriving from this day: at intake, then at the monitoring visits.
SURVEYS_FROM = date(2008, 1, 1)
INTAKE_SHARE = 0.85


def instrument_version():
    """The version surveys are taken with: the example instrument's latest, loaded from the file
    shipped with casework when the office has not loaded it."""
    instrument = services.instrument_by_code(services.example_code())
    if instrument is not None and instrument.latest is not None:
        return instrument.latest
    version, _new = services.load_instrument(services.EXAMPLE_FILE.read_bytes(), actor=find_user("admin"))
    return version


def surveyed(person, version, day: date) -> bool:
    """Whether a member answers the survey on a day: they returned, and the instrument's own age
    rule lets them."""
    return person.travelled and services.eligibility_refusal(person, version, day) is None


def _level(person, months: int) -> float:
    """How well a returnee is doing, months after arrival: a start of their own and a course that
    mostly rises, for some falls (the same person always gets the same)."""
    own = random.Random(f"{SEED}-survey-{person.id}")
    start, course = own.uniform(0.15, 0.6), own.choice([0.45, 0.35, 0.3, 0.2, 0.1, -0.15])
    return min(1.0, max(0.0, start + course * min(months, 24) / 24))


def answers_for(rng: random.Random, version, person, months: int) -> dict[str, str]:
    """Answers {question code: option code} near the person's level at that round."""
    answers = {}
    for question in version.definition["questions"]:
        target = _level(person, months) + rng.uniform(-0.25, 0.25)
        option = min(question["options"], key=lambda o: (abs(float(o["score"]) - target), o["code"]))
        answers[question["code"]] = option["code"]
    return answers


def add_demo_surveys(programmes: dict, loaded: list, closing) -> None:
    """The intake surveys of the demo cases of AVR-CH and VARRP-UK, once."""
    for code, caseworker_name in (("AVR-CH", "caseworker"), ("VARRP-UK", "caseworker.uk")):
        programme, caseworker = programmes.get(code), find_user(caseworker_name)
        if programme is None or caseworker is None:
            continue
        if db.session.scalar(select(func.count()).select_from(SurveyResponse).join(Case)
                             .where(Case.programme_id == programme.id)):
            continue
        version = instrument_version()
        rng = random.Random(f"{SEED}-surveys-{code}")
        cases = db.session.scalars(select(Case).where(Case.programme_id == programme.id,
                                                      Case.arrival_date >= SURVEYS_FROM)
                                   .order_by(Case.arrival_date, Case.id)).all()
        count = 0
        for case in cases:
            if rng.random() >= INTAKE_SHARE:
                continue
            day = min(case.arrival_date + timedelta(days=rng.randint(3, 20)), date.today())
            for person in sorted(case.persons, key=lambda p: p.id):
                if surveyed(person, version, day):
                    services.record_survey(person, version, answers_for(rng, version, person, 0),
                                           services.INTAKE, day, actor=caseworker)
                    closing.happened(case, day)
                    count += 1
        loaded.append(f"{code}: {count} intake surveys")
