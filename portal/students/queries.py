"""Read-only selects behind the student list: what it can filter by, and since when."""

from datetime import date

from sqlalchemy import func, select

from portal.auth.models import Role, User
from portal.core.permissions import visible_grade_levels, visible_school_ids, visible_schools
from portal.core.time import today_in
from portal.extensions import db
from portal.outcomes.models import Program
from portal.people.models import AcademicTerm, Course, School, Section
from portal.people.queries import offers_classes, reference_school


def filter_choices(user: User, school_id: int | None = None, section_id: int | None = None,
                   program_id: int | None = None) -> dict:
    """Return the schools, and the sections, programs and grade levels of the chosen school
    (or of all the user's schools), that the student list can filter by. Across several
    schools no sections or programs are listed but those asked for (see offers_classes)."""
    visible = visible_schools(user)
    schools = visible_school_ids(user)
    if school_id is not None:
        schools = schools.where(School.id == school_id)
    sections = select(Section).join(Course, Course.id == Section.course_id).where(
        Course.school_id.in_(schools))
    if user.role == Role.TEACHER:
        sections = sections.where(Section.teacher_id == user.id, Section.is_active.is_(True))
    programs = select(Program).where(Program.school_id.in_(schools))
    need_school = not offers_classes(visible, school_id)
    if need_school:
        sections = sections.where(Section.id == section_id)
        programs = programs.where(Program.id == program_id)
    return {
        "schools": visible,
        "classes_need_school": need_school,
        "sections": list(db.session.scalars(sections.order_by(Section.name))),
        "programs": list(db.session.scalars(programs.order_by(Program.name))),
        "grade_levels": visible_grade_levels(user, school_id=school_id),
    }


def term_start(user: User, school_id: int | None = None) -> date | None:
    """Return the first day of the current term (attendance rates count from it): the chosen
    school's, the user's school's, or across a district the earliest of its schools'."""
    schools = visible_school_ids(user)
    if school_id is not None:
        schools = schools.where(School.id == school_id)
    school = reference_school(user, school_id)
    if school is None:
        return None
    current = (select(func.max(AcademicTerm.starts_on).label("starts_on"))
               .where(AcademicTerm.school_id.in_(schools),
                      AcademicTerm.starts_on <= today_in(school.timezone))
               .group_by(AcademicTerm.school_id).subquery())
    return db.session.scalar(select(func.min(current.c.starts_on)))
