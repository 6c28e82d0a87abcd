"""The report's monitoring figures: each programme's sustainability threshold, and the dates they count on.

Revision ID: 0850
Revises: 0840
Create Date: 2026-12-02 09:00:00

Stored like the survey scores, as whole ten-thousandths (0.5 is 5000), so that 0 to 1 is
0 to 10000. Empty on every existing programme: the report gives no share until one is set.
The report counts scheduled visits on their due date, visits on their date and surveys on the
day they were taken: an index on each finds a period's rows without reading every one.
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
    op.create_index('ix_scheduled_visits_due_on', 'scheduled_visits', ['due_on'], unique=False)
    op.create_index('ix_monitoring_visits_visited_on', 'monitoring_visits', ['visited_on'], unique=False)
    op.create_index('ix_survey_responses_taken_on', 'survey_responses', ['taken_on'], unique=False)


def downgrade():
    op.drop_index('ix_survey_responses_taken_on', table_name='survey_responses')
    op.drop_index('ix_monitoring_visits_visited_on', table_name='monitoring_visits')
    op.drop_index('ix_scheduled_visits_due_on', table_name='scheduled_visits')
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_programmes_sustainability_threshold_range'), type_='check')
        batch_op.drop_column('sustainability_threshold')
