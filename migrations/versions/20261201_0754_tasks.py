"""Follow-up tasks, made by hand or by rules, with a generic origin (kind and reference).

Revision ID: 0754
Revises: 0753
Create Date: 2026-12-01 16:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0754'
down_revision = '0753'
branch_labels = None
depends_on = None

OPEN_RULE_TASK = sa.text("status = 'open' AND origin_kind != 'manual'")


def upgrade():
    op.create_table(
        'tasks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('assignee_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('status', sa.Enum('open', 'done', 'cancelled', name='task_status', native_enum=False,
                                    create_constraint=True, length=32), nullable=False),
        sa.Column('origin_kind', sa.String(length=40), nullable=False),
        sa.Column('origin_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_by_id', sa.Integer(), nullable=True),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name='fk_tasks_case_id_cases', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name='fk_tasks_assignee_id_users'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name='fk_tasks_created_by_id_users'),
        sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name='fk_tasks_closed_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_tasks'),
    )
    op.create_index('ix_tasks_assignee_status_due', 'tasks', ['assignee_id', 'status', 'due_on'])
    op.create_index('ix_tasks_case_status', 'tasks', ['case_id', 'status'])
    op.create_index('uq_tasks_open_origin', 'tasks', ['origin_kind', 'origin_id'], unique=True,
                    sqlite_where=OPEN_RULE_TASK, postgresql_where=OPEN_RULE_TASK)


def downgrade():
    op.drop_index('uq_tasks_open_origin', table_name='tasks')
    op.drop_index('ix_tasks_case_status', table_name='tasks')
    op.drop_index('ix_tasks_assignee_status_due', table_name='tasks')
    op.drop_table('tasks')
