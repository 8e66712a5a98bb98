"""gaps13: an active flag on sections, a folded sort name on guardians

Revision ID: 0013_gaps13
Revises: 0012_gaps14
Create Date: 2026-12-02 03:00:00.000000

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_gaps13'
down_revision = '0012_gaps14'
branch_labels = None
depends_on = None


def _folded_sort_name(row):
    """Fold "last first" as portal.core.text.fold does (a migration keeps its own copy)."""
    text = unicodedata.normalize('NFKD', f'{row.last_name or ""} {row.first_name or ""}')
    return ''.join(ch for ch in text if not unicodedata.combining(ch)).casefold().strip()


def _fill_sort_names():
    guardians = sa.table('guardians', sa.column('id', sa.Integer), sa.column('first_name'),
                         sa.column('last_name'), sa.column('sort_name'))
    connection = op.get_bind()
    values = [{'guardian_id': row.id, 'folded': _folded_sort_name(row)}
              for row in connection.execute(sa.select(guardians)).all()]
    if values:
        connection.execute(guardians.update()
                           .where(guardians.c.id == sa.bindparam('guardian_id'))
                           .values(sort_name=sa.bindparam('folded')), values)


def upgrade():
    with op.batch_alter_table('sections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_active', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    with op.batch_alter_table('guardians', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_name', sa.String(length=220), nullable=False,
                                      server_default=''))
    _fill_sort_names()


def downgrade():
    with op.batch_alter_table('guardians', schema=None) as batch_op:
        batch_op.drop_column('sort_name')
    with op.batch_alter_table('sections', schema=None) as batch_op:
        batch_op.drop_column('is_active')
