"""Read-only selects for conferences: a staff member's schedule, who has not booked, and the
slots a family may book for each child."""

from sqlalchemy import select

from portal.auth.models import User
from portal.core.permissions import visible_students
from portal.core.time import utcnow
from portal.events.audience import audience_student_ids
from portal.events.conferences import bookable_by, bookable_staff_ids, booking_closes_at
from portal.events.models import ConferenceSlot, Event, SlotStatus
from portal.extensions import db
from portal.people.models import Guardian, Student
from portal.people.queries import informable_guardians


def staff_schedule(user: User, event: Event) -> list[dict]:
    """Return the user's slots of a conference with the family and child of each booking."""
    slots = db.session.scalars(select(ConferenceSlot).where(
        ConferenceSlot.event_id == event.id, ConferenceSlot.staff_id == user.id)
        .order_by(ConferenceSlot.starts_at)).all()
    return [{"slot": slot,
             "student": db.session.get(Student, slot.student_id) if slot.student_id else None,
             "guardian": db.session.get(Guardian, slot.guardian_id) if slot.guardian_id else None}
            for slot in slots]


def families_not_booked(user: User, event: Event) -> list[dict]:
    """Return the user's students in the audience with no slot with them yet, and their families
    (the students they may be booked about: whom they teach or counsel; two queries)."""
    booked = select(ConferenceSlot.student_id).where(
        ConferenceSlot.event_id == event.id, ConferenceSlot.staff_id == user.id,
        ConferenceSlot.student_id.is_not(None))
    students = db.session.scalars(
        visible_students(user)
        .where(Student.id.in_(audience_student_ids(event)), Student.id.not_in(booked),
               bookable_by(user.id))
        .order_by(Student.last_name, Student.first_name)).all()
    guardians = informable_guardians([student.id for student in students])
    return [{"student": student, "guardians": guardians.get(student.id, [])}
            for student in students]


def family_conference_options(event: Event, children: list[Student]) -> list[dict]:
    """Return, per child, each of their teachers with the child's booking or the open slots."""
    in_audience = set(db.session.scalars(audience_student_ids(event)))
    options = []
    for child in children:
        if child.id not in in_audience:
            continue
        staff_ids = bookable_staff_ids(child)
        slots = db.session.scalars(select(ConferenceSlot).where(
            ConferenceSlot.event_id == event.id, ConferenceSlot.staff_id.in_(staff_ids),
            ConferenceSlot.status.in_((SlotStatus.OPEN, SlotStatus.BOOKED)))
            .order_by(ConferenceSlot.starts_at)).all()
        teachers = []
        for staff_id in sorted({slot.staff_id for slot in slots}):
            mine = [s for s in slots if s.staff_id == staff_id]
            teachers.append({
                "staff": db.session.get(User, staff_id),
                "booking": next((s for s in mine if s.student_id == child.id), None),
                "open": [s for s in mine if s.status == SlotStatus.OPEN]})
        options.append({"child": child, "teachers": teachers})
    return options


def booking_open(event: Event) -> bool:
    """Return True while families may still book and cancel."""
    return event.status != "cancelled" and utcnow() < booking_closes_at(event)
