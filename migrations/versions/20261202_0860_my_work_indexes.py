"""Indexes for My work at any caseload: open tasks by due date, drafts by proposer, referrals
awaiting an answer by case, plans awaiting approval and approved plans; a caseworker's cases
carry their programme, a team's cases by status their arrival.

Revision ID: 0860
Revises: 0850
Create Date: 2026-12-02 09:00:00

A team's overdue tasks are read in the order of an index of the open tasks; the grants sent
back to a caseworker from the drafts they proposed; the referrals awaiting an answer on a
caseworker's cases from an index of those referrals by case; the plans awaiting approval from an
index of those alone. Whether a case has an approved plan is read from an index of the approved
plans. A caseworker's cases carry their programme and id, so that the scope of their page is read
from the index without visiting the cases; a team's cases by status carry arrival and id, so that
its counts of open cases and of active cases past the plan deadline read the index alone (it
replaces the index on programme and status). The open tasks by due date carry their case, and
the referrals by status and sending day their id and case, for the same reason (the latter
replaces the index on status and sending day). The partial indexes name their statuses as the
queries write them: SQLite uses a partial index only when the query's condition is the index's
own text.
"""
import sqlalchemy as sa
from alembic import op

revision = '0860'
down_revision = '0850'
branch_labels = None
depends_on = None

PARTIAL = [
    # (table, index, columns, condition)
    ('tasks', 'ix_tasks_open_due', ['due_on', 'id', 'case_id'], "status = 'open'"),
    ('grants', 'ix_grants_drafts', ['created_by_id'], "status = 'draft'"),
    ('referrals', 'ix_referrals_sent', ['case_id', 'sent_on', 'id'], "status = 'sent'"),
    ('reintegration_plans', 'ix_reintegration_plans_submitted', ['submitted_at', 'id'], "status = 'submitted'"),
    ('reintegration_plans', 'ix_reintegration_plans_approved', ['case_id'], "approved_number IS NOT NULL"),
]


def upgrade():
    for table, name, columns, condition in PARTIAL:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False, sqlite_where=sa.text(condition),
                                  postgresql_where=sa.text(condition))
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_caseworker_status_arrival_programme',
                              ['caseworker_id', 'status', 'arrival_date', 'programme_id', 'id'], unique=False)
        batch_op.drop_index('ix_cases_caseworker_status_arrival')
        batch_op.create_index('ix_cases_programme_status_arrival', ['programme_id', 'status', 'arrival_date', 'id'],
                              unique=False)
        batch_op.drop_index('ix_cases_programme_status')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index('ix_referrals_status_sent_on_id_case', ['status', 'sent_on', 'id', 'case_id'], unique=False)
        batch_op.drop_index('ix_referrals_status_sent_on')
    if op.get_bind().dialect.name == "sqlite":
        # SQLite's planner knows an index's size only from ANALYZE.
        for _table, name, _columns, _condition in PARTIAL:
            op.execute(f"ANALYZE {name}")
        op.execute("ANALYZE ix_cases_caseworker_status_arrival_programme")
        op.execute("ANALYZE ix_cases_programme_status_arrival")
        op.execute("ANALYZE ix_referrals_status_sent_on_id_case")


def downgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index('ix_referrals_status_sent_on', ['status', 'sent_on'], unique=False)
        batch_op.drop_index('ix_referrals_status_sent_on_id_case')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_programme_status', ['programme_id', 'status'], unique=False)
        batch_op.drop_index('ix_cases_programme_status_arrival')
        batch_op.create_index('ix_cases_caseworker_status_arrival', ['caseworker_id', 'status', 'arrival_date'],
                              unique=False)
        batch_op.drop_index('ix_cases_caseworker_status_arrival_programme')
    for table, name, _columns, _condition in reversed(PARTIAL):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
