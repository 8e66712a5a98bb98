"""attendance status covered: the daily rows' (student, day) key carries the status

The student list's rate since a term that began mid-week reads each student's days before
the first Monday. Their status was a fetch from the 9-million-row table per student, about
a third of the list's time across a district (docs/performance.md); carried in the key's
index (PostgreSQL's INCLUDE), the days are read from the index alone. SQLite has no INCLUDE
and keeps the plain key.

Revision ID: 0027_attendance_status_covered
Revises: 0026_attendance_to_date
Create Date: 2026-12-06 08:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0027_attendance_status_covered"
down_revision = "0026_attendance_to_date"
branch_labels = None
depends_on = None

KEY = "uq_daily_attendance_student_id_on_date"


def _key(include: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE daily_attendance DROP CONSTRAINT {KEY}, "
                   f"ADD CONSTRAINT {KEY} UNIQUE (student_id, on_date){include}")


def upgrade():
    _key(" INCLUDE (status)")


def downgrade():
    _key("")
