"""iCalendar for events and conference slots: one builder for the staff calendar, the
single-event download and the family feed (no METHOD: published, not sent), and one for a
booking's email (REQUEST to add it, CANCEL to take it out)."""

from datetime import UTC
from email.utils import parseaddr
from uuid import NAMESPACE_URL, uuid5

from flask import current_app
from icalendar import Calendar, vCalAddress
from icalendar import Event as CalendarEntry

from portal.auth.models import User
from portal.core.time import to_local, utcnow
from portal.events.models import ConferenceSlot, Event, SlotStatus
from portal.extensions import db
from portal.people.models import Guardian, School, Student

# A booking's entry changes once after it is sent: its cancellation, which calendars apply
# only with a higher SEQUENCE than the entry they hold (RFC 5546).
BOOKED_SEQUENCE, CANCELLED_SEQUENCE = 0, 1


def build_calendar(*, name: str, timezone: str, events=(), slots=()) -> str:
    """Return an iCalendar text with the events and booked conference slots, in the zone."""
    calendar = _calendar(name, timezone)
    for event in events:
        calendar.add_component(_event_entry(event, timezone))
    for slot in slots:
        event = db.session.get(Event, slot.event_id)
        calendar.add_component(_slot_entry(slot, event, timezone))
    calendar.add_missing_timezones()
    return calendar.to_ical().decode("utf-8")


def build_booking(*, slot: ConferenceSlot, timezone: str, cancelled: bool = False) -> str:
    """Return a booking's iCalendar for the family's email (RFC 5546): METHOD:REQUEST to add
    it to their calendar, or METHOD:CANCEL (the same UID, a higher SEQUENCE) to take it out;
    both from the school (ORGANIZER) to the guardian who booked (ATTENDEE)."""
    event = db.session.get(Event, slot.event_id)
    calendar = _calendar(event.title, timezone)
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    entry = _slot_entry(slot, event, timezone, cancelled=cancelled)
    entry.add("organizer", _organizer(event))
    if slot.guardian_id is not None:
        entry.add("attendee", _attendee(db.session.get(Guardian, slot.guardian_id), event))
    calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode("utf-8")


def _organizer(event: Event) -> vCalAddress:
    """The school, at the portal's reply address."""
    organizer = vCalAddress(f"mailto:{parseaddr(current_app.config['MAIL_DEFAULT_SENDER'])[1]}")
    organizer.params["cn"] = db.session.get(School, event.school_id).name
    return organizer


def _attendee(guardian: Guardian, event: Event) -> vCalAddress:
    """The guardian, who holds the booking (accepted: no answer expected); a guardian without
    an email address by a stable URN of their own."""
    address = (f"mailto:{guardian.email}" if guardian.email
               else f"urn:uuid:{uuid5(NAMESPACE_URL, f'guardian-{guardian.id}.{event.uid}')}")
    attendee = vCalAddress(address)
    attendee.params.update({"cn": guardian.display_name, "cutype": "INDIVIDUAL",
                            "role": "REQ-PARTICIPANT", "partstat": "ACCEPTED", "rsvp": "FALSE"})
    return attendee


def booking_uid(slot: ConferenceSlot, event: Event) -> str:
    """Return the calendar UID of a slot's booking: one per booking, so a cancelled booking
    and a later one of the same slot are two entries (an open slot has the slot's own)."""
    if slot.booked_at is None:
        return f"slot-{slot.id}.{event.uid}"
    return f"booking-{slot.id}-{slot.booked_at:%Y%m%dT%H%M%S%f}.{event.uid}"


def _calendar(name: str, timezone: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//School portal//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone)
    return calendar


def _entry(*, uid: str, title: str, starts_at, ends_at, timezone: str, changed_at) -> CalendarEntry:
    entry = CalendarEntry()
    entry.add("uid", uid)
    entry.add("summary", title)
    entry.add("dtstart", to_local(starts_at, timezone))
    entry.add("dtend", to_local(ends_at, timezone))
    entry.add("dtstamp", (changed_at or utcnow()).replace(tzinfo=UTC))
    return entry


def _event_entry(event: Event, timezone: str) -> CalendarEntry:
    entry = _entry(uid=event.uid, title=event.title, starts_at=event.starts_at,
                   ends_at=event.ends_at, timezone=timezone, changed_at=event.updated_at)
    if event.location:
        entry.add("location", event.location)
    if event.description:
        entry.add("description", event.description)
    entry.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
    return entry


def _slot_entry(slot: ConferenceSlot, event: Event, timezone: str,
                cancelled: bool = False) -> CalendarEntry:
    staff = db.session.get(User, slot.staff_id)
    student = db.session.get(Student, slot.student_id) if slot.student_id else None
    title = f"{event.title}: {staff.full_name}"
    if student is not None:
        title += f" · {student.display_name}"
    entry = _entry(uid=booking_uid(slot, event), title=title, starts_at=slot.starts_at,
                   ends_at=slot.ends_at, timezone=timezone, changed_at=slot.updated_at)
    if slot.location:
        entry.add("location", slot.location)
    cancelled = cancelled or slot.status in (SlotStatus.CANCELLED, SlotStatus.BLOCKED)
    entry.add("sequence", CANCELLED_SEQUENCE if cancelled else BOOKED_SEQUENCE)
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return entry
