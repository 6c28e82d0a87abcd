"""What donors receive: release periods, primary and secondary suppression, and the disclosure audit.

A donor downloads many releases (the programme's calendar periods and the reports submitted to
them), and every published number is a sum of the same underlying counts. The time axis is cut
into segments at every release boundary; a count of one segment and one category (persons of
sex F arriving in 2011-H1, say) is an *atom*. Every cell of every release is a sum of atoms, and
two cells over the same atoms are the same *quantity*, with one status everywhere:

- published: the donor sees the number;
- primary: the count is below the programme's threshold N: shown as "<N" (0 to N-1);
- secondary: withheld so that a primary cell cannot be worked out: shown as "[c]" (N or more);
- grouped: a small municipality or vulnerability, not named but counted in "Other".

Releases are protected year by year, in order: a release's pattern depends only on the releases
of its year and of earlier years, so that what a donor downloaded last year stays as it was.
The audit (`disclosure_audit`) computes, by linear programming over every release together, the
tightest interval a donor can infer for every suppressed count below the threshold.
"""
from __future__ import annotations

import math
from bisect import bisect_right
from calendar import monthrange
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import pairwise

from casework.grants.models import GrantCategory
from casework.reports.engine import (
    AGE_GROUPS,
    CLOSURE_REASONS,
    DIMENSIONS,
    GRANT_CHECKS,
    PLAN_TYPES,
    PROVIDER_TYPES,
    REFERRAL_MEASURES,
    SEXES,
    TYPES_OF,
    VISIT_STATES,
    VISITS_MADE,
    Figures,
    compute_figures,
)
from casework.reports.periods import Period
from casework.reports.scores import SCORES

UNIT_MONTHS = {"year": 12, "half": 6, "quarter": 3, "month": 1}
OTHER = "(other)"
CATEGORIES = [c.value for c in GrantCategory]
GRANT_COUNTS = ("proposed_count", "undated_count", "approved_count", "rejected_count")
# Each amount is withheld with the count of the same grants.
AMOUNT_OF = {"proposed_amount": "proposed_count", "undated_amount": "undated_count",
             "approved_amount": "approved_count", "pending_amount": "pending_count",
             "disbursed_amount": "approved_count"}
PUBLISHED, PRIMARY, SECONDARY, GROUPED = "published", "primary", "secondary", "grouped"
MIN_POSSIBLE_VALUES = 3


class Suppressed(str):
    """A withheld figure as the donor sees it: "<N" or "[c]"; a string in every format."""


def mark(status: str, threshold: int) -> Suppressed:
    """The one way a withheld count is written, in the page, the charts and every export."""
    return Suppressed(f"<{threshold}" if status == PRIMARY else "[c]")


# --- release periods -------------------------------------------------------------------

def _month_end(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def calendar_units(programme) -> list[str]:
    return [u for u in (programme.release_calendar or "year").split(",") if u in UNIT_MONTHS]


def finest_unit(programme) -> str:
    return min(calendar_units(programme), key=UNIT_MONTHS.get)


def _unit_periods(unit: str, year: int) -> list[Period]:
    months = UNIT_MONTHS[unit]
    return [Period(date(year, m, 1), _month_end(year, m + months - 1)) for m in range(1, 13, months)]


def calendar_periods(programme, today: date | None = None) -> list[Period]:
    """The calendar periods donors may receive: ended by today, after the programme's start."""
    today = today or date.today()
    out = []
    for year in range(programme.start_date.year, today.year + 1):
        for unit in calendar_units(programme):
            out += [p for p in _unit_periods(unit, year) if p.end < today and p.end >= programme.start_date]
    return sorted(set(out), key=lambda p: (p.end, (p.end - p.start).days))


def _submitted_periods(programme) -> list[Period]:
    from sqlalchemy import select

    from casework.extensions import db
    from casework.reports.models import SubmittedReport

    rows = db.session.execute(select(SubmittedReport.period_start, SubmittedReport.period_end)
                              .where(SubmittedReport.programme_id == programme.id)
                              .order_by(SubmittedReport.submitted_at, SubmittedReport.id)).all()
    return list(dict.fromkeys(Period(s, e) for s, e in rows))


def donor_releases(programme, extra: Period | None = None, today: date | None = None) -> list[Period]:
    """Every release a donor of the programme can download (and `extra`, about to be submitted)."""
    releases = list(calendar_periods(programme, today))
    for period in _submitted_periods(programme) + ([extra] if extra else []):
        if period not in releases:
            releases.append(period)
    return releases


# --- the model -------------------------------------------------------------------------

@dataclass
class Quantity:
    atoms: frozenset
    value: int
    block: int  # the year of the first release showing it
    status: str = PUBLISHED
    family: tuple | None = None  # (measure...) when it is one measure over a span of segments
    span: tuple | None = None  # (first segment, last segment)
    releases: set = field(default_factory=set)


@dataclass
class Model:
    programme_start: date
    threshold: int
    releases: list
    segments: list  # [Period]
    atoms: dict = field(default_factory=dict)  # atom -> value
    quantities: dict = field(default_factory=dict)  # frozenset(atoms) -> Quantity
    relations: list = field(default_factory=list)  # [(whole key, [part keys])]
    cells: dict = field(default_factory=dict)  # release index -> {cell name: quantity key}
    programme: object = None

    def sensitive(self, q: Quantity) -> bool:
        return q.status in (PRIMARY, GROUPED) and 0 < q.value < self.threshold


def _segments(releases: list[Period], programme_start: date, finest: str) -> list[Period]:
    cuts = {programme_start}
    for p in releases:
        cuts |= {p.start, p.end + timedelta(days=1)}
    first, last = min(cuts), max(cuts)
    for year in range(first.year, last.year + 1):
        for p in _unit_periods(finest, year):
            cuts.add(p.start)
    cuts = sorted(c for c in cuts if first <= c <= last)
    return [Period(a, b - timedelta(days=1)) for a, b in pairwise(cuts)]


def _segment_atoms(seg_index: int, figures: Figures) -> dict:
    out = {(seg_index, "cases"): figures.cases, (seg_index, "persons"): figures.persons}
    for s in SEXES:
        out[(seg_index, "sex", s)] = figures.by_sex.get(s, 0)
    for label, _low, _high in AGE_GROUPS:
        out[(seg_index, "age", label)] = figures.by_age_group.get(label, 0)
    for name, n in figures.by_municipality.items():
        out[(seg_index, "muni", name)] = n
    for code, n in figures.by_vulnerability.items():
        out[(seg_index, "vuln", code)] = n
    for category, row in figures.grants_by_category.items():
        for measure in GRANT_COUNTS:
            out[(seg_index, "grant", category, measure)] = row.get(measure, 0)
        out[(seg_index, "pending", category)] = row["pending_count"]
    for item_type in PLAN_TYPES:
        out[(seg_index, "plan", item_type)] = figures.plan_items["by_type"].get(item_type, 0)
    for provider_type in PROVIDER_TYPES:
        row = figures.referrals["by_provider_type"].get(provider_type, {})
        for measure in REFERRAL_MEASURES:
            out[(seg_index, "referral", provider_type, measure)] = row.get(measure, 0)
    for reason in CLOSURE_REASONS:
        out[(seg_index, "closure", reason)] = figures.closures["by_reason"].get(reason, 0)
    out.update(_monitoring_atoms(seg_index, figures.monitoring))
    return out


def _monitoring_atoms(seg_index: int, monitoring: dict) -> dict:
    """Visits due by state and visits made (on their own dates), grants by the date of their first
    payment still standing, by whether they were checked; findings; surveys of each round, split
    at the programme's sustainability threshold when it has one."""
    visits, grants = monitoring["visits"], monitoring["grants"]
    out = {(seg_index, "visit", state): visits[state] for state in (*VISIT_STATES, *VISITS_MADE)}
    out.update({(seg_index, "grant_check", k): grants["in_period"][k] for k in GRANT_CHECKS})
    out[(seg_index, "finding")] = grants["not_as_planned"]
    for key, row in monitoring["surveys"]["rounds"].items():
        if row["at_threshold"] is None:
            out[(seg_index, "survey", key, "all")] = row["surveys"]
        else:
            out[(seg_index, "survey", key, "at")] = row["at_threshold"]
            out[(seg_index, "survey", key, "below")] = row["below_threshold"]
    return out


def build_model(programme, releases: list[Period], today: date | None = None) -> Model:
    """Figures of every segment (exact, from the engine) and every release's cells as sums of atoms."""
    threshold = programme.small_cell_threshold
    segments = _segments(releases, programme.start_date, finest_unit(programme))
    model = Model(programme.start_date, threshold, releases, segments, programme=programme)
    for i, seg in enumerate(segments):
        model.atoms.update(_segment_atoms(i, compute_figures(programme, seg)))
    starts = [s.start for s in segments]

    def span_of(period: Period) -> tuple[int, int]:
        return bisect_right(starts, period.start) - 1, bisect_right(starts, period.end) - 1

    finest = finest_unit(programme)
    calendar = set(calendar_periods(programme, today))
    named_in: dict = {}
    present: dict = {}
    for key, value in model.atoms.items():
        if key[1] in ("muni", "vuln") and value:
            present.setdefault((key[0], key[1]), set()).add(key[2])
    for r, period in enumerate(releases):
        # Calendar periods are protected year by year; each submitted report after all of them,
        # changing nothing that was released before it.
        block = period.end.year if period in calendar else 10000 + r
        cells = model.cells.setdefault(r, {})
        first, last = span_of(period)
        cumulative_first = bisect_right(starts, programme.start_date) - 1

        def add(name, family, a, b, _cells=cells, _r=r, _block=block):
            atoms = frozenset(key for i in range(a, b + 1) if (key := (i, *family)) in model.atoms)
            key = _quantity(model, atoms, _block, family, (a, b))
            model.quantities[key].releases.add(_r)
            _cells[name] = key
            return key

        def add_union(name, keys, _cells=cells, _r=r, _block=block):
            atoms = frozenset().union(*keys) if keys else frozenset()
            key = _quantity(model, atoms, _block)
            model.quantities[key].releases.add(_r)
            _cells[name] = key
            return key

        cases = add("cases", ("cases",), first, last)
        persons = add("persons", ("persons",), first, last)
        add("cumulative_cases", ("cases",), cumulative_first, last)
        add("cumulative_persons", ("persons",), cumulative_first, last)
        rows_cases, rows_persons = [], []
        for unit in _unit_rows(period, finest):
            a, b = span_of(unit)
            rows_cases.append(add(("arrivals", unit.label, "cases"), ("cases",), a, b))
            rows_persons.append(add(("arrivals", unit.label, "persons"), ("persons",), a, b))
        _relate(model, cases, rows_cases)
        _relate(model, persons, rows_persons)
        _relate(model, persons, [add(("by_sex", s), ("sex", s), first, last) for s in SEXES])
        _relate(model, persons, [add(("by_age_group", g), ("age", g), first, last) for g, _lo, _hi in AGE_GROUPS])
        for table, measure, named_whole in (("by_municipality", "muni", persons), ("by_vulnerability", "vuln", None)):
            names = sorted({k[2] for k in model.atoms if k[1] == measure and first <= k[0] <= last
                            and model.atoms[k]})
            natural = {name: add((table, "natural", name), (measure, name), first, last) for name in names}
            # A name is given for a period only where it is given for every shorter release inside it
            # (or absent there), so that no difference of two releases gives a small count.
            inner = [span_of(u) for u in _unit_rows(period, finest) if (u.start, u.end) != (period.start, period.end)]
            unnamed = {n for n in names for span in inner
                       if any(n in present.get((i, measure), ()) for i in range(span[0], span[1] + 1))
                       and n not in named_in.get((table, span), ())}
            grouped = _grouping(model, natural, block, unnamed)
            named = [natural[n] for n in names if n not in grouped]
            named_in[(table, (first, last))] = {n for n in names if n not in grouped}
            for n in names:
                if n in grouped:
                    q = model.quantities[natural[n]]
                    if q.status in (PUBLISHED, PRIMARY) and q.block == block:
                        q.status = GROUPED  # not shown at all: a donor cannot tell it is small
                else:
                    cells[(table, n)] = natural[n]
            if grouped:
                other = add_union((table, OTHER), [natural[n] for n in grouped])
                _relate(model, other, [natural[n] for n in grouped])
                named.append(other)
            if named_whole is not None:
                _relate(model, named_whole, named)
        for measure in GRANT_COUNTS:
            parts = [add(("grants", c, measure), ("grant", c, measure), first, last)
                     for c in CATEGORIES]
            _relate(model, add_union(("grants", "total", measure), parts), parts)
        pending = [add(("grants", c, "pending_count"), ("pending", c), last, last)
                   for c in CATEGORIES]
        _relate(model, add_union(("grants", "total", "pending_count"), pending), pending)
        # Plan items: each type, each dimension the sum of its types, the total the sum of dimensions.
        types = {t: add(("plan_items", t), ("plan", t), first, last) for t in PLAN_TYPES}
        dimensions = []
        for d in DIMENSIONS:
            parts = [types[t] for t in TYPES_OF[d]]
            dimensions.append(add_union(("plan_items", "dimension", d), parts))
            _relate(model, dimensions[-1], parts)
        _relate(model, add_union(("plan_items", "total"), dimensions), dimensions)
        for measure in REFERRAL_MEASURES:
            parts = [add(("referrals", t, measure), ("referral", t, measure), first, last) for t in PROVIDER_TYPES]
            _relate(model, add_union(("referrals", "total", measure), parts), parts)
        reasons = [add(("closures", r), ("closure", r), first, last) for r in CLOSURE_REASONS]
        _relate(model, add_union(("closures", "total"), reasons), reasons)
        _monitoring_cells(model, add, add_union, first, last, cumulative_first)
    _time_relations(model)
    return model


def _monitoring_cells(model: Model, add, add_union, first: int, last: int, cumulative_first: int) -> None:
    """A release's monitoring cells: every count its own quantity, with the margins that join them
    (visits done and due, visits made, grants paid, surveys of a round)."""
    states = {s: add(("monitoring", "visits", s), ("visit", s), first, last) for s in VISIT_STATES}
    done = add_union(("monitoring", "visits", "done"), [states["on_time"], states["late"]])
    _relate(model, done, [states["on_time"], states["late"]])
    due = add_union(("monitoring", "visits", "due"), list(states.values()))
    _relate(model, due, list(states.values()))
    _relate(model, due, [done, states["missed"], states["ended"], states["not_yet_due"]])
    made = [add(("monitoring", "visits", k), ("visit", k), first, last) for k in VISITS_MADE]
    _relate(model, add_union(("monitoring", "visits", "made"), made), made)
    for name, start in (("in_period", first), ("since_start", cumulative_first)):
        parts = [add(("monitoring", "grants", name, k), ("grant_check", k), start, last) for k in GRANT_CHECKS]
        _relate(model, add_union(("monitoring", "grants", name, "paid"), parts), parts)
    add(("monitoring", "grants", "not_as_planned"), ("finding",), first, last)
    rounds = {(k[2], k[3]) for k in model.atoms if k[1] == "survey" and first <= k[0] <= last}
    for key in sorted({key for key, _part in rounds}):
        if (key, "all") in rounds:
            add(("monitoring", "surveys", key), ("survey", key, "all"), first, last)
            continue
        parts = [add(("monitoring", "surveys", key, m), ("survey", key, m), first, last) for m in ("at", "below")]
        _relate(model, add_union(("monitoring", "surveys", key), parts), parts)


def _unit_rows(period: Period, unit: str) -> list[Period]:
    rows = []
    for year in range(period.start.year, period.end.year + 1):
        for p in _unit_periods(unit, year):
            if p.end >= period.start and p.start <= period.end:
                rows.append(Period(max(p.start, period.start), min(p.end, period.end)))
    return rows


def _quantity(model: Model, atoms: frozenset, block: int, family=None, span=None) -> frozenset:
    q = model.quantities.get(atoms)
    if q is None:
        value = sum(model.atoms[a] for a in atoms)
        q = model.quantities[atoms] = Quantity(atoms, value, block, family=family, span=span)
        if value < model.threshold:
            q.status = PRIMARY
    elif q.family is None and family is not None:
        q.family, q.span = family, span
    return atoms


def _relate(model: Model, whole, parts) -> None:
    parts = [p for p in parts if p != whole]
    if parts:
        model.relations.append((whole, parts))


def _grouping(model: Model, natural: dict, block: int, unnamed: set) -> set:
    """Names below the threshold go into "Other"; if Other is itself small, the smallest named ones join it."""
    grouped = {n for n, key in natural.items() if model.quantities[key].status != PUBLISHED} | unnamed
    named = sorted((model.quantities[natural[n]].value, n) for n in natural
                   if n not in grouped and model.quantities[natural[n]].block == block)

    def other():
        return sum(model.quantities[natural[n]].value for n in grouped)

    while grouped and 0 < other() < model.threshold and named:
        grouped.add(named.pop(0)[1])
    return grouped


def _time_relations(model: Model) -> None:
    """A quantity over a span equals the quantities over spans that tile it (year = H1 + H2,
    cumulative to June + July to December = cumulative to December)."""
    by_family: dict = {}
    for key, q in model.quantities.items():
        if q.family is not None and q.family[0] != "pending":
            by_family.setdefault(q.family, {})[q.span] = key
    for spans in by_family.values():
        by_start: dict = {}
        for (a, b) in spans:
            by_start.setdefault(a, []).append(b)
        for (a, b), whole in spans.items():
            if a == b:
                continue
            parts, pos = [], a
            while pos <= b:
                ends = [e for e in by_start.get(pos, []) if e <= b and (pos, e) != (a, b)]
                if not ends:
                    break
                e = max(ends)
                parts.append(spans[(pos, e)])
                pos = e + 1
            if pos > b and len(parts) > 1:
                _relate(model, whole, parts)


# --- secondary suppression -------------------------------------------------------------

def _bounds(model: Model, q: Quantity) -> tuple[float, float]:
    """What the mark alone tells a donor about a quantity."""
    n = model.threshold
    if q.status == PUBLISHED:
        return q.value, q.value
    if q.status == PRIMARY:
        return 0, n - 1
    if q.status == SECONDARY:
        return n, math.inf
    return 0, math.inf


def _possible(low: float, high: float) -> float:
    """How many whole numbers lie in [low, high]."""
    if math.isinf(high) or math.isinf(low):
        return math.inf
    return max(0, math.floor(high + 1e-6) - math.ceil(low - 1e-6) + 1)


def _propagate(model: Model, relations: list, rounds: int = 12) -> dict:
    """Tighten every hidden quantity's interval through the relations until nothing changes:
    a quick stand-in for the audit's linear programs, used to choose what else to withhold."""
    bounds = {}

    def get(k):
        if k not in bounds:
            bounds[k] = _bounds(model, model.quantities[k])
        return bounds[k]

    for _round in range(rounds):
        changed = False
        for whole, parts in relations:
            members = [(whole, 1)] + [(p, -1) for p in parts]
            for k, sign in members:
                if model.quantities[k].status == PUBLISHED:
                    continue
                lo_rest = hi_rest = 0.0
                for k2, s2 in members:
                    if k2 != k:
                        lo, hi = get(k2)
                        lo_rest += min(s2 * lo, s2 * hi)
                        hi_rest += max(s2 * lo, s2 * hi)
                low, high = -hi_rest, -lo_rest  # sign * x = -(rest)
                if sign < 0:
                    low, high = -high, -low
                own_lo, own_hi = get(k)
                new = (max(own_lo, low), min(own_hi, high))
                if new[0] > own_lo + 1e-9 or new[1] < own_hi - 1e-9:
                    bounds[k] = new
                    changed = True
        if not changed:
            break
    return bounds


def _weak(model: Model, relations: list) -> list:
    """Small counts (and withheld figures) that the relations pin to fewer than three values."""
    bounds = _propagate(model, relations)
    weak = []
    for k, (low, high) in bounds.items():
        q = model.quantities[k]
        if model.sensitive(q) and _possible(low, high) < MIN_POSSIBLE_VALUES:
            weak.append(k)
        elif q.status == SECONDARY and _possible(low, high) < 2:
            weak.append(k)  # a withheld figure the others give away protects nothing
    return weak


def _suppress_near(model: Model, weak, relations: list, block: int, later: bool = False) -> bool:
    """Withhold the smallest published figure of this block in a relation with the weak one, or
    with a hidden figure related to it (a few steps away)."""
    frontier, seen = [weak], {weak}
    for _step in range(4):
        candidates, following = [], []
        for whole, parts in relations:
            members = [whole, *parts]
            if not any(k in frontier for k in members):
                continue
            candidates += [k for k in members if model.quantities[k].status == PUBLISHED
                           and (model.quantities[k].block >= block if later else model.quantities[k].block == block)]
            following += [k for k in members if model.quantities[k].status != PUBLISHED and k not in seen]
        if candidates:
            chosen = min(candidates, key=lambda k: (model.quantities[k].value, len(k)))
            model.quantities[chosen].status = SECONDARY
            return True
        seen |= set(following)
        frontier = following
        if not frontier:
            break
    return False


def suppress(model: Model) -> None:
    """Secondary suppression, block by block (a block changes only its own figures): until the
    relations leave each small count at least three possible values."""
    blocks = sorted({q.block for q in model.quantities.values()})
    for block in blocks:
        relations = [(w, ps) for w, ps in model.relations
                     if all(model.quantities[k].block <= block for k in [w, *ps])]
        for _round in range(200):
            weak = _weak(model, relations)
            if not weak or not any(_suppress_near(model, k, relations, block) for k in weak[:1]):
                break


# --- the audit -------------------------------------------------------------------------

@dataclass
class Finding:
    key: frozenset
    release: str
    cell: str
    value: int
    low: float
    high: float

    @property
    def possible_values(self) -> float:
        return _possible(self.low, self.high)


def _constraints(model: Model):
    """The donor's knowledge as linear constraints over the atoms."""
    import numpy as np
    from scipy.sparse import csr_matrix

    index = {a: i for i, a in enumerate(model.atoms)}
    eq_rows, eq_b, ub_rows, ub_b = [], [], [], []
    by_segment: dict = {}
    for atom in model.atoms:
        by_segment.setdefault(atom[0], []).append(atom)
    for seg, atoms in by_segment.items():
        persons = (seg, "persons")
        for measure in ("sex", "age", "muni"):
            members = [a for a in atoms if a[1] == measure]
            eq_rows.append({index[a]: 1.0 for a in members} | {index[persons]: -1.0})
            eq_b.append(0.0)
        for a in atoms:
            if a[1] == "vuln":
                ub_rows.append({index[a]: 1.0, index[persons]: -1.0})
                ub_b.append(0.0)
    n = model.threshold
    for q in model.quantities.values():
        row = {index[a]: 1.0 for a in q.atoms}
        if not row:
            continue
        if q.status == PUBLISHED:
            eq_rows.append(row)
            eq_b.append(float(q.value))
        elif q.status == PRIMARY:
            ub_rows.append(row)
            ub_b.append(float(n - 1))
        elif q.status == SECONDARY:
            ub_rows.append({k: -v for k, v in row.items()})
            ub_b.append(float(-n))

    def matrix(rows):
        data, cols, ptr = [], [], [0]
        for row in rows:
            cols += list(row)
            data += list(row.values())
            ptr.append(len(cols))
        return csr_matrix((data, cols, ptr), shape=(len(rows), len(index)))

    return index, matrix(eq_rows), np.array(eq_b), matrix(ub_rows), np.array(ub_b)


def disclosure_audit(model: Model, year: int | None = None) -> list[Finding]:
    """For every suppressed count below the threshold (in the releases of `year`, or all), the
    tightest interval a donor can infer from every release together (SciPy's HiGHS); the cells
    left with fewer than three possible values."""
    import numpy as np
    from scipy.optimize import linprog

    index, a_eq, b_eq, a_ub, b_ub = _constraints(model)
    cells = [(key, q) for key, q in model.quantities.items() if model.sensitive(q)
             and (year is None or any(model.releases[r].end.year == year for r in q.releases))]
    # The difference of two releases can single out a stretch of time no release shows on its own
    # (the day between two overlapping ranges): each small count of one segment is audited too.
    for atom, value in model.atoms.items():
        key = frozenset([atom])
        if 0 < value < model.threshold and key not in model.quantities and atom[1] != "pending" and (
                year is None or model.segments[atom[0]].end.year == year):
            cells.append((key, Quantity(key, value, 0, status=GROUPED)))
    columns = {key: [index[a] for a in q.atoms] for key, q in cells}
    # Every solution the solver returns is a point the donor cannot rule out: the values it gives
    # each cell widen what that cell is known to allow, and a cell already seen taking three
    # values needs no program of its own. The true figures are such a point too.
    truth = np.array([float(model.atoms[a]) for a in index])
    seen = {key: [q.value, q.value] for key, q in cells}

    def observe(x):
        for key, cols in columns.items():
            v = float(x[cols].sum())
            seen[key][0], seen[key][1] = min(seen[key][0], v), max(seen[key][1], v)

    def wide(key):
        return _possible(*seen[key]) >= MIN_POSSIBLE_VALUES

    observe(truth)
    findings = []
    for key, q in cells:
        if wide(key):
            continue
        c = np.zeros(len(index))
        c[columns[key]] = 1.0
        bounds = []
        for sign in (1.0, -1.0):
            result = linprog(sign * c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None),
                             method="highs")
            if result.status == 3:  # unbounded above
                bounds.append(math.inf)
                continue
            if result.status != 0:
                raise RuntimeError(f"the disclosure audit's linear program failed: {result.message}")
            bounds.append(sign * result.fun)
            observe(result.x)
            if wide(key):
                break
        if wide(key):
            continue
        finding = Finding(key, *_where(model, key), q.value, bounds[0], bounds[-1] if len(bounds) > 1 else bounds[0])
        if finding.possible_values < MIN_POSSIBLE_VALUES:
            findings.append(finding)
    return findings


def _where(model: Model, key) -> tuple[str, str]:
    if len(key) == 1 and key not in model.quantities:
        (atom,) = key
        return model.segments[atom[0]].label, "/".join(str(p) for p in atom[1:])
    for r, cells in model.cells.items():
        for name, k in cells.items():
            if k == key:
                return model.releases[r].label, "/".join(str(p) for p in (name if isinstance(name, tuple) else (name,)))
    return "", ""


def audited_cells(model: Model, year: int | None = None) -> int:
    return sum(1 for q in model.quantities.values() if model.sensitive(q)
               and (year is None or any(model.releases[r].end.year == year for r in q.releases)))


# --- what the donor receives -----------------------------------------------------------

def _fix_with_audit(model: Model, rounds: int = 8) -> None:
    """Where the linear programs still pin a small count, withhold more: in the count's own block
    or a later one, never in a release published before it."""
    for _round in range(rounds):
        findings = disclosure_audit(model)
        if not findings:
            return
        progress = False
        for finding in findings:
            q = model.quantities.get(finding.key)
            block = q.block if q is not None else min(model.quantities[k].block for k in model.quantities
                                                      if finding.key <= k)
            progress |= _suppress_near(model, finding.key if q is not None else next(
                k for k in model.quantities if finding.key <= k), model.relations, block, later=True)
        if not progress:
            return


def protected_model(programme, extra: Period | None = None, today: date | None = None,
                    through_year: int | None = None) -> Model:
    """Every release the donor can download, protected; with through_year, only the calendar
    periods up to that year (which is all their pattern depends on)."""
    if through_year is None:
        releases = donor_releases(programme, extra, today)
    else:
        releases = [p for p in calendar_periods(programme, today) if p.end.year <= through_year]
    model = build_model(programme, releases, today)
    suppress(model)
    if len(calendar_units(programme)) > 1:
        # Nested periods (a year and its halves) relate in more ways than the quick pass follows.
        _fix_with_audit(model)
    return model


def donor_figures(model: Model, period: Period) -> Figures:
    """The release as the donor receives it: every withheld count and its amounts marked."""
    r = model.releases.index(period)
    exact, cells, n = compute_figures(model.programme, period), model.cells[r], model.threshold

    def shown(name, value):
        q = model.quantities[cells[name]]
        return value if q.status == PUBLISHED else mark(q.status, n)

    f = replace(exact)
    for name in ("cases", "persons", "cumulative_cases", "cumulative_persons"):
        setattr(f, name, shown(name, getattr(exact, name)))
    f.by_sex = {s: shown(("by_sex", s), exact.by_sex.get(s, 0)) for s in SEXES}
    f.by_age_group = {g: shown(("by_age_group", g), exact.by_age_group.get(g, 0)) for g, _lo, _hi in AGE_GROUPS}
    for table in ("by_municipality", "by_vulnerability"):
        values = getattr(exact, table)
        out = {name: shown((table, name), values[name]) for name in values if (table, name) in cells}
        if (table, OTHER) in cells:
            out[OTHER] = shown((table, OTHER), model.quantities[cells[(table, OTHER)]].value)
        setattr(f, table, out)
    f.by_month = {}
    f.arrivals = {label: {"cases": shown(("arrivals", label, "cases"), model.quantities[cells[("arrivals", label, "cases")]].value),
                          "persons": shown(("arrivals", label, "persons"),
                                           model.quantities[cells[("arrivals", label, "persons")]].value)}
                  for label in dict.fromkeys(name[1] for name in cells if isinstance(name, tuple)
                                             and name[0] == "arrivals")}

    def grant_row(code, row):
        counts = {m: shown(("grants", code, m), row.get(m, 0)) for m in (*GRANT_COUNTS, "pending_count")}
        amounts = {a: (row.get(a) if not isinstance(counts[m], Suppressed) else counts[m])
                   for a, m in AMOUNT_OF.items()}
        return {**row, **counts, **amounts}

    f.grants_by_category = {c: grant_row(c, row) for c, row in exact.grants_by_category.items()}
    f.grants = grant_row("total", exact.grants)

    def quantity(name):
        return shown(name, model.quantities[cells[name]].value)

    f.plan_items = {"by_type": {t: quantity(("plan_items", t)) for t in PLAN_TYPES},
                    "by_dimension": {d: quantity(("plan_items", "dimension", d)) for d in DIMENSIONS},
                    "total": quantity(("plan_items", "total"))}
    f.referrals = {"by_provider_type": {t: {m: quantity(("referrals", t, m)) for m in REFERRAL_MEASURES}
                                        for t in PROVIDER_TYPES},
                   "total": {m: quantity(("referrals", "total", m)) for m in REFERRAL_MEASURES}}
    f.closures = {"by_reason": {r: quantity(("closures", r)) for r in CLOSURE_REASONS},
                  "total": quantity(("closures", "total"))}
    f.monitoring = _donor_monitoring(exact.monitoring, quantity,
                                     lambda name: model.quantities[cells[name]].status == PUBLISHED)
    f.threshold = n
    return f


WITHHELD = Suppressed("[c]")


def _donor_monitoring(exact: dict, quantity, published) -> dict:
    """The monitoring figures a donor receives: each count protected like every other; a mean,
    median or share only where every count it is computed from is published (so never over fewer
    than N persons, nor over a group that a difference of published counts would isolate)."""
    visits = {m: quantity(("monitoring", "visits", m)) for m in exact["visits"]}
    grants = {"not_as_planned": quantity(("monitoring", "grants", "not_as_planned"))}
    for name in ("in_period", "since_start"):
        cell = ("monitoring", "grants", name)
        row = {k: quantity((*cell, k)) for k in ("paid", *GRANT_CHECKS)}
        shown = published((*cell, "paid")) and published((*cell, "checked"))
        row["share_checked"] = exact["grants"][name]["share_checked"] if shown else WITHHELD
        grants[name] = row
    rounds = {}
    for key, row in exact["surveys"]["rounds"].items():
        count = ("monitoring", "surveys", key)
        shown = published(count)
        out = {"surveys": quantity(count)}
        for name in SCORES:
            out[name] = {stat: value if shown else WITHHELD for stat, value in row[name].items()}
        if row["at_threshold"] is None:
            out.update(at_threshold=None, below_threshold=None, share_at_threshold=None)
        else:
            out["at_threshold"] = quantity((*count, "at"))
            out["below_threshold"] = quantity((*count, "below"))
            out["share_at_threshold"] = row["share_at_threshold"] if shown and published((*count, "at")) \
                else WITHHELD
        rounds[key] = out
    return {"visits": visits, "grants": grants,
            "surveys": {"threshold": exact["surveys"]["threshold"], "rounds": rounds}}


def release_for_donor(programme, period: Period, today: date | None = None) -> Figures:
    """A calendar release as the donor receives it."""
    return donor_figures(protected_model(programme, today=today, through_year=period.end.year), period)


def cumulative_view(release: Figures) -> Figures:
    """The project totals line of a donor's release: its cumulative cases and persons (protected
    with the release), the budget to its end; no grant counts, which the release gives per period."""
    f = replace(release, start=release.programme_start, cases=release.cumulative_cases,
                persons=release.cumulative_persons)
    withheld = Suppressed("[c]")
    f.grants = {**release.grants, "approved_count": withheld, "approved_amount": withheld,
                "disbursed_amount": release.budget.get("disbursed")}
    return f
