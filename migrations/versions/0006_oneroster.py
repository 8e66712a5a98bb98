"""oneroster: sourcedId on rostered records; guardians and their links can be deactivated

Revision ID: 0006_oneroster
Revises: 0005_outbox
Create Date: 2026-12-02 02:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_oneroster'
down_revision = '0005_outbox'
branch_labels = None
depends_on = None

GLOBALLY_UNIQUE = ('districts', 'schools', 'sections', 'enrollments', 'students', 'guardians',
                   'users')
PER_SCHOOL = ('academic_terms', 'courses')
DEACTIVATABLE = ('guardians', 'student_guardians')


def upgrade():
    for table in GLOBALLY_UNIQUE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('sourced_id', sa.String(length=255), nullable=True))
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_sourced_id'), ['sourced_id'])
    for table in PER_SCHOOL:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('sourced_id', sa.String(length=255), nullable=True))
            batch_op.create_unique_constraint(
                batch_op.f(f'uq_{table}_school_id_sourced_id'), ['school_id', 'sourced_id'])
    for table in DEACTIVATABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('is_active', sa.Boolean(), nullable=False,
                                          server_default=sa.true()))


def downgrade():
    for table in DEACTIVATABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('is_active')
    for table in PER_SCHOOL:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_school_id_sourced_id'), type_='unique')
            batch_op.drop_column('sourced_id')
    for table in GLOBALLY_UNIQUE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_sourced_id'), type_='unique')
            batch_op.drop_column('sourced_id')
