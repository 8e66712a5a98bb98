"""Replay a school's year week by week with the live engine, seeing only what was known then.

The replay walks back from the newest week: before each week is assessed, the records dated
after it (attendance, grades, missing-work marks, behaviour) are deleted inside a savepoint,
so the live indicator queries see exactly what the school knew that day; the savepoint is
rolled back at the end and nothing is stored. Contacts and events are not hidden: they no
longer count towards a student's level.
"""

from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, select

from portal.extensions import db
from portal.outcomes.models import BehaviourIncident, DailyAttendance, Grade, WorkMark
from portal.people.models import (
    AcademicTerm,
    GradingPeriod,
    Guardian,
    School,
    Student,
    StudentGuardian,
)
from portal.people.queries import current_term
from portal.risk.indicators import compute_indicators
from portal.risk.lead_time import History
from portal.risk.scoring import NONE, cap_high_flags, merged_settings, score_student
from portal.risk.services import current_rule_set

BATCH = 200
FRIDAY = 4  # each replay day is a Friday: the week's records are in


def replay_days(starts_on: date, until: date, every_days: int = 7) -> list[date]:
    """Return the replay days: the first Friday of the term, then every `every_days` days."""
    day = starts_on + timedelta(days=(FRIDAY - starts_on.weekday()) % 7)
    days = []
    while day <= until:
        days.append(day)
        day += timedelta(days=every_days)
    return days


def replay_school(school: School, *, until: date, every_days: int = 7) -> History | None:
    """Replay the school's current term up to `until`; None when the school has no term."""
    term = current_term(school.id, until)
    if term is None:
        return None
    student_ids = list(db.session.scalars(select(Student.id).where(
        Student.school_id == school.id, Student.is_active.is_(True)).order_by(Student.id)))
    failing = failing_grades(school, term, until)
    flagged = {}
    savepoint = db.session.begin_nested()
    try:
        settings = merged_settings(current_rule_set(school).settings)
        for day in reversed(replay_days(term.starts_on, min(until, term.ends_on), every_days)):
            _forget_after(school, day)
            flagged[day] = _flagged_on(school, student_ids, day, settings)
    finally:
        savepoint.rollback()
    return History(flagged=flagged, failing_grades=failing, students=set(student_ids),
                   groups=_groups(school, student_ids))


def failing_grades(school: School, term: AcademicTerm, until: date) -> list[tuple[int, date]]:
    """Return (student, day) of each term grade below the school's pass mark, one per day."""
    rows = db.session.execute(
        select(Grade.student_id, Grade.recorded_on).distinct()
        .join(GradingPeriod, GradingPeriod.id == Grade.grading_period_id)
        .join(Student, Student.id == Grade.student_id)
        .where(Student.school_id == school.id, Student.is_active.is_(True),
               GradingPeriod.term_id == term.id, Grade.kind == "period",
               Grade.recorded_on <= until, Grade.max_score > 0,
               100.0 * Grade.score < school.pass_mark_percent * Grade.max_score))
    return sorted((student_id, recorded_on) for student_id, recorded_on in rows)


def _forget_after(school: School, day: date) -> None:
    students = select(Student.id).where(Student.school_id == school.id)
    next_morning = datetime.combine(day + timedelta(days=1), time.min)
    for statement in (
        delete(DailyAttendance).where(DailyAttendance.school_id == school.id,
                                      DailyAttendance.on_date > day),
        delete(Grade).where(Grade.student_id.in_(students), Grade.recorded_on > day),
        delete(WorkMark).where(WorkMark.student_id.in_(students), WorkMark.due_on > day),
        delete(BehaviourIncident).where(BehaviourIncident.student_id.in_(students),
                                        BehaviourIncident.occurred_at >= next_morning),
    ):
        db.session.execute(statement.execution_options(synchronize_session=False))


def _flagged_on(school: School, student_ids: list[int], day: date, settings: dict) -> set[int]:
    scored = {}
    for start in range(0, len(student_ids), BATCH):
        batch = compute_indicators(school, student_ids[start:start + BATCH], day)
        scored.update({student_id: score_student(values, settings)
                       for student_id, values in batch.items()})
    cap_high_flags(scored, settings.get("high_cap"))
    return {student_id for student_id, result in scored.items() if result.level != NONE}


def _groups(school: School, student_ids: list[int]) -> dict[int, dict[str, str]]:
    """Return each student's grade level and whether the family's language is English."""
    grades = dict(db.session.execute(select(Student.id, Student.grade_level).where(
        Student.school_id == school.id)).all())
    other_language = set(db.session.scalars(
        select(StudentGuardian.student_id).join(Guardian)
        .where(Guardian.school_id == school.id, Guardian.preferred_language != "en",
               StudentGuardian.is_active.is_(True))))
    return {student_id: {"grade level": str(grades[student_id]),
                         "family language": ("another language" if student_id in other_language
                                             else "English")}
            for student_id in student_ids}
