"""Sustainability surveys: instruments loaded from files with the CLI, versions never rewritten,
surveys scored as computed by hand, and every faulty definition or answer refused."""
from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.errors import DomainError, NotAllowed
from casework.extensions import db
from casework.surveys.models import SurveyInstrument, SurveyInstrumentVersion, SurveyResponse
from casework.surveys.services import record_survey

EXAMPLE = Path(__file__).resolve().parents[2] / "casework" / "surveys" / "example-instrument.json"


def _question(code, dimension, weight, *scores):
    return {"code": code, "dimension": dimension, "weight": weight, "text": f"Question {code}?",
            "options": [{"code": f"o{i}", "text": f"Option {i}", "score": s} for i, s in enumerate(scores)]}


def definition():
    """Economic: income (weight 2) and debt (weight 1); social: housing and services (weight 1 each);
    psychosocial: belonging and wellbeing (weight 1 each); the economic dimension counts twice."""
    return {
        "code": "test-rss",
        "title": "Test instrument",
        "dimension_weights": {"economic": 2, "social": 1, "psychosocial": 1},
        "questions": [
            _question("income", "economic", 2, 0, 0.25, 0.5, 0.75, 1),
            _question("debt", "economic", 1, 0, 1),
            _question("housing", "social", 1, 0, 0.5, 1),
            _question("services", "social", 1, 0, 0.5, 1),
            _question("belonging", "psychosocial", 1, 0, 0.5, 1),
            _question("wellbeing", "psychosocial", 1, 0, 0.5, 1),
        ],
    }


ANSWERS = {"income": "o2", "debt": "o1", "housing": "o1", "services": "o2", "belonging": "o1", "wellbeing": "o0"}


def _write(tmp_path, data, name="instrument.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def _load(runner, tmp_path, data, *extra):
    return runner.invoke(args=["surveys", "load", _write(tmp_path, data), *extra])


def _version(code="test-rss", number=1) -> SurveyInstrumentVersion:
    return db.session.scalar(select(SurveyInstrumentVersion).join(SurveyInstrument).where(
        SurveyInstrument.code == code, SurveyInstrumentVersion.number == number))


def _survey(person, version, answers=ANSWERS, round="intake", on=date(2011, 3, 1), actor=None):
    response = record_survey(person, version, answers, round, on, actor)
    db.session.commit()
    return response


def test_an_instrument_is_loaded_from_a_file_and_the_same_file_again_changes_nothing(office, runner, tmp_path):
    result = _load(runner, tmp_path, definition(), "--user", "admin")
    assert result.exit_code == 0, result.output
    assert "Instrument test-rss: version 1 loaded (6 questions)." in result.output
    result = _load(runner, tmp_path, definition())
    assert result.exit_code == 0 and "unchanged, still version 1" in result.output
    assert db.session.query(SurveyInstrumentVersion).count() == 1
    listing = runner.invoke(args=["surveys", "list"])
    assert listing.exit_code == 0
    assert "test-rss" in listing.output and "v1" in listing.output and "Test instrument" in listing.output
    assert "economic 2, social 1, psychosocial 1" in listing.output
    loaded = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "survey_instrument_loaded")).all()
    assert [(e.username, e.changes["version"]) for e in loaded] == [("admin", 1)]


def test_only_an_administrator_loads_an_instrument(office, runner, tmp_path):
    result = _load(runner, tmp_path, definition(), "--user", "caseworker")
    assert result.exit_code == 1 and "Only an administrator may load survey instruments." in result.output
    assert db.session.query(SurveyInstrument).count() == 0


def test_the_shipped_example_loads_and_says_it_is_not_the_official_survey(office, runner):
    result = runner.invoke(args=["surveys", "load", "--example"])
    assert result.exit_code == 0, result.output
    assert "unchanged, still version 1" in runner.invoke(args=["surveys", "load", str(EXAMPLE)]).output
    assert "either an instrument FILE or --example" in runner.invoke(args=["surveys", "load"]).output
    version = _version("example-sustainability")
    assert "EXAMPLE" in version.title and "not IOM's official" in version.title
    assert "illustrative only" in version.definition["description"]


def test_list_without_instruments_says_how_to_load_one(app, runner):
    result = runner.invoke(args=["surveys", "list"])
    assert result.exit_code == 1 and "no survey instruments loaded" in result.output


def test_scores_are_the_weighted_means_computed_by_hand(office, runner, tmp_path):
    assert _load(runner, tmp_path, definition()).exit_code == 0
    marko = office.ch_case.principal
    response = _survey(marko, _version(), actor=office.caseworker)
    # economic: income o2 = 0.5 (weight 2), debt o1 = 1 (weight 1): (2 × 0.5 + 1 × 1) / 3 = 2/3 = 0.6667
    assert response.economic_score == Decimal("0.6667")
    # social: housing o1 = 0.5, services o2 = 1: (0.5 + 1) / 2 = 0.75
    assert response.social_score == Decimal("0.7500")
    # psychosocial: belonging o1 = 0.5, wellbeing o0 = 0: (0.5 + 0) / 2 = 0.25
    assert response.psychosocial_score == Decimal("0.2500")
    # composite, from the exact dimension scores: (2 × 2/3 + 1 × 0.75 + 1 × 0.25) / 4 = (4/3 + 1) / 4
    # = 7/12 = 0.58333… → 0.5833 (from the rounded 0.6667 it would be 0.58335 → 0.5834)
    assert response.composite_score == Decimal("0.5833")
    db.session.expire_all()
    stored = db.session.get(SurveyResponse, response.id)
    assert (stored.economic_score, stored.composite_score) == (Decimal("0.6667"), Decimal("0.5833"))
    assert stored.instrument_version.number == 1 and stored.round == "intake" and stored.answers == ANSWERS
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "survey_recorded"))
    assert event.username == "caseworker" and event.programme_id == office.ch.id
    assert event.changes["round"] == "intake" and event.changes["version"] == 1
    assert "o2" not in json.dumps(event.changes)  # the answers stay out of the audit trail


def test_all_lowest_and_all_highest_answers_score_0_and_1(office, runner, tmp_path):
    assert _load(runner, tmp_path, definition()).exit_code == 0
    lowest = {q: "o0" for q in ANSWERS}
    highest = {"income": "o4", "debt": "o1", "housing": "o2", "services": "o2", "belonging": "o2", "wellbeing": "o2"}
    low = _survey(office.ch_case.principal, _version(), lowest)
    high = _survey(office.ch_case.principal, _version(), highest, round="month-3")
    assert {low.economic_score, low.social_score, low.psychosocial_score, low.composite_score} == {Decimal(0)}
    assert {high.economic_score, high.social_score, high.psychosocial_score, high.composite_score} == {Decimal(1)}


def test_a_changed_file_makes_version_2_and_surveys_under_version_1_keep_their_scores(office, runner, tmp_path):
    assert _load(runner, tmp_path, definition()).exit_code == 0
    marko = office.ch_case.principal
    before = _survey(marko, _version())
    changed = definition()
    changed["questions"][1]["options"][1]["score"] = 0.5  # debt "o1" now scores 0.5
    changed["dimension_weights"]["economic"] = 1
    result = _load(runner, tmp_path, changed)
    assert result.exit_code == 0 and "version 2 loaded" in result.output
    listing = runner.invoke(args=["surveys", "list"]).output
    assert "v1" in listing and "v2" in listing
    db.session.expire_all()
    old = db.session.get(SurveyResponse, before.id)
    assert old.instrument_version.number == 1
    assert (old.economic_score, old.composite_score) == (Decimal("0.6667"), Decimal("0.5833"))
    assert _version(number=1).definition["questions"][1]["options"][1]["score"] == "1"
    after = _survey(marko, _version(number=2), round="month-3", on=date(2011, 8, 1))
    # economic: (2 × 0.5 + 1 × 0.5) / 3 = 0.5; composite: (0.5 + 0.75 + 0.25) / 3 = 0.5
    assert (after.economic_score, after.composite_score) == (Decimal("0.5000"), Decimal("0.5000"))
    # loading version 1's file again is a change from version 2: it becomes version 3, nothing rewritten
    assert "version 3 loaded" in _load(runner, tmp_path, definition()).output
    assert db.session.query(SurveyInstrumentVersion).count() == 3


def _mutate(change):
    data = definition()
    change(data)
    return data


REFUSED_DEFINITIONS = {
    "score above 1": (lambda d: d["questions"][0]["options"][4].update(score=1.5), "is outside 0 to 1"),
    "negative score": (lambda d: d["questions"][0]["options"][0].update(score=-0.1), "is outside 0 to 1"),
    "score as text": (lambda d: d["questions"][0]["options"][0].update(score="0.5"), "the score must be a number"),
    "score true": (lambda d: d["questions"][0]["options"][0].update(score=True), "the score must be a number"),
    "zero question weight": (lambda d: d["questions"][0].update(weight=0), "the weight must be greater than 0"),
    "negative question weight": (lambda d: d["questions"][0].update(weight=-1), "the weight must be greater than 0"),
    "zero dimension weight": (lambda d: d["dimension_weights"].update(social=0),
                              "The weight of the social dimension must be greater than 0"),
    "missing dimension weight": (lambda d: d["dimension_weights"].pop("psychosocial"),
                                 "the weight of the psychosocial dimension is missing"),
    "unknown dimension weight": (lambda d: d["dimension_weights"].update(cultural=1),
                                 "unknown dimension 'cultural'"),
    "unknown question dimension": (lambda d: d["questions"][2].update(dimension="Social"),
                                   'Question 3 (housing): unknown dimension "Social"'),
    "dimension without questions": (lambda d: d.update(questions=d["questions"][:4]),
                                    "The psychosocial dimension has no questions."),
    "duplicate question code": (lambda d: d["questions"][1].update(code="income"),
                                "Question 2 (income): another question has the same code."),
    "duplicate option code": (lambda d: d["questions"][0]["options"][1].update(code="o0"),
                              "Question 1 (income): two options have the code 'o0'."),
    "one option only": (lambda d: d["questions"][1].update(options=d["questions"][1]["options"][:1]),
                        "give at least two answer options"),
    "unknown key": (lambda d: d["questions"][0].update(weigth=2), "Question 1: unknown key 'weigth'."),
    "missing weight": (lambda d: d["questions"][3].pop("weight"), "Question 4: 'weight' is missing."),
    "missing text": (lambda d: d["questions"][0].pop("text"), "Question 1: 'text' is missing."),
    "empty title": (lambda d: d.update(title="  "), "The instrument's title: write a text."),
    "bad instrument code": (lambda d: d.update(code="Test RSS"), "the code must be 1 to 40 lower-case"),
    "no questions": (lambda d: d.update(questions=[]), "questions must be a non-empty list."),
    "fractional min_age": (lambda d: d.update(min_age=17.5), "min_age must be a whole number"),
}


@pytest.mark.parametrize("case", sorted(REFUSED_DEFINITIONS))
def test_a_faulty_definition_is_refused_with_one_clear_line_and_nothing_stored(office, runner, tmp_path, case):
    change, message = REFUSED_DEFINITIONS[case]
    result = _load(runner, tmp_path, _mutate(change))
    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1 and result.output.startswith("casework: ")
    assert db.session.query(SurveyInstrument).count() == 0


@pytest.mark.parametrize("text, message", [
    ('{"code": "x", "code": "y"}', "The key 'code' appears twice in one object."),
    ('{"code": "test-rss",', "is not valid JSON (line 1"),
    ('[1, 2]', "must hold one JSON object"),
    (json.dumps(definition()).replace('"score": 1}', '"score": NaN}', 1), "'NaN' is not a number"),
])
def test_a_file_that_is_not_one_clean_json_object_is_refused(office, runner, tmp_path, text, message):
    result = _load(runner, tmp_path, text)
    assert result.exit_code == 1 and message in result.output
    assert db.session.query(SurveyInstrument).count() == 0


def test_a_changed_file_with_a_fault_adds_no_version(office, runner, tmp_path):
    assert _load(runner, tmp_path, definition()).exit_code == 0
    result = _load(runner, tmp_path, _mutate(lambda d: d["questions"][0]["options"][0].update(score=2)))
    assert result.exit_code == 1
    assert db.session.query(SurveyInstrumentVersion).count() == 1


REFUSED_SURVEYS = {
    "unknown question": (dict(answers={**ANSWERS, "cattle": "o1"}), "This instrument has no question 'cattle'."),
    "unanswered question": (dict(answers={k: v for k, v in ANSWERS.items() if k != "debt"}),
                            "Question 'debt' is not answered."),
    "unknown option": (dict(answers={**ANSWERS, "debt": "o7"}), "Question 'debt' has no answer option 'o7'."),
    "answers not pairs": (dict(answers=["o1", "o2"]), "question code and option code pairs"),
    "no round": (dict(round="  "), "Name the survey round"),
    "free-text round": (dict(round="3-month visit"), "A survey round is 'intake' or 'month-N'"),
    "round past 240 months": (dict(round="month-241"), "A survey round is 'intake' or 'month-N'"),
    "round month 0": (dict(round="month-0"), "A survey round is 'intake' or 'month-N'"),
    "no date": (dict(on=None), "Enter the date the survey was taken."),
    "future date": (dict(on=date.today() + timedelta(days=1)), "cannot be in the future"),
}


@pytest.mark.parametrize("case", sorted(REFUSED_SURVEYS))
def test_faulty_answers_are_refused_and_nothing_recorded(office, runner, tmp_path, case):
    assert _load(runner, tmp_path, definition()).exit_code == 0
    kwargs, message = REFUSED_SURVEYS[case]
    with pytest.raises(DomainError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _survey(office.ch_case.principal, _version(), **kwargs)
    db.session.rollback()
    assert db.session.query(SurveyResponse).count() == 0


def test_one_survey_per_person_and_round_and_members_under_the_instruments_age_are_refused(office, factory,
                                                                                          runner, tmp_path):
    assert _load(runner, tmp_path, definition()).exit_code == 0
    marko = office.ch_case.principal
    _survey(marko, _version())
    with pytest.raises(DomainError, match="already has a test-rss survey for the round 'Intake'"):
        _survey(marko, _version(number=1))
    db.session.rollback()
    family = factory.case(office.ch, members=[factory.person("Jovanović", "Ivan"),
                                              factory.person("Jovanović", "Ana", year=2000, relationship="child")])
    db.session.commit()
    child = next(p for p in family.persons if p.given_name == "Ana")
    with pytest.raises(DomainError, match="for returnees aged 18 or more"):
        _survey(child, _version(), on=date(2011, 3, 1))
    db.session.rollback()
    assert _survey(child, _version(), on=date(2018, 3, 1)).composite_score == Decimal("0.5833")


def test_only_staff_of_the_cases_programme_record_a_survey(office, runner, tmp_path):
    assert _load(runner, tmp_path, definition()).exit_code == 0
    for actor in (office.donor, office.caseworker_uk):
        with pytest.raises(NotAllowed):
            _survey(office.ch_case.principal, _version(), actor=actor)
        db.session.rollback()
    assert db.session.query(SurveyResponse).count() == 0
