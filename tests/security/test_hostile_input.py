"""Hostile input never causes a 500: hypothesis drives query parameters and the login form.

The suite runs a short, fixed-seed pass (30 examples per target, the same every run, on both
databases: NUL bytes crash PostgreSQL but not SQLite); `make fuzz` runs the same targets with
500 examples each. CASEWORK_FUZZ_EXAMPLES sets the number.
"""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD

EXAMPLES = int(os.environ.get("CASEWORK_FUZZ_EXAMPLES") or 30)

SPECIAL = st.sampled_from([
    "", " ", "\x00", "a\x00b", "NaN", "sNaN", "-sNaN", "Infinity", "-Infinity", "1e309", "-1",
    "9" * 400, "0", "2011-02-30", "0000-00-00", "9999-12-31", "2011-Q5", "2011-Q0", "1-Q1",
    "' OR 1=1 --", "<script>alert(1)</script>", "=cmd|' /C calc'!A0", "ﾠ", "Петровић",
    "\u202e", "\ud7ff", "%00", "../../etc/passwd", "x" * 5000,
])
HOSTILE_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), min_codepoint=0, max_codepoint=0x10FFFF),
    max_size=300,
)
VALUE = st.one_of(SPECIAL, HOSTILE_TEXT)

QUERY_TARGETS = {
    "/cases/": ("programme", "status", "municipality", "arrived_from", "arrived_to", "sort", "page"),
    "/reports/": ("programme", "period", "from", "to"),
    "/reports/totals": ("on",),
    "/reports/export.csv": ("programme", "period", "from", "to"),
}

FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _logged_in(app, user):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


@pytest.mark.parametrize("path", sorted(QUERY_TARGETS))
def test_query_parameters_never_cause_a_server_error(app, office, path):
    client = _logged_in(app, office.admin)
    names = QUERY_TARGETS[path]

    @FUZZ
    @given(st.fixed_dictionaries({}, optional={name: VALUE for name in names}))
    def run(params):
        response = client.get(path, query_string=params)
        assert response.status_code < 500, (path, params)

    run()


def test_login_form_never_causes_a_server_error(app, office):
    client = app.test_client()

    @FUZZ
    @given(VALUE, VALUE, st.sampled_from(["", "/cases/", "//evil.example", "\x00", "https://evil.example/"]))
    def run(username, password, next_url):
        response = client.post("/login", query_string={"next": next_url},
                               data={"username": username, "password": password})
        assert response.status_code < 500, (username, password)
        assert response.status_code != 302  # no hostile input logs anybody in

    run()
    other_address = {"REMOTE_ADDR": "10.1.2.3"}
    response = client.post("/login", data={"username": "caseworker", "password": PASSWORD},
                           environ_base=other_address)
    assert response.status_code == 302  # the flood did not break logging in


@pytest.mark.parametrize("path", ["/cases/?q=Petr%00ovic", "/cases/?municipality=Ni%00s",
                                  "/reports/?programme=AVR-CH%00", "/grants/?category=hous%00ing"])
def test_a_nul_byte_in_the_query_is_refused_as_bad_input(app, office, client, auth, path):
    auth.login("supervisor")
    assert client.get(path).status_code == 400
    assert client.get(path.replace("%00", "")).status_code == 200


def test_a_nul_byte_in_a_form_saves_nothing(app, office, client, auth):
    from casework.extensions import db

    auth.login("caseworker")
    case = office.ch_case
    response = client.post(f"/cases/{case.id}/edit", data={"municipality": "Ni\x00s", "version": case.version})
    assert response.status_code == 400
    db.session.refresh(case)
    assert case.municipality != "Ni\x00s" and case.version == 1
