"""Dated observations per student for program impact and intervention effectiveness.

Attendance: one row a school day (100 present or tardy, 0 absent). Grades: assessments
only — period grades summarise earlier weeks and would blur the before and after.
"""

from datetime import date, datetime, time

from sqlalchemy import Select, case, func, select, true

from portal.extensions import db
from portal.outcomes.models import (
    AttendanceStatus,
    DailyAttendance,
    Grade,
    Intervention,
    Program,
    ProgramEnrollment,
)
from portal.outcomes.queries import GRADE_PERCENT
from portal.people.models import Course, Enrollment, Section, Student
from portal.risk.models import RiskAssessment

PRESENT = case((DailyAttendance.status.in_(AttendanceStatus.ABSENT), 0.0), else_=100.0)
OUTCOMES = {"attendance": (DailyAttendance.student_id, DailyAttendance.on_date, PRESENT, true()),
            "grades": (Grade.student_id, Grade.recorded_on, GRADE_PERCENT,
                       Grade.kind == "assessment")}


def _day(value) -> date:
    """Return a date from a date, a datetime or SQLite's text."""
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value.date() if isinstance(value, datetime) else value


def programs_of(school_ids: Select) -> list[Program]:
    """Return the programs of the user's schools, by name."""
    return list(db.session.scalars(select(Program).where(Program.school_id.in_(school_ids))
                                   .order_by(Program.name)))


def students_in(student_ids: Select) -> list[tuple[int, int | None]]:
    """Return (id, grade level) of the students in scope, by id."""
    return [tuple(row) for row in db.session.execute(
        select(Student.id, Student.grade_level).where(Student.id.in_(student_ids))
        .order_by(Student.id))]


def observations(student_ids: Select, outcome: str, since: date, today: date) -> list[tuple]:
    """Return (student, day, value) of one outcome between two days."""
    student, on, value, kept = OUTCOMES[outcome]
    rows = db.session.execute(select(student, on, value).where(
        student.in_(student_ids), on.between(since, today), kept))
    return [(key, _day(day), float(found)) for key, day, found in rows if found is not None]


def risk_scores(student_ids: Select, today: date) -> list[tuple[int, date, float]]:
    """Return (student, day, score) of every risk assessment up to today."""
    rows = db.session.execute(select(
        RiskAssessment.student_id, RiskAssessment.computed_at, RiskAssessment.score).where(
        RiskAssessment.student_id.in_(student_ids),
        RiskAssessment.computed_at <= datetime.combine(today, time.max)))
    return [(student, _day(moment), float(score)) for student, moment, score in rows]


def first_core_sections(student_ids: Select, term_id: int | None) -> dict[int, int]:
    """Return each student's first core section of the term: the groups of the bootstrap."""
    if term_id is None:
        return {}
    return dict(db.session.execute(
        select(Enrollment.student_id, func.min(Section.id))
        .join(Section, Section.id == Enrollment.section_id)
        .join(Course, Course.id == Section.course_id)
        .where(Enrollment.student_id.in_(student_ids), Section.term_id == term_id,
               Course.is_core.is_(True))
        .group_by(Enrollment.student_id)).all())


def program_starts(program: Program, student_ids: Select) -> dict[int, date]:
    """Return each participant's first start date in the program."""
    return {student: _day(start) for student, start in db.session.execute(
        select(ProgramEnrollment.student_id, func.min(ProgramEnrollment.starts_on))
        .where(ProgramEnrollment.program_id == program.id,
               ProgramEnrollment.student_id.in_(student_ids))
        .group_by(ProgramEnrollment.student_id))}


def first_interventions(student_ids: Select, since: date, today: date) -> list[dict]:
    """Return each student's first intervention opened between two days."""
    rows = db.session.execute(
        select(Intervention.student_id, Intervention.opened_on, Intervention.risk_assessment_id)
        .where(Intervention.student_id.in_(student_ids),
               Intervention.opened_on.between(since, today))
        .order_by(Intervention.opened_on, Intervention.id))
    first: dict[int, dict] = {}
    for student, opened_on, assessment in rows:
        first.setdefault(student, {"student_id": student, "opened_on": _day(opened_on),
                                   "risk_assessment_id": assessment})
    return list(first.values())


def new_flags(student_ids: Select, since: date, today: date) -> list[dict]:
    """Return every new risk flag between two days: student, day, level and reasons."""
    rows = db.session.scalars(select(RiskAssessment).where(
        RiskAssessment.student_id.in_(student_ids), RiskAssessment.is_new_flag.is_(True),
        RiskAssessment.computed_at.between(datetime.combine(since, time.min),
                                           datetime.combine(today, time.max))))
    return [{"id": flag.id, "student_id": flag.student_id, "on": _day(flag.computed_at),
             "level": flag.level,
             "reasons": frozenset(reason.get("indicator") for reason in flag.reasons or [])}
            for flag in rows]
