"""The rules for programmes and donors."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import func, select

from casework.audit.services import diff, record
from casework.db import MoneyError, to_money
from casework.errors import DomainError
from casework.extensions import db
from casework.i18n import SUPPORTED_LOCALES
from casework.programmes.models import (
    DEFAULT_THRESHOLD,
    MINIMUM_THRESHOLD,
    RELEASE_UNITS,
    DecisionAuthority,
    Donor,
    Programme,
    ProgrammeCap,
)

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,19}$")
REPORT_LANGUAGES = SUPPORTED_LOCALES
# ISO 4217 codes that are not a currency a programme is paid in (testing, no currency, metals).
_NOT_MONEY = {"XXX", "XTS", "XAU", "XAG", "XPD", "XPT", "XDR", "XSU", "XUA", "XBA", "XBB", "XBC", "XBD"}


def _iso_currencies() -> set[str]:
    from babel.numbers import list_currencies

    return set(list_currencies())


def get_or_create_donor(name: str) -> Donor:
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Name the donor."), "donor")
    donor = db.session.scalar(select(Donor).where(Donor.name == name))
    if donor is None:
        donor = Donor(name=name)
        db.session.add(donor)
        db.session.flush()
    return donor


def find_programme(code: str | None) -> Programme | None:
    """A programme by its code, with its donor (which every report names)."""
    from sqlalchemy.orm import joinedload

    return db.session.scalar(select(Programme).options(joinedload(Programme.donor))
                             .where(Programme.code == (code or "").strip().upper()))


def _amount(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = to_money(value)
    except MoneyError:
        raise DomainError(_("Enter an amount with at most two decimals."), field) from None
    if amount < 0:
        raise DomainError(_("An amount cannot be negative."), field)
    return amount


def _check(values: dict) -> dict:
    out = dict(values)
    if "currency" in out:
        out["currency"] = (out["currency"] or "").strip()
        if not re.fullmatch(r"[A-Z]{3}", out["currency"]):
            raise DomainError(_("Use a three-letter currency code in capitals, e.g. CHF."), "currency")
        if out["currency"] not in _iso_currencies() or out["currency"] in _NOT_MONEY:
            raise DomainError(_("%(code)s is not an ISO 4217 currency code.", code=out["currency"]), "currency")
    if "name" in out:
        out["name"] = " ".join((out["name"] or "").split())
        if not out["name"]:
            raise DomainError(_("Name the programme."), "name")
    if "budget" in out:
        out["budget"] = _amount(out["budget"], "budget")
    if "decision_authority" in out:
        out["decision_authority"] = DecisionAuthority(out["decision_authority"])
    start, end = out.get("start_date"), out.get("end_date")
    if start is not None and end is not None and end < start:
        raise DomainError(_("The end date is before the start date."), "end_date")
    if out.get("report_language") is not None and out["report_language"] not in REPORT_LANGUAGES:
        raise DomainError(_("Choose one of the languages offered."), "report_language")
    if "small_cell_threshold" in out:
        threshold = out["small_cell_threshold"]
        if threshold is None or not (MINIMUM_THRESHOLD <= threshold <= 100):
            raise DomainError(_("The threshold is a whole number from %(low)d to 100: donors never see a count "
                                "below it.", low=MINIMUM_THRESHOLD), "small_cell_threshold")
    if "release_calendar" in out:
        out["release_calendar"] = release_calendar_text(out["release_calendar"])
    if "plan_due_days" in out:
        if out["plan_due_days"] is None:
            out["plan_due_days"] = 30
        if not (1 <= out["plan_due_days"] <= 366):
            raise DomainError(_("The plan is due 1 to 366 days after arrival."), "plan_due_days")
    if "plan_item_required" in out:
        out["plan_item_required"] = bool(out["plan_item_required"])
    if "sustainability_threshold" in out:
        out["sustainability_threshold"] = parse_sustainability_threshold(out["sustainability_threshold"])
    return out


THRESHOLD_PLACES = Decimal("0.0001")


def parse_sustainability_threshold(value) -> Decimal | None:
    """The composite score (0 to 1, at most four decimals like the scores) from which the report
    counts a returnee as at or above the programme's threshold; empty for none. Never rounded."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    message = _("The sustainability threshold is a composite score from 0 to 1 with at most four decimals, "
                "e.g. 0.5 or 0.66; leave it empty for none.")
    if isinstance(value, float | bool):
        raise DomainError(message, "sustainability_threshold")
    try:
        number = Decimal(value.strip().replace(",", ".") if isinstance(value, str) else value)
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(message, "sustainability_threshold") from None
    if not number.is_finite() or not 0 <= number <= 1 or number != number.quantize(THRESHOLD_PLACES):
        raise DomainError(message, "sustainability_threshold")
    return number.quantize(THRESHOLD_PLACES)


def release_calendar_text(units) -> str:
    """The release calendar as stored ("year,half"): known units, in order, at least one."""
    if isinstance(units, str):
        units = [u.strip().lower() for u in units.split(",")]
    chosen = [u for u in units if u]
    unknown = [u for u in chosen if u not in RELEASE_UNITS]
    if unknown or not chosen:
        raise DomainError(_("Choose the periods donors receive: years, halves, quarters and/or months."),
                          "release_calendar")
    return ",".join(u for u in RELEASE_UNITS if u in chosen)


def create_programme(code: str, name: str, donor_name: str, currency: str, start_date: date, *,
                     end_date: date | None = None, decision_authority="office", budget=None,
                     small_cell_threshold: int = DEFAULT_THRESHOLD, release_calendar="year",
                     report_language: str | None = None, plan_due_days: int | None = 30,
                     plan_item_required: bool = False, sustainability_threshold=None, actor=None) -> Programme:
    code = (code or "").strip().upper()
    if not CODE_RE.match(code):
        raise DomainError(_("A code is 2 to 20 capital letters, digits or dashes, e.g. AVR-CH."), "code")
    if db.session.scalar(select(Programme).where(Programme.code == code)) is not None:
        raise DomainError(_("A programme with code %(code)s exists already.", code=code), "code")
    if start_date is None:
        raise DomainError(_("Enter the start date."), "start_date")
    values = _check({"name": name, "currency": currency, "budget": budget, "start_date": start_date,
                     "end_date": end_date, "decision_authority": decision_authority,
                     "small_cell_threshold": small_cell_threshold, "release_calendar": release_calendar,
                     "report_language": report_language, "plan_due_days": plan_due_days,
                     "plan_item_required": plan_item_required,
                     "sustainability_threshold": sustainability_threshold})
    programme = Programme(code=code, donor=get_or_create_donor(donor_name), **values)
    db.session.add(programme)
    db.session.flush()
    record("programme_created", user=actor, entity=programme, programme_id=programme.id,
           changes={"code": code, **values}, summary=code)
    return programme


def _carries_figures(programme: Programme) -> bool:
    """Whether figures have been recorded or reported in the programme's currency and from its start."""
    from casework.cases.models import Case
    from casework.reports.models import SubmittedReport

    return any(db.session.scalar(select(model.id).where(model.programme_id == programme.id).limit(1)) is not None
               for model in (Case, SubmittedReport))


def _check_protected_settings(programme: Programme, values: dict) -> None:
    """Settings that carry figures do not change under them: the currency of recorded amounts,
    and a start that would drop cases or change a submitted report."""
    from casework.cases.models import Case
    from casework.reports.models import SubmittedReport

    if "currency" in values and values["currency"] != programme.currency and _carries_figures(programme):
        raise DomainError(_("The currency stays %(code)s: the programme's amounts and reports are in it, and "
                            "changing the code would relabel them without converting.", code=programme.currency),
                          "currency")
    start = values.get("start_date")
    if start is None or start == programme.start_date:
        return
    first_arrival = db.session.scalar(select(func.min(Case.arrival_date)).where(Case.programme_id == programme.id))
    if first_arrival is not None and start > first_arrival:
        raise DomainError(_("The start cannot move past the first arrival (%(day)s): those cases would drop out "
                            "of every report.", day=first_arrival.isoformat()), "start_date")
    first_report = db.session.scalar(select(func.min(SubmittedReport.period_start))
                                     .where(SubmittedReport.programme_id == programme.id))
    if first_report is not None and start > first_report:
        raise DomainError(_("The start cannot move past %(day)s: a submitted report covers that period.",
                            day=first_report.isoformat()), "start_date")
    first_cap = min((c.valid_from for c in programme.caps), default=None)
    if first_cap is not None and start > first_cap:
        raise DomainError(_("The start cannot move past the caps dated %(day)s.", day=first_cap.isoformat()),
                          "start_date")


def update_programme(programme: Programme, values: dict, donor_name: str | None = None, actor=None) -> dict:
    values = _check(values)
    _check_protected_settings(programme, values)
    before = {k: getattr(programme, k) for k in values}
    for key, value in values.items():
        setattr(programme, key, value)
    changes = diff(before, values)
    if donor_name is not None and donor_name.strip() != programme.donor.name:
        changes["donor"] = [programme.donor.name, donor_name.strip()]
        programme.donor = get_or_create_donor(donor_name)
    if changes:
        db.session.flush()
        record("programme_updated", user=actor, entity=programme, programme_id=programme.id,
               changes=changes, summary=programme.code)
    return changes


def set_cap(programme: Programme, valid_from: date, per_person=None, per_case=None, actor=None) -> ProgrammeCap:
    """Caps in force from a date; earlier decisions keep the caps of their day."""
    per_person = _amount(per_person, "per_person")
    per_case = _amount(per_case, "per_case")
    if valid_from is None:
        raise DomainError(_("Enter the date from which the caps apply."), "valid_from")
    if valid_from < programme.start_date:
        raise DomainError(_("Caps apply from the programme's start (%(day)s) or later.",
                            day=programme.start_date.isoformat()), "valid_from")
    if per_person is not None and per_case is not None and per_person > per_case:
        raise DomainError(_("The cap per person is at most the cap per case."), "per_person")
    cap = next((c for c in programme.caps if c.valid_from == valid_from), None)
    if cap is None:
        cap = ProgrammeCap(valid_from=valid_from)
        programme.caps.append(cap)
    cap.per_person, cap.per_case = per_person, per_case
    db.session.flush()
    record("programme_cap_set", user=actor, entity=programme, programme_id=programme.id,
           changes={"valid_from": valid_from, "per_person": per_person, "per_case": per_case},
           summary=programme.code)
    return cap
