"""The harness of `make scan` and `make load`: what can rot between full runs is run here small."""
from __future__ import annotations

import json

import pytest

from tests.conftest import OWN_DATABASE_KINDS, own_database
from tools.scan import sqlmap_findings, wapiti_findings


def test_wapiti_report_findings_count_and_informational_ones_do_not():
    report = {
        "vulnerabilities": {
            "SQL Injection": [{"method": "GET", "path": "/cases/", "info": "SQL Injection via injection in q"}],
            "Cross Site Scripting": [],
            "Secure Flag cookie": [{"method": "GET", "path": "/", "info": "Secure flag is not set in the cookie"}],
        },
        "anomalies": {"Internal Server Error": [{"method": "POST", "path": "/grants/1/decide", "info": "500"}]},
        "additionals": {"Fingerprint web technology": [{"info": "Flask"}]},
        "infos": {"auth": {"logged_in": True}},
    }
    found = wapiti_findings(report, "supervisor")
    assert sorted(f.what.split(":")[0] for f in found) == ["Internal Server Error", "SQL Injection"]
    assert found[0].who == "supervisor" and "/cases/" in found[1].where + found[0].where


def test_sqlmap_log_names_each_injectable_parameter():
    log = ("sqlmap identified the following injection point(s) with a total of 80 HTTP(s) requests:\n---\n"
           "Parameter: q (GET)\n    Type: boolean-based blind\n---\nParameter: sort (GET)\n    Type: UNION\n")
    assert [f.what for f in sqlmap_findings(log, "search")] == ["injectable: q (GET)", "injectable: sort (GET)"]
    assert sqlmap_findings("", "search") == []


@pytest.mark.long_running
@pytest.mark.parametrize("kind", OWN_DATABASE_KINDS)
def test_the_load_run_at_a_tiny_scale_reports_every_kind_of_request(kind, tmp_path):
    from tools.loadrun import main

    with own_database(kind, tmp_path) as url:
        out = tmp_path / "load.json"
        assert main(["--database-url", url, "--users", "5", "--seconds", "3", "--cases", "50", "--workers", "2",
                     "--output", str(out)]) == 0
    results = json.loads(out.read_text())
    for phase in ("browsing", "during_flood"):
        assert results[phase]["all_users"]["errors"] == 0
        assert results[phase]["all_users"]["requests"] > 0 and results[phase]["all_users"]["p95_ms"] > 0
        assert {"case_list", "case_page", "search"} <= set(results[phase])
    assert results["during_flood"]["flood"]["refused"] == results["during_flood"]["flood"]["requests"] > 0
    assert results["server_errors"] == 0


def test_every_sqlmap_target_answers_its_user_on_the_demo_office(demo_office, app):
    """A target that answers 404 or 403 tests nothing: each is a page its user may see (the login
    form, posted as sqlmap posts it, answers with the form again)."""
    from tests.helpers.demo import demo_login
    from tools.scan import SQLMAP_TARGETS

    for name, url, data, user in SQLMAP_TARGETS:
        client = app.test_client()  # as sqlmap does: a session of the target's user alone
        if user:
            assert demo_login(client, demo_office, user).status_code == 302
        if data:
            response = client.post(url, data=data, content_type="application/x-www-form-urlencoded")
            page = response.get_data(as_text=True)
            assert response.status_code in (200, 422) and 'name="password"' in page, (name, response.status_code)
        else:
            assert client.get(url).status_code == 200, name
