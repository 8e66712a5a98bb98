"""flag seen: a new risk flag stays new, assessment after assessment, until a counsellor
marks it seen; the nightly recompute no longer empties the new-flags list

Revision ID: 0020_flag_seen
Revises: 0019_level_counts
Create Date: 2026-12-03 15:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_flag_seen"
down_revision = "0019_level_counts"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("carries_new_flag", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # The flags raised so far carry themselves; those a later assessment already hid stay
    # hidden (their students are still on the dashboard's flagged list).
    op.execute("UPDATE risk_assessments SET carries_new_flag = is_new_flag WHERE is_new_flag")


def downgrade():
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.drop_column("carries_new_flag")
