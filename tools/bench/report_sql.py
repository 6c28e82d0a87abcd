"""A programme-year's report figures in hand-written SQL: the yardstick for the figures engine."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import text

APPROVED = "('approved', 'disbursing', 'completed')"
PENDING = "('submitted', 'in_review', 'awaiting_donor')"
FINAL = "('approved', 'disbursing', 'completed', 'rejected')"


def hand_figures(conn, programme_id: int, start: date, end: date, programme_start: date) -> dict:
    pg = conn.dialect.name == "postgresql"

    def part(unit, column):
        if pg:
            return f"CAST(EXTRACT({unit} FROM {column}) AS INTEGER)"
        return f"CAST(strftime('{ {'YEAR': '%Y', 'MONTH': '%m', 'DAY': '%d'}[unit] }', {column}) AS INTEGER)"

    def stamp(day):
        moment = datetime.combine(day, time(), tzinfo=UTC)
        return moment if pg else moment.strftime("%Y-%m-%d %H:%M:%S.%f")

    p = {"pid": programme_id, "start": start, "end": end, "pstart": programme_start,
         "start_dt": stamp(start), "end_dt": stamp(end + timedelta(days=1))}
    if not pg:
        p.update(start=start.isoformat(), end=end.isoformat(), pstart=programme_start.isoformat())

    def rows(sql):
        return conn.execute(text(sql), p).all()

    in_period = "c.programme_id = :pid AND c.arrival_date >= :start AND c.arrival_date <= :end"
    cumulative = "c.programme_id = :pid AND c.arrival_date >= :pstart AND c.arrival_date <= :end"
    persons = f"FROM persons p JOIN cases c ON p.case_id = c.id WHERE {in_period} AND p.travelled"
    out = {
        "cases": rows(f"SELECT COUNT(*) FROM cases c WHERE {in_period}"),
        "persons": rows(f"SELECT COUNT(*) {persons}"),
        "cumulative_cases": rows(f"SELECT COUNT(*) FROM cases c WHERE {cumulative}"),
        "cumulative_persons": rows("SELECT COUNT(*) FROM persons p JOIN cases c ON p.case_id = c.id "
                                   f"WHERE {cumulative} AND p.travelled"),
        "by_sex": rows(f"SELECT p.sex, COUNT(*) {persons} GROUP BY p.sex"),
        "by_municipality": rows(f"SELECT c.municipality, COUNT(*) {persons} GROUP BY c.municipality"),
        "by_vulnerability": rows("SELECT v.code, COUNT(*) FROM person_vulnerabilities v JOIN persons p "
                                 f"ON v.person_id = p.id JOIN cases c ON p.case_id = c.id WHERE {in_period} "
                                 "AND p.travelled GROUP BY v.code"),
        "by_month_cases": rows(f"SELECT {part('YEAR', 'c.arrival_date')}, {part('MONTH', 'c.arrival_date')}, "
                               f"COUNT(*) FROM cases c WHERE {in_period} GROUP BY 1, 2"),
        "by_month_persons": rows(f"SELECT {part('YEAR', 'c.arrival_date')}, {part('MONTH', 'c.arrival_date')}, "
                                 f"COUNT(*) {persons} GROUP BY 1, 2"),
    }
    age = (f"{part('YEAR', 'c.arrival_date')} - p.birth_year - CASE WHEN p.birth_date IS NOT NULL AND "
           f"{part('MONTH', 'c.arrival_date')} * 100 + {part('DAY', 'c.arrival_date')} < "
           f"{part('MONTH', 'p.birth_date')} * 100 + {part('DAY', 'p.birth_date')} THEN 1 ELSE 0 END")
    out["by_age_group"] = rows(
        f"SELECT CASE WHEN {age} <= 17 THEN '0-17' WHEN {age} <= 59 THEN '18-59' ELSE '60+' END AS g, COUNT(*) "
        f"{persons} GROUP BY g")
    grants = "FROM grants g JOIN cases c ON g.case_id = c.id WHERE c.programme_id = :pid"
    out["proposed"] = rows(f"SELECT g.category, COUNT(*), SUM(g.requested_amount) {grants} "
                           "AND g.submitted_at >= :start_dt AND g.submitted_at < :end_dt GROUP BY g.category")
    out["approved"] = rows(f"SELECT g.category, COUNT(*), SUM(COALESCE(g.approved_amount, g.requested_amount)) "
                           f"{grants} AND g.status IN {APPROVED} AND g.decided_on >= :start AND g.decided_on <= :end "
                           "GROUP BY g.category")
    out["rejected"] = rows(f"SELECT g.category, COUNT(*) {grants} AND g.status = 'rejected' "
                           "AND g.decided_on >= :start AND g.decided_on <= :end GROUP BY g.category")
    out["pending"] = rows(f"SELECT g.category, COUNT(*), SUM(g.requested_amount) {grants} "
                          "AND (g.submitted_at IS NULL OR g.submitted_at < :end_dt) "
                          f"AND (g.status IN {PENDING} OR (g.status IN {FINAL} AND g.decided_on > :end)) "
                          "GROUP BY g.category")
    out["disbursed"] = rows("SELECT g.category, SUM(d.amount) FROM disbursements d JOIN grants g ON d.grant_id = g.id "
                            "JOIN cases c ON g.case_id = c.id WHERE c.programme_id = :pid AND d.paid_on >= :start "
                            "AND d.paid_on <= :end GROUP BY g.category")
    out["budget_used"] = rows(f"SELECT SUM(COALESCE(g.approved_amount, g.requested_amount)) {grants} "
                              f"AND g.status IN {APPROVED} AND g.decided_on <= :end")
    out["budget_disbursed"] = rows("SELECT SUM(d.amount) FROM disbursements d JOIN grants g ON d.grant_id = g.id "
                                   "JOIN cases c ON g.case_id = c.id WHERE c.programme_id = :pid AND d.paid_on <= :end")
    return out
