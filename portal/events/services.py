"""Write use cases for events: create (once or as a series), edit, cancel, invite, RSVP, remind."""

import calendar
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from portal.auth.models import User
from portal.core.errors import DomainError
from portal.core.signals import record_changed
from portal.core.time import to_utc, utcnow
from portal.events.audience import check_audience
from portal.events.invitations import invite_audience, promote_waitlisted
from portal.events.models import ConferenceSlot, Event, EventInvitation, EventKind, SlotStatus
from portal.events.notices import tell_about_slot, tell_invited
from portal.extensions import db
from portal.people.changes import check_unchanged_since
from portal.people.models import Guardian, School

MAX_OCCURRENCES = 60


@dataclass
class EventDetails:
    """What staff enter for an event; times are naive, in the school's time zone."""

    kind: str
    title: str
    starts_local: datetime
    ends_local: datetime
    audience: dict = field(default_factory=dict)
    description: str | None = None
    location: str | None = None
    rsvp_requested: bool = False
    capacity: int | None = None
    booking_closes_local: datetime | None = None

    # A value given for a field this kind does not use (from an old form or a hand-made
    # one) is ignored, not refused, and the page says so (not_kept_notes).
    @property
    def booked_by_slot(self) -> bool:
        """True for a kind of event families book a slot of (a conference)."""
        return self.kind in EventKind.BOOKED_BY_SLOT

    @property
    def rsvp_not_kept(self) -> bool:
        """True when answers are asked of an event booked by slot (a conference)."""
        return self.rsvp_requested and self.booked_by_slot

    @property
    def capacity_not_kept(self) -> bool:
        """True when a capacity is given for an event that asks no answers: it only limits
        the families who answer yes (then a waiting list)."""
        return self.capacity is not None and (not self.rsvp_requested or self.rsvp_not_kept)

    @property
    def kept_capacity(self) -> int | None:
        """The capacity stored: none for an event that asks no answers."""
        return None if self.capacity_not_kept else self.capacity

    @property
    def booking_close_not_kept(self) -> bool:
        """True when a booking close is given for an event that is not booked by slot."""
        return self.booking_closes_local is not None and not self.booked_by_slot


def not_kept_notes(details: EventDetails) -> list[str]:
    """Say which values given were not kept, because this kind of event does not use them."""
    notes = []
    if details.rsvp_not_kept:
        notes.append(_("A conference is booked by slot: families are not asked to answer, "
                       "so “Ask families to answer (RSVP)” was not kept."))
    if details.capacity_not_kept:
        notes.append(_("A capacity only limits the families who answer yes, and this event "
                       "does not ask families to answer, so “Capacity (families)” was not kept."))
    if details.booking_close_not_kept:
        notes.append(_("Families book no slots for this kind of event, so “Conference "
                       "booking closes” was not kept."))
    return notes


def _check_details(details: EventDetails, *, actor: User, school: School,
                   event: Event | None = None) -> None:
    if details.kind not in EventKind.ALL:
        raise DomainError(_("Choose a kind of event."), field="kind")
    if details.ends_local <= details.starts_local:
        raise DomainError(_("The end must be after the start."), field="ends_at")
    _check_capacity(details.kept_capacity, event)
    check_audience(actor=actor, school_id=school.id, audience=details.audience)


def _check_capacity(capacity: int | None, event: Event | None) -> None:
    if capacity is None:
        return
    if capacity < 1:
        raise DomainError(_("Capacity must be at least 1, or left empty."), field="capacity")
    confirmed = confirmed_count(event) if event is not None else 0
    if capacity < confirmed:
        raise DomainError(_("Capacity cannot be below the %(count)s families who already said yes.",
                            count=confirmed), field="capacity")


def confirmed_count(event: Event) -> int:
    """Return how many invited families answered yes."""
    return db.session.scalar(select(func.count()).select_from(EventInvitation).where(
        EventInvitation.event_id == event.id, EventInvitation.rsvp == "yes")) or 0


# What the event form changes (_apply), and so what its version is of.
EVENT_FIELDS = ("kind", "title", "description", "location", "starts_at", "ends_at", "audience",
                "rsvp_requested", "capacity", "booking_closes_at", "status")


def _apply(event: Event, details: EventDetails, timezone: str) -> None:
    event.kind, event.title = details.kind, details.title.strip()
    event.description, event.location = details.description, details.location
    event.starts_at = to_utc(details.starts_local, timezone)
    event.ends_at = to_utc(details.ends_local, timezone)
    event.audience = dict(details.audience)
    event.rsvp_requested = details.rsvp_requested and not details.rsvp_not_kept
    event.capacity = details.kept_capacity
    event.booking_closes_at = (to_utc(details.booking_closes_local, timezone)
                               if details.booking_closes_local
                               and not details.booking_close_not_kept else None)


def _changed(actor: User, event: Event, action: str, changes: dict | None = None) -> None:
    record_changed.send(actor, action=action, object_type="event", object_id=event.id,
                        student_id=None, school_id=event.school_id, changes=changes or {})


def create_event(*, actor: User, school: School, details: EventDetails,
                 series_id: str | None = None, notify: bool = True) -> Event:
    """Create an event in the school's time zone and invite the guardians of its audience."""
    _check_details(details, actor=actor, school=school)
    domain = current_app.config.get("MAIL_MESSAGE_ID_DOMAIN", "portal.local")
    event = Event(school_id=school.id, uid=f"event-{uuid.uuid4().hex}@{domain}",
                  series_id=series_id, created_by_id=actor.id, status="scheduled")
    _apply(event, details, school.timezone)
    db.session.add(event)
    db.session.flush()
    invite_audience(event=event, actor=actor, notify=notify)
    _changed(actor, event, "create")
    return event


def occurrence_dates(first: date, *, repeat: str, until: date) -> list[date]:
    """Return the dates of a weekly or monthly series from `first` up to `until`."""
    dates, number = [], 0
    while len(dates) < MAX_OCCURRENCES:
        if repeat == "weekly":
            day = first + timedelta(weeks=number)
        else:
            month_index = first.month - 1 + number
            year, month = first.year + month_index // 12, month_index % 12 + 1
            day = date(year, month, min(first.day, calendar.monthrange(year, month)[1]))
        if day > until:
            break
        dates.append(day)
        number += 1
    return dates


def create_series(*, actor: User, school: School, details: EventDetails, repeat: str,
                  until: date) -> list[Event]:
    """Create a weekly or monthly series: each occurrence keeps the local clock time."""
    if repeat not in ("weekly", "monthly"):
        raise DomainError(_("Choose weekly or monthly."), field="repeat")
    first = details.starts_local.date()
    if until < first:
        raise DomainError(_("The series must end on or after the first date."),
                          field="repeat_until")
    series_id, events = uuid.uuid4().hex, []
    for number, day in enumerate(occurrence_dates(first, repeat=repeat, until=until)):
        shift = day - first
        occurrence = EventDetails(**{**details.__dict__,
                                     "starts_local": details.starts_local + shift,
                                     "ends_local": details.ends_local + shift,
                                     "booking_closes_local": None})
        events.append(create_event(actor=actor, school=school, details=occurrence,
                                   series_id=series_id, notify=number == 0))
    return events


def update_event(*, actor: User, event: Event, details: EventDetails,
                 seen: str | None = None) -> Event:
    """Change an event; invite families newly in its audience and tell the invited of a new
    time. An event changed since the form (`seen`) was filled in is not overwritten: the
    families would be told the old time as the new one."""
    if event.status == "cancelled":
        raise DomainError(_("A cancelled event cannot be changed."))
    check_unchanged_since(event, EVENT_FIELDS, seen)
    school = db.session.get(School, event.school_id)
    _check_details(details, actor=actor, school=school, event=event)
    before = (event.starts_at, event.ends_at, event.location)
    _apply(event, details, school.timezone)
    db.session.flush()
    promote_waitlisted(event=event)  # a larger capacity frees places
    if (event.starts_at, event.ends_at, event.location) != before:
        tell_invited(event, sender=actor,
                     subject=lambda e, when: _("Changed: %(title)s", title=e.title),
                     body=lambda e, when: _("%(title)s is now on %(when)s at %(place)s.",
                                            title=e.title, when=when, place=e.location or "—"))
    invite_audience(event=event, actor=actor, notify=True)
    _changed(actor, event, "update")
    return event


def cancel_event(*, actor: User, event: Event, reason: str = "") -> int:
    """Cancel an event and its booked conference slots; tell every invited family, once (and
    each family with a booking, with its calendar cancellation): of two presses at the same
    moment only one cancels."""
    cancelled = db.session.execute(
        update(Event).where(Event.id == event.id, Event.status != "cancelled")
        .values(status="cancelled", updated_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(event)
    if cancelled != 1:
        raise DomainError(_("This event is already cancelled."))
    for slot in db.session.scalars(select(ConferenceSlot).where(
            ConferenceSlot.event_id == event.id)).all():
        if slot.status == SlotStatus.BOOKED:  # in the family's calendar: the .ics takes it out
            tell_about_slot(slot, guardian=db.session.get(Guardian, slot.guardian_id),
                            sender=actor, what="cancelled")
        slot.status = SlotStatus.CANCELLED
    db.session.flush()
    told = tell_invited(
        event, sender=actor,
        subject=lambda e, when: _("Cancelled: %(title)s", title=e.title),
        body=lambda e, when: _("%(title)s on %(when)s is cancelled.", title=e.title, when=when)
        + (f"\n\n{reason}" if reason else ""))
    _changed(actor, event, "update", {"status": ["scheduled", "cancelled"]})
    return told
