"""The printable case file: case, members, plan, referrals, grants, decisions, payments, notes that are not
sensitive; audited like every export."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from casework.audit.models import AuditEvent
from casework.extensions import db
from casework.grants import services as grant_services
from casework.monitoring.services import record_visit
from casework.notes.services import add_note
from casework.plans import services as plan_services
from casework.referrals import services as referral_services
from tests.grants.helpers import approved as approved_grant
from tests.plans.helpers import approved as approved_plan


def pdf_text(data: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext (poppler-utils) is needed to read the case file; .ci/run installs it")
    path = tmp_path / "file.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_case_file_holds_the_case_and_no_sensitive_note(office, client, auth, tmp_path):
    case = office.ch_case
    plan = approved_plan(office)
    provider = referral_services.create_provider({"name": "Centre for Social Work", "provider_type": "public",
                                                  "services": "Counselling"}, actor=office.admin)
    referral_services.send_referral(plan.items[1], provider, consent=True, consent_on=date(2011, 2, 1),
                                    consent_person_id=case.principal.id, sent_on=date(2011, 2, 1),
                                    actor=office.caseworker)
    grant = approved_grant(office, amount="1200")
    plan_services.link_grant(grant, plan.items[0], actor=office.caseworker)
    grant_services.record_disbursement(grant, office.caseworker, paid_on=date.today(), amount="700", mode="cash",
                                       receipt_reference="R-77")
    add_note(case, "visit", date(2011, 3, 1), "The bakery oven is installed.", actor=office.caseworker)
    record_visit(case, {"visited_on": date(2011, 3, 1), "kind": "home", "visited_by": "Ana Ilić",
                        "member_ids": [case.principal.id],
                        "grants": {grant.id: {"use": "partly", "what_was_done": "Half the oven paid",
                                              "handover_confirmed": True}}}, actor=office.caseworker)
    add_note(case, "phone_call", date(2011, 3, 2), "Spoke of the violence at home.", is_sensitive=True,
             actor=office.caseworker)
    db.session.commit()
    auth.login("caseworker")
    response = client.get(f"/cases/{case.id}/file.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(pdf_text(response.data, tmp_path).split())
    for expected in (case.reference, "Petrović, Jelena", "Micro-business", "Open a bakery in Niš", "Approved",
                     "Centre for Social Work", "Sent, awaiting an answer", "Grant", "CHF 1,200.00", "CHF 700.00",
                     "R-77", "The bakery oven is installed.", "Home visit", "by Ana Ilić",
                     "Partly as planned — Half the oven paid"):
        assert expected in text, expected
    assert "violence" not in text
    event = db.session.query(AuditEvent).filter_by(action="case_file_exported").one()
    assert event.entity_id == case.id and event.username == "caseworker"


def test_another_programmes_caseworker_cannot_print_the_file(office, client, auth):
    auth.login("caseworker.uk")
    assert client.get(f"/cases/{office.ch_case.id}/file.pdf").status_code == 404
