"""Gradebook indicators of the current term: missing and late work, score trend, vs the class.

Grouped queries, one aggregated row per student (or per student and day, or per section).
Work "due" is work graded or marked missing (excused work counts nowhere); missing work is
not a zero in any average. The trend is over the latest TREND_PIECES days with marks.
"""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import case, func, select

from portal.extensions import db
from portal.outcomes.models import Grade, WorkMark, WorkStatus
from portal.people.models import AcademicTerm, GradingPeriod
from portal.risk.scoring import slope

TREND_PIECES = 8
RECENT_DAYS = 28
PERCENT = 100.0 * Grade.score / func.nullif(Grade.max_score, 0)


def add_work_indicators(found: dict, student_ids: list[int], term: AcademicTerm,
                        today: date) -> None:
    """Add missing_work_*, late_work_share, score_trend and score_vs_class to found."""
    graded = _assessments(term, today)
    handed = dict(db.session.execute(
        select(Grade.student_id, func.count()).where(*graded, Grade.student_id.in_(student_ids))
        .group_by(Grade.student_id)).all())
    marks = defaultdict(dict)
    recent = case((WorkMark.due_on > today - timedelta(days=RECENT_DAYS), 1), else_=0)
    for student_id, status, count, lately in db.session.execute(
            select(WorkMark.student_id, WorkMark.status, func.count(), func.sum(recent))
            .join(GradingPeriod, GradingPeriod.id == WorkMark.grading_period_id)
            .where(GradingPeriod.term_id == term.id, WorkMark.due_on <= today,
                   WorkMark.student_id.in_(student_ids))
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
    _score_trend(found, student_ids, graded)
    _score_vs_class(found, student_ids, graded)


def _assessments(term: AcademicTerm, today: date) -> list:
    """Return the conditions of the term's assessment marks given by today."""
    in_term = select(GradingPeriod.id).where(GradingPeriod.term_id == term.id)
    return [Grade.kind == "assessment", Grade.grading_period_id.in_(in_term),
            Grade.recorded_on <= today]


def _score_trend(found: dict, student_ids: list[int], graded: list) -> None:
    rows = db.session.execute(
        select(Grade.student_id, Grade.recorded_on, func.avg(PERCENT))
        .where(*graded, Grade.student_id.in_(student_ids))
        .group_by(Grade.student_id, Grade.recorded_on))
    by_student = defaultdict(list)
    for student_id, day, percent in rows:
        by_student[student_id].append((day, float(percent)))
    for student_id, days in by_student.items():
        latest = [percent for _, percent in sorted(days)[-TREND_PIECES:]]
        found[student_id]["score_trend"] = slope(list(enumerate(latest)))


def _score_vs_class(found: dict, student_ids: list[int], graded: list) -> None:
    mine = db.session.execute(
        select(Grade.student_id, Grade.section_id, func.avg(PERCENT))
        .where(*graded, Grade.student_id.in_(student_ids))
        .group_by(Grade.student_id, Grade.section_id)).all()
    sections = {section_id for _, section_id, _ in mine}
    class_means = dict(db.session.execute(
        select(Grade.section_id, func.avg(PERCENT))
        .where(*graded, Grade.section_id.in_(sections)).group_by(Grade.section_id)).all())
    gaps = defaultdict(list)
    for student_id, section_id, average in mine:
        gaps[student_id].append(float(average) - float(class_means[section_id]))
    for student_id, values in gaps.items():
        found[student_id]["score_vs_class"] = round(sum(values) / len(values), 1)
