"""sessions: a per-user session stamp and link nonce

Revision ID: 0003_sessions
Revises: 0002_calendar_feeds
Create Date: 2026-12-02 01:40:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_sessions'
down_revision = '0002_calendar_feeds'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_stamp', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('link_nonce', sa.String(length=64), nullable=True))

    # Every existing account gets its own random values; old cookies and links stop working.
    users = sa.table('users', sa.column('id', sa.Integer),
                     sa.column('session_stamp', sa.String), sa.column('link_nonce', sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(users.update().where(users.c.id == user_id).values(
            session_stamp=secrets.token_urlsafe(24), link_nonce=secrets.token_urlsafe(24)))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_stamp', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('link_nonce', existing_type=sa.String(length=64), nullable=False)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('link_nonce')
        batch_op.drop_column('session_stamp')
