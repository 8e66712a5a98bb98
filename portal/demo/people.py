"""The demo school's people in the database: staff, students, guardians and their classes."""

import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import count

from sqlalchemy import insert

from portal.auth.models import Role, User
from portal.core.text import fold
from portal.core.time import to_utc
from portal.demo.names import (
    DEMO_PASSWORD,
    GRADE_LEVELS,
    STAFF,
    PlannedChild,
    PlannedGuardian,
    plan_families,
)
from portal.extensions import db
from portal.people.models import (
    AcademicTerm,
    CounsellorAssignment,
    Course,
    Enrollment,
    GradingPeriod,
    Guardian,
    School,
    Section,
    Student,
    StudentGuardian,
)

# code, name, core subject?
COURSES = (
    ("MATH", "Mathematics", True), ("ENG", "English", True), ("SCI", "Science", True),
    ("HIST", "History", True), ("ART", "Art", False), ("PE", "Physical Education", False),
    ("MUS", "Music", False), ("CS", "Computer Science", False),
)
SECTIONS_PER_CORE_COURSE = 3


@dataclass
class DemoContext:
    """Everything the demo steps share: the school, its year, and who was created."""

    seed: int
    today: date
    school: School
    term: AcademicTerm
    periods: list[GradingPeriod]
    school_days: list[date]  # up to today
    staff: dict[str, User] = field(default_factory=dict)
    teachers_by_subject: dict[str, list[User]] = field(default_factory=dict)
    counsellor_by_grade: dict[int, User] = field(default_factory=dict)
    families: list[tuple[list[Student], list[Guardian]]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    rosters: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    timetables: dict[int, list[Section]] = field(default_factory=lambda: defaultdict(list))
    profiles: dict = field(default_factory=dict)  # student id -> records.Profile
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def students(self) -> list[Student]:
        return [student for children, _ in self.families for student in children]

    @property
    def guardians(self) -> list[Guardian]:
        return [guardian for _, guardians in self.families for guardian in guardians]

    def rng(self, step: str) -> random.Random:
        """Return the random generator of one step, so steps do not shift each other."""
        return random.Random(f"{self.seed}:{step}")

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """Return the UTC moment of a local school time."""
        return to_utc(datetime.combine(day, time(hour, minute)), self.school.timezone)

    def past_day(self, rng: random.Random, start: float = 0.0, end: float = 1.0) -> date:
        """Pick a school day up to today, within a fraction of the days so far."""
        if not self.school_days:
            return min(self.term.starts_on, self.today)
        last = len(self.school_days) - 1
        return self.school_days[rng.randint(int(start * last), int(end * last))]

    def informed_guardians(self, student: Student) -> list[Guardian]:
        """Return the guardians of a student who may receive school information."""
        return [link.guardian for link in student.guardian_links if link.may_receive_information]


def _email_for(full_name: str) -> str:
    first, _, last = full_name.partition(" ")
    return f"{re.sub('[^a-z]', '', fold(first))}.{re.sub('[^a-z]', '', fold(last))}@demo.school"


def create_staff(ctx: DemoContext) -> None:
    """Add the administrator, counsellors and teachers, all with the demo password."""
    password_hash = None
    for email, full_name, role, duty in STAFF:
        user = User(email=email or _email_for(full_name), full_name=full_name, role=role,
                    school_id=ctx.school.id, activated_at=ctx.at(ctx.term.starts_on, 8))
        # scrypt is slow on purpose: hash once, then share the hash across demo accounts.
        if password_hash is None:
            user.set_password(DEMO_PASSWORD)
            password_hash = user.password_hash
        user.password_hash = password_hash
        db.session.add(user)
        ctx.staff[user.email] = user
        if role == Role.TEACHER:
            ctx.teachers_by_subject.setdefault(duty, []).append(user)
        elif role == Role.COUNSELLOR:
            ctx.counsellor_by_grade.update({grade: user for grade in duty})
    db.session.flush()
    for grade, counsellor in ctx.counsellor_by_grade.items():
        db.session.add(CounsellorAssignment(counsellor_id=counsellor.id,
                                            school_id=ctx.school.id, grade_level=grade))


def create_families(ctx: DemoContext) -> None:
    """Add the planned students and guardians, their links, and guardians' accounts."""
    plan = plan_families(seed=ctx.seed, school_year_start=ctx.term.starts_on.year)
    rng = ctx.rng("guardians")
    student_numbers, guardian_numbers = count(1), count(1)
    for family in plan:
        students = [_add_student(ctx, child, next(student_numbers)) for child in family.children]
        guardians = [_add_guardian(ctx, rng, planned, family.language, next(guardian_numbers))
                     for planned in family.guardians]
        ctx.families.append((students, guardians))
        for student in students:
            for guardian, planned in zip(guardians, family.guardians, strict=True):
                _link(student, guardian, planned)
    db.session.flush()


def _add_student(ctx: DemoContext, child: PlannedChild, number: int) -> Student:
    student = Student(school_id=ctx.school.id, external_id=f"S{number:06d}",
                      first_name=child.first_name, last_name=child.last_name,
                      preferred_name=child.preferred_name, date_of_birth=child.date_of_birth,
                      grade_level=child.grade_level,
                      counsellor_id=ctx.counsellor_by_grade[child.grade_level].id)
    student.refresh_search_name()
    db.session.add(student)
    return student


def _link(student: Student, guardian: Guardian, planned: PlannedGuardian) -> None:
    link = StudentGuardian(student=student, guardian=guardian,
                           relationship_kind=planned.relationship, lives_with=planned.lives_with,
                           may_receive_information=planned.may_receive_information,
                           is_emergency_contact=planned.is_emergency_contact,
                           household=planned.household)
    db.session.add(link)


def _add_guardian(ctx: DemoContext, rng: random.Random, planned: PlannedGuardian,
                  language: str, number: int) -> Guardian:
    email = f"guardian{number}@families.demo"
    guardian = Guardian(school_id=ctx.school.id, first_name=planned.first_name,
                        last_name=planned.last_name, preferred_language=language,
                        phone=f"(555) {rng.randint(200, 989)}-{rng.randint(1000, 9999)}",
                        email=None if planned.contact == "phone" else email,
                        preferred_channel="sms" if planned.contact == "phone" else "email")
    guardian.refresh_search_name()
    if planned.contact == "demo_parent":
        guardian.email = "parent@demo.school"
        guardian.user = _guardian_account(ctx, guardian, activated_day=ctx.term.starts_on)
    elif planned.contact == "account":
        activated = rng.random() < 0.85
        guardian.user = _guardian_account(ctx, guardian,
                                          ctx.past_day(rng, 0, 0.5) if activated else None)
        if activated and rng.random() < 0.5:
            guardian.user.last_login_at = ctx.at(ctx.past_day(rng, 0.5), rng.randint(7, 21))
    db.session.add(guardian)
    return guardian


def _guardian_account(ctx: DemoContext, guardian: Guardian, activated_day: date | None) -> User:
    user = User(email=guardian.email, full_name=guardian.display_name, role=Role.GUARDIAN,
                school_id=ctx.school.id, preferred_language=guardian.preferred_language,
                invited_at=ctx.at(ctx.term.starts_on, 9))
    if activated_day is not None:
        user.activated_at = ctx.at(activated_day, 19, 30)
        user.password_hash = ctx.staff["admin@demo.school"].password_hash
    return user


def create_sections(ctx: DemoContext) -> None:
    """Add the courses and their sections, and enrol every student in four cores and electives."""
    courses = [Course(school_id=ctx.school.id, code=code, name=name, subject=name, is_core=core)
               for code, name, core in COURSES]
    db.session.add_all(courses)
    for wing, course in enumerate(courses, 1):
        for grade in GRADE_LEVELS:
            letters = "ABC"[:SECTIONS_PER_CORE_COURSE] if course.is_core else "A"
            for letter in letters:
                _add_section(ctx, course, grade, letter, wing)
    db.session.flush()
    rng = ctx.rng("enrolments")
    rows = [row for grade in GRADE_LEVELS for row in _enrol_grade(ctx, rng, grade)]
    db.session.execute(insert(Enrollment), rows)


def _add_section(ctx: DemoContext, course: Course, grade: int, letter: str, wing: int) -> None:
    teachers = ctx.teachers_by_subject[course.name]
    taught = sum(1 for section in ctx.sections if section.course is course)
    if course.code == "MATH":
        # teacher@demo.school teaches all of grades 9 and 10; colleagues share 11 and 12.
        lead, colleagues = teachers[0], teachers[1:]
        teacher = lead if grade in (9, 10) else colleagues[taught % len(colleagues)]
    else:
        teacher = teachers[taught % len(teachers)]
    section = Section(course=course, term_id=ctx.term.id, teacher_id=teacher.id,
                      name=f"{course.name} {grade}{letter}", grade_level=grade,
                      room=f"{wing}{taught + 1:02d}")
    ctx.sections.append(section)
    db.session.add(section)


def _enrol_grade(ctx: DemoContext, rng: random.Random, grade: int) -> list[dict]:
    students = [student for student in ctx.students if student.grade_level == grade]
    by_course: dict[Course, list[Section]] = defaultdict(list)
    for section in ctx.sections:
        if section.grade_level == grade:
            by_course[section.course].append(section)
    rows = []
    for course, sections in by_course.items():
        if course.is_core:
            order = rng.sample(students, len(students))
            for index, section in enumerate(sections):
                rows += _roster(ctx, section, order[index::len(sections)])
    electives = [sections[0] for course, sections in by_course.items() if not course.is_core]
    chosen = {student.id: rng.sample(electives, rng.choice((1, 1, 2))) for student in students}
    for section in electives:
        rows += _roster(ctx, section, [s for s in students if section in chosen[s.id]])
    return rows


def _roster(ctx: DemoContext, section: Section, members: list[Student]) -> list[dict]:
    for student in members:
        ctx.rosters[section.id].append(student.id)
        ctx.timetables[student.id].append(section)
    return [{"section_id": section.id, "student_id": student.id,
             "starts_on": ctx.term.starts_on} for student in members]
