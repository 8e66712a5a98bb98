"""Read-only selects about a student's results (computed in the database)."""

from sqlalchemy import Float, Select, case, func, or_, select

from portal.extensions import db
from portal.outcomes.models import (
    AttendanceStatus,
    DailyAttendance,
    Grade,
    ProgramEnrollment,
    WorkMark,
    WorkStatus,
)
from portal.people.models import Course, GradingPeriod, Section, Student

# A mark's percent in SQL (NULL when it is out of nothing), divided as floats: the divisor
# typed FLOAT, so PostgreSQL is not sent it cast to NUMERIC and back for every mark.
GRADE_PERCENT = 100.0 * Grade.score / func.nullif(Grade.max_score, 0, type_=Float)


def attendance_summary(student: Student, since=None) -> dict:
    """Return school days recorded, days absent, tardies and the attendance rate (percent)."""
    absent = case((DailyAttendance.status.in_(AttendanceStatus.ABSENT), 1), else_=0)
    tardy = case((DailyAttendance.status == AttendanceStatus.TARDY, 1), else_=0)
    stmt = select(func.count(), func.coalesce(func.sum(absent), 0),
                  func.coalesce(func.sum(tardy), 0)).where(DailyAttendance.student_id == student.id)
    if since is not None:
        stmt = stmt.where(DailyAttendance.on_date >= since)
    days, absences, tardies = db.session.execute(stmt).one()
    rate = round(100.0 * (days - absences) / days, 1) if days else None
    return {"days": days, "absences": int(absences), "tardies": int(tardies), "rate": rate}


def latest_grades(student: Student, limit: int = 10) -> list[dict]:
    """Return the student's most recent grades with course names, newest first."""
    rows = db.session.execute(
        select(Grade, Course.name)
        .join(Section, Section.id == Grade.section_id)
        .join(Course, Course.id == Section.course_id)
        .where(Grade.student_id == student.id)
        .order_by(Grade.recorded_on.desc(), Grade.id.desc())
        .limit(limit)
    ).all()
    return [{"grade": grade, "course": course} for grade, course in rows]


def missing_work(student: Student, *, since, until) -> list[dict]:
    """Return the work still marked missing that was due between the dates, oldest first."""
    rows = db.session.execute(
        select(WorkMark.assessment_name, WorkMark.due_on, Course.name)
        .join(Section, Section.id == WorkMark.section_id)
        .join(Course, Course.id == Section.course_id)
        .where(WorkMark.student_id == student.id, WorkMark.status == WorkStatus.MISSING,
               WorkMark.due_on.between(since, until))
        .order_by(WorkMark.due_on, Course.name, WorkMark.assessment_name)).all()
    return [{"name": name, "due_on": due_on, "course": course} for name, due_on, course in rows]


def attendance_by_month(student: Student) -> list[tuple[str, float]]:
    """Return (YYYY-MM, attendance rate in percent) for each month with recorded days."""
    rows = db.session.execute(select(DailyAttendance.on_date, DailyAttendance.status)
                              .where(DailyAttendance.student_id == student.id))
    days: dict[str, list[int]] = {}
    for on_date, status in rows:
        counts = days.setdefault(on_date.strftime("%Y-%m"), [0, 0])
        counts[0] += 1
        counts[1] += status not in AttendanceStatus.ABSENT
    return [(month, round(100.0 * came / total, 1))
            for month, (total, came) in sorted(days.items())]


def grades_by_period(student: Student) -> tuple[list[str], dict[str, list[float | None]]]:
    """Return the grading periods in order and each course's average percent per period."""
    rows = db.session.execute(
        select(GradingPeriod.name, GradingPeriod.starts_on, Course.name,
               func.avg(GRADE_PERCENT))
        .join(GradingPeriod, GradingPeriod.id == Grade.grading_period_id)
        .join(Section, Section.id == Grade.section_id)
        .join(Course, Course.id == Section.course_id)
        .where(Grade.student_id == student.id)
        .group_by(GradingPeriod.id, GradingPeriod.name, GradingPeriod.starts_on, Course.name)
        .order_by(GradingPeriod.starts_on)
    ).all()
    periods = list(dict.fromkeys(name for name, _, _, _ in rows))
    averages: dict[str, list[float | None]] = {}
    for period, _, course, average in rows:
        values = averages.setdefault(course, [None] * len(periods))
        values[periods.index(period)] = round(float(average), 1)
    return periods, averages


def program_participant_ids(program_ids, *, on) -> Select:
    """Select the ids of students in any of these programs, not ended by the date `on`."""
    return select(ProgramEnrollment.student_id).where(
        ProgramEnrollment.program_id.in_(program_ids),
        or_(ProgramEnrollment.ends_on.is_(None), ProgramEnrollment.ends_on >= on))


def missing_work_by_course(student: Student, *, since, until) -> list[tuple[str, int]]:
    """Return (course, how many pieces of work are still missing) for work due between the dates."""
    return [(course, count) for course, count in db.session.execute(
        select(Course.name, func.count()).select_from(WorkMark)
        .join(Section, Section.id == WorkMark.section_id)
        .join(Course, Course.id == Section.course_id)
        .where(WorkMark.student_id == student.id, WorkMark.status == WorkStatus.MISSING,
               WorkMark.due_on.between(since, until))
        .group_by(Course.name).order_by(Course.name))]


def course_averages(student: Student, *, on) -> list[tuple[str, float]]:
    """Return (course, average percent) of the student's grades in the grading period of `on`."""
    rows = db.session.execute(
        select(Course.name, func.avg(GRADE_PERCENT))
        .select_from(Grade)
        .join(GradingPeriod, GradingPeriod.id == Grade.grading_period_id)
        .join(Section, Section.id == Grade.section_id)
        .join(Course, Course.id == Section.course_id)
        .where(Grade.student_id == student.id, GradingPeriod.starts_on <= on,
               GradingPeriod.ends_on >= on)
        .group_by(Course.name).order_by(Course.name)).all()
    return [(course, round(float(average), 1)) for course, average in rows if average is not None]


def absence_totals(*, school_id: int, since) -> dict[int, tuple[int, int]]:
    """Return {student id: (school days recorded, days absent)} at the school since the date."""
    absent = case((DailyAttendance.status.in_(AttendanceStatus.ABSENT), 1), else_=0)
    rows = db.session.execute(
        select(DailyAttendance.student_id, func.count(), func.coalesce(func.sum(absent), 0))
        .where(DailyAttendance.school_id == school_id, DailyAttendance.on_date >= since)
        .group_by(DailyAttendance.student_id)).all()
    return {student_id: (days, int(absences)) for student_id, days, absences in rows}
