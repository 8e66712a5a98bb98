"""Gradebook indicators of the current term: missing and late work, score trend, vs the class.

Grouped queries over the indicators' scope of students (portal/risk/indicators.py), one
aggregated row per student (or per student and day, or per section).
Work "due" is work graded or marked missing (excused work counts nowhere); missing work is
not a zero in any average. The trend is over the latest TREND_PIECES days with marks.
"""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import (
    Boolean,
    Date,
    Integer,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    select,
    true,
    union_all,
)

from portal.extensions import db
from portal.outcomes.models import Grade, WorkMark, WorkStatus
from portal.outcomes.queries import GRADE_PERCENT
from portal.people.models import Course, GradingPeriod, Section
from portal.risk.scoring import slope

TREND_PIECES = 8
MANY_SECTIONS = 500  # more classes than this: their averages come from one pass, not a list
RECENT_DAYS = 28


class Gradebook:
    """The term's marks of a scope's students, folded three ways (gradebook_figures):

    - `periods`: student -> period start -> the settled percent of each course that period
      (the period grade when given, else the assessments' average once there are enough);
    - `newest`: student -> course -> (period start, is core, percent): its newest settled one;
    - `classes`: (student, section, average assessment percent, assessments handed in);
    - `days`: student -> [(day, average assessment percent)] of their latest TREND_PIECES
      days with marks.
    """

    def __init__(self):
        self.periods = defaultdict(lambda: defaultdict(list))
        self.newest = defaultdict(dict)
        self.classes = []
        self.days = defaultdict(list)


def gradebook_figures(scope, today: date, min_assessments: int) -> Gradebook:
    """Fold the term's marks of the scope's students in one statement (one pass over the
    grades), each row as it arrives: a district's 1.8 million are never a list in memory."""
    marks = (select(Grade.student_id, Grade.section_id, Section.course_id, Course.is_core,
                    GradingPeriod.starts_on.label("period_start"), Grade.kind, Grade.recorded_on,
                    GRADE_PERCENT.label("percent"))
             .join(scope, scope.c.student_id == Grade.student_id)
             .join(GradingPeriod, and_(GradingPeriod.id == Grade.grading_period_id,
                                       GradingPeriod.term_id == scope.c.term_id))
             .join(Section, Section.id == Grade.section_id)
             .join(Course, Course.id == Section.course_id)
             .where(Grade.recorded_on <= today)).cte("term_marks")
    period_grade = marks.c.kind == "period"
    assessment = marks.c.kind == "assessment"
    settled = func.coalesce(
        func.avg(case((period_grade, marks.c.percent))),
        case((func.count(case((~period_grade, 1))) >= min_assessments,
              func.avg(case((~period_grade, marks.c.percent))))))
    no_day, no_key, no_flag, no_count = (cast(null(), Date), cast(null(), Integer),
                                         cast(null(), Boolean), cast(null(), Integer))
    courses = (select(literal("course"), marks.c.student_id, marks.c.period_start,
                      marks.c.course_id, marks.c.is_core, settled, no_count)
               .where(marks.c.period_start <= today)
               .group_by(marks.c.student_id, marks.c.period_start, marks.c.course_id,
                         marks.c.is_core))
    classes = (select(literal("class"), marks.c.student_id, no_day, marks.c.section_id, no_flag,
                      func.avg(marks.c.percent), func.count())
               .where(assessment).group_by(marks.c.student_id, marks.c.section_id))
    # Each mark ranked by its day, newest day 1, before grouping: the database stops at the
    # TREND_PIECES-th day of each student and groups only those (not every day of the term).
    newest_first = func.dense_rank().over(partition_by=marks.c.student_id,
                                          order_by=marks.c.recorded_on.desc())
    ranked = (select(marks.c.student_id, marks.c.recorded_on, marks.c.percent,
                     newest_first.label("newest_first")).where(assessment).subquery())
    latest_days = (select(literal("day"), ranked.c.student_id, ranked.c.recorded_on, no_key,
                          no_flag, func.avg(ranked.c.percent), no_count)
                   .where(ranked.c.newest_first <= TREND_PIECES)
                   .group_by(ranked.c.student_id, ranked.c.recorded_on))
    folded = Gradebook()
    periods, newest, days = folded.periods, folded.newest, folded.days
    for part, student_id, day, key, is_core, percent, count in stream_query(
            union_all(courses, classes, latest_days)):
        if part == "course":
            if percent is not None:
                percent = float(percent)
                periods[student_id][day].append(percent)
                course = newest[student_id].get(key)
                if course is None or course[0] < day:
                    newest[student_id][key] = (day, is_core, percent)
        elif part == "class":
            folded.classes.append((student_id, key, float(percent), count))
        else:
            days[student_id].append((day, float(percent)))
    return folded


def add_work_indicators(found: dict, scope, today: date, student_ids: list[int],
                        figures: Gradebook) -> None:
    """Add missing_work_*, late_work_share, score_trend and score_vs_class to found.

    `scope` is the indicators' subquery of students with their school's current term;
    `student_ids` are its students whose school has one; `figures` their gradebook_figures.
    """
    mine = figures.classes
    handed = defaultdict(int)
    for student_id, _, _, count in mine:
        handed[student_id] += count
    marks = defaultdict(dict)
    recent = case((WorkMark.due_on > today - timedelta(days=RECENT_DAYS), 1), else_=0)
    for student_id, status, count, lately in run_query(
            select(WorkMark.student_id, WorkMark.status, func.count(), func.sum(recent))
            .join(scope, scope.c.student_id == WorkMark.student_id)
            .join(GradingPeriod, and_(GradingPeriod.id == WorkMark.grading_period_id,
                                      GradingPeriod.term_id == scope.c.term_id))
            .where(WorkMark.due_on <= today)
            .group_by(WorkMark.student_id, WorkMark.status)):
        marks[student_id][status] = count
        marks[student_id][f"recent {status}"] = int(lately or 0)
    for student_id in student_ids:
        handed_in = handed.get(student_id, 0)
        missing = marks[student_id].get(WorkStatus.MISSING, 0)
        late = marks[student_id].get(WorkStatus.LATE, 0)
        due = handed_in + missing
        found[student_id].update({
            "missing_work_count": missing,
            "missing_work_recent": marks[student_id].get(f"recent {WorkStatus.MISSING}", 0),
            "missing_work_share": round(100.0 * missing / due, 1) if due else None,
            "late_work_share": round(min(100.0 * late / handed_in, 100.0), 1)
            if handed_in else None,
        })
    _score_trend(found, figures.days)
    _score_vs_class(found, scope, mine, today)


def run_query(statement) -> list:
    """Run a query on the session's connection and fetch all its rows at once (plain rows:
    no ORM bookkeeping, no round of the driver per row)."""
    return db.session.connection().execute(statement).all()


def stream_query(statement):
    """Yield a query's rows one at a time, never building the list of them (a district's
    gradebook is 1.8 million rows: 370 MB of Python objects held at once)."""
    with db.session.connection().execute(statement) as rows:
        yield from rows


def _score_trend(found: dict, latest_days: dict[int, list]) -> None:
    """The slope of each student's latest TREND_PIECES days' average scores."""
    for student_id, days_marked in latest_days.items():
        latest = [percent for _, percent in sorted(days_marked)]
        found[student_id]["score_trend"] = slope(list(enumerate(latest)))


def _score_vs_class(found: dict, scope, mine: list, today: date) -> None:
    """Each student's average gap to the class average, over the sections they have marks in."""
    sections = {section_id for _, section_id, _, _ in mine}
    if len(sections) <= MANY_SECTIONS:
        which = Grade.section_id.in_(sections)
    else:  # a whole school or district: every class of the scope's terms, in one pass
        which = true()
    class_means = dict(run_query(
        select(Grade.section_id, func.avg(GRADE_PERCENT))
        .join(GradingPeriod, GradingPeriod.id == Grade.grading_period_id)
        .where(Grade.kind == "assessment", Grade.recorded_on <= today,
               GradingPeriod.term_id.in_(select(scope.c.term_id).distinct()), which)
        .group_by(Grade.section_id)))
    gaps = defaultdict(list)
    for student_id, section_id, average, _ in mine:
        gaps[student_id].append(average - float(class_means[section_id]))
    for student_id, values in gaps.items():
        found[student_id]["score_vs_class"] = round(sum(values) / len(values), 1)
