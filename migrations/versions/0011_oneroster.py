"""oneroster: sourcedId on rostered records, import jobs (active flags came with privacy)

Revision ID: 0011_oneroster
Revises: 0010_earlywork
Create Date: 2026-12-02 02:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_oneroster'
down_revision = '0010_earlywork'
branch_labels = None
depends_on = None

GLOBALLY_UNIQUE = ('districts', 'schools', 'sections', 'enrollments', 'students', 'guardians',
                   'users')
PER_SCHOOL = ('academic_terms', 'courses')


def upgrade():
    op.create_table('import_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('progress_label', sa.String(length=100), nullable=False),
    sa.Column('progress_done', sa.Integer(), nullable=False),
    sa.Column('progress_total', sa.Integer(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=True),
    sa.Column('errors', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_import_jobs_requested_by_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_import_jobs_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_jobs'))
    )
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_jobs_requested_by_id'), ['requested_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_jobs_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_jobs_status'), ['status'], unique=False)
    for table in GLOBALLY_UNIQUE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('sourced_id', sa.String(length=255), nullable=True))
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_sourced_id'), ['sourced_id'])
    for table in PER_SCHOOL:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('sourced_id', sa.String(length=255), nullable=True))
            batch_op.create_unique_constraint(
                batch_op.f(f'uq_{table}_school_id_sourced_id'), ['school_id', 'sourced_id'])


def downgrade():
    op.drop_table('import_jobs')
    for table in PER_SCHOOL:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_school_id_sourced_id'), type_='unique')
            batch_op.drop_column('sourced_id')
    for table in GLOBALLY_UNIQUE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_sourced_id'), type_='unique')
            batch_op.drop_column('sourced_id')
