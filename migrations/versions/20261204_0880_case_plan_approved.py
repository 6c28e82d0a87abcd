"""A case records when its plan was first approved; My work finds the cases without one from an index of cases.

Revision ID: 0880
Revises: 0870
Create Date: 2026-12-04 21:00:00

My work lists the active cases past their plan deadline with no approved plan. Each case's plan
was looked up to learn that: a team's list walked hundreds of planned cases for each hundred
found. cases.plan_approved_at (when the plan was first approved) is filled from the approved
plans, and the index of active cases by arrival becomes the index of active cases without an
approved plan, carrying the programme and the caseworker. The caseworker's index carries
plan_approved_at too. The condition is copied here, as the query writes it.
"""
import sqlalchemy as sa
from alembic import op

revision = '0880'
down_revision = '0870'
branch_labels = None
depends_on = None

ACTIVE = "status IN ('arrived', 'reintegration', 'monitoring')"
UNPLANNED = sa.text(ACTIVE + " AND plan_approved_at IS NULL")
CASEWORKER = ['caseworker_id', 'status', 'arrival_date', 'programme_id', 'id']


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_approved_at', sa.DateTime(timezone=True), nullable=True))
    # The first approval is the earliest approved version's; a plan keeps only its latest approval
    # itself, which is the first where no version is stored.
    op.execute("UPDATE cases SET plan_approved_at = (SELECT coalesce((SELECT min(v.approved_at) FROM plan_versions v"
               " WHERE v.plan_id = p.id), p.approved_at) FROM reintegration_plans p"
               " WHERE p.case_id = cases.id AND p.approved_number IS NOT NULL)"
               " WHERE EXISTS (SELECT 1 FROM reintegration_plans p"
               " WHERE p.case_id = cases.id AND p.approved_number IS NOT NULL)")
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_active_arrival')
        batch_op.create_index('ix_cases_unplanned_arrival', ['arrival_date', 'id', 'programme_id', 'caseworker_id'],
                              unique=False, sqlite_where=UNPLANNED, postgresql_where=UNPLANNED)
        batch_op.drop_index('ix_cases_caseworker_status_arrival_programme')
        batch_op.create_index('ix_cases_caseworker_status_arrival_programme', CASEWORKER + ['plan_approved_at'],
                              unique=False)
    if op.get_bind().dialect.name == "sqlite":
        # SQLite's planner knows an index's size only from ANALYZE.
        op.execute("ANALYZE ix_cases_unplanned_arrival")
        op.execute("ANALYZE ix_cases_caseworker_status_arrival_programme")


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_caseworker_status_arrival_programme')
        batch_op.create_index('ix_cases_caseworker_status_arrival_programme', CASEWORKER, unique=False)
        batch_op.drop_index('ix_cases_unplanned_arrival')
        batch_op.create_index('ix_cases_active_arrival', ['arrival_date', 'id'], unique=False,
                              sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('plan_approved_at')
