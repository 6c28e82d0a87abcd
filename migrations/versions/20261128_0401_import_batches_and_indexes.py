"""Import batches, and indexes for the hot paths at scale.

Revision ID: 0401
Revises: 0201
Create Date: 2026-11-28 13:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0401'
down_revision = '0201'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('cases_created', sa.Integer(), nullable=False),
    sa.Column('persons_created', sa.Integer(), nullable=False),
    sa.Column('grants_created', sa.Integer(), nullable=False),
    sa.Column('rows_skipped', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_import_batches_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batches'))
    )
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.create_index('ix_import_batches_kind_checksum', ['kind', 'checksum'], unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_arrival_date_id', ['arrival_date', 'id', 'programme_id'], unique=False)
        batch_op.create_index('ix_cases_programme_municipality_arrival',
                              ['programme_id', 'municipality', 'arrival_date', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_programme_municipality_arrival')
        batch_op.drop_index('ix_cases_arrival_date_id')
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.drop_index('ix_import_batches_kind_checksum')
    op.drop_table('import_batches')
