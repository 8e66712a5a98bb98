"""Conference slots: publish, book (atomically), cancel, block, move, and mark what happened."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, select, update
from sqlalchemy.exc import IntegrityError

from portal.auth.models import User
from portal.core.errors import Conflict, DomainError
from portal.core.permissions import (
    at_school_condition,
    guardian_child_ids,
    informed_link_condition,
)
from portal.core.signals import record_changed
from portal.core.time import to_local, to_utc, utcnow
from portal.events.audience import audience_student_ids
from portal.events.models import ConferenceSlot, Event, SlotStatus
from portal.events.notices import calendar_file, tell_about_slot
from portal.extensions import db
from portal.people.models import (
    Enrollment,
    Guardian,
    School,
    Section,
    Student,
    StudentGuardian,
)

MODES = ("in_person", "phone", "video")
OUTCOMES = (SlotStatus.HELD, SlotStatus.NO_SHOW, SlotStatus.CANCELLED)


class SlotTaken(Conflict):
    """Someone else booked the slot first."""


class AlreadyBooked(Conflict):
    """The child already has a slot with this staff member in this conference."""


class AlreadyCancelled(Conflict):
    """The booking was given back already (a second press, another tab)."""


@dataclass
class SlotPlan:
    """How a staff member's slots are laid out, in the school's time zone."""

    days: list[date]
    day_starts: time
    day_ends: time
    length_minutes: int
    break_minutes: int = 0
    mode: str = "in_person"
    location: str | None = None


def _slot_times(plan: SlotPlan, timezone: str) -> list[tuple[datetime, datetime]]:
    times = []
    for day in plan.days:
        start, last = datetime.combine(day, plan.day_starts), datetime.combine(day, plan.day_ends)
        while start + timedelta(minutes=plan.length_minutes) <= last:
            end = start + timedelta(minutes=plan.length_minutes)
            times.append((to_utc(start, timezone), to_utc(end, timezone)))
            start = end + timedelta(minutes=plan.break_minutes)
    return times


# The most slots one staff member publishes at once (a fortnight of full days at 15 minutes).
MOST_SLOTS = 600


def _check_plan(plan: SlotPlan, event: Event, timezone: str) -> None:
    if not event.booked_by_slot or event.status == "cancelled":
        raise DomainError(_("Slots can only be published for a scheduled conference event."))
    if not plan.days:
        raise DomainError(_("Choose at least one day."), field="days")
    first, last = (to_local(moment, timezone).date() for moment in (event.starts_at,
                                                                    event.ends_at))
    if not all(first <= day <= last for day in plan.days):
        raise DomainError(_("Choose days of the conference (%(first)s to %(last)s).",
                            first=format_date(first), last=format_date(last)), field="days")
    if plan.length_minutes < 5 or plan.break_minutes < 0:
        raise DomainError(_("A slot lasts at least 5 minutes; breaks cannot be negative."),
                          field="length_minutes")
    if plan.day_ends <= plan.day_starts:
        raise DomainError(_("The last slot must end after the first one starts."), field="day_ends")
    if plan.mode not in MODES:
        raise DomainError(_("Choose in person, phone or video."), field="mode")


def publish_slots(*, actor: User, event: Event, plan: SlotPlan) -> list[ConferenceSlot]:
    """Publish the actor's bookable slots; refuse all of them if one overlaps another of theirs."""
    school = db.session.get(School, event.school_id)
    _check_plan(plan, event, school.timezone)
    times = _slot_times(plan, school.timezone)
    if not times:
        raise DomainError(_("No slot fits between these times."), field="length_minutes")
    if len(times) > MOST_SLOTS:
        raise DomainError(_("That makes %(count)d slots; publish at most %(most)d at once.",
                            count=len(times), most=MOST_SLOTS), field="length_minutes")
    for starts_at, ends_at in times:
        clash = db.session.scalar(select(ConferenceSlot).where(
            ConferenceSlot.staff_id == actor.id, ConferenceSlot.status != SlotStatus.CANCELLED,
            ConferenceSlot.starts_at < ends_at, ConferenceSlot.ends_at > starts_at).limit(1))
        if clash is not None:
            raise DomainError(_("A slot would overlap one you already have (%(day)s).",
                                day=starts_at.date().isoformat()), field="day_starts")
    slots = [ConferenceSlot(event_id=event.id, staff_id=actor.id, starts_at=starts_at,
                            ends_at=ends_at, mode=plan.mode, location=plan.location,
                            status=SlotStatus.OPEN) for starts_at, ends_at in times]
    db.session.add_all(slots)
    db.session.flush()
    return slots


def bookable_by(staff_id: int) -> ColumnElement[bool]:
    """A condition on Student: this staff member may be booked about the student (the SQL
    form of bookable_staff_ids: they teach one of the student's sections or counsel them)."""
    teaches = select(Enrollment.id).join(Section, Section.id == Enrollment.section_id).where(
        Enrollment.student_id == Student.id, Section.teacher_id == staff_id).exists()
    return (Student.counsellor_id == staff_id) | teaches


def bookable_staff_ids(student: Student) -> set[int]:
    """Return the staff a family may book about a child: their teachers and counsellor."""
    ids = set(db.session.scalars(select(Section.teacher_id).join(
        Enrollment, Enrollment.section_id == Section.id).where(
        Enrollment.student_id == student.id, Section.teacher_id.is_not(None))))
    if student.counsellor_id:
        ids.add(student.counsellor_id)
    return ids


def booking_closes_at(event: Event) -> datetime:
    """Return when families can no longer book or cancel (the cut-off, else the start)."""
    return event.booking_closes_at or event.starts_at


def check_booking(slot: ConferenceSlot, event: Event, *, actor: User, student: Student,
                  guardian: Guardian) -> None:
    """Refuse a booking this guardian may not make for this child with this slot's teacher."""
    if event.status == "cancelled":
        raise DomainError(_("This conference is cancelled."))
    if actor.is_guardian and utcnow() >= booking_closes_at(event):
        raise DomainError(_("Booking for this conference has closed."))
    if db.session.scalar(select(Student.id).where(Student.id == student.id,
                                                  at_school_condition())) is None:
        raise DomainError(_("%(child)s is no longer at the school; nothing was booked.",
                            child=student.display_name), field="student_id")
    may_know = db.session.scalar(select(StudentGuardian.id).where(
        StudentGuardian.student_id == student.id, StudentGuardian.guardian_id == guardian.id,
        informed_link_condition()))
    in_audience = db.session.scalar(audience_student_ids(event)
                                    .where(Student.id == student.id))
    if may_know is None or in_audience is None:
        raise DomainError(_("This child cannot be booked by this guardian."), field="student_id")
    if slot.staff_id not in bookable_staff_ids(student):
        raise DomainError(_("This teacher does not work with this child."), field="student_id")
    if _booked_as_asked(slot, student, guardian):
        return
    booked = db.session.scalar(select(ConferenceSlot).where(
        ConferenceSlot.event_id == event.id, ConferenceSlot.staff_id == slot.staff_id,
        ConferenceSlot.student_id == student.id))
    if booked is not None:
        raise AlreadyBooked(_("%(child)s already has a slot with %(staff)s: %(when)s. To choose "
                              "another time, cancel it first.", child=student.display_name,
                              staff=db.session.get(User, slot.staff_id).full_name,
                              when=format_datetime(booked.starts_at, "short")))


def _booked_as_asked(slot: ConferenceSlot, student: Student, guardian: Guardian) -> bool:
    return (slot.status, slot.student_id, slot.guardian_id) == (SlotStatus.BOOKED, student.id,
                                                                guardian.id)


def book_slot(*, actor: User, slot: ConferenceSlot, student: Student,
              guardian: Guardian) -> ConferenceSlot:
    """Book an open slot for a child, atomically: of two at the same moment only one wins.
    The same booking asked for again (a double click, a second tab) is the booking made:
    nothing changes and nobody is told twice."""
    event = db.session.get(Event, slot.event_id)
    check_booking(slot, event, actor=actor, student=student, guardian=guardian)
    try:
        with db.session.begin_nested():
            taken = db.session.execute(
                update(ConferenceSlot)
                .where(ConferenceSlot.id == slot.id, ConferenceSlot.status == SlotStatus.OPEN)
                .values(status=SlotStatus.BOOKED, student_id=student.id, guardian_id=guardian.id,
                        booked_at=utcnow(), booked_by_id=actor.id, updated_at=utcnow())
                .execution_options(synchronize_session=False)).rowcount
    except IntegrityError:
        taken = 0
    db.session.refresh(slot)
    if taken != 1:
        if _booked_as_asked(slot, student, guardian):
            return slot  # by this same press a moment ago (another tab, a double click)
        raise SlotTaken(_("Sorry, this time was just taken. Please choose another one."))
    tell_about_slot(slot, guardian=guardian, sender=None if actor.is_guardian else actor,
                    what="booked")
    note_slot_change(actor, slot, "book")
    return slot


def note_slot_change(actor: User | None, slot: ConferenceSlot, what: str,
                     student_id: int | None = None) -> None:
    """Record a change to a slot's booking for the audit trail (`student_id`: as it was)."""
    record_changed.send(actor, action="update", object_type="conference_slot", object_id=slot.id,
                        student_id=student_id or slot.student_id, school_id=None,
                        changes={"status": [None, slot.status], "what": what})


def _freed(status: str) -> dict:
    return {"status": status, "student_id": None, "guardian_id": None, "booked_at": None,
            "booked_by_id": None}


def free_slot(slot: ConferenceSlot, status: str) -> tuple[Guardian | None, int | None]:
    """Empty a slot's booking into `status`; return the guardian and child it had."""
    guardian = db.session.get(Guardian, slot.guardian_id) if slot.guardian_id else None
    student_id = slot.student_id
    for name, value in _freed(status).items():
        setattr(slot, name, value)
    return guardian, student_id


def _is_booked_for(actor: User, slot: ConferenceSlot) -> bool:
    """A family cancels only their own children's bookings; staff, any."""
    if slot.status != SlotStatus.BOOKED:
        return False
    return not actor.is_guardian or db.session.scalar(
        guardian_child_ids(actor).where(StudentGuardian.student_id == slot.student_id)) is not None


def cancel_booking(*, actor: User, slot: ConferenceSlot,
                   booked_at: datetime | None = None) -> ConferenceSlot:
    """Give a booked slot back (families only until the cut-off) and tell the family, once:
    a second press (another tab, a double click, even at the same moment) finds the booking
    already cancelled, and so does a page showing an older booking (`booked_at`) of a slot
    cancelled and booked again since."""
    event = db.session.get(Event, slot.event_id)
    if actor.is_guardian and utcnow() >= booking_closes_at(event):
        raise DomainError(_("The cut-off has passed; please call the school."))
    already = AlreadyCancelled(_("This booking is already cancelled."))
    if not _is_booked_for(actor, slot) or booked_at not in (None, slot.booked_at):
        raise already
    freed = db.session.execute(
        update(ConferenceSlot)
        .where(ConferenceSlot.id == slot.id, ConferenceSlot.status == SlotStatus.BOOKED,
               ConferenceSlot.student_id == slot.student_id)
        .values(**_freed(SlotStatus.OPEN), updated_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if freed != 1:
        raise already
    student_id = slot.student_id
    tell_about_slot(slot, guardian=db.session.get(Guardian, slot.guardian_id),  # as it was
                    sender=None if actor.is_guardian else actor, what="cancelled")
    db.session.refresh(slot)
    note_slot_change(actor, slot, "cancel", student_id)
    return slot


def block_slot(*, actor: User, slot: ConferenceSlot) -> ConferenceSlot:
    """Take a slot out of booking; a family who had booked it is told."""
    if slot.status not in (SlotStatus.OPEN, SlotStatus.BOOKED):
        raise DomainError(_("Only an open or booked slot can be blocked."))
    if slot.status == SlotStatus.BOOKED:
        tell_about_slot(slot, guardian=db.session.get(Guardian, slot.guardian_id), sender=actor,
                        what="cancelled")
    _guardian, student_id = free_slot(slot, SlotStatus.BLOCKED)
    db.session.flush()
    note_slot_change(actor, slot, "block", student_id)
    return slot


def reopen_slot(*, actor: User, slot: ConferenceSlot) -> ConferenceSlot:
    """Make a blocked slot bookable again."""
    if slot.status != SlotStatus.BLOCKED:
        raise DomainError(_("Only a blocked slot can be opened again."))
    slot.status = SlotStatus.OPEN
    db.session.flush()
    return slot


def move_booking(*, actor: User, slot: ConferenceSlot, to_slot: ConferenceSlot) -> ConferenceSlot:
    """Move a booking to another open slot of the same staff member; the family is told."""
    if slot.status != SlotStatus.BOOKED or to_slot.staff_id != slot.staff_id \
            or to_slot.event_id != slot.event_id:
        raise DomainError(_("Choose another open slot of the same conference."), field="to_slot_id")
    student_id, guardian_id, booked_by_id = slot.student_id, slot.guardian_id, slot.booked_by_id
    old_entry = calendar_file(slot, cancelled=True)  # names the booking: made before it is freed
    free_slot(slot, SlotStatus.OPEN)
    db.session.flush()
    taken = db.session.execute(
        update(ConferenceSlot)
        .where(ConferenceSlot.id == to_slot.id, ConferenceSlot.status == SlotStatus.OPEN)
        .values(status=SlotStatus.BOOKED, student_id=student_id, guardian_id=guardian_id,
                booked_at=utcnow(), booked_by_id=booked_by_id, updated_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        raise SlotTaken(_("That slot is no longer open."), field="to_slot_id")
    db.session.refresh(to_slot)
    tell_about_slot(to_slot, guardian=db.session.get(Guardian, guardian_id), sender=actor,
                    what="moved", replaced=old_entry)
    note_slot_change(actor, to_slot, "move")
    return to_slot


def mark_slot(*, actor: User, slot: ConferenceSlot, outcome: str) -> ConferenceSlot:
    """Record what happened to a booked conference: held, no show or cancelled."""
    if outcome not in OUTCOMES:
        raise DomainError(_("Choose held, no show or cancelled."), field="outcome")
    if slot.student_id is None:
        raise DomainError(_("Only a booked slot can be marked."))
    before, slot.status = slot.status, outcome
    db.session.flush()
    record_changed.send(actor, action="update", object_type="conference_slot", object_id=slot.id,
                        student_id=slot.student_id, school_id=None,
                        changes={"status": [before, outcome]})
    return slot
