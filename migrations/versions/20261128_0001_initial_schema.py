"""Initial schema: donors, programmes and caps, users, cases, persons, grants, decisions, disbursements, audit trail.

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 04:49:05.866562

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('donors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donors')),
    sa.UniqueConstraint('name', name=op.f('uq_donors_name'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('caseworker', 'supervisor', 'donor', 'admin', name='user_role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('session_token', name=op.f('uq_users_session_token')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('donor_id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('decision_authority', sa.Enum('donor', 'office', name='decision_authority', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('budget', sa.BigInteger(), nullable=True),
    sa.Column('small_cell_threshold', sa.Integer(), nullable=True),
    sa.CheckConstraint('budget IS NULL OR budget >= 0', name=op.f('ck_programmes_budget_not_negative')),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_programmes_end_after_start')),
    sa.ForeignKeyConstraint(['donor_id'], ['donors.id'], name=op.f('fk_programmes_donor_id_donors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes')),
    sa.UniqueConstraint('code', name=op.f('uq_programmes_code'))
    )
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programmes_donor_id'), ['donor_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=True),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=True),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.Column('request_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_audit_events_programme_id_programmes')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_audit_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_at', ['at'], unique=False)
        batch_op.create_index('ix_audit_events_entity', ['entity_type', 'entity_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_events_user_at', ['user_id', 'at'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('legacy_reference', sa.String(length=60), nullable=True),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('sending_country', sa.String(length=2), nullable=True),
    sa.Column('arrival_date', sa.Date(), nullable=True),
    sa.Column('municipality', sa.String(length=100), nullable=True),
    sa.Column('caseworker_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('referred', 'arrived', 'reintegration', 'monitoring', 'closed', 'withdrawn', name='case_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(status IN ('referred', 'withdrawn') AND arrival_date IS NULL) OR (status NOT IN ('referred', 'withdrawn') AND arrival_date IS NOT NULL)", name=op.f('ck_cases_arrival_date_iff_returned')),
    sa.ForeignKeyConstraint(['caseworker_id'], ['users.id'], name=op.f('fk_cases_caseworker_id_users')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_cases_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('programme_id', 'legacy_reference', name='uq_cases_programme_legacy_reference'),
    sa.UniqueConstraint('reference', name=op.f('uq_cases_reference'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_caseworker_id'), ['caseworker_id'], unique=False)
        batch_op.create_index('ix_cases_programme_arrival', ['programme_id', 'arrival_date'], unique=False)
        batch_op.create_index('ix_cases_programme_municipality', ['programme_id', 'municipality'], unique=False)
        batch_op.create_index('ix_cases_programme_status', ['programme_id', 'status'], unique=False)

    op.create_table('programme_caps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('per_person', sa.BigInteger(), nullable=True),
    sa.Column('per_case', sa.BigInteger(), nullable=True),
    sa.CheckConstraint('per_case IS NULL OR per_case >= 0', name=op.f('ck_programme_caps_per_case_not_negative')),
    sa.CheckConstraint('per_person IS NULL OR per_person >= 0', name=op.f('ck_programme_caps_per_person_not_negative')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_programme_caps_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_caps')),
    sa.UniqueConstraint('programme_id', 'valid_from', name='uq_programme_caps_programme_from')
    )
    op.create_table('user_programmes',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_user_programmes_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_programmes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'programme_id', name=op.f('pk_user_programmes'))
    )
    op.create_table('persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('family_name', sa.String(length=100), nullable=False),
    sa.Column('given_name', sa.String(length=100), nullable=False),
    sa.Column('sex', sa.Enum('F', 'M', 'X', name='sex', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('nationality', sa.String(length=3), nullable=True),
    sa.Column('relationship', sa.Enum('principal', 'spouse', 'child', 'parent', 'sibling', 'other', name='relationship', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('travelled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('birth_year BETWEEN 1890 AND 2200', name=op.f('ck_persons_birth_year_plausible')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_persons_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_persons'))
    )
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_persons_case_id'), ['case_id'], unique=False)
        batch_op.create_index('uq_persons_one_principal', ['case_id'], unique=True, sqlite_where=sa.text("relationship = 'principal'"), postgresql_where=sa.text("relationship = 'principal'"))

    op.create_table('grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.Enum('business', 'housing', 'education', 'medical', 'household', 'cash_on_arrival', name='grant_category', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('plan', sa.Text(), nullable=False),
    sa.Column('requested_amount', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'in_review', 'awaiting_donor', 'approved', 'rejected', 'disbursing', 'completed', 'cancelled', name='grant_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('approved_amount', sa.BigInteger(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('legacy_reference', sa.String(length=60), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('approved_amount IS NULL OR (approved_amount > 0 AND approved_amount <= requested_amount)', name=op.f('ck_grants_approved_within_requested')),
    sa.CheckConstraint('requested_amount > 0', name=op.f('ck_grants_requested_positive')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_grants_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_grants_created_by_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_grants_person_id_persons'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_grants_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grants'))
    )
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grants_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_grants_decided_on', ['decided_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_grants_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_grants_status_submitted', ['status', 'submitted_at'], unique=False)

    op.create_table('person_vulnerabilities',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.Enum('unaccompanied_minor', 'medical', 'disability', 'trafficking_victim', 'single_parent', 'older_person', name='vulnerability', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_person_vulnerabilities_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'code', name=op.f('pk_person_vulnerabilities'))
    )
    op.create_table('disbursements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('mode', sa.Enum('cash', 'in_kind', 'bank_transfer', name='disbursement_mode', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('receipt_reference', sa.String(length=100), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_disbursements_amount_positive')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_disbursements_grant_id_grants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_disbursements_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disbursements'))
    )
    with op.batch_alter_table('disbursements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disbursements_grant_id'), ['grant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disbursements_paid_on'), ['paid_on'], unique=False)

    op.create_table('grant_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Enum('supervisor', 'donor', name='decision_step', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('outcome', sa.Enum('approved', 'reduced', 'rejected', 'sent_back', name='decision_outcome', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('authority_reference', sa.String(length=100), nullable=True),
    sa.Column('authority_letter_date', sa.Date(), nullable=True),
    sa.CheckConstraint('amount IS NULL OR amount > 0', name=op.f('ck_grant_decisions_amount_positive')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_grant_decisions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_decisions_grant_id_grants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_decisions'))
    )
    with op.batch_alter_table('grant_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_decisions_grant_id'), ['grant_id'], unique=False)



def downgrade():
    with op.batch_alter_table('grant_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_decisions_grant_id'))

    op.drop_table('grant_decisions')
    with op.batch_alter_table('disbursements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disbursements_paid_on'))
        batch_op.drop_index(batch_op.f('ix_disbursements_grant_id'))

    op.drop_table('disbursements')
    op.drop_table('person_vulnerabilities')
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.drop_index('ix_grants_status_submitted')
        batch_op.drop_index(batch_op.f('ix_grants_person_id'))
        batch_op.drop_index('ix_grants_decided_on')
        batch_op.drop_index(batch_op.f('ix_grants_case_id'))

    op.drop_table('grants')
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index('uq_persons_one_principal', sqlite_where=sa.text("relationship = 'principal'"), postgresql_where=sa.text("relationship = 'principal'"))
        batch_op.drop_index(batch_op.f('ix_persons_case_id'))

    op.drop_table('persons')
    op.drop_table('user_programmes')
    op.drop_table('programme_caps')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_programme_status')
        batch_op.drop_index('ix_cases_programme_municipality')
        batch_op.drop_index('ix_cases_programme_arrival')
        batch_op.drop_index(batch_op.f('ix_cases_caseworker_id'))

    op.drop_table('cases')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_user_at')
        batch_op.drop_index('ix_audit_events_entity')
        batch_op.drop_index('ix_audit_events_at')

    op.drop_table('audit_events')
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programmes_donor_id'))

    op.drop_table('programmes')
    op.drop_table('users')
    op.drop_table('donors')
