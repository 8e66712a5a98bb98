"""Small factories for tests: each builds a valid row with sensible defaults and flushes."""

import itertools
from datetime import date, datetime
from functools import cache

from werkzeug.security import generate_password_hash

from portal.auth.models import Role, User
from portal.core.models import Visibility
from portal.extensions import db
from portal.interactions.models import Interaction
from portal.people.models import (
    AcademicTerm,
    CounsellorAssignment,
    Course,
    District,
    Enrollment,
    GradingPeriod,
    Guardian,
    School,
    Section,
    Student,
    StudentGuardian,
)

_numbers = itertools.count(1)
PASSWORD = "correct horse battery"


def _n() -> int:
    return next(_numbers)


def make_school(name: str | None = None, **fields) -> School:
    """Add a school (America/New_York; sending all day, so no test depends on the clock)."""
    fields = {"timezone": "America/New_York", "sending_window_start_hour": 0,
              "sending_window_end_hour": 24, **fields}
    school = School(name=name or f"School {_n()}", **fields)
    db.session.add(school)
    db.session.flush()
    return school


def make_district(name: str | None = None, *schools: School) -> District:
    """Add a district and put these schools in it."""
    district = District(name=name or f"District {_n()}")
    db.session.add(district)
    db.session.flush()
    for school in schools:
        school.district_id = district.id
    db.session.flush()
    return district


def make_district_admin(district: District, **fields) -> User:
    """Add an administrator of a whole district (no school of their own)."""
    return make_user(Role.ADMINISTRATOR, None, district_id=district.id, **fields)


@cache
def password_hash() -> str:
    """PASSWORD's scrypt hash, made once a run: scrypt is slow on purpose (0.16 s a hash,
    a third of a typical test when every user hashed it anew)."""
    return generate_password_hash(PASSWORD, method="scrypt")


def make_user(role: str = Role.TEACHER, school: School | None = None, **fields) -> User:
    """Add an active user with the password PASSWORD."""
    n = _n()
    user = User(email=fields.pop("email", f"{role}{n}@example.org"),
                full_name=fields.pop("full_name", f"{role.title()} {n}"), role=role,
                school_id=school.id if school else None, password_hash=password_hash(),
                **fields)
    db.session.add(user)
    db.session.flush()
    return user


def make_student(school: School, *, grade_level: int = 9, **fields) -> Student:
    """Add a student to a school."""
    n = _n()
    student = Student(school_id=school.id, first_name=fields.pop("first_name", f"Kid{n}"),
                      last_name=fields.pop("last_name", f"Family{n}"), grade_level=grade_level,
                      external_id=fields.pop("external_id", f"S{n:06d}"), **fields)
    student.refresh_search_name()
    db.session.add(student)
    db.session.flush()
    return student


def make_guardian(school: School, *, user: User | None = None, **fields) -> Guardian:
    """Add a guardian (with a portal account when `user` is given)."""
    n = _n()
    guardian = Guardian(school_id=school.id, user_id=user.id if user else None,
                        first_name=fields.pop("first_name", f"Parent{n}"),
                        last_name=fields.pop("last_name", f"Family{n}"),
                        email=fields.pop("email", user.email if user else f"parent{n}@example.org"),
                        **fields)
    guardian.refresh_search_name()
    db.session.add(guardian)
    db.session.flush()
    return guardian


def make_family(school: School, *children: Student, may_receive_information: bool = True,
                **guardian_fields) -> tuple[User, Guardian]:
    """Add a guardian with a portal account, linked to the given children."""
    user = make_user(Role.GUARDIAN, school=None, **{
        k: guardian_fields.pop(k) for k in ("email",) if k in guardian_fields})
    guardian = make_guardian(school, user=user, **guardian_fields)
    for child in children:
        link(child, guardian, may_receive_information=may_receive_information)
    return user, guardian


def link(student: Student, guardian: Guardian, **fields) -> StudentGuardian:
    """Link a guardian to a student."""
    row = StudentGuardian(student_id=student.id, guardian_id=guardian.id, **fields)
    db.session.add(row)
    db.session.flush()
    return row


def make_term(school: School, *, starts_on=date(2026, 9, 1), ends_on=date(2027, 6, 15),
              periods: int = 4) -> AcademicTerm:
    """Add a school year with evenly split grading periods."""
    term = AcademicTerm(school_id=school.id, name=f"{starts_on.year}–{ends_on.year}",
                        starts_on=starts_on, ends_on=ends_on)
    db.session.add(term)
    db.session.flush()
    span = (ends_on - starts_on) / periods
    for index in range(periods):
        db.session.add(GradingPeriod(term_id=term.id, name=f"Q{index + 1}",
                                     starts_on=starts_on + span * index,
                                     ends_on=starts_on + span * (index + 1)))
    db.session.flush()
    return term


def make_section(school: School, teacher: User | None, *students: Student,
                 term: AcademicTerm | None = None, subject: str = "Mathematics",
                 is_core: bool = True) -> Section:
    """Add a course section taught by `teacher`, with the given students enrolled."""
    term = term or make_term(school)
    n = _n()
    course = Course(school_id=school.id, code=f"C{n}", name=subject, subject=subject,
                    is_core=is_core)
    db.session.add(course)
    db.session.flush()
    section = Section(course_id=course.id, term_id=term.id,
                      teacher_id=teacher.id if teacher else None, name=f"{subject} {n}")
    db.session.add(section)
    db.session.flush()
    for student in students:
        db.session.add(Enrollment(section_id=section.id, student_id=student.id))
    db.session.flush()
    return section


def assign_counsellor(counsellor: User, school: School, grade_level: int) -> None:
    """Give a counsellor a whole grade level."""
    db.session.add(CounsellorAssignment(counsellor_id=counsellor.id, school_id=school.id,
                                        grade_level=grade_level))
    db.session.flush()


def make_interaction(student: Student, author: User, *, visibility: str = Visibility.STAFF,
                     summary: str = "Called home", **fields) -> Interaction:
    """Add an interaction about a student."""
    interaction = Interaction(student_id=student.id, author_id=author.id,
                              channel=fields.pop("channel", "phone"),
                              occurred_at=fields.pop("occurred_at", datetime(2026, 10, 1, 14)),
                              summary=summary, visibility=visibility, **fields)
    db.session.add(interaction)
    db.session.flush()
    return interaction
