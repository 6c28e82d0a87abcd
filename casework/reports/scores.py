"""Survey scores in the report: per instrument and round, the surveys taken in the period, the mean
and median of each dimension score and of the composite, and how many reached the programme's
sustainability threshold. One statement: the database ranks the scores (window functions, the
same on SQLite and PostgreSQL) and sums only the middle one or two of each round.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger, and_, case, cast, func, literal, select

from casework.cases.models import Case
from casework.extensions import db
from casework.reports.engine import share
from casework.reports.periods import Period
from casework.surveys.models import DIMENSIONS, SCORE_PLACES, Score, SurveyInstrument, SurveyResponse
from casework.surveys.services import MAX_ROUND_MONTHS, round_months

SCORES = (*DIMENSIONS, "composite")
STORED = Decimal(10000)  # scores are stored as whole ten-thousandths


def _score(total: int, n: int) -> Decimal:
    """A mean of stored scores, with the scores' four decimals (rounded half up)."""
    return (Decimal(total) / n / STORED).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


def round_order(key: str) -> tuple:
    """Rounds keyed "instrument/round" in order: by instrument, intake first, then months after arrival."""
    code, _, label = key.partition("/")
    months = round_months(label)
    return code, MAX_ROUND_MONTHS + 1 if months is None else months, label


def survey_rounds(programme, period: Period) -> dict:
    """{"threshold": the programme's (or None), "rounds": {"instrument/round": {"surveys": n,
    dimension or "composite": {"mean": ..., "median": ...}, "at_threshold": n, "below_threshold": n,
    "share_at_threshold": ...}}} for the surveys taken in the period (their taken_on date).

    A median is the middle score, or the mean of the two middle ones; the threshold counts are
    None when the programme sets no threshold."""
    threshold = programme.sustainability_threshold
    columns = {name: getattr(SurveyResponse, f"{name}_score") for name in SCORES}
    group = (SurveyResponse.instrument_id, SurveyResponse.round)
    ranked = (select((SurveyInstrument.code + "/" + SurveyResponse.round).label("key"),
                     *[column.label(name) for name, column in columns.items()],
                     func.count().over(partition_by=group).label("n"),
                     *[func.row_number().over(partition_by=group, order_by=(column, SurveyResponse.id))
                       .label(f"rank_{name}") for name, column in columns.items()])
              .select_from(SurveyResponse).join(Case, SurveyResponse.case_id == Case.id)
              .join(SurveyInstrument, SurveyResponse.instrument_id == SurveyInstrument.id)
              .where(Case.programme_id == programme.id, SurveyResponse.taken_on >= period.start,
                     SurveyResponse.taken_on <= period.end).subquery())
    low, high = (ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2

    def middle(name):
        rank = ranked.c[f"rank_{name}"]
        return and_(rank >= low, rank <= high)

    def total(expression):
        return cast(func.sum(expression), BigInteger)

    at = (total(case((ranked.c.composite >= literal(threshold, Score), 1), else_=0)) if threshold is not None
          else literal(None, BigInteger))
    stmt = (select(ranked.c.key, func.count(),
                   *[total(ranked.c[name]) for name in SCORES],
                   *[total(case((middle(name), ranked.c[name]), else_=None)) for name in SCORES],
                   total(case((middle("composite"), 1), else_=0)), at)
            .group_by(ranked.c.key))
    rounds = {}
    for key, n, *rest in db.session.execute(stmt):
        sums, medians, (in_middle, reached) = rest[:len(SCORES)], rest[len(SCORES):2 * len(SCORES)], rest[-2:]
        row = {"surveys": n}
        for name, summed, mid in zip(SCORES, sums, medians, strict=True):
            row[name] = {"mean": _score(summed, n), "median": _score(mid, in_middle)}
        row["at_threshold"] = reached
        row["below_threshold"] = None if reached is None else n - reached
        row["share_at_threshold"] = share(reached, n)
        rounds[key] = row
    return {"threshold": threshold, "rounds": {k: rounds[k] for k in sorted(rounds, key=round_order)}}
