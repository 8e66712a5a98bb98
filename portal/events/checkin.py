"""Check-in at the door: tick who came, add walk-ins, correct afterwards."""

from flask_babel import gettext as _
from sqlalchemy import select, true
from sqlalchemy.exc import IntegrityError

from portal.auth.models import User
from portal.core.errors import DomainError
from portal.core.signals import record_changed
from portal.core.time import utcnow
from portal.events.models import Event, EventAttendance, EventInvitation
from portal.extensions import db
from portal.people.models import Guardian, Student, StudentGuardian


def _first_child_id(guardian: Guardian, school_id: int) -> int | None:
    return db.session.scalar(
        select(StudentGuardian.student_id).join(Student, Student.id == StudentGuardian.student_id)
        .where(StudentGuardian.guardian_id == guardian.id, Student.school_id == school_id,
               Student.is_active.is_(true()))
        .order_by(StudentGuardian.student_id).limit(1))


def check_in(*, actor: User, event: Event, guardian_id: int) -> EventAttendance:
    """Record that a family came; a family not invited is a walk-in. Refuse other schools."""
    guardian = db.session.get(Guardian, guardian_id)
    if guardian is None or guardian.school_id != event.school_id:
        raise DomainError(_("This person is not a family of this school."), field="guardian_id")
    if event.status == "cancelled":
        raise DomainError(_("This event is cancelled."))
    existing = db.session.scalar(select(EventAttendance).where(
        EventAttendance.event_id == event.id, EventAttendance.guardian_id == guardian.id))
    if existing is not None:
        return existing
    invitation = db.session.scalar(select(EventInvitation).where(
        EventInvitation.event_id == event.id, EventInvitation.guardian_id == guardian.id))
    student_id = invitation.student_id if invitation else _first_child_id(guardian, event.school_id)
    attendance = EventAttendance(event_id=event.id, guardian_id=guardian.id, student_id=student_id,
                                 checked_in_at=utcnow(), checked_in_by_id=actor.id,
                                 is_walk_in=invitation is None)
    try:
        with db.session.begin_nested():
            db.session.add(attendance)
    except IntegrityError:  # checked in by a second tap a moment ago: that check-in stands
        return db.session.scalar(select(EventAttendance).where(
            EventAttendance.event_id == event.id, EventAttendance.guardian_id == guardian.id))
    _changed(actor, event, attendance, "create")
    return attendance


def undo_check_in(*, actor: User, event: Event, guardian_id: int) -> None:
    """Correct the list: this family did not come after all."""
    attendance = db.session.scalar(select(EventAttendance).where(
        EventAttendance.event_id == event.id, EventAttendance.guardian_id == guardian_id))
    if attendance is None:
        raise DomainError(_("This family is not checked in."), field="guardian_id")
    _changed(actor, event, attendance, "delete")
    db.session.delete(attendance)
    db.session.flush()


def _changed(actor: User, event: Event, attendance: EventAttendance, action: str) -> None:
    record_changed.send(actor, action=action, object_type="event_attendance",
                        object_id=attendance.id, student_id=attendance.student_id,
                        school_id=event.school_id,
                        changes={"guardian_id": [None, attendance.guardian_id]})
