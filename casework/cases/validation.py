"""The one validation of persons and cases: the web forms, the import and the command line call it.

Plain values in, DomainErrors out. The `*_problems` functions list every problem (the import
reports them all, row by row); the `check_*` functions raise the first.
"""
from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _

from casework.errors import DomainError

EARLIEST_BIRTH_YEAR = 1890  # also the database's birth_year_plausible check
NAME_LIMIT = 100
MUNICIPALITY_LIMIT = 100
LEGACY_REFERENCE_LIMIT = 60
_COUNTRY_2 = re.compile(r"[A-Z]{2}")
_COUNTRY_2_OR_3 = re.compile(r"[A-Z]{2,3}")
# Unicode's control characters (category Cc) are exactly these 65 code points.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def has_control_characters(text: str | None) -> bool:
    """NUL, ESC and the other control characters (tabs and line breaks included: a name or a
    code has none; multi-line text is not checked here)."""
    return bool(text) and _CONTROL.search(text) is not None


def text_problems(value: str | None, field: str, limit: int) -> list[DomainError]:
    if not value:
        return []
    if has_control_characters(value):
        return [DomainError(_("Remove the control characters from this field."), field)]
    if len(value) > limit:
        return [DomainError(_("At most %(n)d characters; this has %(len)d.", n=limit, len=len(value)), field)]
    return []


def person_problems(values: dict, *, arrival: date | None = None, today: date | None = None) -> list[DomainError]:
    """Every problem of one person's values (as PersonData.values() gives them). With `arrival`,
    the case's arrival date: a member who travelled was born by then."""
    today = today or date.today()
    problems = []
    for key, missing in (("family_name", lambda: _("Enter the family name.")),
                         ("given_name", lambda: _("Enter the given name."))):
        if not values.get(key):
            problems.append(DomainError(missing(), key))
        else:
            problems += text_problems(values[key], key, NAME_LIMIT)
    year, born = values.get("birth_year"), values.get("birth_date")
    if year is None:
        problems.append(DomainError(_("Enter the year or date of birth."), "birth"))
    elif year < EARLIEST_BIRTH_YEAR or year > today.year:
        problems.append(DomainError(_("The year of birth must be between %(first)d and this year.",
                                      first=EARLIEST_BIRTH_YEAR), "birth"))
    elif born is not None and born.year != year:
        problems.append(DomainError(_("The date of birth is not in the year of birth."), "birth"))
    elif born is not None and born > today:
        problems.append(DomainError(_("The date of birth cannot be in the future."), "birth"))
    elif arrival is not None and values.get("travelled", True) and _born_after(year, born, arrival):
        problems.append(DomainError(_("A member who travelled was born on or before the arrival date "
                                      "(%(day)s).", day=arrival.isoformat()), "birth"))
    nationality = values.get("nationality")
    if nationality and not _COUNTRY_2_OR_3.fullmatch(nationality):
        problems.append(DomainError(_("Use a two- or three-letter country code."), "nationality"))
    return problems


def _born_after(year: int, born: date | None, day: date) -> bool:
    return born > day if born is not None else year > day.year


def case_problems(values: dict, programme=None, today: date | None = None) -> list[DomainError]:
    """Every problem of a case's own values (only the keys given are checked). With `programme`,
    an arrival is on or after the programme's start: before it, the case would count in no report."""
    today = today or date.today()
    problems = []
    arrival = values.get("arrival_date")
    if arrival is not None and arrival > today:
        problems.append(DomainError(_("The arrival date cannot be in the future."), "arrival_date"))
    elif arrival is not None and programme is not None and arrival < programme.start_date:
        problems.append(DomainError(_("The arrival date is before the programme %(code)s started (%(day)s).",
                                      code=programme.code, day=programme.start_date.isoformat()), "arrival_date"))
    country = values.get("sending_country")
    if country and not _COUNTRY_2.fullmatch(country):
        problems.append(DomainError(_("Use a two-letter country code, e.g. CH."), "sending_country"))
    problems += text_problems(values.get("municipality"), "municipality", MUNICIPALITY_LIMIT)
    problems += text_problems(values.get("legacy_reference"), "legacy_reference", LEGACY_REFERENCE_LIMIT)
    return problems


def check_person(values: dict, *, arrival: date | None = None, today: date | None = None) -> None:
    _raise_first(person_problems(values, arrival=arrival, today=today))


def check_case(values: dict, programme=None, today: date | None = None) -> None:
    _raise_first(case_problems(values, programme, today))


def check_members_born_by(arrival: date | None, members) -> None:
    """Members (models or value dicts) who travelled were born on or before the arrival."""
    if arrival is None:
        return
    for member in members:
        get = member.get if isinstance(member, dict) else lambda key, m=member: getattr(m, key)
        if get("travelled") and _born_after(get("birth_year"), get("birth_date"), arrival):
            name = f"{get('given_name')} {get('family_name')}"
            raise DomainError(_("%(name)s travelled but was born after the arrival date %(day)s.",
                                name=name, day=arrival.isoformat()), "arrival_date")


def _raise_first(problems: list[DomainError]) -> None:
    if problems:
        raise problems[0]
