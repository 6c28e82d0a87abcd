"""Monitoring after return: schedules of visits per programme (in force from a date), the visits
each case is due, the visits recorded with the plan items and grants checked; a visit's next
steps are tasks that may be many per visit.

Revision ID: 0800
Revises: 0780
Create Date: 2026-12-01 19:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0800'
down_revision = '0780'
branch_labels = None
depends_on = None

OLD_RULE_OPEN = sa.text("status = 'open' AND origin_kind != 'manual'")
NEW_RULE_OPEN = sa.text("status = 'open' AND origin_kind NOT IN ('manual', 'visit_follow_up')")


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade():
    op.create_table(
        'monitoring_schedules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('months', sa.String(length=100), nullable=False),
        sa.Column('set_by_id', sa.Integer(), nullable=True),
        sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'],
                                name='fk_monitoring_schedules_programme_id_programmes', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name='fk_monitoring_schedules_set_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_monitoring_schedules'),
        sa.UniqueConstraint('programme_id', 'valid_from', name='uq_monitoring_schedules_programme_from'),
    )
    op.create_table(
        'monitoring_visits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('visited_on', sa.Date(), nullable=False),
        sa.Column('kind', _enum('monitoring_visit_kind', 'home', 'phone', 'office'), nullable=False),
        sa.Column('visited_by', sa.String(length=200), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name='fk_monitoring_visits_case_id_cases',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name='fk_monitoring_visits_recorded_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_monitoring_visits'),
    )
    op.create_index('ix_monitoring_visits_case_visited', 'monitoring_visits', ['case_id', 'visited_on'])
    op.create_table(
        'scheduled_visits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('schedule_id', sa.Integer(), nullable=True),
        sa.Column('months', sa.Integer(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('months > 0', name=op.f('ck_scheduled_visits_months_positive')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name='fk_scheduled_visits_case_id_cases',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['schedule_id'], ['monitoring_schedules.id'],
                                name='fk_scheduled_visits_schedule_id_monitoring_schedules', ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['visit_id'], ['monitoring_visits.id'],
                                name='fk_scheduled_visits_visit_id_monitoring_visits', ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name='pk_scheduled_visits'),
        sa.UniqueConstraint('case_id', 'months', name='uq_scheduled_visits_case_months'),
        sa.UniqueConstraint('visit_id', name='uq_scheduled_visits_visit_id'),
    )
    op.create_index('ix_scheduled_visits_case_id', 'scheduled_visits', ['case_id'])
    op.create_table(
        'monitoring_visit_members',
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['visit_id'], ['monitoring_visits.id'],
                                name='fk_monitoring_visit_members_visit_id_monitoring_visits', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'],
                                name='fk_monitoring_visit_members_person_id_persons', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('visit_id', 'person_id', name='pk_monitoring_visit_members'),
    )
    op.create_table(
        'monitoring_item_checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.Column('plan_item_id', sa.Integer(), nullable=True),
        sa.Column('status_before', sa.String(length=20), nullable=False),
        sa.Column('status_after', sa.String(length=20), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['visit_id'], ['monitoring_visits.id'],
                                name='fk_monitoring_item_checks_visit_id_monitoring_visits', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['plan_item_id'], ['plan_items.id'],
                                name='fk_monitoring_item_checks_plan_item_id_plan_items', ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name='pk_monitoring_item_checks'),
    )
    op.create_index('ix_monitoring_item_checks_visit_id', 'monitoring_item_checks', ['visit_id'])
    op.create_index('ix_monitoring_item_checks_plan_item_id', 'monitoring_item_checks', ['plan_item_id'])
    op.create_table(
        'monitoring_grant_checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.Column('grant_id', sa.Integer(), nullable=False),
        sa.Column('use', _enum('monitoring_grant_use', 'as_planned', 'partly', 'not_as_planned', 'not_yet'),
                  nullable=False),
        sa.Column('what_was_done', sa.Text(), nullable=False),
        sa.Column('handover_confirmed', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('flagged', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('resolved_by_id', sa.Integer(), nullable=True),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('resolution', sa.Text(), nullable=False),
        sa.CheckConstraint("use != 'not_as_planned' OR what_was_done != ''",
                           name=op.f('ck_monitoring_grant_checks_not_as_planned_says_what')),
        sa.ForeignKeyConstraint(['visit_id'], ['monitoring_visits.id'],
                                name='fk_monitoring_grant_checks_visit_id_monitoring_visits', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name='fk_monitoring_grant_checks_grant_id_grants',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'],
                                name='fk_monitoring_grant_checks_resolved_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_monitoring_grant_checks'),
    )
    op.create_index('ix_monitoring_grant_checks_visit_id', 'monitoring_grant_checks', ['visit_id'])
    op.create_index('ix_monitoring_grant_checks_grant', 'monitoring_grant_checks', ['grant_id'])
    op.create_index('ix_monitoring_grant_checks_open_flags', 'monitoring_grant_checks', ['flagged', 'resolved_at'])
    op.drop_index('uq_tasks_open_origin', table_name='tasks')
    op.create_index('uq_tasks_open_origin', 'tasks', ['origin_kind', 'origin_id'], unique=True,
                    sqlite_where=NEW_RULE_OPEN, postgresql_where=NEW_RULE_OPEN)


def downgrade():
    op.execute("UPDATE tasks SET origin_kind = 'manual' WHERE origin_kind = 'visit_follow_up'")
    op.drop_index('uq_tasks_open_origin', table_name='tasks')
    op.create_index('uq_tasks_open_origin', 'tasks', ['origin_kind', 'origin_id'], unique=True,
                    sqlite_where=OLD_RULE_OPEN, postgresql_where=OLD_RULE_OPEN)
    op.drop_table('monitoring_grant_checks')
    op.drop_table('monitoring_item_checks')
    op.drop_table('monitoring_visit_members')
    op.drop_table('scheduled_visits')
    op.drop_table('monitoring_visits')
    op.drop_table('monitoring_schedules')
