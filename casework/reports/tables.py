"""The report's tables, built from Figures: what the page, the charts and every export show.

The tables show what the figures hold: exact counts for staff; for donors, the release as
casework.reports.disclosure protected it (withheld counts already written "<N" or "[c]").
Nothing here masks: every format gets the same protection from the one place that applies it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from casework.cases.labels import SEX_LABELS, VULNERABILITY_LABELS
from casework.cases.models import Sex, Vulnerability
from casework.closures.labels import REASON_REPORT_LABELS
from casework.closures.models import ClosureReason
from casework.grants.labels import CATEGORY_LABELS
from casework.grants.models import GrantCategory
from casework.plans.labels import DIMENSION_LABELS, TYPE_LABELS
from casework.plans.models import Dimension, ItemType
from casework.referrals.labels import PROVIDER_TYPE_LABELS
from casework.referrals.models import ProviderType
from casework.reports import labels as monitoring_labels
from casework.reports.engine import (
    AGE_GROUPS,
    CLOSURE_REASONS,
    DIMENSIONS,
    PROVIDER_TYPES,
    REFERRAL_MEASURES,
    SEXES,
    TYPES_OF,
    Figures,
)

SHEET_NAMES = {
    "report": _l("Report"), "totals": _l("Totals"), "arrivals": _l("Arrivals"), "by_sex": _l("By sex"),
    "by_age_group": _l("By age group"), "by_municipality": _l("By municipality"),
    "by_vulnerability": _l("By vulnerability"), "grants": _l("Grants"), "budget": _l("Budget"),
    "plan_items": _l("Plan items"), "referrals": _l("Referrals"), "closures": _l("Closures"),
    **monitoring_labels.SHEETS,
}


@dataclass
class Table:
    key: str
    title: str
    # [(label, kind)] with kind in text, int, money, date, datetime, score (0 to 1), share (a fraction)
    columns: list
    rows: list = field(default_factory=list)

    @property
    def sheet_name(self) -> str:
        return str(SHEET_NAMES.get(self.key, self.title))[:31]

    @property
    def headers(self) -> list[str]:
        return [str(label) for label, _kind in self.columns]

    @property
    def kinds(self) -> list[str]:
        return [kind for _label, kind in self.columns]


def arrivals_grouping(figures: Figures) -> str:
    """Months for periods up to a year, quarters up to three years, years beyond."""
    days = (figures.end - figures.start).days
    return "month" if days <= 366 else "quarter" if days <= 3 * 366 else "year"


OTHER_LABELS = {"by_municipality": _l("Other municipalities"), "by_vulnerability": _l("Other vulnerabilities")}


def build_tables(figures: Figures) -> list[Table]:
    from casework.reports.disclosure import OTHER

    cur = figures.currency
    tables = [
        Table("report", str(_l("Report")), [(_l("Item"), "text"), (_l("Value"), "text")], [
            [str(_l("Programme")), f"{figures.programme} – {figures.programme_name}"],
            [str(_l("Donor")), figures.donor],
            [str(_l("From")), figures.start],
            [str(_l("To")), figures.end],
            [str(_l("Programme start")), figures.programme_start],
            [str(_l("Generated at (UTC)")), figures.generated_at],
        ]),
        Table("totals", str(_l("Cases and persons assisted")),
              [(_l("Measure"), "text"), (_l("In the period"), "int"), (_l("Since the programme's start"), "int")], [
                  [str(_l("Cases")), figures.cases, figures.cumulative_cases],
                  [str(_l("Persons")), figures.persons, figures.cumulative_persons],
              ]),
    ]
    if figures.arrivals is not None:  # a donor's release: arrivals by the release calendar's unit
        arrivals, title, unit = figures.arrivals, _l("Arrivals"), _l("Period")
    else:
        arrivals, title, unit = {
            "month": (figures.by_month, _l("Arrivals per month"), _l("Month")),
            "quarter": (figures.by_quarter(), _l("Arrivals per quarter"), _l("Quarter")),
            "year": (figures.by_year(), _l("Arrivals per year"), _l("Year")),
        }[arrivals_grouping(figures)]
    tables.append(Table("arrivals", str(title), [(unit, "text"), (_l("Cases"), "int"), (_l("Persons"), "int")],
                        [[k, v["cases"], v["persons"]] for k, v in arrivals.items()]))
    tables.append(Table("by_sex", str(_l("Persons by sex")), [(_l("Sex"), "text"), (_l("Persons"), "int")],
                        [[_label(SEX_LABELS, Sex, s), figures.by_sex.get(s, 0)] for s in SEXES]))
    tables.append(Table("by_age_group", str(_l("Persons by age group at arrival")),
                        [(_l("Age group"), "text"), (_l("Persons"), "int")],
                        [[label, figures.by_age_group.get(label, 0)] for label, _lo, _hi in AGE_GROUPS]))
    tables.append(Table("by_municipality", str(_l("Persons by municipality of return")),
                        [(_l("Municipality"), "text"), (_l("Persons"), "int")],
                        [[str(OTHER_LABELS["by_municipality"]) if name == OTHER else name or str(_l("(not recorded)")),
                          n] for name, n in figures.by_municipality.items()]))
    tables.append(Table("by_vulnerability", str(_l("Persons by vulnerability")),
                        [(_l("Vulnerability"), "text"), (_l("Persons"), "int")],
                        [[str(OTHER_LABELS["by_vulnerability"]) if code == OTHER
                          else _label(VULNERABILITY_LABELS, Vulnerability, code), n]
                         for code, n in sorted(figures.by_vulnerability.items(), key=lambda i: (i[0] == OTHER, i[0]))]))
    grant_rows = []
    for code, row in list(figures.grants_by_category.items()) + [("total", figures.grants)]:
        label = str(_l("Total")) if code == "total" else _label(CATEGORY_LABELS, GrantCategory, code)
        grant_rows.append([label, row["proposed_count"], row["proposed_amount"], row.get("undated_count", 0),
                           row["approved_count"], row["approved_amount"], row["rejected_count"],
                           row["pending_count"], row["pending_amount"], row["disbursed_amount"]])
    tables.append(Table("grants", str(_l("Reintegration assistance by category (%(currency)s)", currency=cur)), [
        (_l("Category"), "text"), (_l("Proposed"), "int"), (_l("Amount proposed"), "money"),
        (_l("Imported, no proposal date"), "int"),
        (_l("Approved"), "int"), (_l("Amount approved"), "money"), (_l("Rejected"), "int"),
        (_l("Pending at the period's end"), "int"), (_l("Amount pending"), "money"),
        (_l("Amount disbursed"), "money")], grant_rows))
    b = figures.budget
    tables.append(Table("budget", str(_l("Budget to the period's end (%(currency)s)", currency=cur)),
                        [(_l("Item"), "text"), (_l("Amount"), "money")], [
                            [str(_l("Budget")), b.get("amount")],
                            [str(_l("Approved (used)")), b.get("used")],
                            [str(_l("Left")), b.get("left")],
                            [str(_l("Disbursed")), b.get("disbursed")],
                        ]))
    tables += _services_tables(figures)
    return tables


REFERRAL_COLUMNS = {"sent": _l("Sent"), "accepted": _l("Accepted"), "refused": _l("Refused"), "done": _l("Done")}


def _services_tables(figures: Figures) -> list[Table]:
    """Plan items, referrals and closures; a report submitted before they were counted has none."""
    tables = []
    if figures.plan_items is not None:
        plan, rows = figures.plan_items, []
        for d in DIMENSIONS:
            dimension = _label(DIMENSION_LABELS, Dimension, d)
            rows += [[dimension, _label(TYPE_LABELS, ItemType, t), plan["by_type"].get(t, 0)] for t in TYPES_OF[d]]
            rows.append([dimension, str(_l("All types")), plan["by_dimension"].get(d, 0)])
        rows.append([str(_l("Total")), "", plan["total"]])
        tables.append(Table("plan_items", str(_l("Plan items approved in the period, by dimension and type")),
                            [(_l("Dimension"), "text"), (_l("Type"), "text"), (_l("Plan items"), "int")], rows))
    if figures.referrals is not None:
        ref = figures.referrals
        rows = [[_label(PROVIDER_TYPE_LABELS, ProviderType, t)] + [ref["by_provider_type"].get(t, {}).get(m, 0)
                                                                  for m in REFERRAL_MEASURES]
                for t in PROVIDER_TYPES]
        rows.append([str(_l("Total"))] + [ref["total"][m] for m in REFERRAL_MEASURES])
        tables.append(Table("referrals", str(_l("Referrals by the provider's type and outcome")),
                            [(_l("Provider type"), "text")] + [(REFERRAL_COLUMNS[m], "int") for m in REFERRAL_MEASURES],
                            rows))
    if figures.closures is not None:
        closures = figures.closures
        rows = [[_label(REASON_REPORT_LABELS, ClosureReason, r), closures["by_reason"].get(r, 0)]
                for r in CLOSURE_REASONS]
        rows.append([str(_l("Total")), closures["total"]])
        tables.append(Table("closures", str(_l("Cases closed in the period, by reason")),
                            [(_l("Reason"), "text"), (_l("Closures"), "int")], rows))
    if figures.monitoring is not None:
        tables += _monitoring_tables(figures.monitoring)
    return tables


VISIT_ORDER = ("due", "on_time", "late", "done", "missed", "ended", "not_yet_due", "made", "at_scheduled",
               "unscheduled")
INDENTED = {"on_time", "late", "done", "missed", "ended", "not_yet_due", "at_scheduled", "unscheduled"}


def _monitoring_tables(monitoring: dict) -> list[Table]:
    """Visits, grants checked, survey scores per round and, once the programme sets a threshold,
    the returnees at or above it; a report submitted before monitoring was counted has none."""
    from casework.surveys.labels import COMPOSITE
    from casework.surveys.labels import DIMENSION_LABELS as SCORE_LABELS
    from casework.surveys.models import DIMENSIONS as SCORED

    ml = monitoring_labels
    visits, grants, surveys = monitoring["visits"], monitoring["grants"], monitoring["surveys"]
    rows = [[("– " if k in INDENTED else "") + str(ml.VISIT_ROWS[k]), visits[k]] for k in VISIT_ORDER]
    rows.append([str(ml.VISIT_ROWS["not_as_planned"]), grants["not_as_planned"]])
    tables = [Table("visits", str(ml.VISITS_TITLE), [(ml.MEASURE, "text"), (ml.VISITS, "int")], rows)]
    measures = ("paid", "checked", "unchecked", "share_checked")
    tables.append(Table("grant_checks", str(ml.GRANT_CHECKS_TITLE),
                        [(ml.MEASURE, "text")] + [(ml.GRANT_COLUMNS[m], "share" if m.startswith("share") else "int")
                                                  for m in measures],
                        [[str(ml.GRANT_ROWS[name])] + [grants[name][m] for m in measures]
                         for name in ("in_period", "since_start")]))
    rounds = surveys["rounds"]
    several = len({key.partition("/")[0] for key in rounds}) > 1
    names = {key: round_name(key, several) for key in rounds}
    score_names = [(name, str(SCORE_LABELS[name])) for name in SCORED] + [("composite", str(COMPOSITE))]
    tables.append(Table("survey_scores", str(ml.SCORES_TITLE),
                        [(ml.ROUND, "text"), (ml.SCORE, "text"), (ml.SURVEYS, "int"), (ml.MEAN, "score"),
                         (ml.MEDIAN, "score")],
                        [[names[key], label, row["surveys"], row[name]["mean"], row[name]["median"]]
                         for key, row in rounds.items() for name, label in score_names]))
    if surveys["threshold"] is not None:
        from casework.templating import format_every_digit

        tables.append(Table("sustainability", ml.sustainability_title(format_every_digit(surveys["threshold"])),
            [(ml.ROUND, "text"), (ml.SURVEYS, "int"), (ml.AT_THRESHOLD, "int"), (ml.BELOW_THRESHOLD, "int"),
             (ml.SHARE_AT_THRESHOLD, "share")],
            [[names[key], row["surveys"], row["at_threshold"], row["below_threshold"], row["share_at_threshold"]]
             for key, row in rounds.items()]))
    return tables


def round_name(key: str, with_instrument: bool = True) -> str:
    """A round keyed "instrument/round" in words: "3 months after arrival", after the instrument's
    code when the programme's surveys use more than one instrument."""
    from casework.surveys.labels import round_label

    code, _, label = key.partition("/")
    return f"{code}: {round_label(label)}" if with_instrument else str(round_label(label))


def _label(labels: dict, enum_cls, code) -> str:
    """A stored code's label from its domain's labels module (the code itself if unknown)."""
    try:
        return str(labels[enum_cls(code)])
    except (ValueError, KeyError):
        return str(code)


FIGURE_LABELS = {
    "cases": _l("Cases in the period"),
    "persons": _l("Persons in the period"),
    "cumulative_cases": _l("Cases since the programme's start"),
    "cumulative_persons": _l("Persons since the programme's start"),
    "by_sex": _l("Persons by sex"),
    "by_age_group": _l("Persons by age group"),
    "by_municipality": _l("Persons by municipality"),
    "by_vulnerability": _l("Persons by vulnerability"),
    "by_month": _l("Arrivals by month"),
    "grants": _l("Grants"),
    "grants_by_category": _l("Grants by category"),
    "budget": _l("Budget"),
    "plan_items": _l("Plan items approved"),
    "referrals": _l("Referrals"),
    "closures": _l("Cases closed"),
    "monitoring": monitoring_labels.MONITORING,
}
MEASURE_LABELS = {
    "proposed_count": _l("proposed"), "proposed_amount": _l("amount proposed"),
    "approved_count": _l("approved"), "approved_amount": _l("amount approved"),
    "undated_count": _l("imported, no proposal date"), "undated_amount": _l("amount imported, no proposal date"),
    "rejected_count": _l("rejected"), "pending_count": _l("pending"), "pending_amount": _l("amount pending"),
    "disbursed_amount": _l("amount disbursed"), "used": _l("used"), "left": _l("left"), "amount": _l("amount"),
    "disbursed": _l("disbursed"), "cases": _l("cases"), "persons": _l("persons"),
    "by_type": _l("by type"), "by_dimension": _l("by dimension"), "by_provider_type": _l("by the provider's type"),
    "by_reason": _l("by reason"), "total": _l("total"), "sent": _l("sent"), "accepted": _l("accepted"),
    "refused": _l("refused"), "done": _l("done"),
}
# The coded values under each of these tables' keys, with their domain's labels.
CODE_LABELS = {
    "plan_items": ((TYPE_LABELS, ItemType), (DIMENSION_LABELS, Dimension)),
    "referrals": ((PROVIDER_TYPE_LABELS, ProviderType),),
    "closures": ((REASON_REPORT_LABELS, ClosureReason),),
}


def _monitoring_part(part: str) -> str:
    from casework.surveys.labels import COMPOSITE, DIMENSION_LABELS

    if "/" in part:
        return round_name(part)
    label = monitoring_labels.FIGURE_PARTS.get(part) or DIMENSION_LABELS.get(part)
    return str(COMPOSITE if part == "composite" else label if label is not None else part)


def figure_label(key: str) -> str:
    """A reader's name for a flattened figure key such as 'grants_by_category.housing.approved_count'."""
    head, *rest = key.split(".")
    parts = [str(FIGURE_LABELS.get(head, head))]
    for part in rest:
        if head == "by_sex":
            part = _label(SEX_LABELS, Sex, part)
        elif head == "by_vulnerability":
            part = _label(VULNERABILITY_LABELS, Vulnerability, part)
        elif head == "grants_by_category":
            part = _label(CATEGORY_LABELS, GrantCategory, part)
        elif head == "monitoring":
            part = _monitoring_part(part)
        elif head in CODE_LABELS and part not in MEASURE_LABELS:
            part = next((_label(labels, enum_cls, part) for labels, enum_cls in CODE_LABELS[head]
                         if part in {m.value for m in enum_cls}), part)
        else:
            part = MEASURE_LABELS.get(part, part)
        parts.append(str(part))
    return ": ".join([parts[0], ", ".join(parts[1:])]) if len(parts) > 1 else parts[0]
