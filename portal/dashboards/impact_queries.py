"""Dated observations per student for program impact and intervention effectiveness.

Attendance: one row a school day (100 present or tardy, 0 absent). Grades: assessments
only — period grades summarise earlier weeks and would blur the before and after.
"""

from datetime import date, datetime, time, timedelta
from itertools import chain

import numpy as np
from sqlalchemy import Integer, Select, case, cast, func, select, true

from portal.core.bulk import among
from portal.core.permissions import on_student_row
from portal.core.time import monday_of
from portal.extensions import db
from portal.outcomes.models import (
    AttendanceStatus,
    AttendanceWeek,
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


def week_number(day, first_monday: date):
    """SQL for the number of the week a date column falls in, counted from a Monday (days
    before it are not asked for): whole days apart, divided by seven."""
    if db.session.get_bind().dialect.name == "postgresql":
        return (day - first_monday) // 7  # date minus date: whole days; integer division
    days = func.julianday(day) - func.julianday(first_monday.isoformat())
    return cast(days / 7, Integer)  # never negative: truncating is flooring


def weekly_observations(student_ids: list[int], outcome: str, since: date,
                        today: date) -> np.ndarray:
    """Return rows of (student, week, sum, count) of one outcome between two days, as an
    array of floats, the weeks counted from the week of `since` (impact_panel.week_index),
    grouped by the database: a district's nine million days of attendance are never rows
    in Python, and its two million weekly sums go straight into the array. Attendance takes
    the weeks wholly between the two days from the kept weekly totals (AttendanceWeek) and
    only the days of the first and last, partly covered, weeks from the daily rows."""
    first_monday = monday_of(since)
    if outcome != "attendance":
        return _grouped_by_week(student_ids, outcome, first_monday, (since, today))
    whole_from = first_monday + timedelta(days=7 if since > first_monday else 0)
    whole_until = today - timedelta(days=(today.weekday() + 1) % 7)  # last Sunday
    if whole_until < whole_from:  # no whole week: every day from the daily rows
        return _grouped_by_week(student_ids, outcome, first_monday, (since, today))
    kept = _as_array(
        select(AttendanceWeek.student_id, week_number(AttendanceWeek.week_start, first_monday),
               100.0 * (AttendanceWeek.days - AttendanceWeek.absences), AttendanceWeek.days)
        .where(among(AttendanceWeek.student_id, student_ids),
               AttendanceWeek.week_start.between(whole_from, whole_until)))
    day = timedelta(days=1)
    spans = [(start, end) for start, end in ((since, whole_from - day), (whole_until + day, today))
             if start <= end]  # the partly covered first and last weeks
    return np.vstack([kept, *(_grouped_by_week(student_ids, outcome, first_monday, span)
                              for span in spans)])


def _as_array(stmt: Select) -> np.ndarray:
    """Return a statement's rows of four numbers as an n × 4 array of floats (read off the
    driver's cursor: numbers need no conversion, and a row object each would cost more
    than the query)."""
    result = db.session.connection().execute(stmt)
    rows = result.cursor.fetchall()
    result.close()
    return np.fromiter(chain.from_iterable(rows), dtype=float, count=4 * len(rows)).reshape(-1, 4)


def _grouped_by_week(student_ids: list[int], outcome: str, first_monday: date,
                     span: tuple[date, date]) -> np.ndarray:
    """(student, week, sum, count) from the outcome's own rows dated in a span (its first
    and last day: one range, which the index on student and day can seek)."""
    student, on, value, kept = OUTCOMES[outcome]
    week = week_number(on, first_monday)
    return _as_array(select(student, week, func.sum(value), func.count(value))
                     .where(among(student, student_ids), on.between(*span), kept,
                            value.is_not(None))
                     .group_by(student, week))


def risk_scores(student_ids: list[int], today: date) -> list[tuple[int, date, float]]:
    """Return (student, day, score) of every risk assessment of these students up to today."""
    rows = db.session.execute(select(
        RiskAssessment.student_id, RiskAssessment.computed_at, RiskAssessment.score).where(
        among(RiskAssessment.student_id, student_ids),
        RiskAssessment.computed_at <= datetime.combine(today, time.max)))
    return [(student, _day(moment), float(score)) for student, moment, score in rows]


def first_core_sections(student_ids: list[int], term_id: int | None) -> dict[int, int]:
    """Return each student's first core section of the term: the groups of the bootstrap."""
    if term_id is None:
        return {}
    return dict(db.session.execute(
        select(Enrollment.student_id, func.min(Section.id))
        .join(Section, Section.id == Enrollment.section_id)
        .join(Course, Course.id == Section.course_id)
        .where(among(Enrollment.student_id, student_ids), Section.term_id == term_id,
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
    """Return every new risk flag of these students between two days: id, student, day and
    level (found by the index of new flags; who may be seen checked on the student's row)."""
    rows = db.session.execute(
        select(RiskAssessment.id, RiskAssessment.student_id, RiskAssessment.computed_at,
               RiskAssessment.level)
        .join(Student, Student.id == RiskAssessment.student_id)
        .where(on_student_row(student_ids), RiskAssessment.is_new_flag.is_(True),
               RiskAssessment.computed_at.between(datetime.combine(since, time.min),
                                                  datetime.combine(today, time.max))))
    return [{"id": key, "student_id": student, "on": _day(moment), "level": level}
            for key, student, moment, level in rows]


def flag_reasons(flag_ids: list[int]) -> dict[int, frozenset]:
    """Return the indicators behind each of these flags (their reasons, as a set)."""
    return {key: frozenset(reason.get("indicator") for reason in reasons or [])
            for key, reasons in db.session.execute(
                select(RiskAssessment.id, RiskAssessment.reasons)
                .where(among(RiskAssessment.id, flag_ids)))}
