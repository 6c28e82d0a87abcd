"""Documents attached to cases, their content in the database backend, and what programmes require.

Revision ID: 0740
Revises: 0732
Create Date: 2026-12-01 15:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0740'
down_revision = '0732'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document_chunks',
    sa.Column('storage_key', sa.String(length=80), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('storage_key', 'seq', name=op.f('pk_document_chunks'))
    )
    op.create_table('document_requirements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Enum('grant_submit', 'donor_decision', 'payment_in_kind', name='requirement_step', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('document_type', sa.Enum('identity', 'donor_letter', 'agreement', 'receipt', 'photo', 'other', name='document_type', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_document_requirements_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_requirements')),
    sa.UniqueConstraint('programme_id', 'step', name='uq_document_requirements_programme_step')
    )
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('owner_type', sa.String(length=20), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('document_type', sa.Enum('identity', 'donor_letter', 'agreement', 'receipt', 'photo', 'other', name='document_type', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=80), nullable=False),
    sa.Column('thumbnail_key', sa.String(length=80), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('removed_by_id', sa.Integer(), nullable=True),
    sa.Column('removal_reason', sa.String(length=500), nullable=False),
    sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(removed_at IS NULL AND purged_at IS NULL) OR (removed_at IS NOT NULL AND removal_reason <> '')", name=op.f('ck_documents_removal_has_reason')),
    sa.CheckConstraint("content_type IN ('application/pdf', 'image/jpeg', 'image/png')", name=op.f('ck_documents_content_type_allowed')),
    sa.CheckConstraint('size > 0', name=op.f('ck_documents_size_positive')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_documents_case_id_cases')),
    sa.ForeignKeyConstraint(['removed_by_id'], ['users.id'], name=op.f('fk_documents_removed_by_id_users')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_documents_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_documents_storage_key'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index('ix_documents_case_uploaded', ['case_id', 'uploaded_at'], unique=False)
        batch_op.create_index('ix_documents_owner', ['owner_type', 'owner_id'], unique=False)
        batch_op.create_index('ix_documents_removed_at', ['removed_at'], unique=False)



def downgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_removed_at')
        batch_op.drop_index('ix_documents_owner')
        batch_op.drop_index('ix_documents_case_uploaded')

    op.drop_table('documents')
    op.drop_table('document_requirements')
    op.drop_table('document_chunks')
