"""Plan items keep when their plan first approved them: the day the donor report counts them.

Revision ID: 0820
Revises: 0780
Create Date: 2026-12-01 19:30:00

An item is counted once, in the period its plan version first approved it, whatever later
versions change. Existing items take the approval time of the earliest approved version whose
stored items hold them (plan_versions.items, a JSON list of items with their ids).
"""
import json

import sqlalchemy as sa
from alembic import op

revision = '0820'
down_revision = '0800'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plan_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_approved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_plan_items_first_approved_at', ['first_approved_at'], unique=False)
    bind = op.get_bind()
    first: dict = {}
    rows = bind.execute(sa.text("SELECT items, approved_at FROM plan_versions ORDER BY approved_at, id"))
    for items, approved_at in rows:
        if isinstance(items, str):
            items = json.loads(items)
        for item in items or []:
            if isinstance(item, dict) and item.get("id") is not None:
                first.setdefault(int(item["id"]), approved_at)
    update = sa.text("UPDATE plan_items SET first_approved_at = :at WHERE id = :id")
    for item_id, approved_at in first.items():
        bind.execute(update, {"at": approved_at, "id": item_id})


def downgrade():
    with op.batch_alter_table('plan_items', schema=None) as batch_op:
        batch_op.drop_index('ix_plan_items_first_approved_at')
        batch_op.drop_column('first_approved_at')
