"""Documents on a reintegration plan (the signed agreement): they follow the plan's case."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.extensions import db
from tests.documents.conftest import PDF
from tests.documents.test_documents import only_document, upload
from tests.plans.helpers import written


def _body_and_disposition(response):
    if response.status_code == 302:  # S3: a signed link to the object store
        import urllib.request

        with urllib.request.urlopen(response.headers["Location"]) as remote:
            return remote.read(), remote.headers["Content-Disposition"]
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    return response.data, response.headers["Content-Disposition"]


def test_the_signed_agreement_is_attached_to_the_plan_listed_on_its_page_and_downloaded(client, auth, office):
    plan = written(office.ch_case, office.caseworker)
    auth.login("caseworker")
    page = client.get(f"/cases/{office.ch_case.id}/plan").get_data(as_text=True)
    assert "No document attached yet." in page
    assert f"attach_to=plan:{plan.id}" in page.replace("%3A", ":")
    form = client.get(f"/cases/{office.ch_case.id}/documents/new?attach_to=plan:{plan.id}").get_data(as_text=True)
    assert f"selected value=\"plan:{plan.id}\">Reintegration plan<" in form
    response = upload(client, office.ch_case, PDF, "agreement signed.pdf", title="Signed agreement",
                      kind="agreement", attach_to=f"plan:{plan.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{office.ch_case.id}/plan#documents")
    document = only_document()
    assert (document.owner_type, document.owner_id, document.case_id) == ("plan", plan.id, office.ch_case.id)
    page = client.get(f"/cases/{office.ch_case.id}/plan").get_data(as_text=True)
    assert "Signed agreement" in page and "Agreement" in page and f"/documents/{document.id}" in page
    assert "No document attached yet." not in page
    # The case page lists it too, as attached to the plan.
    case_page = client.get(f"/cases/{office.ch_case.id}?tab=documents").get_data(as_text=True)
    assert "Signed agreement" in case_page and "Reintegration plan" in case_page
    body, disposition = _body_and_disposition(client.get(f"/documents/{document.id}"))
    assert body == PDF and disposition.startswith("attachment;")
    uploaded = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "document_uploaded")).one()
    assert uploaded.user_id == office.caseworker.id and uploaded.programme_id == office.ch.id
    assert uploaded.changes["attached_to"] == f"plan {plan.id}"
    assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "document_downloaded")).all()


def test_a_document_removed_from_the_plan_page_returns_there_and_stays_as_a_record(client, auth, office):
    plan = written(office.ch_case, office.caseworker)
    auth.login("caseworker")
    upload(client, office.ch_case, PDF, "agreement.pdf", title="Agreement draft", kind="agreement",
           attach_to=f"plan:{plan.id}")
    document = only_document()
    response = client.post(f"/documents/{document.id}/remove", data={"reason": "Unsigned copy"})
    assert response.headers["Location"].endswith(f"/cases/{office.ch_case.id}/plan#documents")
    page = client.get(f"/cases/{office.ch_case.id}/plan").get_data(as_text=True)
    assert "<del>Agreement draft</del>" in page and "Unsigned copy" in page
    assert client.get(f"/documents/{document.id}").status_code == 410
    assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "document_removed")).all()


def test_another_programmes_user_cannot_reach_or_attach_to_the_plans_documents(client, auth, office):
    plan = written(office.ch_case, office.caseworker)
    auth.login("caseworker")
    upload(client, office.ch_case, PDF, "agreement.pdf", title="Agreement", kind="agreement",
           attach_to=f"plan:{plan.id}")
    document_id = only_document().id
    auth.logout()
    auth.login("caseworker.uk")
    assert client.get(f"/cases/{office.ch_case.id}/plan").status_code == 404
    assert client.get(f"/documents/{document_id}").status_code == 404
    assert client.post(f"/documents/{document_id}/remove", data={"reason": "x"}).status_code == 404
    # Naming the other programme's plan from a case of their own is refused, and nothing is kept.
    response = upload(client, office.uk_case, PDF, "mine.pdf", attach_to=f"plan:{plan.id}")
    assert response.status_code == 422 and "Not a valid choice." in response.get_data(as_text=True)
    db.session.expire_all()
    assert only_document().id == document_id
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "document_downloaded")).all()


def test_a_donor_never_sees_a_plans_document(client, auth, office):
    plan = written(office.ch_case, office.caseworker)
    auth.login("caseworker")
    upload(client, office.ch_case, PDF, "agreement.pdf", title="Agreement", kind="agreement",
           attach_to=f"plan:{plan.id}")
    document_id = only_document().id
    auth.logout()
    auth.login("donor.ch")
    assert client.get(f"/documents/{document_id}").status_code == 403
    assert client.get(f"/cases/{office.ch_case.id}/plan").status_code == 403
    assert upload(client, office.ch_case, PDF, "x.pdf", attach_to=f"plan:{plan.id}").status_code == 403
    assert only_document().id == document_id


def test_evidence_of_a_monitoring_visit_is_attached_to_the_visit_and_listed_on_the_case_page(client, auth, office):
    from casework.monitoring import services as monitoring

    case = office.ch_case
    visit = monitoring.record_visit(case, {"visited_on": date.today(), "kind": "home", "visited_by": "Ana Ilić",
                                           "member_ids": [case.principal.id]}, actor=office.caseworker)
    db.session.commit()
    auth.login("caseworker")
    page = client.get(f"/cases/{case.id}?tab=monitoring").get_data(as_text=True)
    assert f"attach_to=visit:{visit.id}" in page.replace("%3A", ":")
    response = upload(client, case, PDF, "handover.pdf", title="Handover certificate", kind="receipt",
                      attach_to=f"visit:{visit.id}")
    assert response.status_code == 302
    document = only_document()
    assert (document.owner_type, document.owner_id, document.case_id) == ("visit", visit.id, case.id)
    page = client.get(f"/cases/{case.id}?tab=documents").get_data(as_text=True)
    assert "Handover certificate" in page and f"/documents/{document.id}" in page
    body, disposition = _body_and_disposition(client.get(f"/documents/{document.id}"))
    assert body == PDF and disposition.startswith("attachment;")
    uploaded = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "document_uploaded")).one()
    assert uploaded.changes["attached_to"] == f"visit {visit.id}"
    auth.logout()
    auth.login("caseworker.uk")  # another programme's caseworker
    assert client.get(f"/documents/{document.id}").status_code in (403, 404)
    auth.logout()
    auth.login("donor.ch")
    assert client.get(f"/documents/{document.id}").status_code == 403
