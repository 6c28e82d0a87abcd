"""Each programme's sustainability threshold: the composite survey score the report counts from.

Revision ID: 0850
Revises: 0840
Create Date: 2026-12-02 09:00:00

Stored like the survey scores, as whole ten-thousandths (0.5 is 5000), so that 0 to 1 is
0 to 10000. Empty on every existing programme: the report gives no share until one is set.
"""
import sqlalchemy as sa
from alembic import op

revision = '0850'
down_revision = '0840'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sustainability_threshold', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_programmes_sustainability_threshold_range'),
            'sustainability_threshold IS NULL OR sustainability_threshold BETWEEN 0 AND 10000')


def downgrade():
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_programmes_sustainability_threshold_range'), type_='check')
        batch_op.drop_column('sustainability_threshold')
