"""Service providers and referrals of plan items, with the returnee's consent.

Revision ID: 0753
Revises: 0752
Create Date: 2026-12-01 16:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0753'
down_revision = '0752'
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade():
    op.create_table(
        'service_providers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('provider_type', _enum('provider_type', 'public', 'ngo', 'private', 'international', 'community'),
                  nullable=False),
        sa.Column('municipality', sa.String(length=100), nullable=False),
        sa.Column('services', sa.Text(), nullable=False),
        sa.Column('contact', sa.Text(), nullable=False),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_service_providers'),
        sa.UniqueConstraint('name', 'municipality', name='uq_service_providers_name_municipality'),
    )
    op.create_table(
        'referrals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_item_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('provider_id', sa.Integer(), nullable=False),
        sa.Column('status', _enum('referral_status', 'sent', 'accepted', 'refused', 'done'), nullable=False),
        sa.Column('consent_person_id', sa.Integer(), nullable=True),
        sa.Column('consent_on', sa.Date(), nullable=False),
        sa.Column('sent_on', sa.Date(), nullable=False),
        sa.Column('answered_on', sa.Date(), nullable=True),
        sa.Column('done_on', sa.Date(), nullable=True),
        sa.Column('feedback', sa.Text(), nullable=False),
        sa.Column('sent_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint('consent_on IS NOT NULL', name=op.f('ck_referrals_consent_recorded')),
        sa.CheckConstraint('answered_on IS NULL OR answered_on >= sent_on', name=op.f('ck_referrals_answered_after_sent')),
        sa.ForeignKeyConstraint(['plan_item_id'], ['plan_items.id'], name='fk_referrals_plan_item_id_plan_items',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name='fk_referrals_case_id_cases', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['provider_id'], ['service_providers.id'],
                                name='fk_referrals_provider_id_service_providers'),
        sa.ForeignKeyConstraint(['consent_person_id'], ['persons.id'], name='fk_referrals_consent_person_id_persons',
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name='fk_referrals_sent_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_referrals'),
    )
    op.create_index('ix_referrals_plan_item_id', 'referrals', ['plan_item_id'])
    op.create_index('ix_referrals_case_id', 'referrals', ['case_id'])
    op.create_index('ix_referrals_provider_id', 'referrals', ['provider_id'])
    op.create_index('ix_referrals_status_sent_on', 'referrals', ['status', 'sent_on'])


def downgrade():
    for name in ('ix_referrals_status_sent_on', 'ix_referrals_provider_id', 'ix_referrals_case_id',
                 'ix_referrals_plan_item_id'):
        op.drop_index(name, table_name='referrals')
    op.drop_table('referrals')
    op.drop_table('service_providers')
