"""Service providers (kept by the administrator) and referrals, which need the returnee's consent."""
from __future__ import annotations

from datetime import date

import pytest

from casework.errors import DomainError, NotAllowed
from casework.extensions import db
from casework.referrals import services
from casework.referrals.models import Referral, ServiceProvider
from tests.plans.helpers import written


def _provider(admin, name="Centre for Social Work Niš"):
    provider = services.create_provider({"name": name, "provider_type": "public", "municipality": "Niš",
                                         "services": "Family counselling", "contact": "018 000 000"}, actor=admin)
    db.session.commit()
    return provider


def test_admin_keeps_the_providers_and_nobody_else_may(office, client, auth):
    auth.login("admin")
    response = client.post("/admin/providers", data={"name": "Red Cross Kraljevo", "provider_type": "ngo",
                                                     "municipality": "Kraljevo", "services": "Food parcels",
                                                     "contact": "036 000", "is_active": "y"})
    assert response.status_code == 302
    page = client.get("/admin/providers").get_data(as_text=True)
    assert "Red Cross Kraljevo" in page and "Non-governmental organisation" in page and "Food parcels" in page
    response = client.post("/admin/providers", data={"name": "Red Cross Kraljevo", "provider_type": "ngo",
                                                     "municipality": "Kraljevo", "services": "x"})
    assert response.status_code == 422 and "on the list already" in response.get_data(as_text=True)
    with pytest.raises(NotAllowed):
        services.create_provider({"name": "X", "provider_type": "ngo", "services": "y"}, actor=office.caseworker)


def test_a_referral_is_not_sent_without_the_returnees_consent(office, client, auth):
    provider = _provider(office.admin)
    plan = written(office.ch_case, office.caseworker)
    item = plan.items[1]  # the family counselling, a referral
    auth.login("caseworker")
    url = f"/cases/{office.ch_case.id}/plan/items/{item.id}/referrals"
    base = {"provider_id": provider.id, "consent_person_id": office.ch_case.principal.id,
            "consent_on": "2011-02-01", "sent_on": "2011-02-02"}
    response = client.post(url, data=base)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Record the returnee&#39;s consent" in page or "Record the returnee's consent" in page
    assert db.session.query(Referral).count() == 0
    response = client.post(url, data={**base, "consent": "y"})
    assert db.session.query(Referral).count() == 1
    page = client.get(f"/cases/{office.ch_case.id}/plan").get_data(as_text=True)
    assert "Centre for Social Work Niš" in page and "Sent, awaiting an answer" in page
    assert "consent of Marko Petrović given 2011-02-01" in page


def test_only_referral_items_are_referred_and_consent_comes_first(office):
    provider = _provider(office.admin)
    plan = written(office.ch_case, office.caseworker)
    kw = {"consent": True, "consent_person_id": office.ch_case.principal.id, "actor": office.caseworker}
    with pytest.raises(DomainError, match="provided by the office"):
        services.send_referral(plan.items[0], provider, consent_on=date(2011, 2, 1), **kw)
    with pytest.raises(DomainError, match="before the referral is sent"):
        services.send_referral(plan.items[1], provider, consent_on=date(2011, 2, 3), sent_on=date(2011, 2, 2), **kw)


def test_the_provider_answers_then_the_service_is_done(office, client, auth):
    provider = _provider(office.admin)
    plan = written(office.ch_case, office.caseworker)
    referral = services.send_referral(plan.items[1], provider, consent=True, consent_on=date(2011, 2, 1),
                                      consent_person_id=office.ch_case.principal.id, sent_on=date(2011, 2, 2),
                                      actor=office.caseworker)
    db.session.commit()
    auth.login("caseworker")
    url = f"/cases/{office.ch_case.id}/referrals/{referral.id}/answer"
    client.post(url, data={"status": "done", "on_date": "2011-02-10", "version": referral.version})
    db.session.expire_all()
    assert referral.status.value == "sent"  # done only after accepted
    client.post(url, data={"status": "accepted", "on_date": "2011-02-05", "feedback": "First session on Monday",
                           "version": referral.version})
    db.session.expire_all()
    assert referral.status.value == "accepted" and referral.answered_on == date(2011, 2, 5)
    page = client.get(f"/cases/{office.ch_case.id}/plan").get_data(as_text=True)
    assert "First session on Monday" in page and "answered 2011-02-05" in page
    assert db.session.query(ServiceProvider).count() == 1
