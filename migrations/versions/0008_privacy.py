"""privacy: active flags and reasons, erasure time, the school's retention period

Revision ID: 0008_privacy
Revises: 0007_push
Create Date: 2026-12-02 02:00:00.000000

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_privacy'
down_revision = '0007_push'
branch_labels = None
depends_on = None


def _inactive_columns(batch_op, *, with_flag):
    if with_flag:
        batch_op.add_column(sa.Column('is_active', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    batch_op.add_column(sa.Column('inactive_since', sa.Date(), nullable=True))
    batch_op.add_column(sa.Column('inactive_reason', sa.String(length=200), nullable=True))


def _fold(text):
    decomposed = unicodedata.normalize('NFKD', text or '')
    return ''.join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


def _fill_sort_names():
    students = sa.table('students', sa.column('id', sa.Integer), sa.column('first_name'),
                        sa.column('last_name'), sa.column('sort_name'))
    connection = op.get_bind()
    for row in connection.execute(sa.select(students.c.id, students.c.first_name,
                                            students.c.last_name)).all():
        connection.execute(students.update().where(students.c.id == row.id).values(
            sort_name=_fold(f'{row.last_name} {row.first_name}')))


def upgrade():
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_years', sa.Integer(), nullable=True))
    with op.batch_alter_table('students', schema=None) as batch_op:
        _inactive_columns(batch_op, with_flag=False)
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('sort_name', sa.String(length=220), nullable=False,
                                      server_default=''))
    _fill_sort_names()
    with op.batch_alter_table('guardians', schema=None) as batch_op:
        _inactive_columns(batch_op, with_flag=True)
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('student_guardians', schema=None) as batch_op:
        _inactive_columns(batch_op, with_flag=True)


def downgrade():
    for table, columns in (
            ('student_guardians', ('inactive_reason', 'inactive_since', 'is_active')),
            ('guardians', ('erased_at', 'inactive_reason', 'inactive_since', 'is_active')),
            ('students', ('sort_name', 'erased_at', 'inactive_reason', 'inactive_since')),
            ('schools', ('retention_years',))):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_column(column)
