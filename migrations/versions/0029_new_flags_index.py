"""new flags index: risk assessments that are new flags, indexed by when they were written

The intervention analysis reads every new flag of the school year in scope. They are a few
thousand of a district's assessments, which grow by a night's changes every night; without
an index of their own PostgreSQL scanned every assessment for them (~25 ms of the 70 ms
statement across a 50,000-student district, and growing with the history). Only new flags
are in it, so writing the nightly assessments barely touches it.

Revision ID: 0029_new_flags_index
Revises: 0028_guardian_name_order
Create Date: 2026-12-07 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0029_new_flags_index"
down_revision = "0028_guardian_name_order"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_risk_assessments_new_flags", "risk_assessments", ["computed_at"],
                    postgresql_where=sa.text("is_new_flag IS TRUE"),
                    sqlite_where=sa.text("is_new_flag IS 1"))


def downgrade():
    op.drop_index("ix_risk_assessments_new_flags", table_name="risk_assessments")
