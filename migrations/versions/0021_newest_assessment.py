"""newest assessment: each student's newest risk assessment, kept by triggers, and backfilled

The pages that rank or count flagged students (dashboard, student list, reach report,
risk flags) found each student's newest assessment by an index probe per student at every
request: across a district of 50,000 students, a third of a second a page, twice on the
dashboard (docs/performance.md). The newest (the highest id, as before) is now kept as
assessments are written, moved (a merge of two records) or deleted: statement-level
triggers with transition tables on PostgreSQL, row-level on SQLite.

Revision ID: 0021_newest_assessment
Revises: 0020_flag_seen
Create Date: 2026-12-04 17:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021_newest_assessment"
down_revision = "0020_flag_seen"
branch_labels = None
depends_on = None

# Inserted: the newer wins. Every student a deletion or a move touched: their newest
# found again from their rows.
PG_FUNCTION = """
CREATE FUNCTION newest_assessments_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE touched integer[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO newest_assessments AS n (student_id, assessment_id)
    SELECT student_id, max(id) FROM added GROUP BY student_id
    ON CONFLICT (student_id) DO UPDATE SET assessment_id = excluded.assessment_id
    WHERE n.assessment_id < excluded.assessment_id;
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
    touched := ARRAY(SELECT DISTINCT student_id FROM removed);
  ELSE  -- an update moves rows only when it changes their student (a merge)
    touched := ARRAY(SELECT unnest(ARRAY[r.student_id, a.student_id])
                     FROM removed r JOIN added a ON a.id = r.id
                     WHERE a.student_id <> r.student_id);
  END IF;
  IF cardinality(touched) > 0 THEN
    DELETE FROM newest_assessments WHERE student_id = ANY (touched);
    INSERT INTO newest_assessments (student_id, assessment_id)
    SELECT student_id, max(id) FROM risk_assessments WHERE student_id = ANY (touched)
    GROUP BY student_id;
  END IF;
  RETURN NULL;
END $$"""
PG_TRIGGERS = (("insert", "INSERT", "NEW TABLE AS added"),
               ("update", "UPDATE", "OLD TABLE AS removed NEW TABLE AS added"),
               ("delete", "DELETE", "OLD TABLE AS removed"))

SQLITE_AGAIN = """
DELETE FROM newest_assessments WHERE student_id = {row}.student_id;
INSERT INTO newest_assessments (student_id, assessment_id)
SELECT student_id, max(id) FROM risk_assessments WHERE student_id = {row}.student_id
GROUP BY student_id;"""
SQLITE_TRIGGERS = (
    ("insert", "INSERT", """
INSERT INTO newest_assessments (student_id, assessment_id) VALUES (NEW.student_id, NEW.id)
ON CONFLICT (student_id) DO UPDATE SET assessment_id = excluded.assessment_id
WHERE excluded.assessment_id > assessment_id;"""),
    ("update", "UPDATE OF student_id",
     SQLITE_AGAIN.format(row="OLD") + SQLITE_AGAIN.format(row="NEW")),
    ("delete", "DELETE", SQLITE_AGAIN.format(row="OLD")),
)


def upgrade():
    op.create_table(
        'newest_assessments',
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['assessment_id'], ['risk_assessments.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['student_id'], ['students.id'], ),
        sa.PrimaryKeyConstraint('student_id'),
    )
    op.create_index('ix_newest_assessments_assessment_id', 'newest_assessments',
                    ['assessment_id'], unique=True)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for name, operation, referencing in PG_TRIGGERS:
            op.execute(f"CREATE TRIGGER newest_assessments_{name} AFTER {operation} "
                       f"ON risk_assessments REFERENCING {referencing} FOR EACH STATEMENT "
                       f"EXECUTE FUNCTION newest_assessments_sync()")
    else:
        for name, operation, body in SQLITE_TRIGGERS:
            op.execute(f"CREATE TRIGGER newest_assessments_{name} AFTER {operation} "
                       f"ON risk_assessments FOR EACH ROW BEGIN {body} END")
    op.execute("INSERT INTO newest_assessments (student_id, assessment_id) "
               "SELECT student_id, max(id) FROM risk_assessments GROUP BY student_id")


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, _, _ in PG_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS newest_assessments_{name}"
                   + (" ON risk_assessments" if postgres else ""))
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS newest_assessments_sync()")
    op.drop_table('newest_assessments')
