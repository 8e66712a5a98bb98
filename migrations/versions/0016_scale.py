"""scale: indexes for a district of 50,000 students (docs/performance.md)

Revision ID: 0016_scale
Revises: 0015_alerts
Create Date: 2026-12-02 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016_scale"
down_revision = "0015_alerts"
branch_labels = None
depends_on = None

WAITING = sa.text("status IN ('queued', 'sending')")


def upgrade():
    # The worker's claim walks only the waiting deliveries in due order, never the sent ones.
    op.create_index('ix_deliveries_waiting_due', 'deliveries', ['next_attempt_at', 'id'],
                    postgresql_where=WAITING, sqlite_where=WAITING)
    # "Does this campaign still have a delivery waiting?" after every send.
    op.create_index('ix_deliveries_campaign_status', 'deliveries', ['campaign_id', 'status'])


def downgrade():
    op.drop_index('ix_deliveries_campaign_status', table_name='deliveries')
    op.drop_index('ix_deliveries_waiting_due', table_name='deliveries')
