"""Usernames compared in one stored form: users.username_key (NFKC, case-folded), unique.

Revision ID: 0730
Revises: 0721
Create Date: 2026-12-01 16:00:00

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0730'
down_revision = '0721'
branch_labels = None
depends_on = None


def _key(username):
    # A copy of casework.auth.usernames.username_key as it was when this migration was written.
    text = unicodedata.normalize("NFKC", username.strip())
    return unicodedata.normalize("NFKC", text.casefold())


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('username_key', sa.String(length=64), nullable=True))
    conn = op.get_bind()
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('username', sa.String),
                     sa.column('username_key', sa.String))
    seen = {}
    for user_id, username in conn.execute(sa.select(users.c.id, users.c.username)).all():
        key = _key(username)
        if key in seen:
            raise RuntimeError(f"the usernames {seen[key]!r} and {username!r} are the same name in different "
                               "case or form; rename one (casework users ...) before upgrading")
        seen[key] = username
        conn.execute(users.update().where(users.c.id == user_id).values(username_key=key))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('username_key', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_users_username_key'), ['username_key'])


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_username_key'), type_='unique')
        batch_op.drop_column('username_key')
