"""Person search keys (normalised names), birth and legacy reference indexes, "returned again" links.

Revision ID: 0301 (it applies after 0401: file names sort in the order revisions apply)
Revises: 0401
Create Date: 2026-11-28 13:50:00

"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0301'
down_revision = '0401'
branch_labels = None
depends_on = None

BATCH = 5000

# The name normalisation as it stood when this revision was written (casework/search/normalize.py);
# a migration runs against the schema and the rules of its own time, never the application's.
CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž", "з": "z", "и": "i",
    "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "ћ": "ć", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "č", "џ": "dž", "ш": "š",
}
SPECIAL = {"đ": "d", "ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "ı": "i", "þ": "th"}
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—'’`´.,_/]+")
_NOT_KEY = re.compile(r"[^a-z0-9 ]")
MAX_KEY = 220


def _normalize(text):
    if not text:
        return ""
    out = []
    for char in text.casefold():
        char = CYRILLIC.get(char, char)
        out.append("".join(SPECIAL.get(c, c) for c in char))
    folded = unicodedata.normalize("NFKD", "".join(out))
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = _SEPARATORS.sub(" ", folded)
    folded = _NOT_KEY.sub("", folded)
    folded = folded.replace("dj", "d")
    return " ".join(folded.split())


def search_key(family_name, given_name):
    return " ".join(filter(None, (_normalize(family_name), _normalize(given_name))))[:MAX_KEY]


def search_key_given_first(family_name, given_name):
    return " ".join(filter(None, (_normalize(given_name), _normalize(family_name))))[:MAX_KEY]


def upgrade():
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_key', sa.String(length=220), nullable=True))
        batch_op.add_column(sa.Column('search_key_given_first', sa.String(length=220), nullable=True))
        batch_op.add_column(sa.Column('returned_from_person_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_persons_returned_from_person_id_persons'), 'persons',
                                    ['returned_from_person_id'], ['id'], ondelete='SET NULL')

    # Fill the keys for existing rows.
    conn = op.get_bind()
    persons = sa.table('persons', sa.column('id', sa.Integer), sa.column('family_name', sa.String),
                       sa.column('given_name', sa.String), sa.column('search_key', sa.String),
                       sa.column('search_key_given_first', sa.String))
    last_id = 0
    while True:
        rows = conn.execute(sa.select(persons.c.id, persons.c.family_name, persons.c.given_name)
                            .where(persons.c.id > last_id).order_by(persons.c.id).limit(BATCH)).all()
        if not rows:
            break
        conn.execute(
            persons.update().where(persons.c.id == sa.bindparam('pid')).values(
                search_key=sa.bindparam('key'), search_key_given_first=sa.bindparam('key2')),
            [{'pid': r.id, 'key': search_key(r.family_name, r.given_name),
              'key2': search_key_given_first(r.family_name, r.given_name)} for r in rows])
        last_id = rows[-1].id

    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.alter_column('search_key', existing_type=sa.String(length=220), nullable=False)
        batch_op.alter_column('search_key_given_first', existing_type=sa.String(length=220), nullable=False)
        batch_op.create_index('ix_persons_search_key', ['search_key'], unique=False)
        batch_op.create_index('ix_persons_search_key_given_first', ['search_key_given_first'], unique=False)
        batch_op.create_index('ix_persons_birth_date', ['birth_date'], unique=False)
        batch_op.create_index('ix_persons_birth_year', ['birth_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_persons_returned_from_person_id'), ['returned_from_person_id'],
                              unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_legacy_reference', ['legacy_reference'], unique=False)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_legacy_reference')
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_persons_returned_from_person_id'))
        batch_op.drop_index('ix_persons_birth_year')
        batch_op.drop_index('ix_persons_birth_date')
        batch_op.drop_index('ix_persons_search_key_given_first')
        batch_op.drop_index('ix_persons_search_key')
        batch_op.drop_constraint(batch_op.f('fk_persons_returned_from_person_id_persons'), type_='foreignkey')
        batch_op.drop_column('returned_from_person_id')
        batch_op.drop_column('search_key_given_first')
        batch_op.drop_column('search_key')
