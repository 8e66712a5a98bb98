"""iCalendar for events and conference slots: one builder for the staff calendar,
the single-event download, the booking confirmation and the family feed."""

from datetime import UTC

from icalendar import Calendar
from icalendar import Event as CalendarEntry

from portal.auth.models import User
from portal.core.time import to_local, utcnow
from portal.events.models import ConferenceSlot, Event, SlotStatus
from portal.extensions import db
from portal.people.models import Student


def build_calendar(*, name: str, timezone: str, events=(), slots=()) -> str:
    """Return an iCalendar text with the events and booked conference slots, in the zone."""
    calendar = Calendar()
    calendar.add("prodid", "-//School portal//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone)
    for event in events:
        calendar.add_component(_event_entry(event, timezone))
    for slot in slots:
        event = db.session.get(Event, slot.event_id)
        calendar.add_component(_slot_entry(slot, event, timezone))
    calendar.add_missing_timezones()
    return calendar.to_ical().decode("utf-8")


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


def _slot_entry(slot: ConferenceSlot, event: Event, timezone: str) -> CalendarEntry:
    staff = db.session.get(User, slot.staff_id)
    student = db.session.get(Student, slot.student_id) if slot.student_id else None
    title = f"{event.title}: {staff.full_name}"
    if student is not None:
        title += f" · {student.display_name}"
    entry = _entry(uid=f"slot-{slot.id}.{event.uid}", title=title, starts_at=slot.starts_at,
                   ends_at=slot.ends_at, timezone=timezone, changed_at=slot.updated_at)
    if slot.location:
        entry.add("location", slot.location)
    entry.add("status", "CANCELLED" if slot.status in (SlotStatus.CANCELLED, SlotStatus.BLOCKED)
              else "CONFIRMED")
    return entry
