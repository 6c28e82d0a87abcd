"""A case counts its referrals awaiting an answer; a caseworker's cases with one have an index.

Revision ID: 0890
Revises: 0880
Create Date: 2026-12-04 21:30:00

My work lists a caseworker's referrals awaiting an answer. They were found by looking up every
case the caseworker ever had (thousands, most of them closed). cases.referrals_awaiting is
filled from the referrals; the partial index of cases with one, by caseworker, gives the few
cases to look in. The condition is copied here, as the query writes it.
"""
import sqlalchemy as sa
from alembic import op

revision = '0890'
down_revision = '0880'
branch_labels = None
depends_on = None

AWAITING = sa.text("referrals_awaiting > 0")


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('referrals_awaiting', sa.Integer(), server_default='0', nullable=False))
    op.execute("UPDATE cases SET referrals_awaiting = (SELECT count(*) FROM referrals r"
               " WHERE r.case_id = cases.id AND r.status = 'sent')"
               " WHERE EXISTS (SELECT 1 FROM referrals r WHERE r.case_id = cases.id AND r.status = 'sent')")
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_caseworker_awaiting', ['caseworker_id', 'programme_id', 'id'], unique=False,
                              sqlite_where=AWAITING, postgresql_where=AWAITING)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ANALYZE ix_cases_caseworker_awaiting")  # SQLite's planner knows an index's size only from ANALYZE


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_caseworker_awaiting')
        batch_op.drop_column('referrals_awaiting')
