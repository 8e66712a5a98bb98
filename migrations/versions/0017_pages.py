"""pages: weekly attendance and grade-band totals per student, kept by triggers, and backfilled

The staff pages (student list, dashboard) add these up instead of scanning every daily
attendance row and grade of a school per request (docs/performance.md). Triggers keep
them right for every writer, bulk COPY included: statement-level with transition tables
on PostgreSQL (one grouped upsert per statement), row-level on SQLite.

Revision ID: 0017_pages
Revises: 0016_scale
Create Date: 2026-12-02 07:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_pages"
down_revision = "0016_scale"
branch_labels = None
depends_on = None

ABSENT = "('absent_excused', 'absent_unexcused')"
TARDY = "'tardy'"
BAND_FLOORS = (50, 60, 70, 80, 90)  # as dashboards.queries.GRADE_BANDS


def _band(row: str) -> str:
    """SQL for the band of a grade: 0 below 50 % … 5 at 90 % or more, or no maximum."""
    percent = f"100.0 * {row}score / nullif({row}max_score, 0)"
    steps = " ".join(f"WHEN {percent} < {floor} THEN {band}"
                     for band, floor in enumerate(BAND_FLOORS))
    return f"CASE {steps} ELSE {len(BAND_FLOORS)} END"


# PostgreSQL: one function per summary; the removed rows (OLD TABLE) are subtracted from
# existing totals (a total left at zero is deleted), the added rows (NEW TABLE) upserted.
PG_FUNCTIONS = {
    "attendance_weeks": f"""
CREATE FUNCTION attendance_weeks_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE attendance_weeks w SET days = w.days - r.days, absences = w.absences - r.absences,
           tardies = w.tardies - r.tardies
    FROM (SELECT student_id, date_trunc('week', on_date::timestamp)::date AS week_start,
                 count(*) AS days,
                 count(*) FILTER (WHERE status IN {ABSENT}) AS absences,
                 count(*) FILTER (WHERE status = {TARDY}) AS tardies
          FROM removed GROUP BY 1, 2) r
    WHERE w.student_id = r.student_id AND w.week_start = r.week_start;
    DELETE FROM attendance_weeks w USING removed r
    WHERE w.days <= 0 AND w.student_id = r.student_id
      AND w.week_start = date_trunc('week', r.on_date::timestamp)::date;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO attendance_weeks AS w (student_id, week_start, days, absences, tardies)
    SELECT student_id, date_trunc('week', on_date::timestamp)::date, count(*),
           count(*) FILTER (WHERE status IN {ABSENT}), count(*) FILTER (WHERE status = {TARDY})
    FROM added GROUP BY 1, 2
    ON CONFLICT (student_id, week_start) DO UPDATE SET days = w.days + excluded.days,
      absences = w.absences + excluded.absences, tardies = w.tardies + excluded.tardies;
  END IF;
  RETURN NULL;
END $$""",
    "grade_band_counts": f"""
CREATE FUNCTION grade_band_counts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE grade_band_counts c SET grades = c.grades - r.grades
    FROM (SELECT student_id, grading_period_id, kind, {_band('')} AS band, count(*) AS grades
          FROM removed GROUP BY 1, 2, 3, 4) r
    WHERE c.student_id = r.student_id AND c.grading_period_id = r.grading_period_id
      AND c.kind = r.kind AND c.band = r.band;
    DELETE FROM grade_band_counts c USING removed r
    WHERE c.grades <= 0 AND c.student_id = r.student_id
      AND c.grading_period_id = r.grading_period_id AND c.kind = r.kind;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO grade_band_counts AS c (student_id, grading_period_id, kind, band, grades)
    SELECT student_id, grading_period_id, kind, {_band('')}, count(*)
    FROM added GROUP BY 1, 2, 3, 4
    ON CONFLICT (student_id, grading_period_id, kind, band)
    DO UPDATE SET grades = c.grades + excluded.grades;
  END IF;
  RETURN NULL;
END $$""",
}
SOURCES = {"attendance_weeks": "daily_attendance", "grade_band_counts": "grades"}
PG_TRIGGERS = (("insert", "INSERT", "NEW TABLE AS added"),
               ("update", "UPDATE", "OLD TABLE AS removed NEW TABLE AS added"),
               ("delete", "DELETE", "OLD TABLE AS removed"))

# SQLite: row-level triggers doing the same for one row.
WEEK = "date({row}.on_date, '-6 days', 'weekday 1')"
SQLITE_ADD = {
    "attendance_weeks": """
INSERT INTO attendance_weeks (student_id, week_start, days, absences, tardies)
VALUES (NEW.student_id, {week}, 1, NEW.status IN {absent}, NEW.status = {tardy})
ON CONFLICT (student_id, week_start) DO UPDATE SET days = days + excluded.days,
  absences = absences + excluded.absences, tardies = tardies + excluded.tardies;""",
    "grade_band_counts": """
INSERT INTO grade_band_counts (student_id, grading_period_id, kind, band, grades)
VALUES (NEW.student_id, NEW.grading_period_id, NEW.kind, {band}, 1)
ON CONFLICT (student_id, grading_period_id, kind, band) DO UPDATE SET grades = grades + 1;""",
}
SQLITE_REMOVE = {
    "attendance_weeks": """
UPDATE attendance_weeks SET days = days - 1, absences = absences - (OLD.status IN {absent}),
  tardies = tardies - (OLD.status = {tardy})
WHERE student_id = OLD.student_id AND week_start = {week};
DELETE FROM attendance_weeks
WHERE student_id = OLD.student_id AND week_start = {week} AND days <= 0;""",
    "grade_band_counts": """
UPDATE grade_band_counts SET grades = grades - 1
WHERE student_id = OLD.student_id AND grading_period_id = OLD.grading_period_id
  AND kind = OLD.kind AND band = {band};
DELETE FROM grade_band_counts
WHERE student_id = OLD.student_id AND grading_period_id = OLD.grading_period_id
  AND kind = OLD.kind AND grades <= 0;""",
}

BACKFILL = {
    "attendance_weeks": """
INSERT INTO attendance_weeks (student_id, week_start, days, absences, tardies)
SELECT student_id, {week}, count(*), sum(CASE WHEN status IN {absent} THEN 1 ELSE 0 END),
       sum(CASE WHEN status = {tardy} THEN 1 ELSE 0 END)
FROM daily_attendance GROUP BY 1, 2""",
    "grade_band_counts": """
INSERT INTO grade_band_counts (student_id, grading_period_id, kind, band, grades)
SELECT student_id, grading_period_id, kind, {band}, count(*) FROM grades GROUP BY 1, 2, 3, 4""",
}


def _sqlite_sql(template: str, row: str) -> str:
    return template.format(week=WEEK.format(row=row), absent=ABSENT, tardy=TARDY,
                           band=_band(f"{row}."))


def upgrade():
    op.create_table(
        'attendance_weeks',
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('week_start', sa.Date(), nullable=False),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.Column('absences', sa.Integer(), nullable=False),
        sa.Column('tardies', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['student_id'], ['students.id'], ),
        sa.PrimaryKeyConstraint('student_id', 'week_start'),
    )
    op.create_table(
        'grade_band_counts',
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('grading_period_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('band', sa.Integer(), nullable=False),
        sa.Column('grades', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['grading_period_id'], ['grading_periods.id'], ),
        sa.ForeignKeyConstraint(['student_id'], ['students.id'], ),
        sa.PrimaryKeyConstraint('student_id', 'grading_period_id', 'kind', 'band'),
    )
    # Cover the pages' sums, so they read only the school's students' entries (index-only).
    op.create_index('ix_attendance_weeks_totals', 'attendance_weeks',
                    ['student_id', 'week_start', 'days', 'absences'])
    op.create_index('ix_grade_band_counts_totals', 'grade_band_counts',
                    ['student_id', 'grading_period_id', 'kind', 'band', 'grades'])
    postgres = op.get_bind().dialect.name == "postgresql"
    for summary, source in SOURCES.items():
        if postgres:
            op.execute(PG_FUNCTIONS[summary])
            for name, operation, referencing in PG_TRIGGERS:
                op.execute(f"CREATE TRIGGER {summary}_{name} AFTER {operation} ON {source} "
                           f"REFERENCING {referencing} FOR EACH STATEMENT "
                           f"EXECUTE FUNCTION {summary}_sync()")
            week = "date_trunc('week', on_date::timestamp)::date"
        else:
            add, remove = (_sqlite_sql(SQLITE_ADD[summary], "NEW"),
                           _sqlite_sql(SQLITE_REMOVE[summary], "OLD"))
            for name, operation, body in (("insert", "INSERT", add),
                                          ("update", "UPDATE", remove + add),
                                          ("delete", "DELETE", remove)):
                op.execute(f"CREATE TRIGGER {summary}_{name} AFTER {operation} ON {source} "
                           f"FOR EACH ROW BEGIN {body} END")
            week = WEEK.format(row="daily_attendance")
        op.execute(BACKFILL[summary].format(week=week, absent=ABSENT, tardy=TARDY,
                                            band=_band("")))


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for summary, source in SOURCES.items():
        for name, _, _ in PG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {summary}_{name}"
                       + (f" ON {source}" if postgres else ""))
        if postgres:
            op.execute(f"DROP FUNCTION IF EXISTS {summary}_sync()")
    op.drop_table('grade_band_counts')
    op.drop_table('attendance_weeks')
