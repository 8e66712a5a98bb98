"""A family with a full history (contacts, messages, requests, consents, attendance)."""

from datetime import date, timedelta

from sqlalchemy import func, select

from portal.auth.models import Role
from portal.extensions import db
from portal.family import services as family_services
from portal.interactions.models import InteractionParticipant
from portal.messaging.models import UpdateKind
from portal.messaging.services import notify_guardian
from portal.outcomes.models import DailyAttendance
from portal.people.models import Student
from tests.factories import make_family, make_interaction, make_student, make_user


def add_attendance(student: Student, *, days: int, absent_every: int = 3) -> None:
    """Record attendance for the student on consecutive days from 2 November 2026."""
    for n in range(days):
        db.session.add(DailyAttendance(
            school_id=student.school_id, student_id=student.id,
            on_date=date(2026, 11, 2) + timedelta(days=n), recorded_at=func.now(),
            status="absent_unexcused" if n % absent_every == 0 else "present"))
    db.session.flush()


def family_with_history(school, *, first="Zebulon", last="Quixwright",
                        email="zebulon.quixwright@example.org", child_first="Ottoline",
                        child_last="Vexhammer"):
    """Add a guardian and a child with a contact, a message, a request, a consent and
    attendance; every text mentions their names. Return (user, guardian, student, staff)."""
    staff = make_user(Role.ADMINISTRATOR, school=school)
    student = make_student(school, first_name=child_first, last_name=child_last,
                           date_of_birth=date(2012, 3, 4))
    user, guardian = make_family(school, student, first_name=first, last_name=last,
                                 email=email, phone="+34 612 345 678")
    contact = make_interaction(student, staff, summary=f"Called {first} {last} about "
                                                       f"{child_first} {child_last}")
    db.session.add(InteractionParticipant(interaction_id=contact.id, guardian_id=guardian.id))
    notify_guardian(guardian=guardian, kind=UpdateKind.URGENT, student=student,
                    subject=f"About {child_first} {child_last}",
                    body_text=f"Dear {first} {last}, {child_first} {child_last} was absent.")
    request = family_services.submit_feedback(
        guardian=guardian, author=user, student_id=student.id, kind="question",
        subject="Bus", body=f"I am {first} {last}, write to {email}")
    family_services.reply_to_feedback(feedback=request, author=user, body=f"Thanks, {first}")
    family_services.record_consent(guardian=guardian, purpose="photos", granted=True,
                                   actor=user)
    add_attendance(student, days=6)
    return user, guardian, student, staff


def count_rows(model, **where) -> int:
    """Return how many rows of a model match the given column values."""
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))
