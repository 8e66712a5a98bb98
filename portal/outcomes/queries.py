"""Read-only selects about a student's results (computed in the database)."""

from sqlalchemy import case, func, select

from portal.extensions import db
from portal.outcomes.models import AttendanceStatus, DailyAttendance, Grade
from portal.people.models import Course, Section, Student


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
