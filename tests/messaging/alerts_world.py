"""Test data for the weekly alert and nudges: two children, each with two guardians."""

from dataclasses import dataclass
from datetime import date, datetime

from portal.auth.models import Role, User
from portal.core.time import utcnow
from portal.extensions import db
from portal.outcomes.models import DailyAttendance, Grade, WorkMark
from portal.people.models import AcademicTerm, Guardian, School, Section, Student
from tests import factories as f

FRIDAY_AFTERNOON = datetime(2026, 11, 27, 16, 30)  # UTC, the school's zone
THIS_MONDAY = date(2026, 11, 23)


@dataclass
class Family:
    school: School
    teacher: User
    term: AcademicTerm
    science: Section
    maths: Section
    jaden: Student
    mia: Student
    mother: Guardian
    father: Guardian


def family_world(tag: str = "", **school_fields) -> Family:
    """Add a school (UTC) with Jaden and Mia, both children of the same mother and father
    (`tag` tells the parents' addresses apart when a test makes two schools)."""
    school = f.make_school(timezone="UTC", **school_fields)
    teacher = f.make_user(Role.TEACHER, school)
    term = f.make_term(school)
    jaden = f.make_student(school, first_name="Jaden", last_name="Reed")
    mia = f.make_student(school, first_name="Mia", last_name="Reed", grade_level=7)
    science = f.make_section(school, teacher, jaden, mia, term=term, subject="Science")
    maths = f.make_section(school, teacher, jaden, mia, term=term, subject="Mathematics")
    _, mother = f.make_family(school, jaden, mia, email=f"mother{tag}@example.org",
                              first_name="Alicia")
    _, father = f.make_family(school, jaden, mia, email=f"father{tag}@example.org",
                              first_name="Marcus")
    return Family(school, teacher, term, science, maths, jaden, mia, mother, father)


def missing(world: Family, student: Student, section: Section, name: str, due_on: date) -> None:
    """Mark a piece of work missing."""
    db.session.add(WorkMark(student_id=student.id, section_id=section.id,
                            grading_period_id=world.term.grading_periods[1].id,
                            assessment_name=name, status="missing", due_on=due_on))
    db.session.flush()


def grade(world: Family, student: Student, section: Section, score: float,
          on: date = date(2026, 11, 20)) -> None:
    """Record an assessment grade (out of 100) in the current grading period."""
    db.session.add(Grade(student_id=student.id, section_id=section.id, score=score,
                         grading_period_id=world.term.grading_periods[1].id, recorded_on=on))
    db.session.flush()


def attendance(world: Family, student: Student, on: date, status: str) -> None:
    """Record one school day's attendance."""
    db.session.add(DailyAttendance(school_id=world.school.id, student_id=student.id, on_date=on,
                                   status=status, recorded_at=utcnow()))
    db.session.flush()
