"""What donors receive cannot be taken apart: release periods, suppression that holds, the audit."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.errors import DomainError
from casework.extensions import db
from casework.reports import disclosure
from casework.reports.disclosure import (
    GROUPED,
    PRIMARY,
    PUBLISHED,
    Model,
    Quantity,
    disclosure_audit,
)
from casework.reports.periods import Period

PASSWORD = "correct horse battery staple"


def _login(client, username):
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302


@pytest.fixture
def busy_2011(office, factory):
    """AVR-CH in 2010 and 2011: enough families for a useful release, and one family from a
    small place on 2011-05-04 with a trafficking victim and a person of sex X."""
    for year in (2010, 2011):
        for n in range(8):
            factory.case(office.ch, arrival=date(year, 1 + n, 10), municipality="Niš", members=[
                factory.person("Jovanović", f"Ana{n}", sex="F", year=1980),
                factory.person("Jovanović", f"Ivan{n}", sex="M", year=1978, relationship="spouse"),
            ])
    factory.case(office.ch, arrival=date(2011, 5, 4), municipality="Bela Palanka", members=[
        factory.person("Ramić", "Sara", sex="F", year=1990, vulnerabilities=["trafficking_victim"]),
        factory.person("Ramić", "Alen", sex="X", year=2005, relationship="child"),
        factory.person("Ramić", "Ena", sex="M", year=2007, relationship="child"),
    ])
    db.session.commit()
    return office


def _numbers(data, key):
    return {k: v for k, v in data[key].items() if isinstance(v, int)}


def test_an_adversarial_donor_cannot_take_the_releases_apart(client, busy_2011):
    _login(client, "donor.ch")
    # Short periods: no month, no day, no range, no totals on a day.
    for query in ({"period": "2011-05"}, {"from": "2011-05-04", "to": "2011-05-04"},
                  {"from": "2002-07-01", "to": "2011-05-03"}, {"period": "2011-Q2"}):
        assert client.get("/reports/export.json", query_string={"programme": "AVR-CH", **query}).status_code == 404
        assert client.get("/reports/", query_string={"programme": "AVR-CH", **query}).status_code == 400
    before = client.get("/reports/totals", query_string={"on": "2011-05-03"}).get_data(as_text=True)
    after = client.get("/reports/totals", query_string={"on": "2011-05-04"}).get_data(as_text=True)
    def table(html):
        return html.split("<table")[1].split("</table>")[0]

    assert table(before) == table(after)  # both give the release of 2010: nothing to subtract
    # Differencing: the only releases are whole years; 2011 minus 2010 cumulative gives 2011 itself.
    releases = [client.get("/reports/export.json", query_string={"programme": "AVR-CH", "period": y}).get_json()
                for y in ("2010", "2011")]
    y2010, y2011 = releases
    assert y2011["cumulative_persons"] == y2010["cumulative_persons"] + y2011["persons"]
    # Complementary cells: no withheld cell is a total minus published cells.
    sexes = y2011["by_sex"]
    assert sexes["X"] == "<5"
    hidden = [k for k, v in sexes.items() if not isinstance(v, int)]
    assert len(hidden) >= 2 or not isinstance(y2011["persons"], int)
    # Names: the small place is not named; the small trafficking count is not either.
    assert "Bela Palanka" not in str(y2011) and "trafficking_victim" not in y2011["by_vulnerability"]
    # And the audit over everything the donor can download finds nothing.
    assert disclosure_audit(disclosure.protected_model(busy_2011.ch)) == []


def _hand_built(x_status):
    """One period: persons 87 = F 40 + M 46 + X 1, everything else in one age group and one place."""
    atoms = {(0, "cases"): 30, (0, "persons"): 87, (0, "sex", "F"): 40, (0, "sex", "M"): 46, (0, "sex", "X"): 1,
             (0, "age", "18-59"): 87, (0, "muni", "Niš"): 87}
    model = Model(date(2011, 1, 1), 5, [Period(date(2011, 1, 1), date(2011, 12, 31))],
                  [Period(date(2011, 1, 1), date(2011, 12, 31))], atoms=atoms)
    for atom, value in atoms.items():
        status = x_status if atom == (0, "sex", "X") else PUBLISHED
        model.quantities[frozenset([atom])] = Quantity(frozenset([atom]), value, 2011, status=status, releases={0})
    model.cells[0] = {("by_sex", s): frozenset([(0, "sex", s)]) for s in "FMX"}
    return model


def test_the_audit_catches_a_recoverable_cell():
    findings = disclosure_audit(_hand_built(PRIMARY))
    assert [(f.cell, f.value, f.low, f.high, f.possible_values) for f in findings] == [("by_sex/X", 1, 1, 1, 1)]


def test_the_audit_passes_a_table_whose_small_cell_is_protected():
    model = _hand_built(PRIMARY)
    model.quantities[frozenset([(0, "sex", "M")])].status = disclosure.SECONDARY
    assert disclosure_audit(model) == []
    # ...and a grouped cell the margins pin is caught like a marked one.
    assert len(disclosure_audit(_hand_built(GROUPED))) == 1


def test_years_halves_and_quarters_together_pass_the_audit(office, factory):
    programme = factory.programme("SHORT-1", donor="A donor", start=date(2010, 1, 1))
    programme.release_calendar = "year,half,quarter"
    for n in range(14):  # some quarters busy, some with one family
        factory.case(programme, arrival=date(2010 + n // 7, 1 + (n * 5) % 12, 3), municipality=("Niš", "Pirot")[n % 2],
                     members=[factory.person("Lukić", f"Ana{n}", sex="F", year=1980 + n),
                              factory.person("Lukić", f"Ivo{n}", sex="XM"[n % 2], year=2001, relationship="child",
                                             vulnerabilities=["medical"] if n % 5 == 0 else ())])
    db.session.commit()
    model = disclosure.protected_model(programme, today=date(2012, 1, 1))
    assert len(model.releases) == 14
    assert any(q.status == disclosure.SECONDARY for q in model.quantities.values())
    assert disclosure_audit(model) == []


def test_submitting_a_release_that_would_disclose_is_refused(client, busy_2011, factory):
    factory.case(busy_2011.ch, arrival=date(2011, 12, 31), municipality="Niš", members=[
        factory.person("Kovač", "Mila", sex="F", year=1970)])
    db.session.commit()
    _login(client, "supervisor")
    # The year minus this range is the one family of New Year's Eve.
    response = client.post("/reports/submit", data={"programme": "AVR-CH", "start": "2011-01-01",
                                                    "end": "2011-12-30"}, follow_redirects=True)
    assert "Refused: together with the other releases" in response.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report_submitted")) is None
    response = client.post("/reports/submit", data={"programme": "AVR-CH", "start": "2011-01-01",
                                                    "end": "2011-12-31"}, follow_redirects=True)
    assert "Report 2011 submitted" in response.get_data(as_text=True)


def test_submitting_a_period_again_makes_version_2_and_shows_the_differences(client, busy_2011, factory):
    _login(client, "supervisor")
    form = {"programme": "AVR-CH", "start": "2011-01-01", "end": "2011-12-31"}
    first = client.post("/reports/submit", data=form).headers["Location"]
    factory.case(busy_2011.ch, arrival=date(2011, 9, 9), members=[factory.person("Kovač", "Mila", sex="F")])
    db.session.commit()
    second = client.post("/reports/submit", data=form).headers["Location"]
    assert first != second
    html = client.get(second).get_data(as_text=True)
    assert "Version 2" in html and "supersedes" in html and 'id="version-changes"' in html
    assert "Persons in the period" in html.split('id="version-changes"')[1].split("</section>")[0]
    assert "superseded by" in client.get(first).get_data(as_text=True)
    index = client.get("/reports/", query_string={"programme": "AVR-CH", "period": "2011"}).get_data(as_text=True)
    assert index.count(">2011</a>") == 2 and "version 2" in index


def test_what_the_donor_sees_on_the_supervisors_page(client, busy_2011):
    _login(client, "supervisor")
    exact = client.get("/reports/", query_string={"programme": "AVR-CH", "period": "2011"}).get_data(as_text=True)
    donor = client.get("/reports/", query_string={"programme": "AVR-CH", "period": "2011", "view": "donor"}
                       ).get_data(as_text=True)
    assert "Bela Palanka" in exact and "Bela Palanka" not in donor
    assert "What the donor sees" in exact and "&lt;5" in donor and "Other municipalities" in donor
    # Staff keep arbitrary ranges.
    one_day = client.get("/reports/export.json", query_string={"programme": "AVR-CH", "from": "2011-05-04",
                                                               "to": "2011-05-04"}).get_json()
    assert one_day["persons"] == 3


def test_the_threshold_is_5_by_default_never_below_3_and_audited(office, factory):
    from casework.programmes.services import update_programme

    assert factory.programme("NEW-1", donor="Another donor").small_cell_threshold == 5
    with pytest.raises(DomainError, match="from 3 to 100"):
        update_programme(office.ch, {"small_cell_threshold": 2}, actor=office.admin)
    with pytest.raises(DomainError):
        update_programme(office.ch, {"small_cell_threshold": None}, actor=office.admin)
    update_programme(office.ch, {"small_cell_threshold": 7}, actor=office.admin)
    db.session.commit()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "programme_updated")).all()[-1]
    assert event.changes["small_cell_threshold"] == [5, 7]


def test_the_grants_chart_draws_money_and_imported_grants_are_explained(client, office):
    import base64
    import re

    from casework.grants.models import Grant, GrantCategory, GrantStatus

    db.session.add(Grant(case=office.ch_case, category=GrantCategory.BUSINESS, requested_amount=Decimal("2950.00"),
                         status=GrantStatus.APPROVED, decided_on=date(2010, 6, 1),
                         approved_amount=Decimal("2950.00")))
    db.session.add(Grant(case=office.ch_case, category=GrantCategory.HOUSING, requested_amount=Decimal("800.00"),
                         status=GrantStatus.APPROVED, decided_on=date(2010, 6, 1), approved_amount=Decimal("700.00"),
                         submitted_at=datetime(2010, 5, 1, 9, tzinfo=UTC)))
    db.session.commit()
    _login(client, "supervisor")
    html = client.get("/reports/", query_string={"programme": "AVR-CH", "period": "2010"}).get_data(as_text=True)
    charts = [base64.b64decode(m).decode("utf-8") for m in re.findall(r'data:image/svg\+xml;base64,([^"]+)', html)]
    grants_chart = next(svg for svg in charts if "Reintegration assistance by category" in svg)
    assert "2950" in grants_chart and "Amount approved" in grants_chart
    data = client.get("/reports/export.json", query_string={"programme": "AVR-CH", "period": "2010"}).get_json()
    business = data["grants_by_category"]["business"]
    assert (business["proposed_count"], business["undated_count"], business["approved_count"]) == (0, 1, 1)
    assert "Imported, no proposal date" in html
    assert list(data["by_month"]) == [f"2010-{m:02d}" for m in range(1, 13)]


def test_report_totals_takes_a_period_like_export(runner, office):
    import json

    result = runner.invoke(args=["report", "totals", "--programme", "AVR-CH", "--period", "2010", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["from"], data["to"], data["cases"]) == ("2010-01-01", "2010-12-31", 1)
    bad = runner.invoke(args=["report", "totals", "--programme", "AVR-CH", "--period", "2010", "--from", "2010-01-01"])
    assert bad.exit_code != 0


def test_report_audit_command(runner, busy_2011):
    result = runner.invoke(args=["report", "audit", "--programme", "AVR-CH", "--year", "2011"])
    assert result.exit_code == 0, result.output
    assert "0 disclosed" in result.output
