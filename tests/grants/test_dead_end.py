"""No dead end: the grant page says who may take the next step, the decider is warned before a
decision that would leave nobody for the donor's letter, and an administrator can then enter it."""
from __future__ import annotations

from datetime import date

from casework.extensions import db
from casework.grants.models import GrantStatus
from tests.grants.helpers import proposed


def test_the_only_two_supervisors_are_warned_and_an_admin_records_the_donor_letter(office, client, auth):
    # The supervisor proposes and submits; the only other supervisor of AVR-CH takes step 1.
    grant = proposed(office, actor=office.supervisor)
    from casework.grants import services

    services.submit_grant(grant, actor=office.supervisor)
    db.session.commit()
    auth.login("supervisor2")
    page = client.get(f"/grants/{grant.id}").get_data(as_text=True)
    assert "Who may take the next step: supervisor2" in page
    page = client.get(f"/grants/{grant.id}/decide").get_data(as_text=True)
    assert "no other supervisor of this programme may enter the donor&#39;s letter" in page
    assert client.post(f"/grants/{grant.id}/decide", data={"outcome": "approved", "version": grant.version}
                       ).status_code == 302
    page = client.get(f"/grants/{grant.id}").get_data(as_text=True)
    assert "an administrator records it" in page
    # Neither supervisor may enter the letter...
    for username in ("supervisor", "supervisor2"):
        auth.logout()
        auth.login(username)
        assert client.get(f"/grants/{grant.id}/decide").status_code == 403
    # ...the administrator can, with the same rules for the letter.
    auth.logout()
    auth.login("admin")
    page = client.get(f"/grants/{grant.id}").get_data(as_text=True)
    assert "Record the donor decision" in page
    db.session.refresh(grant)
    response = client.post(f"/grants/{grant.id}/decide", data={
        "outcome": "approved", "authority_reference": "FOM-2026-1", "authority_letter_date": date.today().isoformat(),
        "version": grant.version})
    assert response.status_code == 302
    db.session.refresh(grant)
    assert grant.status == GrantStatus.APPROVED and grant.decisions[-1].decided_by_id == office.admin.id


def test_an_admin_cannot_take_a_step_a_supervisor_may_take(office, client, auth):
    from tests.grants.helpers import submitted

    grant = submitted(office)
    auth.login("admin")
    assert client.get(f"/grants/{grant.id}/decide").status_code == 403
    from casework.grants import services

    services.decide(grant, office.supervisor, "approved")
    db.session.commit()
    assert client.get(f"/grants/{grant.id}/decide").status_code == 403  # supervisor2 may enter the letter
    page = client.get(f"/grants/{grant.id}").get_data(as_text=True)
    assert "Who may take the next step: supervisor2" in page
