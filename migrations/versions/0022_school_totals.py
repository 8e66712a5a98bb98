"""school totals: weekly attendance and grade bands per school and grade level, kept by
triggers, and backfilled

A dashboard of whole schools (an administrator's, a counsellor's grade levels) added up
every student's weekly totals: across a district of 50,000 students, 900,000 weeks and
1.2 million band counts a request (docs/performance.md). These keep the same sums per
school, grade level and week (or period, kind and band). Triggers on the per-student
totals (themselves kept by triggers on the daily rows and grades, 0017_pages) add and
subtract them in the same statement, and a student who changes school or grade level
takes their totals along.

Revision ID: 0022_school_totals
Revises: 0021_newest_assessment
Create Date: 2026-12-04 19:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022_school_totals"
down_revision = "0021_newest_assessment"
branch_labels = None
depends_on = None


# Each summary: its per-student source, the source's other key columns, its totals (the
# first one is zero exactly when nothing is left).
SUMMARIES = {
    "school_attendance_weeks": ("attendance_weeks", ("week_start",),
                                ("days", "absences", "tardies")),
    "school_grade_band_counts": ("grade_band_counts", ("grading_period_id", "kind", "band"),
                                 ("grades",)),
}


def _key(keys: tuple) -> tuple:
    return ("school_id", "grade_level", *keys)


def _grouped(source_rows: str, keys: tuple, totals: tuple, students: str = "students",
             place: tuple = ("school_id", "grade_level")) -> str:
    """SQL: the rows' totals per school, grade level and key, by their student's place."""
    sums = ", ".join(f"sum(r.{total}) AS {total}" for total in totals)
    key = ", ".join(f"r.{column}" for column in keys)
    school, grade = place
    return (f"SELECT s.{school} AS school_id, s.{grade} AS grade_level, "
            f"{key}, {sums} FROM {source_rows} r JOIN {students} s ON s.id = r.student_id "
            f"GROUP BY 1, 2, {', '.join(str(n + 3) for n in range(len(keys)))}")


def _subtract(table: str, grouped: str, keys: tuple, totals: tuple) -> str:
    """SQL: take the grouped rows off the table's totals, then drop totals left at zero."""
    changes = ", ".join(f"{total} = t.{total} - r.{total}" for total in totals)
    match = " AND ".join(f"t.{column} = r.{column}" for column in _key(keys))
    return (f"UPDATE {table} t SET {changes} FROM ({grouped}) r WHERE {match};\n"
            f"DELETE FROM {table} t USING ({grouped}) r WHERE {match} "
            f"AND t.{totals[0]} <= 0;")


def _add(table: str, grouped: str, keys: tuple, totals: tuple) -> str:
    """SQL: add the grouped rows to the table's totals (new keys inserted)."""
    columns = ", ".join((*_key(keys), *totals))
    changes = ", ".join(f"{total} = t.{total} + excluded.{total}" for total in totals)
    return (f"INSERT INTO {table} AS t ({columns}) {grouped} "
            f"ON CONFLICT ({', '.join(_key(keys))}) DO UPDATE SET {changes};")


# The students an update moved to another school or grade level, with both places.
PG_MOVED = ("(SELECT o.id, o.school_id AS old_school, o.grade_level AS old_grade, "
            "n.school_id AS new_school, n.grade_level AS new_grade FROM old_students o "
            "JOIN new_students n ON n.id = o.id WHERE o.school_id <> n.school_id "
            "OR o.grade_level <> n.grade_level)")


def _pg_functions(table: str, source: str, keys: tuple, totals: tuple) -> list[str]:
    """PostgreSQL: statement-level functions for the source's changes and students' moves."""
    rows = f"(SELECT r.* FROM {source} r WHERE r.student_id IN (SELECT id FROM {PG_MOVED} m))"
    before = _grouped(rows, keys, totals, PG_MOVED, ("old_school", "old_grade"))
    after = _grouped(rows, keys, totals, PG_MOVED, ("new_school", "new_grade"))
    return [f"""
CREATE FUNCTION {table}_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    {_subtract(table, _grouped("removed", keys, totals), keys, totals)}
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    {_add(table, _grouped("added", keys, totals), keys, totals)}
  END IF;
  RETURN NULL;
END $$""", f"""
CREATE FUNCTION {table}_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS {PG_MOVED} THEN
    {_subtract(table, before, keys, totals)}
    {_add(table, after, keys, totals)}
  END IF;
  RETURN NULL;
END $$"""]


PG_TRIGGERS = (("insert", "INSERT", "NEW TABLE AS added"),
               ("update", "UPDATE", "OLD TABLE AS removed NEW TABLE AS added"),
               ("delete", "DELETE", "OLD TABLE AS removed"))


def _sqlite_bodies(table: str, source: str, keys: tuple, totals: tuple) -> dict[str, str]:
    """SQLite: row-level trigger bodies doing the same for one row, or one moved student."""
    columns = ", ".join((*_key(keys), *totals))
    upsert = (f"ON CONFLICT ({', '.join(_key(keys))}) DO UPDATE SET "
              + ", ".join(f"{total} = {total} + excluded.{total}" for total in totals) + ";\n")
    drop_empty = f"DELETE FROM {table} WHERE {totals[0]} <= 0 AND school_id = {{school}};\n"

    def change(row: str, sign: str) -> str:
        values = ", ".join((*(f"{row}.{column}" for column in keys),
                            *(f"{sign}{row}.{total}" for total in totals)))
        school = f"(SELECT school_id FROM students WHERE id = {row}.student_id)"
        return (f"INSERT INTO {table} ({columns}) SELECT s.school_id, "
                f"s.grade_level, {values} FROM students s "
                f"WHERE s.id = {row}.student_id {upsert}"
                + (drop_empty.format(school=school) if sign else ""))

    def move(row: str, sign: str) -> str:
        values = ", ".join((*(f"r.{column}" for column in keys),
                            *(f"{sign}r.{total}" for total in totals)))
        return (f"INSERT INTO {table} ({columns}) SELECT {row}.school_id, "
                f"{row}.grade_level, {values} FROM {source} r "
                f"WHERE r.student_id = {row}.id {upsert}")

    return {"insert": change("NEW", ""), "delete": change("OLD", "-"),
            "update": change("OLD", "-") + change("NEW", ""),
            "move": move("OLD", "-") + move("NEW", "") + drop_empty.format(school="OLD.school_id")}


def _create_table(table: str, keys: tuple, totals: tuple) -> None:
    types = {"week_start": sa.Date(), "grading_period_id": sa.Integer(),
             "kind": sa.String(length=20), "band": sa.Integer()}
    op.create_table(
        table,
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("grade_level", sa.Integer(), nullable=False),
        *(sa.Column(column, types[column], nullable=False) for column in keys),
        *(sa.Column(total, sa.Integer(), nullable=False) for total in totals),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], ),
        *([sa.ForeignKeyConstraint(["grading_period_id"], ["grading_periods.id"], )]
          if "grading_period_id" in keys else []),
        sa.PrimaryKeyConstraint(*_key(keys)),
    )


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, (source, keys, totals) in SUMMARIES.items():
        _create_table(table, keys, totals)
        if postgres:
            sync, move = _pg_functions(table, source, keys, totals)
            op.execute(sync)
            op.execute(move)
            for name, operation, referencing in PG_TRIGGERS:
                op.execute(f"CREATE TRIGGER {table}_{name} AFTER {operation} ON {source} "
                           f"REFERENCING {referencing} FOR EACH STATEMENT "
                           f"EXECUTE FUNCTION {table}_sync()")
            op.execute(f"CREATE TRIGGER {table}_move AFTER UPDATE ON students "
                       "REFERENCING OLD TABLE AS old_students NEW TABLE AS new_students "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_move()")
        else:
            bodies = _sqlite_bodies(table, source, keys, totals)
            for name, operation in (("insert", "INSERT"), ("update", "UPDATE"),
                                    ("delete", "DELETE")):
                op.execute(f"CREATE TRIGGER {table}_{name} AFTER {operation} ON {source} "
                           f"FOR EACH ROW BEGIN {bodies[name]} END")
            op.execute(f"CREATE TRIGGER {table}_move AFTER UPDATE OF school_id, grade_level "
                       "ON students FOR EACH ROW WHEN OLD.school_id <> NEW.school_id "
                       f"OR OLD.grade_level <> NEW.grade_level BEGIN {bodies['move']} END")
        columns = ", ".join((*_key(keys), *totals))
        op.execute(f"INSERT INTO {table} ({columns}) " + _grouped(source, keys, totals))


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, (source, _, _) in SUMMARIES.items():
        for name, _, _ in PG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_{name}"
                       + (f" ON {source}" if postgres else ""))
        op.execute(f"DROP TRIGGER IF EXISTS {table}_move" + (" ON students" if postgres else ""))
        if postgres:
            op.execute(f"DROP FUNCTION IF EXISTS {table}_sync()")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_move()")
        op.drop_table(table)
