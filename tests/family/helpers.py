"""A family with two children (and a neighbouring family) and their school records."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from markupsafe import escape

from portal.auth.models import Role, User
from portal.core.models import Visibility
from portal.core.time import utcnow
from portal.events.models import Event, EventInvitation
from portal.extensions import db
from portal.outcomes.models import DailyAttendance, Grade, Intervention
from portal.people.models import AcademicTerm, Guardian, School, Section, Student
from tests import factories as f


@dataclass
class Families:
    school: School
    teacher: User
    term: AcademicTerm
    section: Section
    child: Student
    sibling: Student
    parent: User
    guardian: Guardian
    other_child: Student
    other_parent: User
    other_guardian: Guardian


def make_families() -> Families:
    """Add a school, a family with two children and another family with one child."""
    school = f.make_school(name="Lincoln High")
    teacher = f.make_user(Role.TEACHER, school, full_name="Ms Rivera")
    today = utcnow().date()
    term = f.make_term(school, starts_on=today - timedelta(days=70),
                       ends_on=today + timedelta(days=200))
    child = f.make_student(school, first_name="Maya", last_name="Lopez")
    sibling = f.make_student(school, first_name="Leo", last_name="Lopez")
    other_child = f.make_student(school, first_name="Zoe", last_name="Smith")
    section = f.make_section(school, teacher, child, sibling, other_child, term=term)
    parent, guardian = f.make_family(school, child, sibling, first_name="Ana",
                                     last_name="Lopez", email="ana@example.org")
    other_parent, other_guardian = f.make_family(school, other_child, email="sam@example.org")
    return Families(school, teacher, term, section, child, sibling, parent, guardian,
                    other_child, other_parent, other_guardian)


def add_day(student: Student, on_date: date, status: str, reason: str | None = None) -> None:
    """Record a student's attendance for one school day."""
    db.session.add(DailyAttendance(school_id=student.school_id, student_id=student.id,
                                   on_date=on_date, status=status, reason=reason,
                                   recorded_at=utcnow()))
    db.session.flush()


def add_grade(student: Student, section: Section, period_index: int, score: float,
              kind: str = "assessment", name: str | None = "Quiz") -> Grade:
    """Record a grade in one of the term's grading periods."""
    term = db.session.get(AcademicTerm, section.term_id)
    period = term.grading_periods[period_index]
    grade = Grade(student_id=student.id, section_id=section.id, grading_period_id=period.id,
                  kind=kind, assessment_name=name, score=score, recorded_on=period.starts_on)
    db.session.add(grade)
    db.session.flush()
    return grade


def add_intervention(student: Student, goal: str, visibility: str = Visibility.FAMILY,
                     **fields) -> Intervention:
    """Open a support plan for a student."""
    plan = Intervention(student_id=student.id, reason="Falling grades", goal=goal,
                        opened_on=utcnow().date(), visibility=visibility, **fields)
    db.session.add(plan)
    db.session.flush()
    return plan


def invite_to_event(guardian: Guardian, student: Student | None, title: str,
                    days_ahead: int = 7) -> Event:
    """Add a school event and invite a guardian to it."""
    starts_at = datetime.combine(utcnow().date() + timedelta(days=days_ahead), datetime.min.time())
    event = Event(school_id=guardian.school_id, kind="school_event", title=title,
                  starts_at=starts_at + timedelta(hours=17),
                  ends_at=starts_at + timedelta(hours=19),
                  uid=f"{uuid.uuid4()}@test")
    db.session.add(event)
    db.session.flush()
    db.session.add(EventInvitation(event_id=event.id, guardian_id=guardian.id,
                                   student_id=student.id if student else None,
                                   invited_at=utcnow()))
    db.session.flush()
    return event


def appears(text: str, html: str) -> bool:
    """Return True when the page shows the text, escaped or (wrongly) raw."""
    return text in html or str(escape(text)) in html
