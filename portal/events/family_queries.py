"""What a guardian sees of events: their invitations, conferences and calendar feed."""

from datetime import timedelta

from flask import abort
from sqlalchemy import select

from portal.auth.models import User
from portal.core.permissions import guardian_child_ids
from portal.core.time import utcnow
from portal.events.audience import audience_student_ids
from portal.events.models import ConferenceSlot, Event, EventInvitation, SlotStatus
from portal.extensions import db
from portal.people.models import Guardian, Student

RECENT = timedelta(days=30)


def _informable(user: User, guardian: Guardian):
    return EventInvitation.guardian_id == guardian.id, EventInvitation.student_id.in_(
        guardian_child_ids(user))


def family_events(user: User, guardian: Guardian) -> list[tuple[Event, EventInvitation]]:
    """Return the guardian's invitations from the last month on, with their events."""
    rows = db.session.execute(
        select(Event, EventInvitation).join(EventInvitation, EventInvitation.event_id == Event.id)
        .where(*_informable(user, guardian), Event.ends_at >= utcnow() - RECENT)
        .order_by(Event.starts_at)).all()
    return [(event, invitation) for event, invitation in rows]


def get_invitation_or_404(user: User, guardian: Guardian, invitation_id: int) -> EventInvitation:
    """Load one of the guardian's own invitations, or answer 404."""
    invitation = db.session.scalar(select(EventInvitation).where(
        EventInvitation.id == invitation_id, *_informable(user, guardian)))
    if invitation is None:
        abort(404)
    return invitation


def get_conference_or_404(user: User, guardian: Guardian, event_id: int) -> Event:
    """Load a conference event that concerns one of the guardian's children, or answer 404."""
    event = db.session.get(Event, event_id)
    if event is None or not event.booked_by_slot or event.school_id != guardian.school_id:
        abort(404)
    concerned = db.session.scalar(
        audience_student_ids(event)
        .where(Student.id.in_(guardian_child_ids(user))).limit(1))
    if concerned is None:
        abort(404)
    return event


def get_conference_slot_or_404(user: User, guardian: Guardian, slot_id: int) -> ConferenceSlot:
    """Load any slot of a conference the guardian may open (booked by another family too:
    booking it then answers that the time was just taken), or 404."""
    slot = db.session.get(ConferenceSlot, slot_id)
    if slot is None:
        abort(404)
    get_conference_or_404(user, guardian, slot.event_id)
    return slot


def feed_contents(user: User, guardian: Guardian) -> tuple[list[Event], list[ConferenceSlot]]:
    """Return the events and booked conference slots of the guardian's children, for the feed."""
    events = db.session.scalars(
        select(Event).join(EventInvitation, EventInvitation.event_id == Event.id)
        .where(*_informable(user, guardian)).order_by(Event.starts_at)).all()
    slots = db.session.scalars(select(ConferenceSlot).where(
        ConferenceSlot.student_id.in_(guardian_child_ids(user)),
        ConferenceSlot.status.in_((SlotStatus.BOOKED, SlotStatus.HELD)))
        .order_by(ConferenceSlot.starts_at)).all()
    return list(events), list(slots)
