"""The report's tables, built from Figures: what the page, the charts and every export show.

With a small-cell threshold N, breakdown counts from 1 to N-1 become the text "<N" so that
small groups of vulnerable people cannot be singled out; totals are never masked.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from casework.reports.engine import AGE_GROUPS, SEXES, Figures

SEX_LABELS = {"F": _l("Female"), "M": _l("Male"), "X": _l("Other or not stated")}
CATEGORY_LABELS = {
    "business": _l("Business / income generation"),
    "housing": _l("Housing"),
    "education": _l("Education and vocational training"),
    "medical": _l("Medical"),
    "household": _l("Household items"),
    "cash_on_arrival": _l("Cash on arrival"),
}


@dataclass
class Table:
    key: str
    title: str
    columns: list  # [(label, kind)] with kind in text, int, money, date, datetime
    rows: list = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [str(label) for label, _kind in self.columns]

    @property
    def kinds(self) -> list[str]:
        return [kind for _label, kind in self.columns]


def _mask(value: int, threshold: int | None):
    if threshold and 0 < value < threshold:
        return f"<{threshold}"
    return value


def arrivals_grouping(figures: Figures) -> str:
    """Quarters for periods up to three years, years beyond."""
    return "quarter" if (figures.end - figures.start).days <= 3 * 366 else "year"


def build_tables(figures: Figures, threshold: int | None = None) -> list[Table]:
    from casework.cases.forms import VULNERABILITY_LABELS

    m = lambda v: _mask(v, threshold)  # noqa: E731
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
    grouping = arrivals_grouping(figures)
    arrivals = figures.by_quarter() if grouping == "quarter" else figures.by_year()
    tables.append(Table("arrivals", str(_l("Arrivals per quarter") if grouping == "quarter" else _l("Arrivals per year")),
                        [(_l("Quarter") if grouping == "quarter" else _l("Year"), "text"), (_l("Cases"), "int"),
                         (_l("Persons"), "int")],
                        [[k, m(v["cases"]), m(v["persons"])] for k, v in arrivals.items()]))
    tables.append(Table("by_sex", str(_l("Persons by sex")), [(_l("Sex"), "text"), (_l("Persons"), "int")],
                        [[str(SEX_LABELS[s]), m(figures.by_sex.get(s, 0))] for s in SEXES]))
    tables.append(Table("by_age_group", str(_l("Persons by age group at arrival")),
                        [(_l("Age group"), "text"), (_l("Persons"), "int")],
                        [[label, m(figures.by_age_group.get(label, 0))] for label, _lo, _hi in AGE_GROUPS]))
    tables.append(Table("by_municipality", str(_l("Persons by municipality of return")),
                        [(_l("Municipality"), "text"), (_l("Persons"), "int")],
                        [[name or str(_l("(not recorded)")), m(n)] for name, n in figures.by_municipality.items()]))
    tables.append(Table("by_vulnerability", str(_l("Persons by vulnerability")),
                        [(_l("Vulnerability"), "text"), (_l("Persons"), "int")],
                        [[str(VULNERABILITY_LABELS.get(_vuln(code), code)), m(n)]
                         for code, n in sorted(figures.by_vulnerability.items())]))
    grant_rows = []
    for code, row in list(figures.grants_by_category.items()) + [("total", figures.grants)]:
        label = str(_l("Total")) if code == "total" else str(CATEGORY_LABELS.get(code, code))
        fn = (lambda v: v) if code == "total" else m
        grant_rows.append([label, fn(row["proposed_count"]), row["proposed_amount"], fn(row["approved_count"]),
                           row["approved_amount"], fn(row["rejected_count"]), fn(row["pending_count"]),
                           row["pending_amount"], row["disbursed_amount"]])
    tables.append(Table("grants", str(_l("Reintegration assistance by category (%(currency)s)", currency=cur)), [
        (_l("Category"), "text"), (_l("Proposed"), "int"), (_l("Amount proposed"), "money"),
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
    return tables


def _vuln(code):
    from casework.cases.models import Vulnerability

    try:
        return Vulnerability(code)
    except ValueError:
        return code


def is_date(value) -> bool:
    return isinstance(value, date)
