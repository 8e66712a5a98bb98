"""attendance to date: each student's attendance totals from their first week through each
week, kept by triggers on the weekly totals, and backfilled

The student list's attendance rate since the term began added up every week of the term
for each student: across a district, 12,507 students of a grade and ~36 weeks each, 450,000
index entries a request (docs/performance.md). With the totals to date, a rate since a
Monday is the total through the student's last week less the total through the week before
that Monday: two index entries a student. Triggers on attendance_weeks (themselves kept by
triggers on the daily rows, 0017_pages) keep them for every writer: statement-level on
PostgreSQL (each changed student's totals worked out again from their earliest changed
week), row-level on SQLite (the week's own total, and the change added to the later weeks).

Revision ID: 0026_attendance_to_date
Revises: 0025_interaction_message_index
Create Date: 2026-12-06 07:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026_attendance_to_date"
down_revision = "0025_interaction_message_index"
branch_labels = None
depends_on = None

# The running totals of the weeks read, per student in week order.
RUNNING = ("SELECT w.student_id, w.week_start, sum(w.days) OVER running AS days, "
           "sum(w.absences) OVER running AS absences FROM attendance_weeks w {join} "
           "WINDOW running AS (PARTITION BY w.student_id ORDER BY w.week_start)")

# PostgreSQL: the weeks each statement changed, by the transition tables it has.
PG_CHANGED = {"insert": "SELECT student_id, week_start FROM added",
              "update": "SELECT student_id, week_start FROM added UNION ALL "
                        "SELECT student_id, week_start FROM removed",
              "delete": "SELECT student_id, week_start FROM removed"}
PG_TRIGGERS = (("insert", "INSERT", "NEW TABLE AS added"),
               ("update", "UPDATE", "OLD TABLE AS removed NEW TABLE AS added"),
               ("delete", "DELETE", "OLD TABLE AS removed"))


def _pg_function(name: str) -> str:
    """Drop the changed students' totals from their earliest changed week, and add them up
    again from their weeks as they are now."""
    changed = (f"(SELECT student_id, min(week_start) AS since FROM ({PG_CHANGED[name]}) c "
               "GROUP BY student_id)")
    running = RUNNING.format(join=f"JOIN {changed} c ON c.student_id = w.student_id")
    return f"""
CREATE FUNCTION attendance_to_date_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM attendance_to_date t USING {changed} c
  WHERE t.student_id = c.student_id AND t.week_start >= c.since;
  INSERT INTO attendance_to_date (student_id, week_start, days, absences)
  SELECT r.student_id, r.week_start, r.days, r.absences FROM ({running}) r
  JOIN {changed} c ON c.student_id = r.student_id WHERE r.week_start >= c.since;
  RETURN NULL;
END $$"""


# SQLite: one week's row added or taken away, and the later weeks moved by its totals.
SQLITE_ADD = """
INSERT INTO attendance_to_date (student_id, week_start, days, absences)
SELECT NEW.student_id, NEW.week_start, NEW.days + coalesce(sum(w.days), 0),
       NEW.absences + coalesce(sum(w.absences), 0)
FROM attendance_weeks w WHERE w.student_id = NEW.student_id AND w.week_start < NEW.week_start;
UPDATE attendance_to_date SET days = days + NEW.days, absences = absences + NEW.absences
WHERE student_id = NEW.student_id AND week_start > NEW.week_start;"""
SQLITE_REMOVE = """
DELETE FROM attendance_to_date WHERE student_id = OLD.student_id AND week_start = OLD.week_start;
UPDATE attendance_to_date SET days = days - OLD.days, absences = absences - OLD.absences
WHERE student_id = OLD.student_id AND week_start > OLD.week_start;"""


def upgrade():
    op.create_table(
        "attendance_to_date",
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("absences", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["student_id"], ["students.id"], ),
        sa.PrimaryKeyConstraint("student_id", "week_start"),
    )
    # A student's last week, or last week before a day: one index entry, read index-only.
    op.create_index("ix_attendance_to_date_totals", "attendance_to_date",
                    ["student_id", "week_start", "days", "absences"])
    if op.get_bind().dialect.name == "postgresql":
        for name, operation, referencing in PG_TRIGGERS:
            op.execute(_pg_function(name))
            op.execute(f"CREATE TRIGGER attendance_to_date_{name} AFTER {operation} "
                       f"ON attendance_weeks REFERENCING {referencing} FOR EACH STATEMENT "
                       f"EXECUTE FUNCTION attendance_to_date_{name}()")
    else:
        for name, operation, body in (("insert", "INSERT", SQLITE_ADD),
                                      ("update", "UPDATE", SQLITE_REMOVE + SQLITE_ADD),
                                      ("delete", "DELETE", SQLITE_REMOVE)):
            op.execute(f"CREATE TRIGGER attendance_to_date_{name} AFTER {operation} "
                       f"ON attendance_weeks FOR EACH ROW BEGIN {body} END")
    op.execute("INSERT INTO attendance_to_date (student_id, week_start, days, absences) "
               + RUNNING.format(join=""))


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, _, _ in PG_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS attendance_to_date_{name}"
                   + (" ON attendance_weeks" if postgres else ""))
        if postgres:
            op.execute(f"DROP FUNCTION IF EXISTS attendance_to_date_{name}()")
    op.drop_index("ix_attendance_to_date_totals", table_name="attendance_to_date")
    op.drop_table("attendance_to_date")
