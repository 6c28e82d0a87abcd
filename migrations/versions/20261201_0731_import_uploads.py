"""Import uploads kept by a server-side record; the programmes of each import batch.

Revision ID: 0731
Revises: 0730
Create Date: 2026-12-01 16:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0731'
down_revision = '0730'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'import_uploads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('checksum', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_import_uploads_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_uploads')),
        sa.UniqueConstraint('token', name=op.f('uq_import_uploads_token')),
    )
    with op.batch_alter_table('import_uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_uploads_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_uploads_user_id'), ['user_id'], unique=False)
    op.create_table(
        'import_batch_programmes',
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'],
                                name=op.f('fk_import_batch_programmes_batch_id_import_batches'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'],
                                name=op.f('fk_import_batch_programmes_programme_id_programmes'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('batch_id', 'programme_id', name=op.f('pk_import_batch_programmes')),
    )


def downgrade():
    op.drop_table('import_batch_programmes')
    with op.batch_alter_table('import_uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_uploads_user_id'))
        batch_op.drop_index(batch_op.f('ix_import_uploads_created_at'))
    op.drop_table('import_uploads')
