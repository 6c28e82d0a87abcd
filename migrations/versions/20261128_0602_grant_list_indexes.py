"""Indexes for the grant list: newest proposal first, over all grants or one status.

Revision ID: 0602
Revises: 0601
Create Date: 2026-11-28 21:30:00

"""
from alembic import op


revision = '0602'
down_revision = '0601'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.create_index('ix_grants_created_at_id', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_grants_status_created_at_id', ['status', 'created_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.drop_index('ix_grants_status_created_at_id')
        batch_op.drop_index('ix_grants_created_at_id')
