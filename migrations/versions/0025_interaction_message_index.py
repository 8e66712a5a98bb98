"""interaction message index: interactions.message_id indexed

Unscheduling or stopping a campaign deletes its inbox copies (messages) not yet seen, and
each deleted message is first looked up in interactions.message_id, the foreign key of a
contact logged from a message. Without an index every lookup read the whole interactions
table: a district's campaign of 73,538 copies took two minutes to delete, one scan a copy.

Revision ID: 0025_interaction_message_index
Revises: 0024_newest_flag
Create Date: 2026-12-06 01:30:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0025_interaction_message_index"
down_revision = "0024_newest_flag"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interactions_message_id"), ["message_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interactions_message_id"))
