"""level counts: each school's students per risk level and day, kept as assessments are
written, so the dashboard's chart no longer reads the whole history (docs/performance.md)

Revision ID: 0019_level_counts
Revises: 0018_enrolments
Create Date: 2026-12-03 08:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0019_level_counts"
down_revision = "0018_enrolments"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "risk_level_counts",
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("grade_level", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("students", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"],
                                name=op.f("fk_risk_level_counts_school_id_schools")),
        sa.PrimaryKeyConstraint("school_id", "day", "grade_level", "level",
                                name=op.f("pk_risk_level_counts")),
    )
    # The history so far: each student's last assessment of each day, counted.
    op.execute("""
        INSERT INTO risk_level_counts (school_id, day, grade_level, level, students)
        SELECT students.school_id, date(risk_assessments.computed_at), students.grade_level,
               risk_assessments.level, count(*)
        FROM risk_assessments JOIN students ON students.id = risk_assessments.student_id
        WHERE risk_assessments.id IN (SELECT max(id) FROM risk_assessments
                                      GROUP BY student_id, date(computed_at))
        GROUP BY students.school_id, date(risk_assessments.computed_at), students.grade_level,
                 risk_assessments.level
    """)


def downgrade():
    op.drop_table("risk_level_counts")
