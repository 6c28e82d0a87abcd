"""Donor reports that cannot be taken apart: a threshold always on, a release calendar per
programme, versioned submissions that keep what the donor received.

Every programme gets the small-cell threshold 5 where it had none (or one below 3), and the
yearly release calendar. A submitted report gets a version number, the report it supersedes
and the figures exactly as the donor received them.

Revision ID: 0710
Revises: 0602
Create Date: 2026-12-01 16:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0710'
down_revision = '0602'
branch_labels = None
depends_on = None

# Copied from casework.programmes.models (migrations never import application code).
DEFAULT_THRESHOLD = 5
MINIMUM_THRESHOLD = 3
DEFAULT_CALENDAR = 'year'


def _foreign_keys(on: bool):
    # SQLite rebuilds the programmes table (batch mode) and other tables refer to it: their
    # foreign keys are switched off while it is rebuilt (the rows and their ids stay as they were).
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def upgrade():
    _foreign_keys(False)
    programmes = sa.table('programmes', sa.column('small_cell_threshold', sa.Integer()))
    op.execute(programmes.update()
               .where(sa.or_(programmes.c.small_cell_threshold.is_(None),
                             programmes.c.small_cell_threshold < MINIMUM_THRESHOLD))
               .values(small_cell_threshold=DEFAULT_THRESHOLD))
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.alter_column('small_cell_threshold', existing_type=sa.Integer(), nullable=False,
                              server_default=sa.text(str(DEFAULT_THRESHOLD)))
        batch_op.add_column(sa.Column('release_calendar', sa.String(length=40), nullable=False,
                                      server_default=DEFAULT_CALENDAR))
        batch_op.create_check_constraint('small_cell_threshold_at_least_3',
                                         f'small_cell_threshold >= {MINIMUM_THRESHOLD}')
    with op.batch_alter_table('submitted_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default=sa.text('1')))
        batch_op.add_column(sa.Column('supersedes_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('donor_figures', sa.JSON(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_submitted_reports_supersedes_id_submitted_reports'),
                                    'submitted_reports', ['supersedes_id'], ['id'])
        batch_op.create_unique_constraint('uq_submitted_reports_period_version',
                                          ['programme_id', 'period_start', 'period_end', 'version'])
    _foreign_keys(True)


def downgrade():
    _foreign_keys(False)
    with op.batch_alter_table('submitted_reports', schema=None) as batch_op:
        batch_op.drop_constraint('uq_submitted_reports_period_version', type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_submitted_reports_supersedes_id_submitted_reports'),
                                 type_='foreignkey')
        batch_op.drop_column('donor_figures')
        batch_op.drop_column('supersedes_id')
        batch_op.drop_column('version')
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_programmes_small_cell_threshold_at_least_3'), type_='check')
        batch_op.drop_column('release_calendar')
        batch_op.alter_column('small_cell_threshold', existing_type=sa.Integer(), nullable=True,
                              server_default=None)
    _foreign_keys(True)
