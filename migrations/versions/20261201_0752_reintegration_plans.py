"""Reintegration plans, their items and approved versions; grants funding an item; programme plan settings.

Revision ID: 0752
Revises: 0751
Create Date: 2026-12-01 16:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0752'
down_revision = '0751'
branch_labels = None
depends_on = None

ITEM_TYPES = ('cash', 'basic_needs', 'accommodation', 'immediate_medical', 'income_generating', 'micro_business',
              'collective_project', 'job_placement', 'vocational_training', 'housing', 'medical', 'education',
              'skills', 'legal', 'social_protection', 'childcare', 'security', 'psychosocial_individual',
              'psychosocial_family', 'psychosocial_community')


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade():
    op.create_table(
        'reintegration_plans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('status', _enum('plan_status', 'draft', 'submitted', 'approved'), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('approved_number', sa.Integer(), nullable=True),
        sa.Column('drafted_by_id', sa.Integer(), nullable=True),
        sa.Column('submitted_by_id', sa.Integer(), nullable=True),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name='fk_reintegration_plans_case_id_cases',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['drafted_by_id'], ['users.id'], name='fk_reintegration_plans_drafted_by_id_users'),
        sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'],
                                name='fk_reintegration_plans_submitted_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_reintegration_plans'),
        sa.UniqueConstraint('case_id', name='uq_reintegration_plans_case_id'),
    )
    op.create_index('ix_reintegration_plans_status', 'reintegration_plans', ['status'])
    op.create_table(
        'plan_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('dimension', _enum('plan_dimension', 'immediate', 'economic', 'social', 'psychosocial'),
                  nullable=False),
        sa.Column('item_type', _enum('plan_item_type', *ITEM_TYPES), nullable=False),
        sa.Column('goal', sa.Text(), nullable=False),
        sa.Column('baseline', sa.Text(), nullable=False),
        sa.Column('provider_kind', _enum('plan_provider_kind', 'office', 'referral'), nullable=False),
        sa.Column('estimated_cost', sa.BigInteger(), nullable=True),
        sa.Column('target_date', sa.Date(), nullable=True),
        sa.Column('status', _enum('plan_item_status', 'planned', 'in_progress', 'done', 'dropped'), nullable=False),
        sa.Column('drop_reason', sa.Text(), nullable=False),
        sa.Column('approved_number', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('estimated_cost IS NULL OR estimated_cost >= 0', name=op.f('ck_plan_items_cost_not_negative')),
        sa.CheckConstraint("status != 'dropped' OR drop_reason != ''", name=op.f('ck_plan_items_dropped_has_reason')),
        sa.ForeignKeyConstraint(['plan_id'], ['reintegration_plans.id'],
                                name='fk_plan_items_plan_id_reintegration_plans', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name='fk_plan_items_person_id_persons',
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name='pk_plan_items'),
    )
    op.create_index('ix_plan_items_plan_id', 'plan_items', ['plan_id'])
    op.create_index('ix_plan_items_target_date', 'plan_items', ['target_date'])
    op.create_table(
        'plan_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('submitted_by_id', sa.Integer(), nullable=True),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['reintegration_plans.id'],
                                name='fk_plan_versions_plan_id_reintegration_plans', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name='fk_plan_versions_submitted_by_id_users'),
        sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name='fk_plan_versions_approved_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_plan_versions'),
        sa.UniqueConstraint('plan_id', 'number', name='uq_plan_versions_plan_number'),
    )
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_item_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_grants_plan_item_id', ['plan_item_id'], unique=False)
        batch_op.create_foreign_key('fk_grants_plan_item_id_plan_items', 'plan_items', ['plan_item_id'], ['id'],
                                    ondelete='SET NULL')
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_due_days', sa.Integer(), server_default='30', nullable=False))
        batch_op.add_column(sa.Column('plan_item_required', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_check_constraint(op.f('ck_programmes_plan_due_days_range'), 'plan_due_days BETWEEN 1 AND 366')


def downgrade():
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_programmes_plan_due_days_range'), type_='check')
        batch_op.drop_column('plan_item_required')
        batch_op.drop_column('plan_due_days')
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.drop_constraint('fk_grants_plan_item_id_plan_items', type_='foreignkey')
        batch_op.drop_index('ix_grants_plan_item_id')
        batch_op.drop_column('plan_item_id')
    op.drop_table('plan_versions')
    op.drop_index('ix_plan_items_target_date', table_name='plan_items')
    op.drop_index('ix_plan_items_plan_id', table_name='plan_items')
    op.drop_table('plan_items')
    op.drop_index('ix_reintegration_plans_status', table_name='reintegration_plans')
    op.drop_table('reintegration_plans')
