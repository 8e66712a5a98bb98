"""gaps14: a family's request is one inbox thread (the first answer starts it)

Revision ID: 0012_gaps14
Revises: 0011_oneroster
Create Date: 2026-12-02 03:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_gaps14'
down_revision = '0011_oneroster'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_feedback_message_id'), ['message_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_feedback_message_id_messages'), 'messages',
                                    ['message_id'], ['id'])


def downgrade():
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_feedback_message_id_messages'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_feedback_message_id'))
        batch_op.drop_column('message_id')
