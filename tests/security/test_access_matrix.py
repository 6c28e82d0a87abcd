"""Access control from the outside: every route × method × role against the expected table.

The routes come from app.url_map, so a route added without a line in access_table.ACCESS
fails here. A second run switches CSRF protection on: every state-changing request without
a token is refused with 400 and changes nothing.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casework import create_app
from casework.extensions import db
from tests.security.access_table import ACCESS, ROLES

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & set(METHODS)):
            yield rule, method


def _app_for_listing():
    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "listing", "TESTING": True})


LISTED = sorted({(rule.endpoint, method) for rule, method in _routes(_app_for_listing())})


def test_every_route_has_an_expected_rule():
    missing = [key for key in LISTED if key not in ACCESS]
    assert not missing, f"routes without a line in tests/security/access_table.py: {missing}"
    stale = [key for key in ACCESS if key not in LISTED]
    assert not stale, f"lines in access_table.py for routes that no longer exist: {stale}"


def test_every_view_declares_who_may_use_it(app):
    undeclared = [endpoint for endpoint, view in app.view_functions.items()
                  if endpoint != "static" and getattr(view, "access_rule", None) is None]
    assert not undeclared


def _draft_grant(case):
    """A draft grant on programme A's case, so grant routes are tried on a real grant."""
    from decimal import Decimal

    from casework.extensions import db
    from casework.grants.models import Grant, GrantCategory

    grant = db.session.query(Grant).filter_by(case_id=case.id).first()
    if grant is None:
        grant = Grant(case_id=case.id, category=GrantCategory.HOUSING, plan="Roof repair",
                      requested_amount=Decimal("1200.00"), created_by_id=case.caseworker_id)
        db.session.add(grant)
        db.session.commit()
    return grant


def _document(case):
    """A document on programme A's case, so document routes are tried on a real one."""
    import io

    from casework.documents.models import Document
    from casework.documents.services import Upload, attach_document

    document = db.session.query(Document).filter_by(case_id=case.id).first()
    if document is None:
        document = attach_document(case, Upload(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "passport.pdf"),
                                   document_type="identity", title="Passport")
        db.session.commit()
    return document


def _url(app, rule, office):
    case = office.ch_case
    values = {
        "case_id": case.id,
        "person_id": case.persons[0].id,
        "user_id": office.caseworker_uk.id,
        "programme_id": office.ch.id,
        "report_id": 1,
        "grant_id": _draft_grant(case).id,
        "document_id": _document(case).id,
        "payment_id": 1,
        "fmt": "csv",
        "note_id": 1,
        "item_id": 1,
        "referral_id": 1,
        "task_id": 1,
        "status": "arrived",
        "name": "referrals",
        "provider_id": 1,
        "number": 1,
        "filename": "casework.css",
        "session_id": 999999,
        "token": "no-such-upload-" * 3,
        "check_id": 1,
        "code": "no-such-instrument",
    }
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{arg: values[arg] for arg in rule.arguments})


def _session_token(user) -> str:
    from casework.auth.services import start_session

    token = start_session(user, "127.0.0.1")
    db.session.commit()
    return token


def _client_as(app, office, role):
    client = app.test_client()
    user = {
        "anonymous": None,
        "caseworker_a": office.caseworker,
        "caseworker_b": office.caseworker_uk,
        "supervisor": office.supervisor,
        "donor": office.donor,
        "admin": office.admin,
    }[role]
    if user is not None:
        with client.session_transaction() as session:
            session["_user_id"] = _session_token(user)
            session["_fresh"] = True
    return client


def _outcome(response):
    if response.status_code in (301, 302, 303) and "/login?next=" in response.headers.get("Location", ""):
        return "login"
    if response.status_code in (401, 403):
        return "403"
    if response.status_code >= 500:
        return f"server error {response.status_code}"
    return response.status_code


@pytest.mark.parametrize("endpoint,method", LISTED)
def test_access_matrix(app, office, endpoint, method):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and method in r.methods)
    url = _url(app, rule, office)
    expected = ACCESS[(endpoint, method)]
    got = {}
    for role in ROLES:
        response = _client_as(app, office, role).open(url, method=method, data={})
        outcome = _outcome(response)
        if expected[role] == "ok":
            got[role] = "ok" if outcome not in ("login", "403") and not str(outcome).startswith("server") else outcome
        elif expected[role] == "404":
            got[role] = "404" if outcome == 404 else outcome
        else:
            got[role] = outcome
    assert got == expected, f"{method} {url}"


def _row_counts():
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


STATE_CHANGING = [key for key in LISTED if key[1] != "GET"]


@pytest.fixture
def csrf_app(_schema, tmp_path):
    from tests.conftest import _empty_tables, make_app

    app = make_app(_schema, tmp_path / "instance", WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app
        _empty_tables()
        db.engine.dispose()


@pytest.mark.parametrize("endpoint,method", STATE_CHANGING)
def test_state_change_without_csrf_token_is_refused(csrf_app, endpoint, method):
    import casework.models  # noqa: F401
    from tests import factories

    office = factories.office()
    rule = next(r for r in csrf_app.url_map.iter_rules() if r.endpoint == endpoint and method in r.methods)
    url = _url(csrf_app, rule, office)
    role = next(r for r in ("admin", "supervisor", "caseworker_a", "donor", "anonymous")
                if ACCESS[(endpoint, method)][r] == "ok")
    client = _client_as(csrf_app, office, role)  # logging in writes a session record
    before = _row_counts()
    response = client.open(url, method=method, data={"username": "admin"})
    assert response.status_code == 400
    db.session.expire_all()
    assert _row_counts() == before


def test_get_is_refused_for_state_changing_only_routes(app, office):
    """Routes that only change state do not answer GET (GET never changes state)."""
    post_only = {endpoint for endpoint, method in STATE_CHANGING} - {e for e, m in LISTED if m == "GET"}
    client = _client_as(app, office, "admin")
    for endpoint in post_only:
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        assert client.get(_url(app, rule, office)).status_code == 405
