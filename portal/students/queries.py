"""Read-only selects behind the student list: what it can filter by, and since when."""

from datetime import date

from sqlalchemy import select

from portal.auth.models import Role, User
from portal.core.permissions import visible_school_ids, visible_student_ids
from portal.core.time import today_in
from portal.extensions import db
from portal.outcomes.models import Program
from portal.people.models import Course, Section, Student
from portal.people.queries import current_term, school_of


def filter_choices(user: User) -> dict:
    """Return the sections, programs and grade levels the student list can filter by."""
    schools = visible_school_ids(user)
    sections = select(Section).join(Course, Course.id == Section.course_id).where(
        Course.school_id.in_(schools))
    if user.role == Role.TEACHER:
        sections = sections.where(Section.teacher_id == user.id, Section.is_active.is_(True))
    grade_levels = db.session.scalars(
        select(Student.grade_level).where(Student.id.in_(visible_student_ids(user)))
        .distinct().order_by(Student.grade_level))
    return {
        "sections": list(db.session.scalars(sections.order_by(Section.name))),
        "programs": list(db.session.scalars(
            select(Program).where(Program.school_id.in_(schools)).order_by(Program.name))),
        "grade_levels": list(grade_levels),
    }


def term_start(user: User) -> date | None:
    """Return the first day of the user's school's current term (attendance rates count from it)."""
    school = school_of(user)
    if school is None:
        return None
    term = current_term(school.id, today_in(school.timezone))
    return term.starts_on if term else None
