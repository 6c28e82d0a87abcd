"""The name of the authority that took an external decision (legacy records name it without a letter).

Legacy imports stored that name as the letter number; it moves to its own column.

Revision ID: 0721
Revises: 0720
Create Date: 2026-12-01 16:05:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0721'
down_revision = '0720'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('grant_decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('authority_name', sa.String(length=100), nullable=True))
    # Imported decisions carried the authority as their "letter", dated on the decision day.
    op.execute("UPDATE grant_decisions SET authority_name = authority_reference, authority_reference = NULL, "
               "authority_letter_date = NULL WHERE decided_by_id IS NULL AND authority_reference IS NOT NULL "
               "AND grant_id IN (SELECT id FROM grants WHERE legacy_reference IS NOT NULL)")


def downgrade():
    day = "substr(decided_at, 1, 10)" if op.get_bind().dialect.name == "sqlite" else "CAST(decided_at AS DATE)"
    op.execute(f"UPDATE grant_decisions SET authority_reference = authority_name, authority_letter_date = {day} "
               "WHERE authority_name IS NOT NULL AND authority_reference IS NULL")
    with op.batch_alter_table('grant_decisions', schema=None) as batch_op:
        batch_op.drop_column('authority_name')
