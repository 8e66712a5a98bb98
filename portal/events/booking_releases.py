"""Conference bookings given back without the family asking: a child who left or was erased,
a guardian whose link ended, and a merge of two records of a child."""

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import aliased

from portal.auth.models import User
from portal.core.errors import DomainError
from portal.core.permissions import at_school_condition, informed_link_condition
from portal.core.time import utcnow
from portal.events.conferences import check_booking, free_slot, note_slot_change
from portal.events.models import ConferenceSlot, Event, SlotStatus
from portal.events.notices import tell_about_slot
from portal.extensions import db
from portal.people.models import Guardian, Student, StudentGuardian


def _release(actor: User | None, condition: ColumnElement[bool], what: str) -> list[ConferenceSlot]:
    """Open again the future booked slots matching `condition`; tell each family that still
    has an address (not an erased guardian) with the calendar's cancellation."""
    slots = db.session.scalars(
        select(ConferenceSlot).join(Student, Student.id == ConferenceSlot.student_id)
        .where(condition, ConferenceSlot.status == SlotStatus.BOOKED,
               ConferenceSlot.starts_at > utcnow())
        .with_for_update(of=ConferenceSlot)).all()
    for slot in slots:
        guardian = db.session.get(Guardian, slot.guardian_id)
        if guardian is not None and guardian.erased_at is None:
            tell_about_slot(slot, guardian=guardian, sender=actor, what=what)
        _guardian, student_id = free_slot(slot, SlotStatus.OPEN)
        db.session.flush()
        note_slot_change(actor, slot, "release", student_id)
    return slots


def release_bookings(*, actor: User | None, student_ids: list[int]) -> list[ConferenceSlot]:
    """Give back the future bookings of children who left the school or were erased: each
    slot is open again and its family gets the calendar's cancellation (naming no child)."""
    return _release(actor, ConferenceSlot.student_id.in_(student_ids) & ~at_school_condition(),
                    "released")


def release_guardian_bookings(*, actor: User | None,
                              links: list[tuple[int, int | None]]) -> list[ConferenceSlot]:
    """Give back the future bookings a guardian made for a child they are no longer linked to
    (links: guardian id and child id, or None for all their children, as when erased)."""
    still_linked = select(StudentGuardian.id).where(
        StudentGuardian.guardian_id == ConferenceSlot.guardian_id,
        StudentGuardian.student_id == ConferenceSlot.student_id,
        informed_link_condition()).exists()
    named = or_(false(), *(ConferenceSlot.guardian_id == guardian_id if student_id is None
                           else (ConferenceSlot.guardian_id == guardian_id)
                           & (ConferenceSlot.student_id == student_id)
                           for guardian_id, student_id in links))
    return _release(actor, named & ~still_linked, "unlinked")


def release_merge_clashes(*, actor: User, loser_id: int, survivor_id: int) -> list[int]:
    """Before two records of a child are merged: release the duplicate's future bookings
    with a teacher the kept child already has in that conference (the family is told), and
    return the ids of the others, which move to the kept child with the rest of the record."""
    kept = aliased(ConferenceSlot)
    clash = select(kept.id).where(kept.student_id == survivor_id,
                                  kept.event_id == ConferenceSlot.event_id,
                                  kept.staff_id == ConferenceSlot.staff_id).exists()
    _release(actor, (ConferenceSlot.student_id == loser_id) & clash, "cancelled")
    return list(db.session.scalars(select(ConferenceSlot.id).where(
        ConferenceSlot.student_id == loser_id, ConferenceSlot.status == SlotStatus.BOOKED,
        ConferenceSlot.starts_at > utcnow())))


def release_unbookable(*, actor: User, student: Student,
                       slot_ids: list[int]) -> list[ConferenceSlot]:
    """After a merge: release the bookings moved to the kept child that they could not book
    now (left the school: as release_bookings; not invited, not taught by that teacher,
    guardian not linked: cancelled, the family told)."""
    released = release_bookings(actor=actor, student_ids=[student.id])
    unbookable = []
    for slot in db.session.scalars(select(ConferenceSlot).where(
            ConferenceSlot.id.in_(slot_ids), ConferenceSlot.status == SlotStatus.BOOKED)):
        try:
            check_booking(slot, db.session.get(Event, slot.event_id), actor=actor,
                           student=student, guardian=db.session.get(Guardian, slot.guardian_id))
        except DomainError:
            unbookable.append(slot.id)
    return released + _release(actor, ConferenceSlot.id.in_(unbookable), "cancelled")
