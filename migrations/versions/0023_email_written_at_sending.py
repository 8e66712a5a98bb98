"""email written at sending: a guardian's email is kept as its inbox copy only

An email to a guardian stored its body twice: once as the inbox copy (messages) and once
wrapped in the school's email layout (deliveries). The worker now wraps the inbox copy when
it sends the email (portal/messaging/compose.py), so such deliveries keep no body: NULL.
Emails queued before this keep their written bodies and go as they are.

Revision ID: 0023_email_written_at_sending
Revises: 0022_school_totals
Create Date: 2026-12-04 22:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023_email_written_at_sending"
down_revision = "0022_school_totals"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.alter_column("body_text", existing_type=sa.Text(), nullable=True)


def downgrade():
    # Waiting emails keep their message's plain text (without the layout) rather than nothing.
    op.execute("UPDATE deliveries SET body_text = COALESCE((SELECT messages.body_text "
               "FROM messages WHERE messages.id = deliveries.message_id), '') "
               "WHERE body_text IS NULL")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.alter_column("body_text", existing_type=sa.Text(), nullable=False)
