"""The user's interface language and each programme's donor-report language.

Revision ID: 0760
Revises: 0754
Create Date: 2026-12-01 16:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0760'
down_revision = '0754'
branch_labels = None
depends_on = None

# Copied from casework.i18n.SUPPORTED_LOCALES (migrations never import the application).
LOCALES = "('en', 'sr_Latn', 'sr_Cyrl')"


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), nullable=True))
        batch_op.create_check_constraint(op.f('ck_users_locale_supported'), f"locale IS NULL OR locale IN {LOCALES}")
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_language', sa.String(length=8), nullable=True))
        batch_op.create_check_constraint(op.f('ck_programmes_report_language_supported'),
                                         f"report_language IS NULL OR report_language IN {LOCALES}")


def downgrade():
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_programmes_report_language_supported'), type_='check')
        batch_op.drop_column('report_language')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_locale_supported'), type_='check')
        batch_op.drop_column('locale')
