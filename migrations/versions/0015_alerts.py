"""alerts: weekly family alert, attendance nudges, weekly message limit, readability limits

Revision ID: 0015_alerts
Revises: 0014_holdout
Create Date: 2026-12-02 04:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_alerts"
down_revision = "0014_holdout"
branch_labels = None
depends_on = None

SCHOOL_COLUMNS = (
    ('weekly_alert_enabled', sa.Boolean(), sa.true()),
    ('attendance_nudges_enabled', sa.Boolean(), sa.true()),
    ('nudge_threshold_percent', sa.Double(), sa.text('5.0')),
    ('nudge_step_up_percent', sa.Double(), sa.text('10.0')),
    ('nudge_repeat_days', sa.Integer(), sa.text('28')),
    ('weekly_message_cap', sa.Integer(), sa.text('3')),
    ('reading_grade_limit', sa.Double(), sa.text('8.0')),
    ('message_word_limit', sa.Integer(), sa.text('150')),
)


def upgrade():
    with op.batch_alter_table('schools', schema=None) as batch_op:
        for name, kind, default in SCHOOL_COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=False, server_default=default))
    op.create_table(
        'attendance_nudges',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=10), nullable=False),
        sa.Column('absences', sa.Integer(), nullable=False),
        sa.Column('school_days', sa.Integer(), nullable=False),
        sa.Column('typical_absences', sa.Integer(), nullable=False),
        sa.Column('need_id', sa.Integer(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['need_id'], ['needs.id']),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id']),
        sa.ForeignKeyConstraint(['student_id'], ['students.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('attendance_nudges', schema=None) as batch_op:
        batch_op.create_index('ix_attendance_nudges_school_id', ['school_id'], unique=False)
        batch_op.create_index('ix_attendance_nudges_student_sent', ['student_id', 'sent_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('attendance_nudges', schema=None) as batch_op:
        batch_op.drop_index('ix_attendance_nudges_student_sent')
        batch_op.drop_index('ix_attendance_nudges_school_id')
    op.drop_table('attendance_nudges')
    with op.batch_alter_table('schools', schema=None) as batch_op:
        for name, _kind, _default in reversed(SCHOOL_COLUMNS):
            batch_op.drop_column(name)
