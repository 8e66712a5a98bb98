"""earlywork: work marked missing, late or excused in the gradebook

Revision ID: 0010_earlywork
Revises: 0009_notify
Create Date: 2026-12-02 02:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_earlywork'
down_revision = '0009_notify'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'work_marks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('section_id', sa.Integer(), nullable=False),
        sa.Column('grading_period_id', sa.Integer(), nullable=False),
        sa.Column('assessment_name', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['grading_period_id'], ['grading_periods.id'],
                                name=op.f('fk_work_marks_grading_period_id_grading_periods')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_work_marks_recorded_by_id_users')),
        sa.ForeignKeyConstraint(['section_id'], ['sections.id'],
                                name=op.f('fk_work_marks_section_id_sections')),
        sa.ForeignKeyConstraint(['student_id'], ['students.id'],
                                name=op.f('fk_work_marks_student_id_students')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_work_marks')),
        sa.UniqueConstraint('student_id', 'section_id', 'grading_period_id', 'assessment_name',
                            name='uq_work_marks_student_work'),
    )
    with op.batch_alter_table('work_marks', schema=None) as batch_op:
        batch_op.create_index('ix_work_marks_student_due', ['student_id', 'due_on'], unique=False)


def downgrade():
    with op.batch_alter_table('work_marks', schema=None) as batch_op:
        batch_op.drop_index('ix_work_marks_student_due')
    op.drop_table('work_marks')
