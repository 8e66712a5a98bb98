"""Read-only selects about schools, students and guardians."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.auth.models import User
from portal.core.permissions import visible_student_ids, visible_students
from portal.core.text import fold
from portal.extensions import db
from portal.people.models import AcademicTerm, Guardian, School, Section, Student, StudentGuardian

PER_PAGE = 50


def school_of(user: User) -> School | None:
    """Return the school a user works at, or, for a guardian, their children's school."""
    if user.school_id:
        return db.session.get(School, user.school_id)
    if user.is_guardian:
        return db.session.scalar(
            select(School).join(Guardian, Guardian.school_id == School.id)
            .where(Guardian.user_id == user.id)
        )
    return None


def current_term(school_id: int, on_date: date) -> AcademicTerm | None:
    """Return the school's term that contains the given date (or the latest before it)."""
    return db.session.scalar(
        select(AcademicTerm)
        .where(AcademicTerm.school_id == school_id, AcademicTerm.starts_on <= on_date)
        .order_by(AcademicTerm.starts_on.desc())
        .limit(1)
    )


def list_students(user: User, *, search: str = "", page: int = 1) -> tuple[list[Student], int]:
    """Return one page of the students this user may see, matching a name search."""
    stmt = visible_students(user)
    for word in fold(search).split():
        stmt = stmt.where(Student.search_name.contains(word, autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    students = db.session.scalars(
        stmt.order_by(Student.last_name, Student.first_name, Student.id)
        .offset((page - 1) * PER_PAGE).limit(PER_PAGE)
    ).all()
    return list(students), total


def guardian_links_of(student: Student) -> list[StudentGuardian]:
    """Return the student's guardian links with their guardians, emergency contacts first."""
    return list(db.session.scalars(
        select(StudentGuardian).options(joinedload(StudentGuardian.guardian))
        .where(StudentGuardian.student_id == student.id)
        .order_by(StudentGuardian.is_emergency_contact.desc(), StudentGuardian.id)
    ))


def staff_home_summary(user: User) -> dict:
    """Return the counts a staff member's home page shows, for what they may see."""
    student_count = db.session.scalar(
        select(func.count()).select_from(Student).where(Student.id.in_(visible_student_ids(user)))
    )
    sections = db.session.scalars(
        select(Section).where(Section.teacher_id == user.id).order_by(Section.name)
    ).all()
    return {"student_count": student_count, "sections": sections, "school": school_of(user)}
