"""Read-only selects about schools, students and guardians."""

from datetime import date, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from portal.auth.models import Role, User
from portal.core.permissions import (
    informed_link_condition,
    visible_school_ids,
    visible_student_ids,
)
from portal.extensions import db
from portal.people.models import (
    AcademicTerm,
    Enrollment,
    Guardian,
    School,
    Section,
    Student,
    StudentGuardian,
)

NO_TERM_LOOKBACK = timedelta(days=365)  # a school without a term: its last year counts


def school_of(user: User) -> School | None:
    """Return the school a user works at; for a guardian, their children's school; for a
    district's administrator, the district's first school (its calendar and time zone)."""
    if user.school_id:
        return db.session.get(School, user.school_id)
    if user.is_guardian:
        return db.session.scalar(
            select(School).join(Guardian, Guardian.school_id == School.id)
            .where(Guardian.user_id == user.id)
        )
    if user.is_district_administrator:
        return db.session.scalar(select(School).where(School.id.in_(visible_school_ids(user)))
                                 .order_by(School.id).limit(1))
    return None


def reference_school(user: User, school_id: int | None = None) -> School | None:
    """Return the school whose calendar and time zone a staff page follows: the one chosen in
    its school filter (checked by the caller), else the user's school (see school_of)."""
    return db.session.get(School, school_id) if school_id is not None else school_of(user)


def offers_classes(schools: list[School], school_id: int | None) -> bool:
    """True when a filter should list classes and programs: one school is chosen or the user
    has only one. Across a district's schools the same names repeat in every school
    (thousands of classes, "Science 9-9" thirty times), so one is picked after its school."""
    return school_id is not None or len(schools) <= 1


def current_term(school_id: int, on_date: date) -> AcademicTerm | None:
    """Return the school's term that contains the given date (or the latest before it)."""
    return db.session.scalar(
        select(AcademicTerm)
        .where(AcademicTerm.school_id == school_id, AcademicTerm.starts_on <= on_date)
        .order_by(AcademicTerm.starts_on.desc())
        .limit(1)
    )


def term_start_of(term: AcademicTerm | None, today: date) -> date:
    """The first day of a school's current term (a year ago when it has none): where its
    year's figures (the family to-dos, the events' year) start counting."""
    return term.starts_on if term else today - NO_TERM_LOOKBACK


def current_terms(days: dict[int, date]) -> dict[int, AcademicTerm]:
    """current_term for many schools at once: {school_id: its term on its own day}."""
    terms = {}
    if days:
        for term in db.session.scalars(
                select(AcademicTerm).where(AcademicTerm.school_id.in_(list(days)),
                                           AcademicTerm.starts_on <= max(days.values()))
                .order_by(AcademicTerm.starts_on, AcademicTerm.id)):
            if term.starts_on <= days[term.school_id]:
                terms[term.school_id] = term  # the latest to start by the school's day
    return terms


def section_student_ids(section_ids) -> Select:
    """Select the ids of the students enrolled in any of these sections."""
    return select(Enrollment.student_id).where(Enrollment.section_id.in_(section_ids))


def guardian_links_of(student: Student) -> list[StudentGuardian]:
    """Return the student's guardian links with their guardians, emergency contacts first."""
    return list(db.session.scalars(
        select(StudentGuardian).options(joinedload(StudentGuardian.guardian))
        .where(StudentGuardian.student_id == student.id)
        .order_by(StudentGuardian.is_emergency_contact.desc(), StudentGuardian.id)
    ))


def informable_guardians(student_ids: list[int]) -> dict[int, list[Guardian]]:
    """Return, per student, the guardians whose link allows telling them about the child."""
    found: dict[int, list[Guardian]] = {}
    for student_id, guardian in db.session.execute(
            select(StudentGuardian.student_id, Guardian)
            .join(Guardian, StudentGuardian.guardian_id == Guardian.id)
            .where(StudentGuardian.student_id.in_(student_ids), informed_link_condition())
            .order_by(Guardian.sort_name, Guardian.id)):
        found.setdefault(student_id, []).append(guardian)
    return found


def staff_home_summary(user: User) -> dict:
    """Return the counts a staff member's home page shows, for what they may see."""
    student_count = db.session.scalar(
        select(func.count()).select_from(Student).where(Student.id.in_(visible_student_ids(user)))
    )
    sections = db.session.scalars(
        select(Section).where(Section.teacher_id == user.id, Section.is_active.is_(True))
        .order_by(Section.name)
    ).all()
    return {"student_count": student_count, "sections": sections, "school": school_of(user)}


def staff_of_school(school_id: int) -> list[User]:
    """Return the active staff members of a school, by name."""
    return list(db.session.scalars(
        select(User).where(User.school_id == school_id, User.role.in_(Role.STAFF),
                           User.is_active_account.is_(True)).order_by(User.full_name)
    ))


def school_languages(school: School, portal_languages: dict[str, str]) -> dict[str, str]:
    """Return the portal languages the school offers (its own language always among them)."""
    offered = set(school.languages or portal_languages) | {school.default_language}
    return {code: name for code, name in portal_languages.items() if code in offered}
