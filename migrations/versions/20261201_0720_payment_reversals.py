"""Payment reversals: a reversal entry (negative amount) names the payment it reverses and why.

Revision ID: 0720
Revises: 0602
Create Date: 2026-12-01 16:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0720'
down_revision = '0602'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('disbursements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reversal_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_disbursements_reversal_of_id_disbursements'),
                                    'disbursements', ['reversal_of_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_disbursements_reversal_of_id'), ['reversal_of_id'])
        batch_op.drop_constraint(batch_op.f('ck_disbursements_amount_positive'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_disbursements_amount_sign'),
            '(reversal_of_id IS NULL AND amount > 0) OR (reversal_of_id IS NOT NULL AND amount < 0)')
    with op.batch_alter_table('disbursements', schema=None) as batch_op:
        batch_op.alter_column('reason', server_default=None)


def downgrade():
    # Reversals cannot be represented without the column: they are removed with it.
    op.execute("DELETE FROM disbursements WHERE reversal_of_id IS NOT NULL")
    with op.batch_alter_table('disbursements', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_disbursements_amount_sign'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_disbursements_amount_positive'), 'amount > 0')
        batch_op.drop_constraint(batch_op.f('uq_disbursements_reversal_of_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_disbursements_reversal_of_id_disbursements'), type_='foreignkey')
        batch_op.drop_column('reason')
        batch_op.drop_column('reversal_of_id')
