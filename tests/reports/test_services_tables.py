"""Plan items, referrals and closures in the donor report: what is counted, and their protection."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from casework.cases.models import CaseStatus
from casework.cases.services import change_status
from casework.closures.models import CaseClosure
from casework.extensions import db
from casework.plans import services as plans
from casework.referrals.services import answer_referral, create_provider, send_referral
from casework.reports import disclosure
from casework.reports.disclosure import PUBLISHED, SECONDARY, disclosure_audit
from casework.reports.engine import compute_figures
from casework.reports.periods import Period

PASSWORD = "correct horse battery staple"
Y2010 = Period(date(2010, 1, 1), date(2010, 12, 31))
Y2011 = Period(date(2011, 1, 1), date(2011, 12, 31))


def _login(client, username):
    client.post("/logout")
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _approve(o, case, items, on: datetime):
    for values in items:
        plans.add_item(case, {"goal": "A goal", "provider_kind": "office", **values}, actor=o.caseworker)
    plan = plans.plan_of(case)
    plans.submit_plan(plan, actor=o.caseworker)
    plans.decide_plan(plan, o.supervisor, "approved", at=on)
    return plan


def _close(o, case, reason: str, on: date):
    change_status(case, CaseStatus.CLOSED, actor=o.caseworker, reason=reason)
    db.session.flush()
    closure = db.session.scalars(select(CaseClosure).where(CaseClosure.case_id == case.id)
                                 .order_by(CaseClosure.id.desc())).first()
    closure.on_date = on  # recorded on the day, as an office entering its closures late would date them


@pytest.fixture
def services_2011(office, factory):
    """AVR-CH, 2010 and 2011. By hand, in 2011:
    plan items first approved: micro-business 8, vocational training 1, family support 8, legal 1;
    referrals: NGO sent 7, accepted 6, refused 1, done 5; public service sent 1, accepted 1;
    closures: support ended 6, died 1.
    In 2010: one micro-business item, approved at 23:30 UTC on New Year's Eve."""
    o = office
    ngo = create_provider({"name": "Centar za porodicu", "provider_type": "ngo", "municipality": "Niš",
                           "services": "Family counselling"}, actor=o.admin)
    public = create_provider({"name": "Centar za socijalni rad", "provider_type": "public",
                              "municipality": "Niš", "services": "Social protection"}, actor=o.admin)
    late = factory.case(o.ch, arrival=date(2010, 11, 1), members=[factory.person("Lazić", "Milan", year=1975)])
    _approve(o, late, [{"item_type": "micro_business"}], _at(date(2010, 12, 31), 23, 30))
    # A change after approval: the new item counts when version 2 approves it, the first stays in 2010.
    _approve(o, late, [{"item_type": "vocational_training"}], _at(date(2011, 3, 1)))
    for n in range(8):
        case = factory.case(o.ch, arrival=date(2011, 1 + n, 10), members=[
            factory.person("Jovanović", f"Ana{n}", sex="F", year=1980),
            factory.person("Jovanović", f"Ivan{n}", sex="M", year=1978, relationship="spouse")])
        extra = [{"item_type": "legal"}] if n == 0 else []
        plan = _approve(o, case, [{"item_type": "micro_business"},
                                  {"item_type": "psychosocial_family", "provider_kind": "referral"}, *extra],
                        _at(date(2011, 1 + n, 20)))
        item = next(i for i in plan.items if i.item_type.value == "psychosocial_family")
        sent = date(2011, 1 + n, 25)
        referral = send_referral(item, public if n == 7 else ngo, consent=True, consent_on=sent,
                                 consent_person_id=case.persons[0].id, sent_on=sent, actor=o.caseworker)
        answered = date(2011, 2 + n, 1)
        if n == 0:
            answer_referral(referral, "refused", answered, actor=o.caseworker)
        else:
            answer_referral(referral, "accepted", answered, actor=o.caseworker)
            if n in (1, 2, 3, 4, 5):
                answer_referral(referral, "done", date(2011, 10, n), actor=o.caseworker)
            elif n == 7:
                answer_referral(referral, "done", date(2012, 2, 1), actor=o.caseworker)
        if n < 7:
            _close(o, case, "deceased" if n == 3 else "support_ended", date(2011, 11, 1 + n))
    db.session.commit()
    return o


def test_the_figures_match_the_hand_counts(services_2011):
    f = compute_figures(services_2011.ch, Y2011)
    assert {k: v for k, v in f.plan_items["by_type"].items() if v} == {
        "micro_business": 8, "vocational_training": 1, "psychosocial_family": 8, "legal": 1}
    assert f.plan_items["by_dimension"] == {"immediate": 0, "economic": 9, "social": 1, "psychosocial": 8}
    assert f.plan_items["total"] == 18
    by_provider = f.referrals["by_provider_type"]
    assert by_provider["ngo"] == {"sent": 7, "accepted": 6, "refused": 1, "done": 5}
    assert by_provider["public"] == {"sent": 1, "accepted": 1, "refused": 0, "done": 0}
    assert f.referrals["total"] == {"sent": 8, "accepted": 7, "refused": 1, "done": 5}
    assert {k: v for k, v in f.closures["by_reason"].items() if v} == {"support_ended": 6, "deceased": 1}
    assert f.closures["total"] == 7
    before = compute_figures(services_2011.ch, Y2010)
    assert (before.plan_items["by_type"]["micro_business"], before.plan_items["total"]) == (1, 1)
    assert before.referrals["total"]["sent"] == 0 and before.closures["total"] == 0
    after = compute_figures(services_2011.ch, Period(date(2012, 1, 1), date(2012, 12, 31)))
    assert after.referrals["by_provider_type"]["public"]["done"] == 1
    # Another programme's figures are its own.
    assert compute_figures(services_2011.uk, Y2011).plan_items["total"] == 0


def _numbers(row: dict) -> dict:
    return {k: v for k, v in row.items() if isinstance(v, int)}


def test_a_donor_cannot_recover_a_small_cell_by_differencing(client, services_2011):
    _login(client, "donor.ch")
    data = client.get("/reports/export.json", query_string={"programme": "AVR-CH", "period": "2011"}).get_json()
    plan, referrals, closures = data["plan_items"], data["referrals"], data["closures"]
    # The small counts are withheld...
    for small in (plan["by_type"]["legal"], plan["by_type"]["vocational_training"],
                  referrals["by_provider_type"]["ngo"]["refused"], referrals["by_provider_type"]["public"]["sent"],
                  closures["by_reason"]["deceased"]):
        assert small in ("<5", "[c]")
    # ...and no margin gives one back: wherever a total is published, its row holds no single hidden
    # cell that is not zero (zeros are written "<5" too, and need no protection).
    exact = compute_figures(services_2011.ch, Y2011)
    margins = [(closures["total"], closures["by_reason"], exact.closures["by_reason"])]
    for m in ("sent", "accepted", "refused", "done"):
        margins.append((referrals["total"][m], {t: r[m] for t, r in referrals["by_provider_type"].items()},
                        {t: r[m] for t, r in exact.referrals["by_provider_type"].items()}))
    margins.append((plan["total"], plan["by_dimension"], exact.plan_items["by_dimension"]))
    for total, shown, true in margins:
        if isinstance(total, int):
            hidden_nonzero = [k for k, v in shown.items() if not isinstance(v, int) and true[k]]
            assert len(hidden_nonzero) != 1, (total, shown)
    # And the linear programs over every release the donor can download find nothing.
    model = disclosure.protected_model(services_2011.ch)
    assert disclosure_audit(model) == []


def test_the_audit_covers_the_new_tables(services_2011):
    """Without the secondary suppression of the new tables, the audit finds the cells it left open."""
    model = disclosure.protected_model(services_2011.ch)
    new_tables = ("plan_items", "referrals", "closures")
    opened = 0
    for cells in model.cells.values():
        for name, key in cells.items():
            if isinstance(name, tuple) and name[0] in new_tables and model.quantities[key].status == SECONDARY:
                model.quantities[key].status = PUBLISHED
                opened += 1
    assert opened, "the small cells of 2011 need secondary suppression"
    cells = {f.cell.split("/")[0] for f in disclosure_audit(model)}
    assert cells & set(new_tables)


def test_exports_and_page_hold_the_new_tables(client, services_2011):
    from openpyxl import load_workbook

    _login(client, "supervisor")
    query = {"programme": "AVR-CH", "period": "2011"}
    html = client.get("/reports/", query_string=query).get_data(as_text=True)
    for key in ("plan_items", "referrals", "closures"):
        assert f'id="table-{key}"' in html
    assert "Plan items approved in the period, by dimension and type" in html and "Non-governmental organisation" in html
    archive = zipfile.ZipFile(io.BytesIO(client.get("/reports/export.csv", query_string=query).data))
    names = archive.namelist()
    closures_csv = archive.read(next(n for n in names if n.endswith("-closures.csv"))).decode("utf-8-sig")
    assert "The returnee died,1" in closures_csv and "Total,7" in closures_csv
    plan_csv = archive.read(next(n for n in names if n.endswith("-plan_items.csv"))).decode("utf-8-sig")
    assert "Economic,Micro-business,8" in plan_csv and "Economic,All types,9" in plan_csv
    referrals_csv = archive.read(next(n for n in names if n.endswith("-referrals.csv"))).decode("utf-8-sig")
    assert "Non-governmental organisation,7,6,1,5" in referrals_csv
    book = load_workbook(io.BytesIO(client.get("/reports/export.xlsx", query_string=query).data))
    assert {"Plan items", "Referrals", "Closures"} <= set(book.sheetnames)
    assert [c.value for c in book["Closures"]["A"]][-1] == "Total" and book["Closures"]["B"][-1].value == 7
    pdf = client.get("/reports/export.pdf", query_string=query)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    data = client.get("/reports/export.json", query_string=query).get_json()
    assert data["closures"]["by_reason"]["deceased"] == 1  # staff see exact figures


def test_a_donor_sees_only_protected_values_in_every_format(client, services_2011):
    from openpyxl import load_workbook

    _login(client, "donor.ch")
    query = {"programme": "AVR-CH", "period": "2011"}
    book = load_workbook(io.BytesIO(client.get("/reports/export.xlsx", query_string=query).data))
    died = next(row for row in book["Closures"].iter_rows(values_only=True) if row[0] == "The returnee died")
    assert died[1] in ("<5", "[c]")
    legal = next(row for row in book["Plan items"].iter_rows(values_only=True) if row[1] == "Legal")
    assert legal[2] in ("<5", "[c]")
    archive = zipfile.ZipFile(io.BytesIO(client.get("/reports/export.csv", query_string=query).data))
    referrals_csv = archive.read(next(n for n in archive.namelist() if n.endswith("-referrals.csv"))).decode()
    assert "Non-governmental organisation,7,6,1,5" not in referrals_csv
    html = client.get("/reports/", query_string=query).get_data(as_text=True)
    section = html.split('id="table-closures"')[1].split("</table>")[0]
    assert "The returnee died</td><td class=\"num\">1<" not in section and ("&lt;5" in section or "[c]" in section)
    # What the supervisor's "what the donor sees" shows is the same release.
    _login(client, "supervisor")
    seen = client.get("/reports/export.json", query_string={**query, "view": "donor"}).get_json()
    _login(client, "donor.ch")
    got = client.get("/reports/export.json", query_string=query).get_json()
    for key in ("plan_items", "referrals", "closures"):
        assert seen[key] == got[key]


def test_a_submitted_report_keeps_the_new_tables_as_submitted(client, services_2011, factory):
    o = services_2011
    _login(client, "supervisor")
    location = client.post("/reports/submit", data={"programme": "AVR-CH", "start": "2011-01-01",
                                                    "end": "2011-12-31"}).headers["Location"]
    from casework.reports.models import SubmittedReport

    report = db.session.scalars(select(SubmittedReport)).one()
    assert report.figures["closures"]["total"] == 7
    assert report.donor_figures["closures"]["by_reason"]["deceased"] in ("<5", "[c]")
    # A closure entered later for 2011 changes the figures now, never the submitted report.
    last = factory.case(o.ch, arrival=date(2011, 6, 1), members=[factory.person("Kovač", "Mila", sex="F")])
    _close(o, last, "left_area", date(2011, 12, 1))
    db.session.commit()
    html = client.get(location).get_data(as_text=True)
    section = html.split('id="table-closures"')[1].split("</table>")[0]
    assert "Total</td><td class=\"num\">7<" in section
    changes = html.split('id="changes"')[1].split("</table>")[0]
    assert "Cases closed: by reason, The returnee left the area" in changes
    stored = json.loads(client.get(location + "/export.json").data)
    assert stored["closures"]["total"] == 7
    _login(client, "donor.ch")
    donor = client.get(location + "/export.json").get_json()
    assert donor["closures"] == report.donor_figures["closures"]


def test_a_report_submitted_before_these_tables_is_shown_without_them(client, services_2011):
    from casework.reports.models import SubmittedReport

    figures = compute_figures(services_2011.ch, Y2011).to_dict()
    old = {k: v for k, v in figures.items() if k not in ("plan_items", "referrals", "closures", "monitoring")}
    report = SubmittedReport(programme_id=services_2011.ch.id, period_start=Y2011.start, period_end=Y2011.end,
                             label="2011", figures=old, donor_figures=None, submitted_by_id=services_2011.supervisor.id)
    db.session.add(report)
    db.session.commit()
    _login(client, "supervisor")
    html = client.get(f"/reports/submitted/{report.id}").get_data(as_text=True)
    assert 'id="table-closures"' not in html and 'id="table-visits"' not in html and 'id="no-changes"' in html


def test_the_new_tables_read_in_serbian(client, services_2011):
    services_2011.ch.report_language = "sr_Latn"
    db.session.commit()
    _login(client, "supervisor")
    query = {"programme": "AVR-CH", "period": "2011"}
    html = client.get("/reports/", query_string=query).get_data(as_text=True)
    assert "Stavke plana odobrene u periodu, po dimenziji i vrsti" in html and "Mikrobiznis" in html
    assert "Upućivanja po vrsti pružaoca usluga i ishodu" in html and "Nevladina organizacija" in html
    assert "Slučajevi zatvoreni u periodu, po razlogu" in html and "Povratnik je preminuo" in html
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get("/reports/export.xlsx", query_string=query).data))
    assert {"Stavke plana", "Upućivanja", "Zatvaranja"} <= set(book.sheetnames)
