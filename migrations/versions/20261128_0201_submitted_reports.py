"""Submitted reports: the figures of a period report as submitted to the donor, frozen.

Revision ID: 0201
Revises: 0001
Create Date: 2026-11-28 13:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0201'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('submitted_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_submitted_reports_period_ordered')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_submitted_reports_programme_id_programmes')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_submitted_reports_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submitted_reports'))
    )
    with op.batch_alter_table('submitted_reports', schema=None) as batch_op:
        batch_op.create_index('ix_submitted_reports_programme_period', ['programme_id', 'period_start', 'period_end'], unique=False)


def downgrade():
    with op.batch_alter_table('submitted_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_submitted_reports_programme_period')

    op.drop_table('submitted_reports')
