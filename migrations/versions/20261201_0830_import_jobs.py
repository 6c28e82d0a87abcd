"""A confirmed web import runs as a job of its own: its state and outcome on the upload's record.

Revision ID: 0830
Revises: 0780
Create Date: 2026-12-01 19:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0830'
down_revision = '0820'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_uploads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=10), server_default='pending', nullable=False))
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('batch_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_import_uploads_batch_id_import_batches'), 'import_batches',
                                    ['batch_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('import_uploads', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_import_uploads_batch_id_import_batches'), type_='foreignkey')
        batch_op.drop_column('outcome')
        batch_op.drop_column('batch_id')
        batch_op.drop_column('finished_at')
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('state')
