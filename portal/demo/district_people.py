"""One school of the demo district: its year, staff, classes, students and families."""

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time

from portal.auth.models import Role, User
from portal.core.bulk import copy_rows
from portal.core.text import fold
from portal.core.time import to_utc
from portal.demo.bulk import TableIds
from portal.demo.names import (
    DEMO_PASSWORD,
    GRADE_LEVELS,
    SCHOOL_TIMEZONE,
    PlannedFamily,
    plan_families_for,
)
from portal.demo.people import COURSES
from portal.demo.records import Profile, plan_profile
from portal.extensions import db
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

CLASS_SIZE = 30
SECTIONS_PER_TEACHER = 5
_password_hash: list[str] = []  # scrypt is slow on purpose: hash the demo password once


@dataclass
class DistrictStudent:
    """A planned student: id, grade, how they do, their informed guardians and classes."""

    id: int
    grade: int
    profile: Profile
    guardian_ids: list[int] = field(default_factory=list)
    section_ids: list[int] = field(default_factory=list)


@dataclass
class DistrictSection:
    """A class of the school, with its roster."""

    id: int
    course: Course
    grade: int
    teacher_id: int
    roster: list[int] = field(default_factory=list)


@dataclass
class DistrictSchool:
    """Everything the district steps share about one school."""

    seed: int
    number: int
    today: date
    school: School
    term: AcademicTerm
    periods: list[GradingPeriod]
    days: list[date]
    admin: User
    counsellors: dict[int, int]  # grade -> counsellor's user id
    families: list[tuple[PlannedFamily, list[DistrictStudent]]]
    sections: list[DistrictSection] = field(default_factory=list)
    emails: dict[int, str] = field(default_factory=dict)  # guardian id -> address, if any
    staff_count: int = 0

    @property
    def students(self) -> list[DistrictStudent]:
        return [student for _, children in self.families for student in children]

    def rng(self, step: str) -> random.Random:
        """Return the random generator of one step of this school."""
        return random.Random(f"{self.seed}:{self.number}:{step}")

    def past_day(self, rng: random.Random, start: float = 0.0, end: float = 1.0) -> date:
        """Pick a school day of the year, within a fraction of it."""
        last = len(self.days) - 1
        return self.days[rng.randint(int(start * last), int(end * last))]

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """Return the UTC moment of a local school time."""
        return to_utc(datetime.combine(day, time(hour, minute)), self.school.timezone)


def add_district_administrator(district: District) -> User:
    """Add the district's administrator: every school of the district, no school of their own."""
    return _staff(None, Role.ADMINISTRATOR, "District Administrator",
                  f"admin@district{district.id}.demo", district_id=district.id)


def _staff(school: School | None, role: str, name: str, email: str,
           district_id: int | None = None) -> User:
    user = User(email=email, full_name=name, role=role, school_id=school.id if school else None,
                district_id=district_id)
    if not _password_hash:
        user.set_password(DEMO_PASSWORD)
        _password_hash.append(user.password_hash)
    user.password_hash = _password_hash[0]
    db.session.add(user)
    return user


def create_school(*, district: District, number: int, size: int, days: list[date], seed: int,
                  today: date, ids: TableIds) -> DistrictSchool:
    """Add school number N with its year, quarters, staff and classes; plan its families."""
    school = School(district_id=district.id, name=f"District School {number}",
                    timezone=SCHOOL_TIMEZONE, default_language="en", pass_mark_percent=60.0)
    db.session.add(school)
    db.session.flush()
    term = AcademicTerm(school_id=school.id, name=f"{days[0].year}–{days[-1].year}",
                        starts_on=days[0], ends_on=days[-1])
    db.session.add(term)
    db.session.flush()
    quarter = len(days) // 4
    periods = [GradingPeriod(term_id=term.id, name=f"Quarter {n + 1}", starts_on=days[n * quarter],
                             ends_on=days[-1] if n == 3 else days[(n + 1) * quarter - 1])
               for n in range(4)]
    db.session.add_all(periods)
    domain = f"school{number}.district{district.id}.demo"
    admin = _staff(school, Role.ADMINISTRATOR, f"Administrator {number}", f"admin@{domain}")
    counsellors = {grade: _staff(school, Role.COUNSELLOR, f"Counsellor {number}-{grade}",
                                 f"counsellor{grade}@{domain}") for grade in GRADE_LEVELS}
    db.session.flush()
    for grade, counsellor in counsellors.items():
        db.session.add(CounsellorAssignment(counsellor_id=counsellor.id, school_id=school.id,
                                            grade_level=grade))
    ctx = DistrictSchool(seed=seed, number=number, today=today, school=school, term=term,
                         periods=periods, days=days, admin=admin,
                         counsellors={g: c.id for g, c in counsellors.items()}, families=[],
                         staff_count=1 + len(counsellors))
    _plan_students(ctx, size, ids)
    _create_classes(ctx, domain)
    return ctx


def _plan_students(ctx: DistrictSchool, size: int, ids: TableIds) -> None:
    per_grade = {grade: size // 4 + (1 if n < size % 4 else 0)
                 for n, grade in enumerate(GRADE_LEVELS)}
    rng, profile_rng = ctx.rng("families"), ctx.rng("profiles")
    for family in plan_families_for(rng, per_grade, ctx.days[0].year):
        children = [DistrictStudent(ids["students"].take(), child.grade_level,
                                    plan_profile(profile_rng, ctx.past_day, True))
                    for child in family.children]
        ctx.families.append((family, children))


def _create_classes(ctx: DistrictSchool, domain: str) -> None:
    """Add the courses, classes of about 30 and one teacher for every five classes."""
    by_grade = {grade: [s for s in ctx.students if s.grade == grade] for grade in GRADE_LEVELS}
    rng = ctx.rng("classes")
    for code, name, core in COURSES:
        course = Course(school_id=ctx.school.id, code=code, name=name, subject=name,
                        is_core=core)
        db.session.add(course)
        rosters = []
        for grade, students in by_grade.items():
            members = students if core else [s for s in students if rng.random() < 0.4]
            count = max(1, math.ceil(len(members) / CLASS_SIZE))
            rosters += [(grade, members[n::count]) for n in range(count)]
        teachers = [_staff(ctx.school, Role.TEACHER, f"{name} Teacher {ctx.number}-{n + 1}",
                           f"{code.lower()}{n + 1}@{domain}")
                    for n in range(max(1, math.ceil(len(rosters) / SECTIONS_PER_TEACHER)))]
        ctx.staff_count += len(teachers)
        db.session.flush()
        for number, (grade, members) in enumerate(rosters):
            section = Section(course_id=course.id, term_id=ctx.term.id, grade_level=grade,
                              teacher_id=teachers[number // SECTIONS_PER_TEACHER].id,
                              name=f"{name} {grade}-{number + 1}", room=f"{number + 100}")
            db.session.add(section)
            db.session.flush()
            planned = DistrictSection(section.id, course, grade, section.teacher_id,
                                      [s.id for s in members])
            ctx.sections.append(planned)
            for student in members:
                student.section_ids.append(section.id)


def add_families(ctx: DistrictSchool, ids: TableIds) -> int:
    """Write the school's students, guardians and their links in bulk; return the guardians."""
    students, guardians, links = [], [], []
    for family, children in ctx.families:
        for planned, student in zip(family.children, children, strict=True):
            search = fold(" ".join(filter(None, [planned.first_name, planned.last_name,
                                                 planned.preferred_name])))
            students.append((student.id, ctx.school.id, f"S{ctx.number:02d}{student.id:07d}",
                             planned.first_name, planned.last_name, planned.preferred_name,
                             planned.date_of_birth, student.grade, ctx.counsellors[student.grade],
                             search, fold(f"{planned.last_name} {planned.first_name}")))
        for planned in family.guardians:
            guardian_id = ids["guardians"].take()
            email = None if planned.contact == "phone" else f"guardian{guardian_id}@families.demo"
            if email:
                ctx.emails[guardian_id] = email
            guardians.append((guardian_id, ctx.school.id, planned.first_name, planned.last_name,
                              email, f"(555) {guardian_id % 800 + 200}-{guardian_id % 9000 + 1000}",
                              family.language, "email" if email else "sms",
                              fold(f"{planned.first_name} {planned.last_name}"),
                              fold(f"{planned.last_name} {planned.first_name}")))
            for student in children:
                links.append((ids["student_guardians"].take(), student.id, guardian_id,
                              planned.relationship, planned.lives_with,
                              planned.may_receive_information, planned.is_emergency_contact,
                              planned.household))
                if planned.may_receive_information:
                    student.guardian_ids.append(guardian_id)
    copy_rows(Student.__table__, ("id", "school_id", "external_id", "first_name", "last_name",
                                  "preferred_name", "date_of_birth", "grade_level",
                                  "counsellor_id", "search_name", "sort_name"), students)
    copy_rows(Guardian.__table__, ("id", "school_id", "first_name", "last_name", "email",
                                   "phone", "preferred_language", "preferred_channel",
                                   "search_name", "sort_name"), guardians)
    copy_rows(StudentGuardian.__table__, ("id", "student_id", "guardian_id",
                                          "relationship_kind", "lives_with",
                                          "may_receive_information", "is_emergency_contact",
                                          "household"), links)
    return len(guardians)


def enrol(ctx: DistrictSchool, ids: TableIds) -> None:
    """Write every class's enrolments in bulk."""
    copy_rows(Enrollment.__table__, ("id", "section_id", "student_id", "starts_on"),
              ((ids["enrollments"].take(), section.id, student_id, ctx.term.starts_on)
               for section in ctx.sections for student_id in section.roster))
