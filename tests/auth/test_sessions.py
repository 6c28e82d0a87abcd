"""One session record per login: listed, ended by the user or an administrator; own password change."""
from __future__ import annotations

import re

from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.auth.models import UserSession
from casework.extensions import db
from tests.conftest import PASSWORD, Auth

NEW_PASSWORD = "a much longer passphrase 2026"


def _second_browser(app):
    client = app.test_client()
    Auth(client).login("caseworker")
    return client


def _logged_in(client) -> bool:
    return client.get("/dashboard").status_code == 200


def _end_buttons(html: str) -> list[str]:
    return re.findall(r'action="(/account/sessions/\d+/end)"', html)


def test_each_login_is_its_own_session_with_a_new_token(app, client, auth, office):
    auth.login("caseworker")
    first = client.get_cookie("session").value
    other = _second_browser(app)
    auth.login("caseworker")  # logged in already: the same session
    assert db.session.scalar(select(db.func.count()).select_from(UserSession)) == 2
    auth.logout()
    auth.login("caseworker")
    assert client.get_cookie("session").value != first
    page = client.get("/account/sessions").get_data(as_text=True)
    assert len(_end_buttons(page)) == 2 and "This session" in page
    assert _logged_in(other)  # logging out here ended only the session of this browser
    thief = app.test_client()
    thief.set_cookie("session", first)
    assert not _logged_in(thief)


def test_a_user_ends_another_of_their_sessions(app, client, auth, office):
    other = _second_browser(app)
    auth.login("caseworker")
    page = client.get("/account/sessions").get_data(as_text=True)
    mine = db.session.scalars(select(UserSession).order_by(UserSession.id)).all()
    other_end = f"/account/sessions/{mine[0].id}/end"
    assert other_end in _end_buttons(page)
    assert "The session was ended." in client.post(other_end, follow_redirects=True).get_data(as_text=True)
    assert not _logged_in(other) and _logged_in(client)
    ended = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "session_ended")).one()
    assert ended.username == "caseworker" and ended.entity_id == office.caseworker.id


def test_log_out_everywhere(app, client, auth, office):
    other = _second_browser(app)
    auth.login("caseworker")
    page = client.post("/account/sessions/end-all", follow_redirects=True).get_data(as_text=True)
    assert "logged out everywhere" in page
    assert not _logged_in(other) and not _logged_in(client)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sessions_ended")).changes == {
        "sessions": 2}


def test_a_user_changes_their_own_password(app, client, auth, office):
    other = _second_browser(app)
    auth.login("caseworker")
    wrong = client.post("/account/password", data={"current_password": "not my password",
                                                   "new_password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert wrong.status_code == 422 and "current password is not right" in wrong.get_data(as_text=True)
    weak = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "short",
                                                  "repeat": "short"})
    assert weak.status_code == 422 and "at least 12 characters" in weak.get_data(as_text=True)
    assert _logged_in(other)
    done = client.post("/account/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                  "repeat": NEW_PASSWORD}, follow_redirects=True)
    assert "Your password was changed" in done.get_data(as_text=True)
    assert _logged_in(client) and not _logged_in(other)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "password_changed"))
    assert event.username == "caseworker" and event.changes == {"other_sessions_ended": 1}
    auth.logout()
    assert auth.login("caseworker").status_code == 200  # the old password no longer works
    assert auth.login("caseworker", NEW_PASSWORD).status_code == 302


def test_an_administrator_sees_and_ends_a_users_sessions(app, client, auth, office):
    first, second = _second_browser(app), _second_browser(app)
    auth.login("admin")
    page = client.get(f"/admin/users/{office.caseworker.id}/sessions").get_data(as_text=True)
    ends = re.findall(rf'action="(/admin/users/{office.caseworker.id}/sessions/\d+/end)"', page)
    assert len(ends) == 2
    client.post(ends[0])
    assert [_logged_in(first), _logged_in(second)].count(True) == 1
    client.post(f"/admin/users/{office.caseworker.id}/sessions/end-all")
    assert not _logged_in(first) and not _logged_in(second)
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.username == "admin",
                                                                 AuditEvent.entity_id == office.caseworker.id)).all()
    assert actions.count("session_ended") == 1 and actions.count("sessions_ended") == 1
    auth.logout()
    auth.login("caseworker")
    assert client.get(f"/admin/users/{office.caseworker.id}/sessions").status_code == 403


def test_a_session_record_past_the_absolute_lifetime_is_dead_on_the_server(app, client, auth, office):
    from datetime import timedelta

    auth.login("caseworker")
    record = db.session.scalars(select(UserSession)).one()
    record.created_at -= timedelta(seconds=app.config["CASEWORK_ABSOLUTE_TIMEOUT"] + 60)
    db.session.commit()
    assert not _logged_in(client)  # whatever the (signed) cookie says about its own age
