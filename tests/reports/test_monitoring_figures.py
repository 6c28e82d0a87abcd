"""Monitoring in the donor report: visits due, done, late and missed; grants checked and "not as
planned" findings; survey scores per round and the share at the programme's threshold. Figures
computed by hand on a small caseload, their protection for donors, the exports and the page, and
the frozen figures of a submitted report."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from casework.cases.models import CaseStatus
from casework.cases.services import change_status
from casework.extensions import db
from casework.grants.models import Disbursement, DisbursementMode, Grant, GrantCategory, GrantStatus
from casework.monitoring.models import ScheduledVisit
from casework.monitoring.services import record_visit, set_schedule
from casework.programmes.services import update_programme
from casework.reports import disclosure
from casework.reports.engine import compute_figures
from casework.reports.periods import Period
from casework.surveys.models import SurveyInstrumentVersion
from casework.surveys.services import load_instrument, record_survey

PASSWORD = "correct horse battery staple"
Y2011 = Period(date(2011, 1, 1), date(2011, 12, 31))
SCORES = ("0", "0.25", "0.5", "0.75", "1")


def _login(client, username):
    client.post("/logout")
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302


def instrument():
    """One question per dimension, each option's score its own: a dimension's score is the option
    chosen, the composite the mean of the three."""
    def question(code, dimension):
        return {"code": code, "dimension": dimension, "weight": 1, "text": f"{dimension}?",
                "options": [{"code": s, "text": s, "score": float(s)} for s in SCORES]}

    definition = {"code": "hand", "title": "Hand-scored", "dimension_weights": {
        "economic": 1, "social": 1, "psychosocial": 1},
        "questions": [question("e", "economic"), question("s", "social"), question("p", "psychosocial")]}
    version, _new = load_instrument(json.dumps(definition).encode())
    return version


def answers(e, s, p):
    return {"e": e, "s": s, "p": p}


def _grant(case, status=GrantStatus.DISBURSING):
    grant = Grant(case=case, person_id=case.persons[0].id, category=GrantCategory.BUSINESS,
                  requested_amount=Decimal("1000.00"), approved_amount=Decimal("1000.00"), status=status,
                  decided_on=date(2010, 1, 1), plan="A shop")
    db.session.add(grant)
    db.session.flush()
    return grant


def _pay(grant, day, reversed_on=None):
    payment = Disbursement(grant=grant, paid_on=day, amount=Decimal("500.00"), mode=DisbursementMode.CASH)
    db.session.add(payment)
    db.session.flush()
    if reversed_on:
        db.session.add(Disbursement(grant=grant, paid_on=reversed_on, amount=Decimal("-500.00"),
                                    mode=DisbursementMode.CASH, reversal_of_id=payment.id, reason="Wrong case"))
    return payment


def _scheduled(case, months):
    return db.session.scalar(select(ScheduledVisit).where(ScheduledVisit.case_id == case.id,
                                                          ScheduledVisit.months == months))


def _visit(o, case, day, months=None, members=None, grants=None, survey=None, version=None):
    members = members or [case.persons[0]]
    values = {"visited_on": day, "kind": "home", "visited_by": "Field officer",
              "member_ids": [p.id for p in members],
              "scheduled_visit_id": _scheduled(case, months).id if months else None,
              "grants": grants or {}}
    if survey:
        values["survey"] = {"version_id": version.id, "answers": {p.id: a for p, a in survey.items()}}
    return record_visit(case, values, actor=o.caseworker)


@pytest.fixture
def monitored_2011(office, factory):
    """AVR-CH visits at 3 and 6 months after arrival; sustainability threshold 0.5. By hand, in 2011:

    visits due 7: A 3 months (2011-02-15, made 02-10: on time), A 6 months (05-15, made 06-01: late),
    B 3 months (04-10, made that day: on time), B 6 months (07-10, not made: missed), C 3 and 6
    months (06-01, 09-01: C closed, not made: the case ended), D 3 months (11-01: missed); D's
    6 months falls in 2012, E's visits in 2010. Visits made in 2011: 4 (3 scheduled, E's outside it).

    grants with a payment still standing: G1 (A, paid 2011-03-01, checked "not as planned" at A's 6
    months), G2 (B, paid 2010-12-01, checked "as planned" at B's 3 months), G3 (D, paid 2011-09-01,
    not checked); G4 (E) was paid in 2011 and reversed, and its check is "not as planned" too; G5 (B)
    is first paid in 2012. In 2011: paid 2, checked 1; since the start: paid 3, checked 2; findings 2.

    surveys (economic, social, psychosocial -> composite) taken in 2011:
    intake B1 (.25 .5 .75 -> .5), B2 (.5 .5 1 -> .6667), C1 (0 .25 .5 -> .25), D1 (1 .75 .5 -> .75);
    3 months A1 (.5 .75 1 -> .75), B1 (.75 .75 .75 -> .75); 6 months A1 (.25 .25 .25 -> .25);
    9 months E1 at the visit outside the schedule (1 1 1 -> 1). A1's intake was taken in 2010."""
    o = office
    set_schedule(o.ch, date(2002, 7, 1), "3,6", actor=o.admin)
    update_programme(o.ch, {"sustainability_threshold": "0.5"}, actor=o.admin)
    version = instrument()
    person = factory.person

    def children(family, *sexes):  # not surveyed: the families are large enough for a donor's release
        return [person(family, f"Dete{n}", sex=sex, year=2004 + n, relationship="child")
                for n, sex in enumerate(sexes)]

    a = factory.case(o.ch, arrival=date(2010, 11, 15), members=[person("Ilić", "Dragan", year=1970),
                                                                *children("Ilić", "F", "M", "F")])
    b = factory.case(o.ch, arrival=date(2011, 1, 10), members=[
        person("Gashi", "Besa", sex="F", year=1975), person("Gashi", "Arben", year=1973, relationship="spouse"),
        *children("Gashi", "M", "F", "M")])
    c = factory.case(o.ch, arrival=date(2011, 3, 1), members=[person("Hoxha", "Vesna", sex="F", year=1980),
                                                              *children("Hoxha", "F", "M")], municipality="Vranje")
    d = factory.case(o.ch, arrival=date(2011, 8, 1), members=[person("Demiri", "Edin", year=1985),
                                                              *children("Demiri", "M", "F")])
    e = factory.case(o.ch, arrival=date(2010, 6, 1), members=[person("Shala", "Fatmir", year=1960),
                                                              *children("Shala", "M", "F")], municipality="Vranje")
    for case in (a, b, c, d, e):
        case.caseworker_id = o.caseworker.id
    g1, g2, g3, g4, g5 = _grant(a), _grant(b), _grant(d), _grant(e), _grant(b)
    _pay(g1, date(2011, 3, 1))
    _pay(g2, date(2010, 12, 1))
    _pay(g3, date(2011, 9, 1))
    _pay(g4, date(2011, 2, 1), reversed_on=date(2011, 2, 5))
    _pay(g5, date(2012, 1, 10))
    db.session.commit()

    record_survey(a.persons[0], version, answers("0", "0", "0"), "intake", date(2010, 11, 20), actor=o.caseworker)
    record_survey(b.persons[0], version, answers("0.25", "0.5", "0.75"), "intake", date(2011, 1, 12))
    record_survey(b.persons[1], version, answers("0.5", "0.5", "1"), "intake", date(2011, 1, 12))
    record_survey(c.persons[0], version, answers("0", "0.25", "0.5"), "intake", date(2011, 3, 2))
    record_survey(d.persons[0], version, answers("1", "0.75", "0.5"), "intake", date(2011, 8, 3))
    _visit(o, a, date(2011, 2, 10), months=3, survey={a.persons[0]: answers("0.5", "0.75", "1")}, version=version)
    _visit(o, a, date(2011, 6, 1), months=6, survey={a.persons[0]: answers("0.25", "0.25", "0.25")},
           version=version, grants={g1.id: {"use": "not_as_planned", "what_was_done": "Bought a car"}})
    _visit(o, b, date(2011, 4, 10), months=3, survey={b.persons[0]: answers("0.75", "0.75", "0.75")},
           version=version, grants={g2.id: {"use": "as_planned", "handover_confirmed": True}})
    _visit(o, e, date(2011, 3, 5), survey={e.persons[0]: answers("1", "1", "1")}, version=version,
           grants={g4.id: {"use": "not_as_planned", "what_was_done": "Paid a debt"}})
    change_status(c, CaseStatus.CLOSED, actor=o.caseworker, reason="support_ended")
    db.session.commit()
    o.cases = {"a": a, "b": b, "c": c, "d": d, "e": e}
    return o


def _d(text):
    return Decimal(text)


def test_the_monitoring_figures_match_the_hand_counts(monitored_2011):
    m = compute_figures(monitored_2011.ch, Y2011).monitoring
    assert m["visits"] == {"due": 7, "on_time": 2, "late": 1, "missed": 2, "ended": 2, "not_yet_due": 0, "done": 3,
                           "made": 4, "at_scheduled": 3, "unscheduled": 1}
    assert m["grants"] == {
        "in_period": {"paid": 2, "checked": 1, "unchecked": 1, "share_checked": _d("0.5000")},
        "since_start": {"paid": 3, "checked": 2, "unchecked": 1, "share_checked": _d("0.6667")},
        "not_as_planned": 2}
    surveys = m["surveys"]
    assert surveys["threshold"] == _d("0.5")
    assert list(surveys["rounds"]) == ["hand/intake", "hand/month-3", "hand/month-6", "hand/month-9"]
    intake = surveys["rounds"]["hand/intake"]
    assert intake["surveys"] == 4
    # economic 0, .25, .5, 1: mean 1.75 / 4, median (.25 + .5) / 2; social .25 .5 .5 .75; psychosocial .5 .5 .75 1
    assert intake["economic"] == {"mean": _d("0.4375"), "median": _d("0.3750")}
    assert intake["social"] == {"mean": _d("0.5000"), "median": _d("0.5000")}
    assert intake["psychosocial"] == {"mean": _d("0.6875"), "median": _d("0.6250")}
    # composite as stored .25, .5, .6667, .75: mean 2.1667 / 4 = .541675, median (.5 + .6667) / 2 = .58335,
    # both rounded half up to the scores' four decimals.
    assert intake["composite"] == {"mean": _d("0.5417"), "median": _d("0.5834")}
    # At or above 0.5: B1 (exactly .5), B2, D1.
    assert (intake["at_threshold"], intake["below_threshold"], intake["share_at_threshold"]) == (3, 1, _d("0.75"))
    month3 = surveys["rounds"]["hand/month-3"]
    assert month3["surveys"] == 2 and month3["economic"] == {"mean": _d("0.625"), "median": _d("0.625")}
    assert month3["psychosocial"] == {"mean": _d("0.875"), "median": _d("0.875")}
    assert (month3["at_threshold"], month3["share_at_threshold"]) == (2, _d("1"))
    month6 = surveys["rounds"]["hand/month-6"]
    assert month6["composite"] == {"mean": _d("0.25"), "median": _d("0.25")} and month6["share_at_threshold"] == 0
    assert surveys["rounds"]["hand/month-9"]["composite"]["median"] == _d("1")
    # 2010: the visits of E and A's intake survey; the grant paid in 2010 counts since the start.
    m2010 = compute_figures(monitored_2011.ch, Period(date(2010, 1, 1), date(2010, 12, 31))).monitoring
    assert (m2010["visits"]["due"], m2010["visits"]["missed"], m2010["visits"]["made"]) == (2, 2, 0)
    assert m2010["grants"]["in_period"] == {"paid": 1, "checked": 1, "unchecked": 0, "share_checked": _d("1")}
    assert list(m2010["surveys"]["rounds"]) == ["hand/intake"]
    # Another programme's figures are its own.
    other = compute_figures(monitored_2011.uk, Y2011).monitoring
    assert other["visits"]["due"] == 0 and other["surveys"]["rounds"] == {}
    assert other["grants"]["in_period"]["share_checked"] is None


def test_visits_not_yet_due_and_no_threshold(monitored_2011, factory):
    o = monitored_2011
    today = date.today()
    fresh = factory.case(o.ch, arrival=today - timedelta(days=20), members=[factory.person("Novak", "Ana")])
    update_programme(o.ch, {"sustainability_threshold": None}, actor=o.admin)
    db.session.commit()
    m = compute_figures(o.ch, Period(today - timedelta(days=30), today + timedelta(days=400))).monitoring
    assert m["visits"]["due"] == 2 and m["visits"]["not_yet_due"] == 2 and m["visits"]["missed"] == 0
    assert fresh.id
    # Without a threshold there is no share at it.
    intake = compute_figures(o.ch, Y2011).monitoring["surveys"]["rounds"]["hand/intake"]
    assert intake["at_threshold"] is None and intake["share_at_threshold"] is None and intake["surveys"] == 4


def test_the_case_page_and_the_report_agree_on_a_visits_state(monitored_2011, client):
    """The case page's "Late" (past due, not made) is the report's "missed"; an ended case's visit is neither."""
    _login(client, "caseworker")
    page = client.get(f"/cases/{monitored_2011.cases['b'].id}?tab=monitoring").get_data(as_text=True)
    assert page.count('class="visit-late"') == 1  # B's 6-month visit, missed
    page = client.get(f"/cases/{monitored_2011.cases['c'].id}?tab=monitoring").get_data(as_text=True)
    assert page.count("Not made: the case ended") == 2 and 'class="visit-late"' not in page


def _section(html, key):
    return html.split(f'id="table-{key}"')[1].split("</table>")[0]


def test_the_page_and_every_export_hold_the_monitoring_tables(client, monitored_2011):
    from openpyxl import load_workbook

    _login(client, "supervisor")
    query = {"programme": "AVR-CH", "period": "2011"}
    html = client.get("/reports/", query_string=query).get_data(as_text=True)
    visits = _section(html, "visits")
    assert "Scheduled visits due in the period</td><td class=\"num\">7<" in visits
    assert "done after the due date</td><td class=\"num\">1<" in visits
    assert "missed: past due and not made</td><td class=\"num\">2<" in visits
    assert "outside the schedule</td><td class=\"num\">1<" in visits
    grants = _section(html, "grant_checks")
    assert "Paid since the programme&#39;s start</td><td class=\"num\">3</td><td class=\"num\">2</td>" in grants
    assert "66.7%" in grants and "50.0%" in grants
    scores = _section(html, "survey_scores")
    assert "<td>Intake</td><td>Composite</td><td class=\"num\">4</td><td class=\"num\">0.54</td>" \
           "<td class=\"num\">0.58</td>" in scores
    assert "9 months after arrival" in scores
    sustainability = html.split('id="table-sustainability"')[1].split("</table>")[0]
    assert "composite score 0.5 or more" in sustainability
    assert "<td>Intake</td><td class=\"num\">4</td><td class=\"num\">3</td><td class=\"num\">1</td>" \
           "<td class=\"num\">75.0%</td>" in sustainability

    archive = zipfile.ZipFile(io.BytesIO(client.get("/reports/export.csv", query_string=query).data))

    def csv(key):
        return archive.read(next(n for n in archive.namelist() if n.endswith(f"-{key}.csv"))).decode("utf-8-sig")

    assert "Scheduled visits due in the period,7" in csv("visits")
    assert "Grants found not used as planned at those visits,2" in csv("visits")
    assert "First paid in the period,2,1,1,0.5000" in csv("grant_checks")
    # Scores keep the four decimals they are computed with.
    assert "Intake,Composite,4,0.5417,0.5834" in csv("survey_scores")
    assert "Intake,4,3,1,0.7500" in csv("sustainability")
    book = load_workbook(io.BytesIO(client.get("/reports/export.xlsx", query_string=query).data))
    assert {"Monitoring visits", "Grants checked", "Survey scores", "Sustainability"} <= set(book.sheetnames)
    row = next(r for r in book["Survey scores"].iter_rows() if r[0].value == "Intake" and r[1].value == "Economic")
    assert (row[2].value, row[3].value, row[4].value) == (4, 0.4375, 0.375)
    assert row[3].number_format == "0.0000"
    share = book["Grants checked"]["E3"]
    assert share.value == pytest.approx(0.6667) and share.number_format == "0.0%"
    pdf = client.get("/reports/export.pdf", query_string=query)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    data = client.get("/reports/export.json", query_string=query).get_json()
    assert data["monitoring"]["visits"]["late"] == 1
    assert data["monitoring"]["surveys"]["rounds"]["hand/intake"]["composite"] == {"mean": "0.5417",
                                                                                  "median": "0.5834"}
    assert data["monitoring"]["grants"]["since_start"]["share_checked"] == "0.6667"


def test_the_report_page_reads_the_monitoring_figures_in_a_bounded_number_of_statements(
        client, monitored_2011, factory):
    from sqlalchemy import event

    _login(client, "supervisor")
    query = {"programme": "AVR-CH", "period": "2011"}

    def statements():
        seen = []

        def remember(conn, cursor, statement, *args):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", remember)
        try:
            assert client.get("/reports/", query_string=query).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", remember)
        return len(seen)

    before = statements()
    o = monitored_2011
    version = db.session.scalars(select(SurveyInstrumentVersion)).one()
    for n in range(6):
        case = factory.case(o.ch, arrival=date(2011, 2, 1 + n), members=[factory.person("Novak", f"Ana{n}")])
        record_survey(case.persons[0], version, answers("1", "1", "1"), "intake", date(2011, 2, 2 + n))
        _visit(o, case, date(2011, 5, 1 + n), months=3)
    db.session.commit()
    # The page reads the same statements whatever the caseload: no statement per case or survey.
    assert statements() == before <= 7


EXACT = ("0.5417", "0.5834", "0.4375", "0.6667")


def test_a_donor_sees_the_monitoring_figures_protected_in_every_format(client, monitored_2011):
    from openpyxl import load_workbook

    _login(client, "donor.ch")
    query = {"programme": "AVR-CH", "period": "2011"}
    data = client.get("/reports/export.json", query_string=query).get_json()
    m = data["monitoring"]
    # Counts go through the small-cell rule like every other count...
    assert m["visits"]["late"] == "<5" and m["visits"]["missed"] == "<5"
    assert m["grants"]["since_start"]["paid"] == "<5" and m["grants"]["not_as_planned"] == "<5"
    intake = m["surveys"]["rounds"]["hand/intake"]
    assert intake["surveys"] == "<5" and intake["at_threshold"] == "<5"
    # ...and no mean, median or share of a group below the threshold is given.
    assert intake["composite"] == {"mean": "[c]", "median": "[c]"} and intake["share_at_threshold"] == "[c]"
    assert m["grants"]["in_period"]["share_checked"] == "[c]"
    for round_ in m["surveys"]["rounds"].values():
        assert all(round_[name] == {"mean": "[c]", "median": "[c]"}
                   for name in ("economic", "social", "psychosocial", "composite"))
    # A published total keeps its parts protected: seven visits due, none of their states given.
    assert m["visits"]["due"] == 7
    hidden = [k for k in ("on_time", "late", "missed", "ended") if not isinstance(m["visits"][k], int)]
    assert len(hidden) >= 2
    html = client.get("/reports/", query_string=query).get_data(as_text=True)
    assert "never over fewer than 5 persons" in html
    scores = _section(html, "survey_scores")
    assert "[c]" in scores and not any(f"{x[:4]}<" in scores for x in EXACT)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/reports/export.csv", query_string=query).data))
    text = "".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist())
    assert not any(x in text for x in EXACT) and "Intake,Composite,<5,[c],[c]" in text
    book = load_workbook(io.BytesIO(client.get("/reports/export.xlsx", query_string=query).data))
    row = next(r for r in book["Survey scores"].iter_rows(values_only=True) if r[:2] == ("Intake", "Economic"))
    assert row[2:] == ("<5", "[c]", "[c]")
    # The supervisor's "what the donor sees" is the same release.
    _login(client, "supervisor")
    seen = client.get("/reports/export.json", query_string={**query, "view": "donor"}).get_json()
    assert seen["monitoring"] == m


@pytest.fixture
def halves(office, factory):
    """AVR-CH released by years and half-years, threshold 5, sustainability threshold 0.5: six intake
    surveys in 2011, five in the first half (composite 1, 0.75, 0.75, 0.5, 0.5) and one in the second
    (composite 0.25), so that the year less its first half is one person; and the five of the first
    half again, three months after arrival, with the same scores: a round of five, all in that half."""
    o = office
    update_programme(o.ch, {"sustainability_threshold": "0.5", "release_calendar": "year,half"}, actor=o.admin)
    version = instrument()
    scores = [("1", "1", "1"), ("0.75", "0.75", "0.75"), ("0.75", "0.75", "0.75"), ("0.5", "0.5", "0.5"),
              ("0.5", "0.5", "0.5"), ("0.25", "0.25", "0.25")]
    for n, values in enumerate(scores):
        day = date(2011, 1 + n if n < 5 else 9, 10)
        case = factory.case(o.ch, arrival=day, members=[factory.person("Novak", f"Ana{n}", sex="F")])
        record_survey(case.persons[0], version, answers(*values), "intake", day)
        if n < 5:
            record_survey(case.persons[0], version, answers(*values), "month-3", date(2011, 6, 15))
    db.session.commit()
    return o


def test_a_donor_cannot_work_out_a_small_rounds_scores_from_two_releases(client, halves):
    _login(client, "donor.ch")

    def rounds(period):
        data = client.get("/reports/export.json", query_string={"programme": "AVR-CH", "period": period}).get_json()
        return data["monitoring"]["surveys"]["rounds"]

    year, first, second = (rounds(p)["hand/intake"] for p in ("2011", "2011-H1", "2011-H2"))
    assert second["surveys"] == "<5" and second["composite"]["mean"] == "[c]"
    # The year's mean times six less the first half's times five would give the one person's score:
    # the two are never both given, nor both counts.
    assert not (isinstance(year["surveys"], int) and isinstance(first["surveys"], int))
    assert "[c]" in (year["composite"]["mean"], first["composite"]["mean"])
    # A round of five, none of them below the threshold, is given whole, the same in the year and its half.
    for period in ("2011", "2011-H1"):
        month3 = rounds(period)["hand/month-3"]
        assert month3["surveys"] == 5 and month3["at_threshold"] == 5
        assert month3["composite"] == {"mean": "0.7000", "median": "0.7500"}
        assert month3["share_at_threshold"] == "1.0000"
    assert "hand/month-3" not in rounds("2011-H2")
    model = disclosure.protected_model(halves.ch)
    assert disclosure.disclosure_audit(model) == []
    # The linear programs cover these cells: without their secondary suppression the audit finds the
    # second half's one survey.
    opened = 0
    for cells in model.cells.values():
        for name, key in cells.items():
            if isinstance(name, tuple) and name[0] == "monitoring" and \
                    model.quantities[key].status == disclosure.SECONDARY:
                model.quantities[key].status = disclosure.PUBLISHED
                opened += 1
    assert opened
    found = disclosure.disclosure_audit(model)
    assert any("survey" in f.cell for f in found), [(f.release, f.cell) for f in found]
    # Staff see both halves exactly.
    _login(client, "supervisor")
    staff = client.get("/reports/export.json", query_string={"programme": "AVR-CH", "period": "2011-H1"}).get_json()
    assert staff["monitoring"]["surveys"]["rounds"]["hand/intake"]["composite"] == {"mean": "0.7000",
                                                                                   "median": "0.7500"}


def test_a_submitted_report_keeps_its_monitoring_figures_as_submitted(client, monitored_2011):
    from casework.reports.models import SubmittedReport

    o = monitored_2011
    _login(client, "supervisor")
    location = client.post("/reports/submit", data={"programme": "AVR-CH", "start": "2011-01-01",
                                                    "end": "2011-12-31"}).headers["Location"]
    report = db.session.scalars(select(SubmittedReport)).one()
    assert report.figures["monitoring"]["visits"]["missed"] == 2
    assert report.figures["monitoring"]["surveys"]["rounds"]["hand/intake"]["composite"]["mean"] == "0.5417"
    assert report.donor_figures["monitoring"]["surveys"]["rounds"]["hand/intake"]["composite"]["mean"] == "[c]"
    donor_before = report.donor_figures["monitoring"]
    # Later: B's missed 6-month visit is entered late, a survey of 2011 is recorded, the threshold moves.
    b, d = o.cases["b"], o.cases["d"]
    version = db.session.scalars(select(SurveyInstrumentVersion)).one()
    _visit(o, b, date(2011, 12, 20), months=6)
    record_survey(d.persons[0], version, answers("0", "0", "0"), "month-3", date(2011, 11, 2))
    update_programme(o.ch, {"sustainability_threshold": "0.8"}, actor=o.admin)
    db.session.commit()
    assert compute_figures(o.ch, Y2011).monitoring["visits"]["missed"] == 1
    html = client.get(location).get_data(as_text=True)
    visits = _section(html, "visits")
    assert "missed: past due and not made</td><td class=\"num\">2<" in visits
    assert "composite score 0.5 or more" in html and "0.54" in _section(html, "survey_scores")
    changes = html.split('id="changes"')[1].split("</table>")[0]
    assert "Monitoring: visits, missed: past due and not made" in changes
    assert "Monitoring: surveys, sustainability threshold" in changes
    assert "Monitoring: surveys, rounds, hand: 3 months after arrival, surveys" in changes
    stored = json.loads(client.get(location + "/export.json").data)
    assert stored["monitoring"]["visits"]["late"] == 1 and stored["monitoring"]["surveys"]["threshold"] == "0.5000"
    _login(client, "donor.ch")
    assert client.get(location + "/export.json").get_json()["monitoring"] == donor_before
    db.session.expire_all()
    assert db.session.get(SubmittedReport, report.id).donor_figures["monitoring"] == donor_before


def test_the_monitoring_tables_read_in_serbian(client, monitored_2011):
    from openpyxl import load_workbook

    monitored_2011.ch.report_language = "sr_Latn"
    db.session.commit()
    _login(client, "supervisor")
    query = {"programme": "AVR-CH", "period": "2011"}
    html = client.get("/reports/", query_string=query).get_data(as_text=True)
    assert "Zakazane posete s rokom u periodu" in html and "propuštene: rok je prošao, nisu obavljene" in html
    assert "Rezultati anketa o održivosti po krugu" in html and "Prijem" in html and "Zbirna" in html
    # Numbers in the reader's locale: a decimal comma in scores and shares, and in the threshold.
    assert "0,54" in _section(html, "survey_scores") and "66,7" in _section(html, "grant_checks")
    assert "zbirni rezultat 0,5 ili više" in html
    book = load_workbook(io.BytesIO(client.get("/reports/export.xlsx", query_string=query).data))
    assert {"Posete praćenja", "Provera pomoći", "Rezultati anketa", "Održivost"} <= set(book.sheetnames)
