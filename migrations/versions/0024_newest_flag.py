"""newest flag: each student's newest level, score and the start of their current flag, kept
beside their newest assessment

The dashboard across a district's schools ranked its flagged students by reading every
student's newest assessment for its level and score, then found when each flag began with
two index probes per flagged student: about 140 ms of a 240 ms page at 50,000 students
(docs/performance.md). The triggers that keep `newest_assessments` now keep the newest
assessment's level and score too, and when the student's current flag began: the first
assessment after their latest "none" (or their first), as `flagged_since` worked it out at
every request; empty while the newest is "none". Whatever writes, moves or deletes
assessments, the student's row is worked out again from their assessments (a probe for the
newest, two for the flag's start).

Revision ID: 0024_newest_flag
Revises: 0023_email_written_at_sending
Create Date: 2026-12-05 23:40:00.000000

"""
import sqlalchemy as sa
from alembic import context, op

# revision identifiers, used by Alembic.
revision = "0024_newest_flag"
down_revision = "0023_email_written_at_sending"
branch_labels = None
depends_on = None

# When the flag of `{student}` (a column or a trigger's row) began: its first assessment
# after its latest "none". Only asked of a student whose newest assessment is a flag.
FLAG_BEGAN = """(SELECT began.computed_at FROM risk_assessments AS began
  WHERE began.student_id = {student}
    AND began.id > COALESCE((SELECT max(clear.id) FROM risk_assessments AS clear
                             WHERE clear.student_id = {student} AND clear.level = 'none'), 0)
  ORDER BY began.id LIMIT 1)"""
COLUMNS = "(student_id, assessment_id, level, score, flag_began)"


def _row_of(newest: str, student: str) -> str:
    """The kept row's values, from the assessment `newest` of the student `student`."""
    return (f"{student}, {newest}.id, {newest}.level, {newest}.score, "
            f"CASE WHEN {newest}.level = 'none' THEN NULL "
            f"ELSE {FLAG_BEGAN.format(student=student)} END")


# Every student an insert, a deletion or a change touched: their row worked out again.
PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION newest_assessments_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE touched integer[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    touched := ARRAY(SELECT DISTINCT student_id FROM added);
  ELSIF TG_OP = 'DELETE' THEN
    touched := ARRAY(SELECT DISTINCT student_id FROM removed);
  ELSE  -- an update matters when it moves rows (a merge) or changes what is kept
    touched := ARRAY(SELECT DISTINCT unnest(ARRAY[r.student_id, a.student_id])
                     FROM removed r JOIN added a ON a.id = r.id
                     WHERE (a.student_id, a.level, a.score, a.computed_at)
                           IS DISTINCT FROM (r.student_id, r.level, r.score, r.computed_at));
  END IF;
  IF cardinality(touched) = 0 THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN  -- a student may have no assessment left
    DELETE FROM newest_assessments WHERE student_id = ANY (touched);
  END IF;
  INSERT INTO newest_assessments AS n {COLUMNS}
  SELECT {_row_of("newest", "s.student_id")}
  FROM unnest(touched) AS s(student_id)
  CROSS JOIN LATERAL (SELECT id, level, score FROM risk_assessments
                      WHERE student_id = s.student_id ORDER BY id DESC LIMIT 1) AS newest
  ON CONFLICT (student_id) DO UPDATE SET assessment_id = excluded.assessment_id,
    level = excluded.level, score = excluded.score, flag_began = excluded.flag_began;
  RETURN NULL;
END $$"""
PG_TRIGGERS = (("insert", "INSERT", "NEW TABLE AS added"),
               ("update", "UPDATE", "OLD TABLE AS removed NEW TABLE AS added"),
               ("delete", "DELETE", "OLD TABLE AS removed"))

SQLITE_AGAIN = f"""
DELETE FROM newest_assessments WHERE student_id = {{row}}.student_id;
INSERT INTO newest_assessments {COLUMNS}
SELECT {_row_of("newest", "newest.student_id")} FROM risk_assessments AS newest
WHERE newest.student_id = {{row}}.student_id ORDER BY newest.id DESC LIMIT 1;"""
SQLITE_TRIGGERS = (
    ("insert", "INSERT", SQLITE_AGAIN.format(row="NEW")),
    ("update", "UPDATE OF student_id, level, score, computed_at",
     SQLITE_AGAIN.format(row="OLD") + SQLITE_AGAIN.format(row="NEW")),
    ("delete", "DELETE", SQLITE_AGAIN.format(row="OLD")),
)

def _as_before():
    """Migration 0021's module: the downgrade puts its function and triggers back as they
    were, read from it rather than copied here."""
    return context.script.get_revision("0021_newest_assessment").module


def _drop_sqlite_triggers() -> None:
    for name, _, _ in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS newest_assessments_{name}")


def _create_sqlite_triggers(triggers) -> None:
    for name, operation, body in triggers:
        op.execute(f"CREATE TRIGGER newest_assessments_{name} AFTER {operation} "
                   f"ON risk_assessments FOR EACH ROW BEGIN {body} END")


def upgrade():
    with op.batch_alter_table("newest_assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("level", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("score", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("flag_began", sa.DateTime(), nullable=True))
    op.execute("UPDATE newest_assessments SET "
               "level = (SELECT level FROM risk_assessments WHERE id = assessment_id), "
               "score = (SELECT score FROM risk_assessments WHERE id = assessment_id)")
    op.execute("UPDATE newest_assessments SET flag_began = "
               f"{FLAG_BEGAN.format(student='newest_assessments.student_id')} "
               "WHERE level <> 'none'")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)  # the triggers of 0021 call it by name
    else:
        _drop_sqlite_triggers()
        _create_sqlite_triggers(SQLITE_TRIGGERS)


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    before = _as_before()
    if postgres:
        op.execute(before.PG_FUNCTION.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
    else:  # SQLite copies the table to drop its columns: its triggers may not name them then
        _drop_sqlite_triggers()
    with op.batch_alter_table("newest_assessments", schema=None) as batch_op:
        batch_op.drop_column("flag_began")
        batch_op.drop_column("score")
        batch_op.drop_column("level")
    if not postgres:
        _create_sqlite_triggers(before.SQLITE_TRIGGERS)
