"""Closures and reopenings of cases, with their reasons.

Revision ID: 0751
Revises: 0750
Create Date: 2026-12-01 16:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0751'
down_revision = '0750'
branch_labels = None
depends_on = None

REASONS = ('support_ended', 'criteria_not_met', 'chose_to_stop', 'left_area', 'deceased', 'remigrated', 'other')


def upgrade():
    op.create_table(
        'case_closures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('closed', 'reopened', name='closure_kind', native_enum=False,
                                  create_constraint=True, length=32), nullable=False),
        sa.Column('reason', sa.Enum(*REASONS, name='closure_reason', native_enum=False, create_constraint=True,
                                    length=32), nullable=True),
        sa.Column('detail', sa.Text(), nullable=False),
        sa.Column('on_date', sa.Date(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind = 'reopened' OR reason IS NOT NULL", name=op.f('ck_case_closures_closing_has_reason')),
        sa.CheckConstraint("reason IS NULL OR reason != 'other' OR detail != ''",
                           name=op.f('ck_case_closures_other_reason_explained')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name='fk_case_closures_case_id_cases', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name='fk_case_closures_recorded_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_case_closures'),
    )
    op.create_index('ix_case_closures_case_id', 'case_closures', ['case_id', 'id'])
    op.create_index('ix_case_closures_on_date', 'case_closures', ['on_date'])


def downgrade():
    op.drop_index('ix_case_closures_on_date', table_name='case_closures')
    op.drop_index('ix_case_closures_case_id', table_name='case_closures')
    op.drop_table('case_closures')
