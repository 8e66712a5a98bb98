"""guardian name order: guardians indexed by (sort_name, id)

The event figures' families who came to nothing, and other lists of guardians by name, pick
fifty guardians in name order out of a district's 74,000. Without an index in that order
PostgreSQL worked out every qualifying guardian and sorted them (~120 ms across a 50,000-
student district); with it, it walks the names and stops at fifty (~3 ms).

Revision ID: 0028_guardian_name_order
Revises: 0027_attendance_status_covered
Create Date: 2026-12-06 09:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0028_guardian_name_order"
down_revision = "0027_attendance_status_covered"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_guardians_sort_name", "guardians", ["sort_name", "id"])


def downgrade():
    op.drop_index("ix_guardians_sort_name", table_name="guardians")
