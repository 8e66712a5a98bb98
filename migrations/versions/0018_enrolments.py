"""enrolments: a school's students' sections and newest risk levels read from indexes alone

(docs/performance.md, "After the final run")

Revision ID: 0018_enrolments
Revises: 0017_pages
Create Date: 2026-12-02 09:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0018_enrolments"
down_revision = "0017_pages"
branch_labels = None
depends_on = None


def upgrade():
    # Replaces the index on student_id alone, which it covers as its first column.
    op.create_index("ix_enrollments_student_section", "enrollments",
                    ["student_id", "section_id"])
    op.drop_index("ix_enrollments_student_id", table_name="enrollments")
    op.create_index("ix_risk_assessments_student_newest", "risk_assessments",
                    ["student_id", "id"], postgresql_include=["level"])


def downgrade():
    op.drop_index("ix_risk_assessments_student_newest", table_name="risk_assessments")
    op.create_index("ix_enrollments_student_id", "enrollments", ["student_id"])
    op.drop_index("ix_enrollments_student_section", table_name="enrollments")
