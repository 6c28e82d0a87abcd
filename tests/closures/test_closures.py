"""Closing a case needs a reason from the list ("other" with text); reopening needs a reason."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from casework.cases.models import CaseStatus
from casework.cases.services import change_status
from casework.closures.models import CaseClosure
from casework.errors import DomainError
from casework.extensions import db


def _status(client, case, status, **extra):
    return client.post(f"/cases/{case.id}/status", data={"status": status, "version": case.version, **extra})


def test_closing_without_a_reason_is_refused_and_the_case_stays_open(office, client, auth):
    auth.login("caseworker")
    case = office.ch_case
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "The returnee left the area" in page  # the reasons are offered
    response = _status(client, case, "closed")
    assert "Choose why the case is closed." in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert case.status == CaseStatus.ARRIVED and db.session.query(CaseClosure).count() == 0


def test_other_needs_text(office, client, auth):
    auth.login("caseworker")
    response = _status(client, office.ch_case, "closed", reason="other")
    assert "Say why the case is closed." in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert office.ch_case.status == CaseStatus.ARRIVED


def test_closing_with_a_reason_then_reopening_with_one_both_in_the_history(office, client, auth):
    auth.login("caseworker")
    case = office.ch_case
    _status(client, case, "closed", reason="remigrated")
    db.session.expire_all()
    assert case.status == CaseStatus.CLOSED
    assert "The returnee migrated again" in client.get(f"/cases/{case.id}").get_data(as_text=True)  # the facts
    assert "remigrated" in client.get(f"/cases/{case.id}?tab=history").get_data(as_text=True)
    response = _status(client, case, "monitoring")
    assert "Say why the case is reopened." in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    _status(client, case, "monitoring", reason_text="Came back to the municipality")
    db.session.expire_all()
    assert case.status == CaseStatus.MONITORING
    rows = db.session.query(CaseClosure).order_by(CaseClosure.id).all()
    assert [(r.kind.value, r.reason.value if r.reason else None, r.detail) for r in rows] == [
        ("closed", "remigrated", ""), ("reopened", None, "Came back to the municipality")]
    assert "Came back to the municipality" in client.get(f"/cases/{case.id}?tab=history").get_data(as_text=True)


def test_a_closure_entered_late_keeps_its_own_date_within_the_case(office):
    """The CLI and the demo date a closure on the day it happened; never before the arrival (2010-05-01)
    nor in the future, and a refusal changes nothing."""
    case = office.ch_case
    for day, message in ((date(2010, 4, 30), "before the arrival (2010-05-01)"),
                         (date.today() + timedelta(days=1), "in the future")):
        with pytest.raises(DomainError, match=re.escape(message)):
            change_status(case, CaseStatus.CLOSED, actor=office.caseworker, reason="support_ended", on_date=day)
        db.session.rollback()
        assert case.status == CaseStatus.ARRIVED and db.session.query(CaseClosure).count() == 0
    change_status(case, CaseStatus.CLOSED, actor=office.caseworker, reason="support_ended", on_date=date(2011, 6, 30))
    change_status(case, CaseStatus.MONITORING, actor=office.caseworker, reason_text="Came back")
    db.session.commit()
    rows = db.session.query(CaseClosure).order_by(CaseClosure.id).all()
    assert [(r.kind.value, r.on_date) for r in rows] == [("closed", date(2011, 6, 30)), ("reopened", date.today())]
