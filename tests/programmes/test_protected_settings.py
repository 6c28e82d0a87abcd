"""Programme settings that carry figures cannot change under them; currency and caps are checked."""
from __future__ import annotations

from datetime import date

from casework.extensions import db
from casework.programmes.models import Programme


def _edit(client, programme, **changes):
    data = {"code": programme.code, "name": programme.name, "donor": programme.donor.name,
            "currency": programme.currency, "start_date": programme.start_date.isoformat(), "end_date": "",
            "decision_authority": programme.decision_authority.value, "budget": "", "release_calendar": "year",
            "small_cell_threshold": str(programme.small_cell_threshold)}
    data.update(changes)
    return client.post(f"/admin/programmes/{programme.id}", data=data)


def test_currency_and_start_of_a_programme_with_cases_are_protected(office, client, auth, factory):
    factory.case(office.ch, arrival=date(2003, 3, 1))
    db.session.commit()
    auth.login("admin")
    response = _edit(client, office.ch, currency="EUR")
    assert response.status_code == 422 and "The currency stays CHF" in response.get_data(as_text=True)
    response = _edit(client, office.ch, start_date="2005-01-01")
    assert response.status_code == 422
    assert "cannot move past the first arrival (2003-03-01)" in response.get_data(as_text=True)
    db.session.expire_all()
    programme = db.session.get(Programme, office.ch.id)
    assert programme.currency == "CHF" and programme.start_date == date(2002, 7, 1)
    # Earlier, or up to the first arrival, drops nothing.
    assert _edit(client, programme, start_date="2002-01-01").status_code == 302


def test_a_programme_without_figures_may_change_currency_but_only_to_an_iso_code(app, client, auth, factory):
    programme = factory.programme("NEW-P", currency="CHF")
    factory.user("admin", "admin")
    db.session.commit()
    auth.login("admin")
    for bad, message in (("XYZ", "XYZ is not an ISO 4217 currency code"), ("eur", "in capitals")):
        response = _edit(client, programme, currency=bad)
        assert response.status_code == 422 and message in response.get_data(as_text=True), bad
    assert _edit(client, programme, currency="EUR").status_code == 302
    db.session.expire_all()
    assert db.session.get(Programme, programme.id).currency == "EUR"


def test_caps_are_consistent_and_dated_within_the_programme(office, client, auth):
    auth.login("admin")
    url = f"/admin/programmes/{office.ch.id}/caps"
    response = client.post(url, data={"valid_from": "2003-01-01", "per_person": "5000", "per_case": "1000"},
                           follow_redirects=True)
    assert "The cap per person is at most the cap per case." in response.get_data(as_text=True)
    response = client.post(url, data={"valid_from": "2001-01-01", "per_case": "1000"}, follow_redirects=True)
    assert "Caps apply from the programme&#39;s start (2002-07-01) or later." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Programme, office.ch.id).caps == []


def test_a_submitted_report_keeps_the_currency_and_start_of_an_empty_programme(app, client, auth, factory):
    from casework.reports.periods import Period
    from casework.reports.services import submit_report

    programme = factory.programme("REP-P", currency="CHF", start=date(2002, 1, 1))
    admin = factory.user("admin", "admin")
    supervisor = factory.user("sup", "supervisor", [programme])
    submit_report(programme, Period(date(2003, 1, 1), date(2003, 12, 31)), supervisor)
    db.session.commit()
    assert admin.is_active
    auth.login("admin")
    response = _edit(client, programme, currency="EUR")
    assert response.status_code == 422 and "The currency stays CHF" in response.get_data(as_text=True)
    response = _edit(client, programme, start_date="2004-01-01")
    assert response.status_code == 422 and "a submitted report covers that period" in response.get_data(as_text=True)
