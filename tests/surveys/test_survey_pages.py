"""Sustainability surveys through the pages: administrators read the instruments; a caseworker
records a survey from the case page and reads each member's scores over the rounds, the lowest
dimension leading to a plan item in it; other programmes' users and donors are refused."""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path

from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.extensions import db
from casework.surveys.models import SurveyResponse
from casework.surveys.services import load_instrument
from tests.factories import PASSWORD
from tests.surveys.test_surveys import ANSWERS, definition

EXAMPLE = Path(__file__).resolve().parents[2] / "casework" / "surveys" / "example-instrument.json"


def _load(data, office):
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    version, _new = load_instrument(raw, actor=office.admin)
    db.session.commit()
    return version


def _login(client, username):
    client.post("/logout")
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302


def _form(person, round="intake", on="2011-03-01", answers=ANSWERS, version=None):
    data = {"person": person.id, "round": round, "on_date": on,
            **{f"answer_{code}": option for code, option in answers.items()}}
    if version is not None:
        data["version_id"] = version.id
    return data


def _record(client, case, person, version, **kwargs):
    return client.post(f"/cases/{case.id}/surveys/new?instrument={version.instrument.code}",
                       data=_form(person, version=version, **kwargs))


def _surveys_section(html: str) -> str:
    start = html.index('id="surveys"')
    return html[start:html.index("</section>", start)]


def _rows(section: str) -> list[str]:
    """The score table's rows as text, cells separated by '|'."""
    rows = re.findall(r"<tr><td data-label=.*?</tr>", section, re.S)
    return ["|".join(re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S))
            for row in rows]


# --- instruments, for administrators ------------------------------------------------------

def test_an_administrator_reads_the_instruments_their_versions_and_a_versions_questions(client, office):
    _load(EXAMPLE.read_bytes(), office)
    _load(definition(), office)
    _login(client, "admin")
    listing = client.get("/admin/surveys")
    assert listing.status_code == 200
    html = listing.get_data(as_text=True)
    assert 'href="/admin/surveys"' in client.get("/dashboard").get_data(as_text=True)  # in the admin menu
    assert "example-sustainability" in html and "test-rss" in html
    assert html.count("not IOM&#39;s official Reintegration Sustainability Survey") == 1  # the example only
    assert "Admin" in html  # who loaded it
    assert 'href="/admin/surveys/test-rss/versions/1"' in html

    page = client.get("/admin/surveys/example-sustainability/versions/1").get_data(as_text=True)
    assert "not IOM&#39;s official Reintegration Sustainability Survey" in page
    assert "Example: do you have debts you cannot repay?" in page
    assert "Very dissatisfied" in page and "<td class=\"num\">0.25</td>" in page  # an option's score
    assert "weight 2 in the dimension" in page  # the income question's weight

    own = client.get("/admin/surveys/test-rss/versions/1").get_data(as_text=True)
    assert "Question housing?" in own and "not IOM&#39;s official" not in own
    # dimension weights: economic 2, social 1, psychosocial 1
    weights = own[own.index('class="dimension-weights"'):own.index("</table>", own.index('class="dimension-weights"'))]
    assert re.search(r"Economic</td><td class=\"num\">2</td>\s*<td class=\"num\">2</td>", weights)
    assert re.search(r"Social</td><td class=\"num\">1</td>\s*<td class=\"num\">2</td>", weights)
    assert client.get("/admin/surveys/test-rss/versions/2").status_code == 404


def test_only_administrators_read_the_instrument_pages(client, office):
    _load(definition(), office)
    for username in ("caseworker", "supervisor", "donor.ch"):
        _login(client, username)
        assert client.get("/admin/surveys").status_code == 403
        assert client.get("/admin/surveys/test-rss/versions/1").status_code == 403
        assert 'href="/admin/surveys"' not in client.get("/dashboard").get_data(as_text=True)


# --- recording a survey, and the scores on the case page -----------------------------------

def test_a_caseworker_records_a_survey_and_reads_the_scores_with_the_lowest_dimension_highlighted(client, office):
    version = _load(definition(), office)
    case, marko = office.ch_case, office.ch_case.principal
    _login(client, "caseworker")
    html = client.get(f"/cases/{case.id}?tab=surveys").get_data(as_text=True)
    assert "No survey recorded yet." in _surveys_section(html)
    form = client.get(f"/cases/{case.id}/surveys/new?instrument=test-rss").get_data(as_text=True)
    assert "Instrument: Test instrument, version 1" in form
    assert "Question income?" in form and "Question wellbeing?" in form
    assert f'<option value="{marko.id}">{marko.full_name}</option>' in form

    response = _record(client, case, marko, version)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.id}?tab=surveys")
    section = _surveys_section(client.get(f"/cases/{case.id}?tab=surveys").get_data(as_text=True))
    # By hand: economic (2 × 0.5 + 1 × 1) / 3 = 0.667 → 0.67; social (0.5 + 1) / 2 = 0.75;
    # psychosocial (0.5 + 0) / 2 = 0.25; composite (2 × 2/3 + 0.75 + 0.25) / 4 = 7/12 = 0.583 → 0.58
    assert _rows(section) == ["Intake|2011-03-01|1|0.67|0.75|0.25 lowest|0.58"]
    assert section.count('class="num lowest"') == 1
    assert re.search(r'class="num lowest"[^>]*>0\.25', section)
    assert "Lowest dimension in the latest round: Psychosocial." in section
    link = f"/cases/{case.id}/plan?dimension=psychosocial&amp;person={marko.id}#add-item"
    assert f'href="{link}"' in section
    assert 'src="data:image/svg+xml;base64,' in section
    svg = base64.b64decode(re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', section).group(1)).decode()
    assert "Intake" in svg and "Psychosocial" in svg and "Composite" in svg

    plan = client.get(link.split("#")[0].replace("&amp;", "&")).get_data(as_text=True)
    assert 'id="add-item" open' in plan and "Adding an item in the Psychosocial dimension." in plan
    assert re.search(r'<option selected value="psychosocial_individual">|<option value="psychosocial_individual" '
                     r'selected>', plan)

    stored = db.session.scalar(select(SurveyResponse))
    assert (stored.round, stored.instrument_version.number, stored.recorded_by_id) == ("intake", 1,
                                                                                       office.caseworker.id)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "survey_recorded"))
    assert event.username == "caseworker" and event.changes["round"] == "intake"


def test_refusals_say_why_and_save_nothing(client, office, factory):
    version = _load(definition(), office)
    case = factory.case(office.ch, members=[factory.person("Jovanović", "Ivan"),
                                            factory.person("Jovanović", "Ana", year=2016, relationship="child", travelled=False)])
    db.session.commit()
    ivan, ana = case.principal, next(p for p in case.persons if p.given_name == "Ana")
    _login(client, "caseworker")
    form = client.get(f"/cases/{case.id}/surveys/new").get_data(as_text=True)
    assert f'value="{ivan.id}"' in form and f'value="{ana.id}"' not in form  # only members who may answer

    unanswered = _record(client, case, ivan, version, answers={k: v for k, v in ANSWERS.items() if k != "debt"})
    assert unanswered.status_code == 422
    assert "Question &#39;debt&#39; is not answered." in unanswered.get_data(as_text=True)
    child = _record(client, case, ana, version, on="2025-03-01")
    assert child.status_code == 422
    assert "This instrument is for returnees aged 18 or more." in child.get_data(as_text=True)
    bad_round = _record(client, case, ivan, version, round="3-month visit")
    assert bad_round.status_code == 422 and "A survey round is &#39;intake&#39; or &#39;month-N&#39;" in \
        bad_round.get_data(as_text=True)
    no_date = _record(client, case, ivan, version, on="")
    assert no_date.status_code == 422 and "Enter the date the survey was taken." in no_date.get_data(as_text=True)
    # a member of another case is not a member to choose here
    other = _record(client, case, office.ch_case.principal, version)
    assert other.status_code == 422
    assert db.session.query(SurveyResponse).count() == 0
    assert db.session.query(AuditEvent).filter_by(action="survey_recorded").count() == 0

    assert _record(client, case, ivan, version).status_code == 302
    again = _record(client, case, ivan, version)
    assert again.status_code == 422
    assert "already has a test-rss survey for the round &#39;Intake&#39;" in again.get_data(as_text=True)
    assert db.session.query(SurveyResponse).count() == 1


def test_a_second_instrument_version_leaves_earlier_scores_on_the_page_as_they_were(client, office):
    v1 = _load(definition(), office)
    case, marko = office.ch_case, office.ch_case.principal
    _login(client, "caseworker")
    assert _record(client, case, marko, v1).status_code == 302
    changed = definition()
    changed["questions"][1]["options"][1]["score"] = 0.5  # debt "o1" now scores 0.5
    changed["dimension_weights"]["economic"] = 1
    v2 = _load(changed, office)
    assert v2.number == 2

    # A form opened under version 1 and sent after version 2 was loaded is refused, nothing saved.
    stale = _record(client, case, marko, v1, round="month-3", on="2011-08-01")
    assert stale.status_code == 409 and "A new version of this instrument was loaded" in stale.get_data(as_text=True)
    assert db.session.query(SurveyResponse).count() == 1

    assert "Instrument: Test instrument, version 2" in client.get(
        f"/cases/{case.id}/surveys/new?instrument=test-rss").get_data(as_text=True)
    assert _record(client, case, marko, v2, round="month-3", on="2011-08-01").status_code == 302
    section = _surveys_section(client.get(f"/cases/{case.id}?tab=surveys").get_data(as_text=True))
    rows = _rows(section)
    # Intake, version 1, as before: 0.67, 0.75, 0.25, 0.58. Month 3, version 2, by hand: economic
    # (2 × 0.5 + 1 × 0.5) / 3 = 0.5; composite (1 × 0.5 + 0.75 + 0.25) / 3 = 0.5.
    assert rows == ["Intake|2011-03-01|1|0.67|0.75|0.25|0.58",
                    "3 months after arrival|2011-08-01|2|0.50|0.75|0.25 lowest|0.50"]


def test_other_programmes_users_and_donors_neither_read_nor_record_surveys(client, office):
    version = _load(definition(), office)
    case, marko = office.ch_case, office.ch_case.principal
    _login(client, "caseworker")
    assert _record(client, case, marko, version).status_code == 302
    _login(client, "caseworker.uk")
    assert client.get(f"/cases/{case.id}").status_code == 404
    assert client.get(f"/cases/{case.id}/surveys/new").status_code == 404
    assert _record(client, case, case.persons[1], version).status_code == 404
    _login(client, "donor.ch")
    assert client.get(f"/cases/{case.id}").status_code in (403, 404)
    assert client.get(f"/cases/{case.id}/surveys/new").status_code == 403
    assert _record(client, case, case.persons[1], version).status_code == 403
    assert db.session.query(SurveyResponse).count() == 1


def test_scores_are_shown_in_the_readers_locale(client, office):
    version = _load(definition(), office)
    case, marko = office.ch_case, office.ch_case.principal
    _login(client, "caseworker")
    assert _record(client, case, marko, version).status_code == 302
    client.post("/language", data={"locale": "sr_Latn", "next": "/dashboard"})
    section = _surveys_section(client.get(f"/cases/{case.id}?tab=surveys").get_data(as_text=True))
    assert "0,67" in section and "0,58" in section and "0.67" not in section
