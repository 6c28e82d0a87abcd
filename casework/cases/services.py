"""The rules for cases and persons: registration, edits, status changes and references."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from casework.audit.services import diff, record
from casework.cases.labels import STATUS_LABELS
from casework.cases.models import Case, CaseStatus, Person, Relationship, Sex, Vulnerability
from casework.cases.validation import check_case, check_members_born_by, check_person
from casework.db import utcnow
from casework.errors import Conflict, DomainError, Retry
from casework.extensions import db

# The receiving office's view of a return. Withdrawn means the person did not return.
CASE_TRANSITIONS: dict[CaseStatus, tuple[CaseStatus, ...]] = {
    CaseStatus.REFERRED: (CaseStatus.ARRIVED, CaseStatus.WITHDRAWN),
    CaseStatus.WITHDRAWN: (CaseStatus.REFERRED,),
    CaseStatus.ARRIVED: (CaseStatus.REINTEGRATION, CaseStatus.MONITORING, CaseStatus.CLOSED),
    CaseStatus.REINTEGRATION: (CaseStatus.MONITORING, CaseStatus.CLOSED),
    CaseStatus.MONITORING: (CaseStatus.REINTEGRATION, CaseStatus.CLOSED),
    CaseStatus.CLOSED: (CaseStatus.MONITORING,),
}
NOT_RETURNED = (CaseStatus.REFERRED, CaseStatus.WITHDRAWN)

CASE_FIELDS = ("legacy_reference", "sending_country", "arrival_date", "municipality", "caseworker_id", "notes")
PERSON_FIELDS = ("family_name", "given_name", "sex", "birth_year", "birth_date", "nationality",
                 "relationship", "travelled", "vulnerabilities")


@dataclass
class PersonData:
    family_name: str
    given_name: str
    sex: Sex | str
    birth_year: int
    birth_date: date | None = None
    relationship: Relationship | str = Relationship.PRINCIPAL
    nationality: str | None = None
    travelled: bool = True
    vulnerabilities: list = field(default_factory=list)

    def values(self) -> dict:
        return {
            "family_name": " ".join(self.family_name.split()),
            "given_name": " ".join(self.given_name.split()),
            "sex": Sex(self.sex),
            "birth_year": self.birth_year,
            "birth_date": self.birth_date,
            "relationship": Relationship(self.relationship),
            "nationality": (self.nationality or "").strip().upper() or None,
            "travelled": bool(self.travelled),
            "vulnerabilities": sorted({Vulnerability(v) for v in self.vulnerabilities}, key=lambda v: v.value),
        }


def _clean_case_values(values: dict) -> dict:
    out = dict(values)
    for key in ("legacy_reference", "municipality", "sending_country"):
        if key in out:
            out[key] = " ".join((out[key] or "").split()) or None
    if out.get("sending_country"):
        out["sending_country"] = out["sending_country"].upper()
    out["notes"] = (out.get("notes") or "").strip()
    return out


def last_reference_number(programme_code: str, year: int) -> int:
    """The highest number given so far in a programme-year's references (0 for none).

    The highest number is the longest reference, then the last in text order ("-10000" sorts
    before "-9999" as text). The case service and the import both number through here."""
    prefix = f"{programme_code}-{year}-"
    last = db.session.scalar(select(Case.reference).where(Case.reference.like(prefix + "%"))
                             .order_by(func.length(Case.reference).desc(), Case.reference.desc()).limit(1))
    return int(last.rsplit("-", 1)[1]) if last else 0


def format_reference(programme_code: str, year: int, number: int) -> str:
    """AVR-CH-2011-0001, ... -9999, -10000, ..."""
    return f"{programme_code}-{year}-{number:04d}"


def next_reference(programme, year: int) -> str:
    """The programme-year's next reference."""
    return format_reference(programme.code, year, last_reference_number(programme.code, year) + 1)


def register_case(programme, case_values: dict, members: list[PersonData], actor=None,
                  reference: str | None = None) -> Case:
    """Create a case with its principal applicant and family members, all or nothing."""
    case_values = _clean_case_values(case_values)
    check_case(case_values, programme)
    member_values = [m.values() for m in members]
    if not member_values:
        raise DomainError(_("A case needs its principal applicant."), "members")
    principals = [m for m in member_values if m["relationship"] == Relationship.PRINCIPAL]
    if len(principals) != 1:
        raise DomainError(_("A case has exactly one principal applicant."), "members")
    arrival = case_values.get("arrival_date")
    for index, values in enumerate(member_values):
        try:
            check_person(values, arrival=arrival)
        except DomainError as error:
            error.field = f"members-{index}-{error.field}"
            raise
    case = Case(
        programme=programme,
        reference=reference or next_reference(programme, (arrival or date.today()).year),
        status=CaseStatus.ARRIVED if arrival else CaseStatus.REFERRED,
        **{k: case_values.get(k) for k in CASE_FIELDS if k in case_values},
    )
    for values in member_values:
        case.persons.append(_new_person(values))
    db.session.add(case)
    try:
        db.session.flush()
    except IntegrityError as error:
        if reference is None and any(name in str(error.orig) for name in ("uq_cases_reference", "cases.reference")):
            # Another registration took the same new reference at the same moment.
            raise Retry(_("Another case was given this reference at the same moment; please save again.")) \
                from None
        raise
    record("case_created", user=actor, entity=case, programme_id=programme.id,
           changes={"reference": case.reference, "members": len(case.persons)}, summary=case.reference)
    if case.status == CaseStatus.ARRIVED:
        from casework.tasks.rules import after_status_change

        after_status_change(case, None, case.status, actor)
    return case


def _new_person(values: dict) -> Person:
    vulnerabilities = values.pop("vulnerabilities", [])
    person = Person(**values)
    person.set_vulnerabilities(vulnerabilities)
    values["vulnerabilities"] = vulnerabilities
    return person


def _check_version(record_obj, expected_version: int | None) -> None:
    if expected_version is not None and record_obj.version != expected_version:
        raise Conflict(_("Someone else changed this record since you opened it. "
                         "Your changes were not saved; review the current values and try again."))


def update_case(case: Case, values: dict, actor=None, expected_version: int | None = None) -> dict:
    """Edit a case's details. Returns the changes as {field: [old, new]}."""
    _check_version(case, expected_version)
    values = _clean_case_values({k: v for k, v in values.items() if k in CASE_FIELDS})
    check_case(values, case.programme)
    if "arrival_date" in values:
        if case.status in NOT_RETURNED and values["arrival_date"] is not None:
            raise DomainError(_("Record the arrival by changing the status to arrived."), "arrival_date")
        if case.status not in NOT_RETURNED and values["arrival_date"] is None:
            raise DomainError(_("A case that has arrived keeps its arrival date."), "arrival_date")
        check_members_born_by(values["arrival_date"], case.persons)
    before = {k: getattr(case, k) for k in values}
    changes = diff(before, values)
    for key, value in values.items():
        setattr(case, key, value)
    if changes:
        db.session.flush()
        record("case_updated", user=actor, entity=case, programme_id=case.programme_id,
               changes=changes, summary=case.reference)
        if "arrival_date" in changes:
            from casework.monitoring.services import after_arrival_moved

            after_arrival_moved(case, actor)
    return changes


def _person_snapshot(person: Person) -> dict:
    snap = {k: getattr(person, k) for k in PERSON_FIELDS if k != "vulnerabilities"}
    snap["vulnerabilities"] = [v.value for v in person.vulnerabilities]
    return snap


def update_person(person: Person, data: PersonData, actor=None, expected_version: int | None = None) -> dict:
    _check_version(person, expected_version)
    values = data.values()
    check_person(values, arrival=person.case.arrival_date)
    case = person.case
    if values["relationship"] == Relationship.PRINCIPAL and person.relationship != Relationship.PRINCIPAL:
        raise DomainError(_("This case already has a principal applicant."), "relationship")
    if person.relationship == Relationship.PRINCIPAL and values["relationship"] != Relationship.PRINCIPAL:
        raise DomainError(_("The principal applicant stays principal; a case has exactly one."), "relationship")
    before = _person_snapshot(person)
    vulnerabilities = values.pop("vulnerabilities")
    for key, value in values.items():
        setattr(person, key, value)
    person.set_vulnerabilities(vulnerabilities)
    changes = diff(before, _person_snapshot(person))
    if changes:
        person.updated_at = utcnow()
        db.session.flush()
        record("person_updated", user=actor, entity=person, programme_id=case.programme_id,
               changes=changes, summary=case.reference)
    return changes


def add_person(case: Case, data: PersonData, actor=None) -> Person:
    values = data.values()
    check_person(values, arrival=case.arrival_date)
    if values["relationship"] == Relationship.PRINCIPAL:
        raise DomainError(_("This case already has a principal applicant."), "relationship")
    person = _new_person(values)
    case.persons.append(person)
    db.session.flush()
    record("person_created", user=actor, entity=person, programme_id=case.programme_id,
           changes={"case": case.reference}, summary=case.reference)
    return person


def keep_on_case(case_id: int, *conditions, **values) -> None:
    """Write what a case keeps of its plan and referrals for My work's indexes
    (Case.plan_approved_at, Case.referrals_awaiting), where `conditions` hold. One statement,
    which may add to a stored count (concurrent changes on one case cannot undo each other); the
    case itself is not edited, so its version (which a form open on it holds) and its last change
    stay as they were."""
    db.session.execute(update(Case).where(Case.id == case_id, *conditions)
                       .values(**values, updated_at=Case.updated_at)
                       .execution_options(synchronize_session="evaluate"))


def allowed_transitions(case: Case) -> tuple[CaseStatus, ...]:
    return CASE_TRANSITIONS.get(case.status, ())


def change_status(case: Case, new_status: CaseStatus | str, actor=None, arrival_date: date | None = None,
                  expected_version: int | None = None, reason: str | None = None,
                  reason_text: str | None = None, on_date: date | None = None) -> None:
    """Move a case along CASE_TRANSITIONS. Closing needs a reason, reopening a text (closures);
    on_date dates the closure or reopening (today when not given), as an office entering it late would."""
    from casework.closures.services import changes_of, closure_for

    _check_version(case, expected_version)
    new_status = CaseStatus(new_status)
    if new_status not in allowed_transitions(case):
        raise DomainError(_("A case that is %(old)s cannot become %(new)s.",
                            old=STATUS_LABELS[case.status], new=STATUS_LABELS[new_status]), "status")
    if new_status in (CaseStatus.CLOSED, CaseStatus.WITHDRAWN):
        _check_no_open_grants(case, new_status)
    old_status = case.status
    closure = closure_for(case, old_status, new_status, reason, reason_text, actor, on_date)
    changes = {"status": [old_status.value, new_status.value]}
    if closure is not None:
        changes.update(changes_of(closure))
        db.session.add(closure)
    if new_status == CaseStatus.ARRIVED and old_status in NOT_RETURNED:
        if arrival_date is None:
            raise DomainError(_("Enter the arrival date."), "arrival_date")
        check_case({"arrival_date": arrival_date}, case.programme)
        check_members_born_by(arrival_date, case.persons)
        changes["arrival_date"] = [None, arrival_date.isoformat()]
        case.arrival_date = arrival_date
    elif new_status in NOT_RETURNED and case.arrival_date is not None:
        changes["arrival_date"] = [case.arrival_date.isoformat(), None]
        case.arrival_date = None
    case.status = new_status
    db.session.flush()
    record("case_status_changed", user=actor, entity=case, programme_id=case.programme_id,
           changes=changes, summary=case.reference)
    from casework.tasks.rules import after_status_change

    after_status_change(case, old_status, new_status, actor)


def _check_no_open_grants(case: Case, new_status: CaseStatus) -> None:
    """A case is not closed or withdrawn while money is still being decided or paid on it."""
    from casework.grants.models import Grant
    from casework.grants.workflow import MONEY_OPEN

    open_grants = db.session.execute(select(Grant.id, Grant.status).where(
        Grant.case_id == case.id, Grant.status.in_(MONEY_OPEN)).order_by(Grant.id)).all()
    if open_grants:
        names = ", ".join(f"#{grant_id} ({status.value.replace('_', ' ')})" for grant_id, status in open_grants)
        raise DomainError(_("The case cannot become %(new)s while these grants are awaiting a decision or "
                            "payment: %(grants)s. Decide, pay or cancel them first.",
                            new=_(new_status.value), grants=names), "status")
