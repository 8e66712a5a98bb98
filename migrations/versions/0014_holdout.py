"""holdout: the measured nudge programs' settings and family assignments; teacher notes

Revision ID: 0014_holdout
Revises: 0013_gaps13
Create Date: 2026-12-02 04:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014_holdout"
down_revision = "0013_gaps13"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'holdout_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('program', sa.String(length=30), nullable=False),
        sa.Column('measuring', sa.Boolean(), nullable=False),
        sa.Column('share_percent', sa.Double(), nullable=False),
        sa.Column('weeks', sa.Integer(), nullable=False),
        sa.Column('seed', sa.String(length=64), nullable=False),
        sa.Column('started_on', sa.Date(), nullable=True),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['changed_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('school_id', 'program', name='uq_holdout_settings_school_program'),
    )
    op.create_table(
        'holdout_assignments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('program', sa.String(length=30), nullable=False),
        sa.Column('guardian_id', sa.Integer(), nullable=False),
        sa.Column('stratum', sa.String(length=40), nullable=False),
        sa.Column('held_out', sa.Boolean(), nullable=False),
        sa.Column('assigned_at', sa.DateTime(), nullable=False),
        sa.Column('excluded_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['guardian_id'], ['guardians.id']),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('school_id', 'program', 'guardian_id',
                            name='uq_holdout_assignments_family'),
    )
    op.create_index('ix_holdout_assignments_guardian_id', 'holdout_assignments',
                    ['guardian_id'])
    op.create_table(
        'teacher_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('teacher_id', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('week_of', sa.Date(), nullable=False),
        sa.Column('interaction_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['interaction_id'], ['interactions.id']),
        sa.ForeignKeyConstraint(['student_id'], ['students.id']),
        sa.ForeignKeyConstraint(['teacher_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('teacher_id', 'student_id', 'week_of',
                            name='uq_teacher_notes_one_a_week'),
    )
    op.create_index('ix_teacher_notes_student_id', 'teacher_notes', ['student_id'])


def downgrade():
    op.drop_index('ix_teacher_notes_student_id', table_name='teacher_notes')
    op.drop_table('teacher_notes')
    op.drop_index('ix_holdout_assignments_guardian_id', table_name='holdout_assignments')
    op.drop_table('holdout_assignments')
    op.drop_table('holdout_settings')
