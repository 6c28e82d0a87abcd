"""The figures engine against the counting rules, on small hand-made data."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from casework.cases.models import CaseStatus
from casework.cases.services import change_status
from casework.extensions import db
from casework.grants.models import Disbursement, DisbursementMode, Grant, GrantCategory, GrantStatus
from casework.reports.engine import Figures, compute_figures, differences, json_totals
from casework.reports.periods import Period, PeriodError, parse_period

Q1 = Period(date(2011, 1, 1), date(2011, 3, 31))
Q2 = Period(date(2011, 4, 1), date(2011, 6, 30))


def _utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def caseload(factory):
    """A programme from 2010 with cases on and around the edges of 2011-Q1, and grants."""
    p = factory.programme("TEST-1", budget="10000.00")
    person = factory.person
    edge_start = factory.case(p, arrival=date(2011, 1, 1), municipality="Niš", members=[
        person("Ilić", "Dragan", year=1980),                                     # year only: 31 -> 18-59
        person("Ilić", "Vesna", sex="F", born=date(1981, 6, 15), relationship="spouse",
               vulnerabilities=["medical"]),
        person("Ilić", "Ana", sex="F", born=date(2000, 2, 1), relationship="child", travelled=False),
        person("Ilić", "Nikola", year=1993, relationship="child"),                # year only: 2011-1993 = 18
        person("Ilić", "Marija", sex="F", born=date(1993, 6, 1), relationship="child"),  # 17 on arrival
    ])
    edge_end = factory.case(p, arrival=date(2011, 3, 31), municipality="Vranje", members=[
        # 60 years on 1 April 2011, so 59 on arrival the day before: not an older person yet.
        person("Gashi", "Besa", sex="F", born=date(1951, 4, 1)),
    ])
    factory.case(p, arrival=date(2011, 4, 1), members=[person("Hoxha", "Arben")])          # after Q1
    factory.case(p, arrival=date(2010, 12, 31), members=[person("Bajrami", "Emir"),         # before Q1
                                                         person("Bajrami", "Azra", sex="F", relationship="spouse")])
    factory.case(p, arrival=None, members=[person("Shala", "Fatmir")])                      # not yet returned
    withdrawn = factory.case(p, arrival=None, members=[person("Demiri", "Edin")])
    change_status(withdrawn, CaseStatus.WITHDRAWN)
    other = factory.programme("TEST-2", donor="Someone else")
    factory.case(other, arrival=date(2011, 2, 1), members=[person("Ristić", "Goran")])

    def grant(case, category, requested, status, submitted=None, decided=None, approved=None):
        g = Grant(case=case, category=category, requested_amount=Decimal(requested), status=status,
                  submitted_at=submitted, decided_on=decided,
                  approved_amount=Decimal(approved) if approved else None)
        db.session.add(g)
        return g

    g1 = grant(edge_start, GrantCategory.BUSINESS, "3000.00", GrantStatus.DISBURSING,
               _utc(2011, 2, 1, 9), date(2011, 3, 15), "2500.00")
    db.session.add_all([
        Disbursement(grant=g1, paid_on=date(2011, 3, 20), amount=Decimal("1000.00"), mode=DisbursementMode.CASH),
        Disbursement(grant=g1, paid_on=date(2011, 4, 10), amount=Decimal("1500.00"), mode=DisbursementMode.CASH),
    ])
    # Submitted in Q1, decided in Q2: pending at the end of Q1, approved in Q2.
    grant(edge_end, GrantCategory.HOUSING, "2000.00", GrantStatus.APPROVED, _utc(2011, 3, 1, 9), date(2011, 4, 5),
          "2000.00")
    grant(edge_end, GrantCategory.MEDICAL, "500.00", GrantStatus.REJECTED, _utc(2011, 1, 15, 9), date(2011, 2, 10))
    grant(edge_start, GrantCategory.EDUCATION, "800.00", GrantStatus.DRAFT)
    # Submitted a minute before Q2 ends (UTC), still in review.
    grant(edge_start, GrantCategory.HOUSEHOLD, "300.00", GrantStatus.IN_REVIEW, _utc(2011, 6, 30, 23, 59))
    db.session.commit()
    return p


def test_cases_and_persons_follow_the_counting_rules(caseload):
    f = compute_figures(caseload, Q1)
    assert (f.cases, f.persons) == (2, 5)  # both edges in; non-travelled, later, earlier, unreturned out
    assert (f.cumulative_cases, f.cumulative_persons) == (3, 7)  # from the programme's start to 2011-03-31
    assert f.by_sex == {"F": 3, "M": 2, "X": 0}
    assert f.by_age_group == {"0-17": 1, "18-59": 4, "60+": 0}
    assert f.by_municipality == {"Niš": 4, "Vranje": 1}
    assert f.by_vulnerability == {"medical": 1}
    # Every month of the period is on the axis, February with no arrival too.
    assert f.by_month == {"2011-01": {"cases": 1, "persons": 4}, "2011-02": {"cases": 0, "persons": 0},
                          "2011-03": {"cases": 1, "persons": 1}}
    assert f.by_quarter() == {"2011-Q1": {"cases": 2, "persons": 5}}


def test_a_case_arriving_on_the_day_after_is_in_the_next_period(caseload):
    f = compute_figures(caseload, Q2)
    assert (f.cases, f.persons) == (1, 1)
    assert (f.cumulative_cases, f.cumulative_persons) == (4, 8)


def test_grants_follow_their_own_dates(caseload):
    q1, q2 = compute_figures(caseload, Q1).grants, compute_figures(caseload, Q2).grants
    assert (q1["proposed_count"], q1["proposed_amount"]) == (3, Decimal("5500.00"))
    assert (q1["approved_count"], q1["approved_amount"]) == (1, Decimal("2500.00"))
    assert q1["rejected_count"] == 1
    assert (q1["pending_count"], q1["pending_amount"]) == (1, Decimal("2000.00"))  # decided only in Q2
    assert q1["disbursed_amount"] == Decimal("1000.00")
    assert (q2["approved_count"], q2["approved_amount"]) == (1, Decimal("2000.00"))
    assert q2["rejected_count"] == 0
    assert q2["pending_count"] == 1  # the household grant submitted on the last evening of Q2
    assert q2["disbursed_amount"] == Decimal("1500.00")


def test_grants_by_category_and_budget(caseload):
    f = compute_figures(caseload, Q1)
    assert f.grants_by_category["business"]["approved_amount"] == Decimal("2500.00")
    assert f.grants_by_category["housing"]["pending_count"] == 1
    assert f.grants_by_category["medical"]["rejected_count"] == 1
    assert f.grants_by_category["education"]["proposed_count"] == 0  # a draft is not proposed
    assert f.budget == {"amount": Decimal("10000.00"), "used": Decimal("2500.00"), "left": Decimal("7500.00"),
                        "disbursed": Decimal("1000.00")}
    f2 = compute_figures(caseload, Q2)
    assert f2.budget["used"] == Decimal("4500.00") and f2.budget["left"] == Decimal("5500.00")


def test_json_has_the_documented_keys_and_round_trips(caseload):
    f = compute_figures(caseload, Q1)
    data = json_totals(f)
    assert list(data)[:10] == ["programme", "from", "to", "cases", "persons", "cumulative_cases",
                               "cumulative_persons", "by_sex", "by_age_group", "grants"]
    assert data["grants"] | {} == data["grants"] and data["grants"]["currency"] == "CHF"
    assert data["grants"]["approved_amount"] == "2500.00" and data["grants"]["disbursed_amount"] == "1000.00"
    assert {"approved_count", "rejected_count", "pending_count"} <= set(data["grants"])
    again = Figures.from_dict(f.to_dict())
    assert again.to_dict() == f.to_dict()
    assert differences(f.to_dict(), again.to_dict()) == []


def test_empty_period_gives_zeros(caseload):
    f = compute_figures(caseload, Period(date(2005, 1, 1), date(2005, 12, 31)))
    assert (f.cases, f.persons, f.cumulative_cases) == (0, 0, 0)
    assert f.by_sex == {"F": 0, "M": 0, "X": 0} and f.by_age_group == {"0-17": 0, "18-59": 0, "60+": 0}
    assert f.grants["approved_amount"] == Decimal("0.00")


@pytest.mark.parametrize("text, start, end", [
    ("2011", date(2011, 1, 1), date(2011, 12, 31)),
    ("2011-Q3", date(2011, 7, 1), date(2011, 9, 30)),
    ("2012-Q1", date(2012, 1, 1), date(2012, 3, 31)),
    ("2011-H1", date(2011, 1, 1), date(2011, 6, 30)),
    ("2011-H2", date(2011, 7, 1), date(2011, 12, 31)),
    ("2012-02", date(2012, 2, 1), date(2012, 2, 29)),
    ("2002-07-01..2011-12-31", date(2002, 7, 1), date(2011, 12, 31)),
])
def test_periods(text, start, end):
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)
    assert parse_period(period.label) == period


@pytest.mark.parametrize("text", ["", "2011-Q5", "2011-H3", "2011-13", "next year", "2011-12-31..2011-01-01"])
def test_bad_periods_are_refused(text):
    with pytest.raises(PeriodError):
        parse_period(text)


def test_engine_agrees_with_a_plain_count_on_random_caseloads(factory):
    """The SQL aggregates against the counting rules written out in Python, on random families."""
    import random

    from sqlalchemy import select

    from casework.cases.models import Case

    rng = random.Random(4)
    p = factory.programme("RAND")
    for _ in range(40):
        arrival = rng.choice([None, date(2010, 12, 31), date(2011, 1, 1), date(2011, rng.randint(1, 12), rng.randint(1, 28)),
                              date(2011, 12, 31), date(2012, 1, 1)])
        members = []
        for index in range(rng.randint(1, 5)):
            year = rng.randint(1940, 2010)
            born = date(year, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.6 else None
            members.append(factory.person("Nikolić", "X", sex=rng.choice("FMX"), year=year, born=born,
                                          relationship="principal" if index == 0 else "child",
                                          travelled=index == 0 or rng.random() < 0.8,
                                          vulnerabilities=["medical"] if rng.random() < 0.2 else []))
        factory.case(p, arrival=arrival, members=members, municipality=rng.choice(["Niš", "Vranje", None]))
    db.session.commit()

    period = parse_period("2011")
    f = compute_figures(p, period)
    cases = [c for c in db.session.scalars(select(Case).where(Case.programme_id == p.id))
             if c.arrival_date and period.start <= c.arrival_date <= period.end]
    persons = [(c, m) for c in cases for m in c.persons if m.travelled]
    assert f.cases == len(cases) and f.persons == len(persons)
    assert f.by_sex == {s: sum(1 for _c, m in persons if m.sex.value == s) for s in "FMX"}

    def group(age):
        return "0-17" if age <= 17 else "18-59" if age <= 59 else "60+"

    expected_ages = {g: 0 for g in ("0-17", "18-59", "60+")}
    for c, m in persons:
        expected_ages[group(m.age_on(c.arrival_date))] += 1
    assert f.by_age_group == expected_ages
    assert f.by_vulnerability.get("medical", 0) == sum(1 for _c, m in persons if m.vulnerabilities)
    assert sum(f.by_municipality.values()) == len(persons)
    assert sum(row["cases"] for row in f.by_month.values()) == len(cases)
