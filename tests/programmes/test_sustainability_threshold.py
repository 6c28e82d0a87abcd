"""The programme's sustainability threshold: set on the admin form, refused with a clear message when
it is not a score from 0 to 1, kept exactly, and audited like the other programme settings."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.errors import DomainError
from casework.extensions import db
from casework.programmes.models import Programme
from casework.programmes.services import update_programme


def _edit(client, programme, **changes):
    data = {"code": programme.code, "name": programme.name, "donor": programme.donor.name,
            "currency": programme.currency, "start_date": programme.start_date.isoformat(), "end_date": "",
            "decision_authority": programme.decision_authority.value, "budget": "", "release_calendar": "year",
            "small_cell_threshold": str(programme.small_cell_threshold), "plan_due_days": "30"}
    data.update(changes)
    return client.post(f"/admin/programmes/{programme.id}", data=data)


def _stored(programme_id):
    db.session.expire_all()
    return db.session.get(Programme, programme_id).sustainability_threshold


def test_an_administrator_sets_the_threshold_on_the_programme_form_and_it_is_audited(office, client, auth):
    assert office.ch.sustainability_threshold is None  # none until the programme sets one
    auth.login("admin")
    page = client.get(f"/admin/programmes/{office.ch.id}").get_data(as_text=True)
    assert 'name="sustainability_threshold"' in page and "Sustainability threshold" in page
    response = _edit(client, office.ch, sustainability_threshold="0.66")
    assert response.status_code == 302
    assert _stored(office.ch.id) == Decimal("0.66")
    # The form shows it as entered, not padded to the stored four decimals.
    page = client.get(f"/admin/programmes/{office.ch.id}").get_data(as_text=True)
    assert 'value="0.66"' in page
    # A decimal comma, as a Serbian reader writes it, is the same number.
    assert _edit(client, office.ch, sustainability_threshold="0,5").status_code == 302
    assert _stored(office.ch.id) == Decimal("0.5")
    assert _edit(client, office.ch, sustainability_threshold="").status_code == 302
    assert _stored(office.ch.id) is None
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "programme_updated")
                                .order_by(AuditEvent.id)).all()
    assert [e.changes["sustainability_threshold"] for e in events] == [[None, "0.6600"], ["0.6600", "0.5000"],
                                                                        ["0.5000", None]]
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "Sustainability threshold" in audit


@pytest.mark.parametrize("bad", ["1.5", "-0.1", "abc", "0.12345", "NaN", "Infinity", "1e3", "9" * 19])
def test_a_threshold_that_is_not_a_score_is_refused_with_a_message_and_nothing_saved(office, client, auth, bad):
    update_programme(office.ch, {"sustainability_threshold": "0.5"}, actor=office.admin)
    db.session.commit()
    auth.login("admin")
    response = _edit(client, office.ch, name="Renamed", sustainability_threshold=bad)
    assert response.status_code == 422
    assert "The sustainability threshold is a composite score from 0 to 1 with at most four decimals" in \
        response.get_data(as_text=True)
    db.session.expire_all()
    programme = db.session.get(Programme, office.ch.id)
    assert programme.sustainability_threshold == Decimal("0.5") and programme.name != "Renamed"


def test_the_service_keeps_every_digit_and_refuses_rather_than_rounds(office):
    update_programme(office.ch, {"sustainability_threshold": Decimal("0.6667")}, actor=office.admin)
    assert office.ch.sustainability_threshold == Decimal("0.6667")
    for bad in (Decimal("0.66675"), 0.5, "1.0001"):
        with pytest.raises(DomainError, match="at most four decimals") as refused:
            update_programme(office.ch, {"sustainability_threshold": bad}, actor=office.admin)
        assert refused.value.field == "sustainability_threshold"
    for edge in ("0", "1", "1.0000"):
        update_programme(office.ch, {"sustainability_threshold": edge}, actor=office.admin)
        assert office.ch.sustainability_threshold == Decimal(edge)
