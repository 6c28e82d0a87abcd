"""The figures engine: every report output (page, CSV, XLSX, PDF, JSON, CLI) comes from here.

All counting is done by the database with GROUP BY; Python only arranges the handful of
aggregated rows. The counting rules are those of DOMAIN.md: a case is assisted in a period
when its arrival date lies in it (ends included), persons assisted are the members of those
cases who travelled, grant figures follow the grants' own dates.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import (
    BigInteger,
    Integer,
    String,
    and_,
    case,
    cast,
    extract,
    func,
    literal_column,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)

from casework.cases.models import Case, Person, PersonVulnerability
from casework.closures.models import CaseClosure, ClosureKind, ClosureReason
from casework.db import CENT, Money, utcnow
from casework.extensions import db
from casework.grants import workflow
from casework.grants.models import Disbursement, Grant, GrantCategory, GrantStatus
from casework.grants.services import budget_used, committed_amount
from casework.monitoring.models import GrantUse, MonitoringVisit, ScheduledVisit, VisitGrantCheck
from casework.plans.models import DIMENSION_TYPES, Dimension, ItemType, PlanItem, ReintegrationPlan
from casework.referrals.models import ProviderType, Referral, ReferralStatus, ServiceProvider
from casework.reports.periods import Period

AGE_GROUPS = (("0-17", 0, 17), ("18-59", 18, 59), ("60+", 60, None))
SEXES = ("F", "M", "X")
FINAL = workflow.APPROVED + (GrantStatus.REJECTED,)
ZERO = Decimal("0.00")
GRANT_MEASURES = ("proposed_count", "proposed_amount", "undated_count", "undated_amount",
                  "approved_count", "approved_amount", "rejected_count", "pending_count", "pending_amount",
                  "disbursed_amount")
# Referrals follow their own dates: sent on sent_on, accepted or refused on the answer's day
# (answered_on; a referral done later was accepted first), done on done_on.
REFERRAL_MEASURES = ("sent", "accepted", "refused", "done")
PLAN_TYPES = [t.value for t in ItemType]
DIMENSIONS = [d.value for d in Dimension]
TYPES_OF = {d.value: [t.value for t in DIMENSION_TYPES[d]] for d in Dimension}
PROVIDER_TYPES = [t.value for t in ProviderType]
CLOSURE_REASONS = [r.value for r in ClosureReason]
# Scheduled visits due in the period by what became of them (as recorded when the figures are
# computed): done by or after the due date, missed, not made because the case ended, not yet due;
# and the visits made in the period, at a scheduled visit or outside the schedule.
VISIT_STATES = ("on_time", "late", "missed", "ended", "not_yet_due")
VISITS_MADE = ("at_scheduled", "unscheduled")
# Grants paid (a payment not reversed) by whether a monitoring visit has checked their use.
GRANT_CHECKS = ("checked", "unchecked")
# Means, medians and shares: four decimals, like the survey scores.
SHARE_PLACES = Decimal("0.0001")


def _grant_row() -> dict:
    return {k: (ZERO if k.endswith("_amount") else 0) for k in GRANT_MEASURES}


@dataclass
class Figures:
    """The figures of one programme for one period; plain values, JSON-ready through to_dict()."""

    programme: str
    programme_name: str
    donor: str
    currency: str
    programme_start: date
    start: date
    end: date
    generated_at: datetime
    cases: int = 0
    persons: int = 0
    cumulative_cases: int = 0
    cumulative_persons: int = 0
    by_sex: dict = field(default_factory=dict)
    by_age_group: dict = field(default_factory=dict)
    by_municipality: dict = field(default_factory=dict)
    by_vulnerability: dict = field(default_factory=dict)
    by_month: dict = field(default_factory=dict)  # "YYYY-MM": {"cases": n, "persons": n}
    grants_by_category: dict = field(default_factory=dict)
    grants: dict = field(default_factory=dict)
    budget: dict = field(default_factory=dict)  # amount, used, left, disbursed (to the period's end)
    # Plan items first approved in the period: {"by_type": {type: n}, "by_dimension": {dim: n}, "total": n}.
    plan_items: dict | None = None
    # Referrals by the provider's type: {"by_provider_type": {type: {measure: n}}, "total": {measure: n}}.
    referrals: dict | None = None
    # Cases closed in the period by reason: {"by_reason": {reason: n}, "total": n}.
    closures: dict | None = None
    # Monitoring after return: {"visits": {...}, "grants": {...}, "surveys": {...}} (see _monitoring).
    monitoring: dict | None = None
    # What donors receive only: arrivals by release unit, and the threshold of the "<N" marks.
    arrivals: dict | None = None
    threshold: int | None = None

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)

    def by_quarter(self) -> dict:
        return self._regroup(lambda y, m: f"{y}-Q{(m - 1) // 3 + 1}")

    def by_year(self) -> dict:
        return self._regroup(lambda y, m: str(y))

    def _regroup(self, key) -> dict:
        out: dict = {}
        for month, row in sorted(self.by_month.items()):
            y, m = (int(p) for p in month.split("-"))
            slot = out.setdefault(key(y, m), {"cases": 0, "persons": 0})
            slot["cases"] += row["cases"]
            slot["persons"] += row["persons"]
        return out

    def to_dict(self) -> dict:
        """The JSON form: dates as ISO strings, amounts as decimal strings."""
        data = asdict(self)
        data["from"] = data.pop("start").isoformat()
        data["to"] = data.pop("end").isoformat()
        data["programme_start"] = self.programme_start.isoformat()
        data["generated_at"] = self.generated_at.isoformat(timespec="seconds")
        for key in ("arrivals", "threshold", "plan_items", "referrals", "closures", "monitoring"):
            if data[key] is None:
                del data[key]
        if "monitoring" in data:  # scores and shares keep their four decimals
            data["monitoring"] = _plain_decimals(data["monitoring"])
        return _strings(data)

    @classmethod
    def from_dict(cls, data: dict) -> Figures:
        data = dict(data)
        kwargs = {k: data[k] for k in ("programme", "programme_name", "donor", "currency", "cases", "persons",
                                       "cumulative_cases", "cumulative_persons", "by_sex", "by_age_group",
                                       "by_municipality", "by_vulnerability", "by_month")}
        kwargs["programme_start"] = date.fromisoformat(data["programme_start"])
        kwargs["start"] = date.fromisoformat(data["from"])
        kwargs["end"] = date.fromisoformat(data["to"])
        kwargs["generated_at"] = datetime.fromisoformat(data["generated_at"])
        kwargs["grants"] = _decimals(data["grants"])
        kwargs["grants_by_category"] = {k: _decimals(v) for k, v in data["grants_by_category"].items()}
        kwargs["budget"] = _decimals(data["budget"])
        kwargs["arrivals"], kwargs["threshold"] = data.get("arrivals"), data.get("threshold")
        # A report submitted before these tables existed has none: it is shown without them.
        for key in ("plan_items", "referrals", "closures"):
            kwargs[key] = data.get(key)
        kwargs["monitoring"] = _score_decimals(data["monitoring"]) if data.get("monitoring") else None
        return cls(**kwargs)


def _strings(value):
    if isinstance(value, dict):
        return {k: _strings(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return f"{value.quantize(CENT)}"
    return value


def _plain_decimals(value):
    if isinstance(value, dict):
        return {k: _plain_decimals(v) for k, v in value.items()}
    return f"{value}" if isinstance(value, Decimal) else value


SCORE_KEYS = {"mean", "median", "share_checked", "share_at_threshold", "threshold"}


def _score_decimals(value, key=None):
    """Scores and shares back to Decimal; a withheld one ("[c]") stays as it was shown."""
    if isinstance(value, dict):
        return {k: _score_decimals(v, k) for k, v in value.items()}
    if key in SCORE_KEYS and isinstance(value, str) and not value.startswith(("<", "[")):
        return Decimal(value)
    return value


def _decimals(row: dict) -> dict:
    """Amounts back to Decimal; a withheld amount ("<5", "[c]") stays as it was shown."""
    return {k: (Decimal(v) if (k.endswith("amount") or k in ("amount", "used", "left", "disbursed"))
                and v is not None and not str(v).startswith(("<", "[")) else v) for k, v in row.items()}


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _money(value) -> Decimal:
    return ZERO if value is None else Decimal(value).quantize(CENT)


def compute_figures(programme, period: Period, now: datetime | None = None) -> Figures:
    """Every figure of a programme's report for a period, computed with SQL aggregates.

    Four statements whatever the size of the programme: cases, persons, plan items, referrals,
    closures and monitoring visits and grant checks; surveys; grants; budget.
    """
    figures = Figures(
        programme=programme.code, programme_name=programme.name, donor=programme.donor.name,
        currency=programme.currency, programme_start=programme.start_date,
        start=period.start, end=period.end, generated_at=(now or utcnow()).replace(microsecond=0),
    )
    pid = programme.id
    in_period = and_(Case.programme_id == pid, Case.arrival_date >= period.start, Case.arrival_date <= period.end)
    cumulative = and_(Case.programme_id == pid, Case.arrival_date >= programme.start_date,
                      Case.arrival_date <= period.end)
    travelled = Person.travelled.is_(True)
    count = func.count()
    month = extract("year", Case.arrival_date) * 100 + extract("month", Case.arrival_date)

    def persons(*columns):
        return select(*columns).select_from(Person).join(Case, Person.case_id == Case.id)

    tally = _tally({
        "cases": select(*_columns("cases", count)).where(in_period),
        "cumulative_cases": select(*_columns("cumulative_cases", count)).where(cumulative),
        "persons": persons(*_columns("persons", count)).where(in_period, travelled),
        "cumulative_persons": persons(*_columns("cumulative_persons", count)).where(cumulative, travelled),
        "sex": persons(*_columns("sex", count, key=Person.sex)).where(in_period, travelled).group_by(Person.sex),
        "age": _age_groups(in_period),
        "municipality": persons(*_columns("municipality", count, key=Case.municipality))
        .where(in_period, travelled).group_by(Case.municipality),
        "vulnerability": persons(*_columns("vulnerability", count, key=PersonVulnerability.code))
        .join(PersonVulnerability, PersonVulnerability.person_id == Person.id)
        .where(in_period, travelled).group_by(PersonVulnerability.code),
        "month_cases": select(*_columns("month_cases", count, num=month)).where(in_period).group_by(month),
        "month_persons": persons(*_columns("month_persons", count, num=month))
        .where(in_period, travelled).group_by(month),
        **_services_parts(programme, period),
        **_monitoring_parts(programme, period),
    })

    def total(part):
        return sum(n for _key, _num, n, _amount in tally[part])

    figures.cases, figures.persons = total("cases"), total("persons")
    figures.cumulative_cases, figures.cumulative_persons = total("cumulative_cases"), total("cumulative_persons")
    by_sex = {key: n for key, _num, n, _amount in tally["sex"]}
    figures.by_sex = {s: by_sex.get(s, 0) for s in SEXES}
    by_age = {key: n for key, _num, n, _amount in tally["age"]}
    figures.by_age_group = {label: by_age.get(label, 0) for label, _low, _high in AGE_GROUPS}
    municipalities = sorted(((key or "", n) for key, _num, n, _amount in tally["municipality"]),
                            key=lambda item: (-item[1], item[0]))
    figures.by_municipality = dict(municipalities)
    figures.by_vulnerability = {key: n for key, _num, n, _amount in tally["vulnerability"]}
    by_month: dict = {key: {"cases": 0, "persons": 0} for key in _months(period)}
    for part, measure in (("month_cases", "cases"), ("month_persons", "persons")):
        for _key, num, n, _amount in tally[part]:
            by_month.setdefault(f"{num // 100:04d}-{num % 100:02d}", {"cases": 0, "persons": 0})[measure] = n
    figures.by_month = dict(sorted(by_month.items()))

    figures.plan_items, figures.referrals, figures.closures = _services(tally)
    figures.monitoring = _monitoring(tally, programme, period)
    figures.grants_by_category, figures.grants, figures.budget = _grants(programme, period)
    return figures


def _services_parts(programme, period: Period) -> dict:
    """The aggregates of plan items, referrals and closures, each counted on its own date:
    a plan item when its plan first approved it (UTC days, like grant submissions), a referral on
    the day it was sent, answered or done, a closure on the day the case was closed."""
    start_dt, end_dt = _day_start(period.start), _day_start(period.end + timedelta(days=1))
    of_programme = Case.programme_id == programme.id
    count = func.count()

    def on(column):
        return and_(column >= period.start, column <= period.end)

    def referrals(part, condition):
        return (select(*_columns(part, count, key=ServiceProvider.provider_type)).select_from(Referral)
                .join(Case, Referral.case_id == Case.id)
                .join(ServiceProvider, Referral.provider_id == ServiceProvider.id)
                .where(of_programme, condition).group_by(ServiceProvider.provider_type))

    answered = on(Referral.answered_on)
    return {
        "plan_items": select(*_columns("plan_items", count, key=PlanItem.item_type)).select_from(PlanItem)
        .join(ReintegrationPlan, PlanItem.plan_id == ReintegrationPlan.id)
        .join(Case, ReintegrationPlan.case_id == Case.id)
        .where(of_programme, PlanItem.first_approved_at >= start_dt, PlanItem.first_approved_at < end_dt)
        .group_by(PlanItem.item_type),
        "referrals_sent": referrals("referrals_sent", on(Referral.sent_on)),
        "referrals_accepted": referrals("referrals_accepted", and_(
            answered, Referral.status.in_((ReferralStatus.ACCEPTED, ReferralStatus.DONE)))),
        "referrals_refused": referrals("referrals_refused", and_(answered, Referral.status == ReferralStatus.REFUSED)),
        "referrals_done": referrals("referrals_done", on(Referral.done_on)),
        "closures": select(*_columns("closures", count, key=CaseClosure.reason)).select_from(CaseClosure)
        .join(Case, CaseClosure.case_id == Case.id)
        .where(of_programme, CaseClosure.kind == ClosureKind.CLOSED, on(CaseClosure.on_date))
        .group_by(CaseClosure.reason),
    }


def _services(tally: dict) -> tuple[dict, dict, dict]:
    by_type = {t: 0 for t in PLAN_TYPES}
    for key, _num, n, _amount in tally["plan_items"]:
        by_type[key] = n
    by_dimension = {d: sum(by_type[t] for t in TYPES_OF[d]) for d in DIMENSIONS}
    plan_items = {"by_type": by_type, "by_dimension": by_dimension, "total": sum(by_dimension.values())}
    by_provider = {t: {m: 0 for m in REFERRAL_MEASURES} for t in PROVIDER_TYPES}
    for measure in REFERRAL_MEASURES:
        for key, _num, n, _amount in tally[f"referrals_{measure}"]:
            by_provider.setdefault(key, {m: 0 for m in REFERRAL_MEASURES})[measure] = n
    referrals = {"by_provider_type": by_provider,
                 "total": {m: sum(row[m] for row in by_provider.values()) for m in REFERRAL_MEASURES}}
    by_reason = {r: 0 for r in CLOSURE_REASONS}
    for key, _num, n, _amount in tally["closures"]:
        by_reason[key] = n
    return plan_items, referrals, {"by_reason": by_reason, "total": sum(by_reason.values())}


def _monitoring_parts(programme, period: Period, today: date | None = None) -> dict:
    """Scheduled visits due in the period by their state (casework.monitoring.services.visit_state,
    a visit made after its due date counted as late); the visits made in the period; the grants
    whose first payment still standing (not reversed) is dated in the period, and since the
    programme's start, by whether any visit checked their use; "not as planned" findings of the
    visits made in the period."""
    from casework.grants.services import standing_payment
    from casework.monitoring.services import DONE, DUE, ENDED, OVERDUE, made_late, visit_state_sql
    from casework.tasks.services import today as office_today

    day = today or office_today()
    of_programme = Case.programme_id == programme.id
    count = func.count()

    def on(column):
        return and_(column >= period.start, column <= period.end)

    state = case((and_(ScheduledVisit.visit_id.isnot(None), made_late(ScheduledVisit.due_on, MonitoringVisit.visited_on)),
                  "late"), else_=visit_state_sql(day))
    states = case({DONE: "on_time", OVERDUE: "missed", ENDED: "ended", DUE: "not_yet_due"}, value=state,
                  else_="late")
    due = (select(states.label("key")).select_from(ScheduledVisit).join(Case, ScheduledVisit.case_id == Case.id)
           .outerjoin(MonitoringVisit, ScheduledVisit.visit_id == MonitoringVisit.id)
           .where(of_programme, on(ScheduledVisit.due_on)).subquery())
    made = (select(case((ScheduledVisit.id.is_(None), "unscheduled"), else_="at_scheduled").label("key"))
            .select_from(MonitoringVisit).join(Case, MonitoringVisit.case_id == Case.id)
            .outerjoin(ScheduledVisit, ScheduledVisit.visit_id == MonitoringVisit.id)
            .where(of_programme, on(MonitoringVisit.visited_on)).subquery())
    standing = (select(Disbursement.grant_id.label("grant_id"), func.min(Disbursement.paid_on).label("first_paid"))
                .where(standing_payment()).group_by(Disbursement.grant_id).subquery())
    checked = select(VisitGrantCheck.id).where(VisitGrantCheck.grant_id == standing.c.grant_id).exists()

    def paid(part, condition):
        inner = (select(case((checked, "checked"), else_="unchecked").label("key")).select_from(standing)
                 .join(Grant, Grant.id == standing.c.grant_id).join(Case, Grant.case_id == Case.id)
                 .where(of_programme, condition).subquery())
        return select(*_columns(part, count, key=inner.c.key)).group_by(inner.c.key)

    return {
        "visits_due": select(*_columns("visits_due", count, key=due.c.key)).group_by(due.c.key),
        "visits_made": select(*_columns("visits_made", count, key=made.c.key)).group_by(made.c.key),
        "grants_paid": paid("grants_paid", on(standing.c.first_paid)),
        "grants_paid_since_start": paid("grants_paid_since_start", and_(
            standing.c.first_paid >= programme.start_date, standing.c.first_paid <= period.end)),
        "not_as_planned": select(*_columns("not_as_planned", count)).select_from(VisitGrantCheck)
        .join(MonitoringVisit, VisitGrantCheck.visit_id == MonitoringVisit.id)
        .join(Case, MonitoringVisit.case_id == Case.id)
        .where(of_programme, VisitGrantCheck.use == GrantUse.NOT_AS_PLANNED, on(MonitoringVisit.visited_on)),
    }


def share(part, whole) -> Decimal | None:
    """part / whole with four decimals (rounded half up); None when there is no whole."""
    if not isinstance(part, int) or not isinstance(whole, int) or whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


def _monitoring(tally: dict, programme, period: Period) -> dict:
    from casework.reports.scores import survey_rounds

    def counts(part, keys):
        found = {key: n for key, _num, n, _amount in tally[part]}
        return {k: found.get(k, 0) for k in keys}

    visits = counts("visits_due", VISIT_STATES)
    visits = {"due": sum(visits.values()), **visits, "done": visits["on_time"] + visits["late"]}
    made = counts("visits_made", VISITS_MADE)
    visits.update({"made": sum(made.values()), **made})
    grants = {}
    for name, part in (("in_period", "grants_paid"), ("since_start", "grants_paid_since_start")):
        row = counts(part, GRANT_CHECKS)
        paid = row["checked"] + row["unchecked"]
        grants[name] = {"paid": paid, **row, "share_checked": share(row["checked"], paid)}
    grants["not_as_planned"] = sum(n for _key, _num, n, _amount in tally["not_as_planned"])
    return {"visits": visits, "grants": grants, "surveys": survey_rounds(programme, period)}


def _months(period: Period, limit: int = 1200) -> list[str]:
    """Every month of the period ("YYYY-MM"), so that months without arrivals show as zeros
    (none for a range longer than a century: such a range has no monthly table)."""
    first, last = period.start.year * 12 + period.start.month - 1, period.end.year * 12 + period.end.month - 1
    if last - first >= limit:
        return []
    return [f"{n // 12:04d}-{n % 12 + 1:02d}" for n in range(first, last + 1)]


def _tally(parts: dict) -> dict:
    """Run several small aggregates as one statement (UNION ALL) and give each part its rows.

    Each part selects _columns(): (part, key, num, n, amount). One round trip instead of one
    per figure; the database does the same work either way.
    """
    rows: dict = {name: [] for name in parts}
    for part, key, num, n, amount in db.session.execute(union_all(*parts.values())):
        rows[part].append((key, num, n, amount))
    return rows


def _columns(part: str, n, key=None, num=None, amount=None) -> list:
    """The columns every part of _tally() selects, typed alike so that the parts unite."""
    return [literal_column(f"'{part}'", String).label("part"),
            cast(null() if key is None else key, String).label("key"),
            cast(null() if num is None else num, Integer).label("num"),
            cast(n, Integer).label("n"),
            type_coerce(cast(null() if amount is None else amount, BigInteger), Money).label("amount")]


def _age_groups(in_period):
    """Persons by age on the arrival date; a year-only birth date gives the difference of years."""
    arrival, born = Case.arrival_date, Person.birth_date
    before_birthday = case(
        (and_(born.isnot(None),
              extract("month", arrival) * 100 + extract("day", arrival)
              < extract("month", born) * 100 + extract("day", born)), 1),
        else_=0)
    age = extract("year", arrival) - Person.birth_year - before_birthday
    whens = [(age <= high, label) for label, _low, high in AGE_GROUPS if high is not None]
    group = case(*whens, else_=AGE_GROUPS[-1][0]).label("age_group")
    inner = (select(group).select_from(Person).join(Case, Person.case_id == Case.id)
             .where(in_period, Person.travelled.is_(True)).subquery())
    return select(*_columns("age", func.count(), key=inner.c.age_group)).group_by(inner.c.age_group)


def _grants(programme, period: Period) -> tuple[dict, dict, dict]:
    """Grant figures by category, each measure following the grants' own dates, and the budget
    (amounts approved and paid from the programme's start to the period's end)."""
    start_dt, end_dt = _day_start(period.start), _day_start(period.end + timedelta(days=1))
    of_programme = Case.programme_id == programme.id
    approved_amount = committed_amount()
    submitted_by_end = or_(Grant.submitted_at.is_(None), Grant.submitted_at < end_dt)
    measures = {
        ("proposed_count", "proposed_amount"): (
            Grant.requested_amount, and_(Grant.submitted_at >= start_dt, Grant.submitted_at < end_dt)),
        # Imported grants decided in the period whose file gave no proposal date: shown on their own
        # line so that approved never exceeds proposed unexplained.
        ("undated_count", "undated_amount"): (
            Grant.requested_amount, and_(Grant.submitted_at.is_(None), Grant.status.in_(FINAL),
                                         Grant.decided_on >= period.start, Grant.decided_on <= period.end)),
        ("approved_count", "approved_amount"): (
            approved_amount, and_(Grant.status.in_(workflow.APPROVED), Grant.decided_on >= period.start,
                                  Grant.decided_on <= period.end)),
        ("rejected_count", None): (
            Grant.requested_amount, and_(Grant.status == GrantStatus.REJECTED, Grant.decided_on >= period.start,
                                         Grant.decided_on <= period.end)),
        # Pending at the period's end: submitted by then, and not finally decided by then.
        ("pending_count", "pending_amount"): (
            Grant.requested_amount, and_(submitted_by_end, or_(
                Grant.status.in_(workflow.AWAITING_DECISION),
                and_(Grant.status.in_(FINAL), Grant.decided_on > period.end)))),
    }

    def grants(*columns):
        return select(*columns).select_from(Grant).join(Case, Grant.case_id == Case.id)

    def paid(*columns):
        return grants(*columns).join(Disbursement, Disbursement.grant_id == Grant.id)

    parts = {
        count_key: grants(*_columns(count_key, func.count(Grant.id), key=Grant.category, amount=func.sum(amount)))
        .where(of_programme, condition).group_by(Grant.category)
        for (count_key, _amount_key), (amount, condition) in measures.items()
    }
    parts["disbursed"] = (paid(*_columns("disbursed", func.count(), key=Grant.category,
                                         amount=func.sum(Disbursement.amount)))
                          .where(of_programme, Disbursement.paid_on >= period.start,
                                 Disbursement.paid_on <= period.end).group_by(Grant.category))
    parts["budget_disbursed"] = paid(*_columns("budget_disbursed", func.count(),
                                               amount=func.sum(Disbursement.amount))).where(
        of_programme, Disbursement.paid_on <= period.end)
    tally = _tally(parts)

    by_category = {c.value: _grant_row() for c in GrantCategory}
    for count_key, amount_key in measures:
        for category, _num, n, total in tally[count_key]:
            by_category[category][count_key] = n
            if amount_key:
                by_category[category][amount_key] = _money(total)
    for category, _num, _n, total in tally["disbursed"]:
        by_category[category]["disbursed_amount"] = _money(total)
    totals = _grant_row()
    for row in by_category.values():
        for key in GRANT_MEASURES:
            totals[key] += row[key]
    used = budget_used(programme, through=period.end)
    amount = programme.budget
    budget = {"amount": amount, "used": used, "left": (amount - used) if amount is not None else None,
              "disbursed": _money(tally["budget_disbursed"][0][3])}
    return by_category, {"currency": programme.currency, **totals}, budget


def differences(submitted: dict, current: dict) -> list[tuple[str, object, object]]:
    """What changed between two figure dicts, as (figure, submitted, now); generation time ignored."""
    flat_a, flat_b = _flatten(submitted), _flatten(current)
    skip = {"generated_at"}
    keys = sorted((set(flat_a) | set(flat_b)) - skip)
    return [(k, flat_a.get(k), flat_b.get(k)) for k in keys if flat_a.get(k) != flat_b.get(k)]


def _flatten(data: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


def json_totals(figures: Figures) -> dict:
    """The object printed by `casework report totals --format json` (the documented keys first)."""
    data = figures.to_dict()
    grants = data["grants"]
    head = {
        "programme": data["programme"], "from": data["from"], "to": data["to"],
        "cases": data["cases"], "persons": data["persons"],
        "cumulative_cases": data["cumulative_cases"], "cumulative_persons": data["cumulative_persons"],
        "by_sex": data["by_sex"], "by_age_group": data["by_age_group"],
        "grants": {"currency": grants["currency"], "approved_count": grants["approved_count"],
                   "approved_amount": grants["approved_amount"], "rejected_count": grants["rejected_count"],
                   "pending_count": grants["pending_count"], "disbursed_amount": grants["disbursed_amount"],
                   **{k: v for k, v in grants.items() if k not in ("currency", "approved_count", "approved_amount",
                                                                  "rejected_count", "pending_count",
                                                                  "disbursed_amount")}},
    }
    return head | {k: v for k, v in data.items() if k not in head}
