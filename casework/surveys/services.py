"""The rules for survey instruments and surveys.

An instrument definition is read from a JSON file, checked entirely, and refused at its first
fault with a one-line message; nothing is guessed or left out. Loading a changed definition
adds a version; a version is never rewritten, and a survey keeps the scores computed with the
version it was taken under.

Scoring: a dimension's score is the weighted mean of the chosen options' scores over that
dimension's questions (question weights); the composite is the weighted mean of the three
dimension scores (dimension weights), computed exactly from the unrounded dimension scores.
Scores are stored with four decimals, rounded half up.
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select

from casework.audit.services import record
from casework.auth.models import Role
from casework.auth.permissions import can_edit_case
from casework.errors import DomainError, NotAllowed
from casework.extensions import db
from casework.surveys.labels import round_label
from casework.surveys.models import (
    DIMENSIONS,
    SCORE_PLACES,
    SurveyInstrument,
    SurveyInstrumentVersion,
    SurveyResponse,
)

CODE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,39}")
MAX_TITLE = 200
MAX_TEXT = 1000
MAX_FILE_BYTES = 1_000_000
DEFAULT_MIN_AGE = 18
# Survey rounds are stored as codes: "intake", or "month-N" for the round taken N months after
# arrival (a monitoring visit's round: "month-3" for the 3-month visit). Rounds sort by N,
# intake first; labels.round_label gives their words on screen.
INTAKE = "intake"
MONTH_ROUND = re.compile(r"month-([1-9][0-9]{0,2})")
MAX_ROUND_MONTHS = 240
# The rounds the web form offers; the service takes any month from 1 to MAX_ROUND_MONTHS.
OFFERED_MONTHS = (1, 2, 3, 4, 6, 8, 9, 12, 18, 24, 30, 36, 48, 60)
EXAMPLE_FILE = Path(__file__).resolve().parent / "example-instrument.json"
INSTRUMENT_KEYS = {"code", "title", "description", "min_age", "dimension_weights", "questions"}
QUESTION_KEYS = {"code", "dimension", "text", "weight", "options"}
OPTION_KEYS = {"code", "text", "score"}


# --- reading and checking a definition ------------------------------------------------------

def _no_duplicate_keys(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise DomainError(_("The key '%(key)s' appears twice in one object.", key=key))
        seen[key] = value
    return seen


def read_definition(raw: bytes) -> dict:
    """The JSON object in a file's bytes; numbers are read exactly, never as floats."""
    if len(raw) > MAX_FILE_BYTES:
        raise DomainError(_("An instrument file holds at most %(n)d bytes.", n=MAX_FILE_BYTES))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(_("The instrument file is not UTF-8 text.")) from None
    try:
        data = json.loads(text, parse_float=Decimal, parse_int=Decimal, object_pairs_hook=_no_duplicate_keys,
                          parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise DomainError(_("The instrument file is not valid JSON (line %(line)d, column %(col)d: %(msg)s).",
                            line=error.lineno, col=error.colno, msg=error.msg)) from None
    if not isinstance(data, dict):
        raise DomainError(_("The instrument file must hold one JSON object."))
    return data


def _refuse_constant(name):
    raise DomainError(_("'%(name)s' is not a number an instrument may use.", name=name))


def _text(value, where: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DomainError(_("%(where)s: write a text.", where=where))
    value = value.strip()
    if len(value) > limit:
        raise DomainError(_("%(where)s: at most %(n)d characters.", where=where, n=limit))
    return value


def _code(value, where: str) -> str:
    if not isinstance(value, str) or not CODE.fullmatch(value):
        raise DomainError(_("%(where)s: the code must be 1 to 40 lower-case letters, digits, '.', '_' or '-' "
                            "(got %(value)s).", where=where, value=json.dumps(value, default=str)))
    return value


def _number(value, where: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise DomainError(_("%(where)s must be a number (got %(value)s).", where=where,
                            value=json.dumps(value, default=str)))
    return value


def _weight(value, where: str) -> Decimal:
    value = _number(value, where)
    if value <= 0:
        raise DomainError(_("%(where)s must be greater than 0 (got %(value)s).", where=where, value=value))
    return value


def _keys(obj, allowed: set, required: set, where: str) -> None:
    if not isinstance(obj, dict):
        raise DomainError(_("%(where)s must be a JSON object.", where=where))
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise DomainError(_("%(where)s: unknown key '%(key)s'.", where=where, key=unknown[0]))
    missing = sorted(required - set(obj))
    if missing:
        raise DomainError(_("%(where)s: '%(key)s' is missing.", where=where, key=missing[0]))


def _plain_number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def validate_definition(data: dict) -> dict:
    """The definition, checked whole and in a canonical form (numbers as decimal strings)."""
    _keys(data, INSTRUMENT_KEYS, {"code", "title", "dimension_weights", "questions"}, _("The instrument"))
    code = _code(data["code"], _("The instrument"))
    title = _text(data["title"], _("The instrument's title"), MAX_TITLE)
    description = _text(data["description"], _("The instrument's description"), MAX_TEXT) \
        if "description" in data else ""
    min_age = data.get("min_age", Decimal(DEFAULT_MIN_AGE))
    if not isinstance(min_age, Decimal) or min_age != min_age.to_integral_value() or not 0 <= min_age <= 120:
        raise DomainError(_("min_age must be a whole number of years from 0 to 120."))

    weights = data["dimension_weights"]
    if not isinstance(weights, dict):
        raise DomainError(_("dimension_weights must be a JSON object."))
    for name in weights:
        if name not in DIMENSIONS:
            raise DomainError(_("dimension_weights: unknown dimension '%(name)s' (use economic, social, "
                                "psychosocial).", name=name))
    for name in DIMENSIONS:
        if name not in weights:
            raise DomainError(_("dimension_weights: the weight of the %(name)s dimension is missing.", name=name))
    dimension_weights = {name: _plain_number(_weight(weights[name], _("The weight of the %(name)s dimension",
                                                                       name=name)))
                         for name in DIMENSIONS}

    questions = data["questions"]
    if not isinstance(questions, list) or not questions:
        raise DomainError(_("questions must be a non-empty list."))
    out_questions, seen = [], set()
    for number, question in enumerate(questions, start=1):
        where = _("Question %(n)d", n=number)
        _keys(question, QUESTION_KEYS, QUESTION_KEYS, where)
        qcode = _code(question["code"], where)
        where = _("Question %(n)d (%(code)s)", n=number, code=qcode)
        if qcode in seen:
            raise DomainError(_("%(where)s: another question has the same code.", where=where))
        seen.add(qcode)
        if question["dimension"] not in DIMENSIONS:
            raise DomainError(_("%(where)s: unknown dimension %(name)s (use economic, social, psychosocial).",
                                where=where, name=json.dumps(question["dimension"], default=str)))
        options = question["options"]
        if not isinstance(options, list) or len(options) < 2:
            raise DomainError(_("%(where)s: give at least two answer options.", where=where))
        out_options, option_codes = [], set()
        for index, option in enumerate(options, start=1):
            owhere = _("%(where)s, option %(n)d", where=where, n=index)
            _keys(option, OPTION_KEYS, OPTION_KEYS, owhere)
            ocode = _code(option["code"], owhere)
            if ocode in option_codes:
                raise DomainError(_("%(where)s: two options have the code '%(code)s'.", where=where, code=ocode))
            option_codes.add(ocode)
            score = _number(option["score"], _("%(where)s: the score", where=owhere))
            if not 0 <= score <= 1:
                raise DomainError(_("%(where)s: the score %(score)s is outside 0 to 1.", where=owhere, score=score))
            out_options.append({"code": ocode, "text": _text(option["text"], owhere, MAX_TEXT),
                                "score": _plain_number(score)})
        out_questions.append({
            "code": qcode, "dimension": question["dimension"],
            "text": _text(question["text"], where, MAX_TEXT),
            "weight": _plain_number(_weight(question["weight"], _("%(where)s: the weight", where=where))),
            "options": out_options,
        })
    for name in DIMENSIONS:
        if not any(q["dimension"] == name for q in out_questions):
            raise DomainError(_("The %(name)s dimension has no questions.", name=name))
    return {"code": code, "title": title, "description": description, "min_age": int(min_age),
            "dimension_weights": dimension_weights, "questions": out_questions}


def fingerprint(definition: dict) -> str:
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_instrument(raw: bytes, actor=None) -> tuple[SurveyInstrumentVersion, bool]:
    """Load a definition: (the version it is, whether it is new). The same definition as the
    latest version adds nothing; a changed one adds the next version."""
    if actor is not None and actor.role != Role.ADMIN:
        raise NotAllowed(_("Only an administrator may load survey instruments."))
    definition = validate_definition(read_definition(raw))
    digest = fingerprint(definition)
    instrument = db.session.scalar(select(SurveyInstrument).where(SurveyInstrument.code == definition["code"]))
    if instrument is None:
        instrument = SurveyInstrument(code=definition["code"])
        db.session.add(instrument)
        db.session.flush()
    latest = instrument.latest
    if latest is not None and latest.fingerprint == digest:
        return latest, False
    version = SurveyInstrumentVersion(instrument=instrument, number=(latest.number + 1) if latest else 1,
                                      title=definition["title"], definition=definition, fingerprint=digest,
                                      loaded_by_id=actor.id if actor else None)
    db.session.add(version)
    db.session.flush()
    record("survey_instrument_loaded", user=actor, entity=version,
           changes={"code": instrument.code, "version": version.number, "fingerprint": digest},
           summary=f"{instrument.code} v{version.number}")
    return version, True


def instruments() -> list[SurveyInstrument]:
    return list(db.session.scalars(select(SurveyInstrument).order_by(SurveyInstrument.code)))


def instrument_by_code(code: str) -> SurveyInstrument | None:
    return db.session.scalar(select(SurveyInstrument).where(SurveyInstrument.code == code))


@cache
def example_code() -> str:
    """The code of the example instrument shipped with casework (its file's code)."""
    return json.loads(EXAMPLE_FILE.read_text(encoding="utf-8"))["code"]


def is_shipped_example(instrument: SurveyInstrument) -> bool:
    """Whether an instrument is the shipped example: illustrative, not IOM's official survey."""
    return instrument.code == example_code()


# --- surveys ---------------------------------------------------------------------------------

def score_answers(definition: dict, answers) -> dict[str, Fraction]:
    """Exact scores {dimension: ..., "composite": ...} of answers {question code: option code}."""
    if not isinstance(answers, dict):
        raise DomainError(_("Give the answers as question code and option code pairs."), "answers")
    questions = {q["code"]: q for q in definition["questions"]}
    for code in answers:
        if code not in questions:
            raise DomainError(_("This instrument has no question '%(code)s'.", code=code), "answers")
    totals = {name: [Fraction(0), Fraction(0)] for name in DIMENSIONS}
    for question in definition["questions"]:
        chosen = answers.get(question["code"])
        # The field is the question's, so a form shows the refusal beside the question.
        field = f"answer_{question['code']}"
        if chosen is None or chosen == "":
            raise DomainError(_("Question '%(code)s' is not answered.", code=question["code"]), field)
        option = next((o for o in question["options"] if o["code"] == chosen), None)
        if option is None:
            raise DomainError(_("Question '%(code)s' has no answer option '%(option)s'.",
                                code=question["code"], option=chosen), field)
        weight = Fraction(question["weight"])
        totals[question["dimension"]][0] += weight * Fraction(option["score"])
        totals[question["dimension"]][1] += weight
    scores = {name: total / weight for name, (total, weight) in totals.items()}
    weights = {name: Fraction(definition["dimension_weights"][name]) for name in DIMENSIONS}
    scores["composite"] = sum(weights[n] * scores[n] for n in DIMENSIONS) / sum(weights.values())
    return scores


def rounded(score: Fraction) -> Decimal:
    """A score with the four decimals it is stored with, rounded half up."""
    return (Decimal(score.numerator) / Decimal(score.denominator)).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


def round_months(code) -> int | None:
    """0 for the intake round, N for "month-N", None for anything that is not a round."""
    if code == INTAKE:
        return 0
    match = MONTH_ROUND.fullmatch(code) if isinstance(code, str) else None
    if match is None or int(match.group(1)) > MAX_ROUND_MONTHS:
        return None
    return int(match.group(1))


def round_code(months: int) -> str:
    return INTAKE if months == 0 else f"month-{months}"


def check_round(value) -> str:
    """A survey round's code, or a refusal: "intake", or "month-N" (N months after arrival)."""
    value = value.strip() if isinstance(value, str) else ""
    if not value:
        raise DomainError(_("Name the survey round: intake, or the monitoring visit."), "round")
    if round_months(value) is None:
        raise DomainError(_("A survey round is 'intake' or 'month-N', taken N months after arrival (N from 1 "
                            "to %(n)d).", n=MAX_ROUND_MONTHS), "round")
    return value


def min_age_of(instrument_version: SurveyInstrumentVersion) -> int:
    try:
        return int(instrument_version.definition.get("min_age", DEFAULT_MIN_AGE))
    except (AttributeError, TypeError, ValueError, InvalidOperation):
        raise DomainError(_("Choose the instrument version the survey used."), "instrument_version") from None


def eligibility_refusal(person, instrument_version: SurveyInstrumentVersion, on_date: date) -> str | None:
    """Why a person may not answer this instrument on a day (too young for it), or None."""
    min_age = min_age_of(instrument_version)
    if person.age_on(on_date) < min_age:
        return _("This instrument is for returnees aged %(n)d or more.", n=min_age)
    return None


def record_survey(person, instrument_version: SurveyInstrumentVersion, answers, round, on_date: date | None,
                  actor=None, today: date | None = None) -> SurveyResponse:
    """Record one person's survey; its scores are computed with, and stored beside, the version used."""
    case = person.case
    if actor is not None and not can_edit_case(actor, case):
        raise NotAllowed(_("You may not record surveys on this case."))
    label = check_round(round)
    if on_date is None:
        raise DomainError(_("Enter the date the survey was taken."), "on_date")
    if on_date > (today or date.today()):
        raise DomainError(_("The date of a survey cannot be in the future."), "on_date")
    refusal = eligibility_refusal(person, instrument_version, on_date)
    if refusal:
        raise DomainError(refusal, "person")
    definition = instrument_version.definition
    duplicate = db.session.scalar(select(SurveyResponse.id).where(
        SurveyResponse.person_id == person.id, SurveyResponse.instrument_id == instrument_version.instrument_id,
        SurveyResponse.round == label))
    if duplicate is not None:
        raise DomainError(_("%(name)s already has a %(code)s survey for the round '%(round)s'.",
                            name=person.full_name, code=instrument_version.instrument.code, round=round_label(label)), "round")
    scores = score_answers(definition, answers)
    response = SurveyResponse(
        case_id=case.id, person_id=person.id, instrument_id=instrument_version.instrument_id,
        version_id=instrument_version.id, round=label, taken_on=on_date,
        answers={str(k): str(v) for k, v in answers.items()},
        economic_score=rounded(scores["economic"]), social_score=rounded(scores["social"]),
        psychosocial_score=rounded(scores["psychosocial"]), composite_score=rounded(scores["composite"]),
        recorded_by_id=actor.id if actor else None)
    db.session.add(response)
    db.session.flush()
    # The audit trail holds the round and the scores' version, never the answers themselves.
    record("survey_recorded", user=actor, entity=response, programme_id=case.programme_id,
           changes={"person_id": person.id, "instrument": instrument_version.instrument.code,
                    "version": instrument_version.number, "round": label, "taken_on": on_date},
           summary=case.reference)
    return response


def _in_round_order(responses) -> list[SurveyResponse]:
    return sorted(responses, key=lambda r: (round_months(r.round) if round_months(r.round) is not None
                                            else MAX_ROUND_MONTHS + 1, r.taken_on, r.id))


def surveys_of(person) -> list[SurveyResponse]:
    """A person's surveys, intake first, then by months after arrival."""
    return _in_round_order(db.session.scalars(select(SurveyResponse).where(SurveyResponse.person_id == person.id)))


def surveys_of_case(case) -> list[SurveyResponse]:
    """The surveys of a case's members, in round order, with their versions and instruments."""
    from sqlalchemy.orm import selectinload

    return _in_round_order(db.session.scalars(
        select(SurveyResponse).where(SurveyResponse.case_id == case.id)
        .options(selectinload(SurveyResponse.instrument_version).selectinload(SurveyInstrumentVersion.instrument))))


def lowest_dimension(response: SurveyResponse) -> str:
    """The dimension with the lowest score (the first of DIMENSIONS among equal ones)."""
    return min(DIMENSIONS, key=response.score)
