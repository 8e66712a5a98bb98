"""notify: staff notifications and their settings; escalation of unanswered requests

Revision ID: 0009_notify
Revises: 0008_privacy
Create Date: 2026-12-02 02:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_notify'
down_revision = '0008_privacy'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'staff_notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=True),
        sa.Column('object_type', sa.String(length=40), nullable=False),
        sa.Column('object_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('link', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.Column('email', sa.String(length=10), nullable=False),
        sa.Column('emailed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['student_id'], ['students.id'],
                                name=op.f('fk_staff_notifications_student_id_students')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_staff_notifications_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_notifications')),
    )
    with op.batch_alter_table('staff_notifications', schema=None) as batch_op:
        batch_op.create_index('ix_staff_notifications_user_read', ['user_id', 'read_at'],
                              unique=False)
        batch_op.create_index('ix_staff_notifications_subject',
                              ['kind', 'object_type', 'object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_notifications_student_id'), ['student_id'],
                              unique=False)
    op.create_table(
        'notification_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('muted', sa.JSON(), nullable=False),
        sa.Column('email', sa.JSON(), nullable=False),
        sa.Column('summary_hour', sa.Integer(), nullable=False),
        sa.Column('last_summary_on', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_notification_settings_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_settings')),
        sa.UniqueConstraint('user_id', name='uq_notification_settings_user_id'),
    )
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_escalation_school_days', sa.Integer(),
                                      nullable=False, server_default='3'))


def downgrade():
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_column('request_escalation_school_days')
    op.drop_table('notification_settings')
    with op.batch_alter_table('staff_notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_notifications_student_id'))
        batch_op.drop_index('ix_staff_notifications_subject')
        batch_op.drop_index('ix_staff_notifications_user_read')
    op.drop_table('staff_notifications')
