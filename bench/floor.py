"""The risk recompute's floors: raw SQL over the same rows, with no portal code in between.

- The full floor is one statement computing every indicator the engine scores, one row a
  student (attendance this term, recently and its weekly trend; each course's settled
  percent, the grade average, its change and failing subjects; earlier terms' failed
  courses; missing and late work; the trend of scores and the gap to the class; behaviour).
  tests/test_bench_floor.py checks it gives the engine's own figures.
- The narrow floor is the statement the benchmark first measured against (its `floor`):
  attendance this term and recently, and each course's average, only.
"""

from datetime import date, datetime, time, timedelta

from sqlalchemy import text

from portal.outcomes.models import AttendanceStatus, WorkStatus
from portal.people.queries import NO_TERM_LOOKBACK
from portal.risk.indicators import (
    MAJOR,
    MIN_ASSESSMENTS,
    RECENT_DAYS,
    TREND_MIN_DAYS,
    TREND_MIN_WEEKS,
    TREND_WEEKS,
    district_pass_settings,
)
from portal.risk.work_indicators import TREND_PIECES

# A least-squares line of points (x, y) grouped by student: its slope, and whether the slope
# is more than noise (|slope| >= 2 standard errors, squared to need no square root).
_LINE = """
  SELECT student_id, count(*) AS n,
         (count(*) * sum(x * y) - sum(x) * sum(y))
           / nullif(1.0 * count(*) * sum(x * x) - 1.0 * sum(x) * sum(x), 0) AS slope,
         sum(x * x) - 1.0 * sum(x) * sum(x) / count(*) AS sxx,
         sum(y * y) - sum(y) * sum(y) / count(*) AS syy,
         sum(x * y) - sum(x) * sum(y) / count(*) AS sxy
  FROM {points} GROUP BY student_id"""

_WEEK = ("SELECT student_id, -{n} AS x, round(CAST(100.0 * (w{n} - a{n}) / w{n} AS NUMERIC), 1)"
         " AS y FROM attendance_figures WHERE w{n} >= :min_days")

FULL_SQL = f"""
WITH term AS NOT MATERIALIZED (
  SELECT t.school_id, t.id AS term_id, t.starts_on FROM academic_terms t
  WHERE t.starts_on <= :today AND NOT EXISTS (
    SELECT 1 FROM academic_terms u WHERE u.school_id = t.school_id AND u.starts_on <= :today
      AND (u.starts_on > t.starts_on OR (u.starts_on = t.starts_on AND u.id > t.id)))),
scope AS (
  SELECT s.id AS student_id, term.term_id, coalesce(term.starts_on, :year_ago) AS term_start,
         sc.pass_mark_percent AS pass_mark
  FROM students s JOIN schools sc ON sc.id = s.school_id
  LEFT JOIN term ON term.school_id = s.school_id WHERE s.is_active),
attendance_figures AS (
  SELECT a.student_id,
    sum(CASE WHEN a.on_date >= sc.term_start THEN 1 ELSE 0 END) AS days,
    sum(CASE WHEN a.on_date >= sc.term_start AND a.status IN :absent THEN 1 ELSE 0 END)
      AS absences,
    sum(CASE WHEN a.on_date >= sc.term_start AND a.on_date > :recent THEN 1 ELSE 0 END)
      AS recent_days,
    sum(CASE WHEN a.on_date >= sc.term_start AND a.on_date > :recent
             AND a.status IN :absent THEN 1 ELSE 0 END) AS recent_absences,
    {", ".join(
        f"sum(CASE WHEN a.on_date > :week{n + 1} AND a.on_date <= :week{n} THEN 1 ELSE 0 END)"
        f" AS w{n}, sum(CASE WHEN a.on_date > :week{n + 1} AND a.on_date <= :week{n}"
        f" AND a.status IN :absent THEN 1 ELSE 0 END) AS a{n}" for n in range(TREND_WEEKS))}
  FROM daily_attendance a JOIN (  -- the scope again, joined in full for a parallel scan
    SELECT s.id AS student_id, coalesce(term.starts_on, :year_ago) AS term_start
    FROM students s LEFT JOIN term ON term.school_id = s.school_id WHERE s.is_active) sc
    ON sc.student_id = a.student_id
  WHERE a.on_date <= :today AND (a.on_date >= sc.term_start OR a.on_date > :week{TREND_WEEKS})
  GROUP BY a.student_id),
weeks AS ({" UNION ALL ".join(_WEEK.format(n=n) for n in range(TREND_WEEKS))}),
attendance_line AS ({_LINE.format(points="weeks")}),
cells AS (
  SELECT student_id, section_id, grading_period_id, kind, count(*) AS marks,
         sum(100.0 * score / nullif(max_score, 0)) AS total,
         count(100.0 * score / nullif(max_score, 0)) AS scored
  FROM grades WHERE recorded_on <= :today
  GROUP BY student_id, section_id, grading_period_id, kind),
settled AS (
  SELECT c.student_id, gp.starts_on AS period_start, se.course_id, co.is_core, sc.pass_mark,
    coalesce(
      sum(CASE WHEN c.kind = 'period' THEN c.total END)
        / nullif(sum(CASE WHEN c.kind = 'period' THEN c.scored END), 0),
      CASE WHEN sum(CASE WHEN c.kind <> 'period' THEN c.marks ELSE 0 END) >= :min_assessments
           THEN sum(CASE WHEN c.kind <> 'period' THEN c.total END)
                / nullif(sum(CASE WHEN c.kind <> 'period' THEN c.scored END), 0) END) AS percent
  FROM cells c JOIN scope sc ON sc.student_id = c.student_id
  JOIN grading_periods gp ON gp.id = c.grading_period_id AND gp.term_id = sc.term_id
  JOIN sections se ON se.id = c.section_id JOIN courses co ON co.id = se.course_id
  WHERE gp.starts_on <= :today
  GROUP BY c.student_id, gp.starts_on, se.course_id, co.is_core, sc.pass_mark),
newest AS (
  SELECT student_id, is_core, pass_mark, percent, row_number() OVER (
    PARTITION BY student_id, course_id ORDER BY period_start DESC) AS newest_first
  FROM settled WHERE percent IS NOT NULL),
course_figures AS (
  SELECT student_id, avg(percent) AS grade_average,
    sum(CASE WHEN percent < pass_mark THEN 1 ELSE 0 END) AS failing,
    sum(CASE WHEN is_core AND percent < pass_mark THEN 1 ELSE 0 END) AS failing_core
  FROM newest WHERE newest_first = 1 GROUP BY student_id),
period_means AS (
  SELECT student_id, avg(percent) AS mean, row_number() OVER (
    PARTITION BY student_id ORDER BY period_start DESC) AS newest_first
  FROM settled WHERE percent IS NOT NULL GROUP BY student_id, period_start),
change AS (
  SELECT student_id, sum(CASE WHEN newest_first = 1 THEN mean ELSE -mean END) AS grade_change
  FROM period_means WHERE newest_first <= 2 GROUP BY student_id HAVING count(*) = 2),
past_failures AS (
  SELECT student_id, count(*) AS failures FROM (
    SELECT c.student_id, sc.pass_mark, sum(c.total) / nullif(sum(c.scored), 0) AS average
    FROM cells c JOIN scope sc ON sc.student_id = c.student_id
    JOIN sections se ON se.id = c.section_id JOIN academic_terms t ON t.id = se.term_id
    WHERE sc.term_id IS NOT NULL AND t.starts_on < sc.term_start
    GROUP BY c.student_id, sc.pass_mark, se.course_id, se.term_id) per_course
  WHERE average < pass_mark GROUP BY student_id),
classes AS (
  SELECT c.student_id, c.section_id, gp.term_id, sum(c.marks) AS handed_in,
    sum(c.total) / nullif(sum(c.scored), 0) AS average,
    sum(sum(c.total)) OVER (PARTITION BY c.section_id)
      / nullif(sum(sum(c.scored)) OVER (PARTITION BY c.section_id), 0) AS class_mean
  FROM cells c JOIN grading_periods gp ON gp.id = c.grading_period_id
  JOIN term ON term.term_id = gp.term_id
  WHERE c.kind = 'assessment' GROUP BY c.student_id, c.section_id, gp.term_id),
versus AS (
  SELECT c.student_id, avg(c.average - c.class_mean) AS score_vs_class,
         sum(c.handed_in) AS handed_in
  FROM classes c JOIN scope sc ON sc.student_id = c.student_id AND sc.term_id = c.term_id
  GROUP BY c.student_id),
days AS (
  SELECT g.student_id, avg(100.0 * g.score / nullif(g.max_score, 0)) AS y,
         -row_number() OVER (PARTITION BY g.student_id ORDER BY g.recorded_on DESC) AS x
  FROM grades g JOIN scope sc ON sc.student_id = g.student_id
  JOIN grading_periods gp ON gp.id = g.grading_period_id AND gp.term_id = sc.term_id
  WHERE g.kind = 'assessment' AND g.recorded_on <= :today GROUP BY g.student_id, g.recorded_on),
score_line AS ({_LINE.format(points=f"(SELECT * FROM days WHERE x >= -{TREND_PIECES}) latest")}),
work_figures AS (
  SELECT w.student_id,
    sum(CASE WHEN w.status = :missing THEN 1 ELSE 0 END) AS missing,
    sum(CASE WHEN w.status = :missing AND w.due_on > :recent THEN 1 ELSE 0 END) AS recent,
    sum(CASE WHEN w.status = :late THEN 1 ELSE 0 END) AS late
  FROM work_marks w JOIN scope sc ON sc.student_id = w.student_id
  JOIN grading_periods gp ON gp.id = w.grading_period_id AND gp.term_id = sc.term_id
  WHERE w.due_on <= :today GROUP BY w.student_id),
behaviour_figures AS (
  SELECT b.student_id, count(*) AS incidents,
    sum(CASE WHEN b.severity >= :major OR lower(b.category) LIKE '%suspen%'
             OR lower(b.action_taken) LIKE '%suspen%' THEN 1 ELSE 0 END) AS serious
  FROM behaviour_incidents b JOIN scope sc ON sc.student_id = b.student_id
  WHERE NOT b.is_positive AND b.occurred_at >= sc.term_start AND b.occurred_at < :tomorrow
  GROUP BY b.student_id)
SELECT sc.student_id,
  CASE WHEN a.days > 0 THEN a.days END AS attendance_days,
  CASE WHEN a.days > 0 THEN 100.0 * (a.days - a.absences) / a.days END
    AS attendance_rate_term,
  CASE WHEN a.days > 0 THEN a.recent_days END AS attendance_days_recent,
  CASE WHEN a.recent_days > 0 THEN 100.0 * (a.recent_days - a.recent_absences) / a.recent_days
  END AS attendance_rate_recent,
  CASE WHEN al.n >= :min_weeks AND al.sxx > 0 THEN
    CASE WHEN al.slope <> 0 AND al.slope * al.slope * al.sxx * (al.n - 2)
                                >= 4 * (al.syy - al.slope * al.sxy) THEN al.slope ELSE 0 END
  END AS attendance_trend,
  c.grade_average, ch.grade_change, c.failing AS failing_subjects,
  c.failing_core AS failing_core_subjects,
  CASE WHEN sc.term_id IS NOT NULL THEN coalesce(p.failures, 0) END AS past_course_failures,
  CASE WHEN sc.term_id IS NOT NULL THEN coalesce(wk.missing, 0) END AS missing_work_count,
  CASE WHEN sc.term_id IS NOT NULL THEN coalesce(wk.recent, 0) END AS missing_work_recent,
  CASE WHEN coalesce(v.handed_in, 0) + coalesce(wk.missing, 0) > 0
       THEN 100.0 * coalesce(wk.missing, 0) / (coalesce(v.handed_in, 0) + coalesce(wk.missing, 0))
  END AS missing_work_share,
  CASE WHEN v.handed_in > 0 THEN
    CASE WHEN coalesce(wk.late, 0) > v.handed_in THEN 100.0
         ELSE 100.0 * coalesce(wk.late, 0) / v.handed_in END
  END AS late_work_share,
  CASE WHEN sl.n >= 3 AND sl.sxx > 0 THEN sl.slope END AS score_trend,
  v.score_vs_class,
  coalesce(b.incidents, 0) AS behaviour_incidents_term,
  coalesce(b.serious, 0) AS serious_incidents
FROM scope sc
LEFT JOIN attendance_figures a ON a.student_id = sc.student_id
LEFT JOIN attendance_line al ON al.student_id = sc.student_id
LEFT JOIN course_figures c ON c.student_id = sc.student_id
LEFT JOIN change ch ON ch.student_id = sc.student_id
LEFT JOIN past_failures p ON p.student_id = sc.student_id
LEFT JOIN versus v ON v.student_id = sc.student_id
LEFT JOIN score_line sl ON sl.student_id = sc.student_id
LEFT JOIN work_figures wk ON wk.student_id = sc.student_id
LEFT JOIN behaviour_figures b ON b.student_id = sc.student_id
"""

NARROW_SQL = """
WITH attendance AS (
  SELECT student_id, count(*) AS days,
         sum(CASE WHEN status IN :absent THEN 1 ELSE 0 END) AS absences,
         sum(CASE WHEN on_date > :recent THEN 1 ELSE 0 END) AS recent_days,
         sum(CASE WHEN on_date > :recent AND status IN :absent THEN 1 ELSE 0 END)
           AS recent_absences
  FROM daily_attendance WHERE on_date BETWEEN :term_start AND :today GROUP BY student_id),
courses AS (
  SELECT student_id, grading_period_id, section_id,
         avg(100.0 * score / nullif(max_score, 0)) AS percent
  FROM grades GROUP BY student_id, grading_period_id, section_id),
grade_averages AS (
  SELECT student_id, avg(percent) AS average,
         sum(CASE WHEN percent < 60 THEN 1 ELSE 0 END) AS failing
  FROM courses GROUP BY student_id)
SELECT s.id, a.days, a.absences, a.recent_days, a.recent_absences, g.average, g.failing
FROM students s LEFT JOIN attendance a ON a.student_id = s.id
LEFT JOIN grade_averages g ON g.student_id = s.id WHERE s.is_active
"""


def _absent(sql: str) -> str:
    """Write the absent statuses into the statement (an IN list of constants)."""
    return sql.replace(":absent", "(" + ", ".join(f"'{s}'" for s in AttendanceStatus.ABSENT) + ")")


def full_floor(connection, today: date) -> list:
    """Every active student's indicators as of `today`, from the one raw statement."""
    district_pass_settings(connection)  # as the recompute's
    weeks = {f"week{n}": today - timedelta(days=7 * n) for n in range(TREND_WEEKS + 1)}
    parameters = {
        "today": today, "year_ago": today - NO_TERM_LOOKBACK,
        "recent": today - timedelta(days=RECENT_DAYS), **weeks,
        "tomorrow": datetime.combine(today + timedelta(days=1), time.min),
        "min_days": TREND_MIN_DAYS, "min_weeks": TREND_MIN_WEEKS,
        "min_assessments": MIN_ASSESSMENTS, "major": MAJOR,
        "missing": WorkStatus.MISSING, "late": WorkStatus.LATE}
    return connection.execute(text(_absent(FULL_SQL)), parameters).mappings().all()


def narrow_floor(connection, today: date, term_start: date) -> list:
    """Attendance this term and recently, and each course's average, per active student."""
    district_pass_settings(connection)  # as the recompute's
    return connection.execute(text(_absent(NARROW_SQL)), {
        "recent": today - timedelta(days=RECENT_DAYS), "term_start": term_start,
        "today": today}).all()
