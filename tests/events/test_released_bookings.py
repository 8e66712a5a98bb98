"""A child who leaves the school or is erased gives back their future conference bookings:
the slot is open again and the family's calendar gets the booking's cancellation."""

from datetime import datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from portal.auth.models import User
from portal.events.conferences import book_slot
from portal.events.models import ConferenceSlot, Event, SlotStatus
from portal.extensions import db
from portal.messaging.worker import drain
from portal.people.models import Guardian, Student
from portal.privacy.services import deactivate, erase_person
from tests.events.helpers import school_with_families
from tests.family.test_events import _conference
from tests.imports.oneroster_set import realistic, write_set
from tests.imports.test_oneroster_import import by_sid, run_import
from tests.messaging.helpers import text_part


def _take_away(world, student, how: str) -> None:
    if how == "left":
        deactivate(record=student, actor=world.admin, reason="Moved away")
    else:
        erase_person(person=student, actor=world.admin, reason="Asked by the family")
    db.session.commit()


def _cancellation_to(smtp_server, address: str):
    drain()
    (email,) = [m for m in smtp_server.messages if m["To"] == address
                and m["Subject"].startswith("Conference cancelled")]
    return email


@pytest.mark.parametrize("how", ["left", "erased"])
def test_a_child_who_leaves_gives_back_their_booking_and_the_family_is_told(app, smtp_server,
                                                                            login_as, how):
    """The booking stayed, and the family could no longer cancel it (404)."""
    world = school_with_families()
    event, slots = _conference(world)
    book_slot(actor=world.teacher, slot=slots[0], student=world.cleo, guardian=world.diaz)
    book_slot(actor=world.teacher, slot=slots[1], student=world.ann, guardian=world.marta)
    db.session.commit()
    drain()
    smtp_server.messages.clear()
    _take_away(world, world.cleo, how)
    freed, kept = (db.session.get(ConferenceSlot, slot.id) for slot in slots[:2])
    assert (freed.status, freed.student_id, freed.guardian_id) == (SlotStatus.OPEN, None, None)
    assert (kept.status, kept.student_id) == (SlotStatus.BOOKED, world.ann.id)
    email = _cancellation_to(smtp_server, world.diaz.email)
    attachment = next(part for part in email.walk()
                      if part.get_filename() == "conference-cancelled.ics")
    calendar = Calendar.from_ical(attachment.get_payload(decode=True))
    assert str(calendar["method"]) == "CANCEL"
    text = text_part(email)
    assert "no longer at the school" in text and "Cleo" not in text and "Erased" not in text
    schedule = login_as(world.teacher).get(f"/events/{event.id}/conference")
    assert "Cleo Diaz" not in schedule.get_data(as_text=True)  # the teacher sees it free


def test_a_past_booking_stays_as_it_was(app):
    """What happened stays in the history: only future bookings are given back."""
    world = school_with_families()
    _event, slots = _conference(world)
    book_slot(actor=world.teacher, slot=slots[0], student=world.cleo, guardian=world.diaz)
    slots[0].starts_at = slots[0].starts_at.replace(year=2000)
    db.session.commit()
    _take_away(world, world.cleo, "left")
    assert db.session.scalar(select(ConferenceSlot.student_id).where(
        ConferenceSlot.id == slots[0].id)) == world.cleo.id


def test_a_child_the_roster_no_longer_lists_gives_back_their_booking(app, tmp_path):
    """An import marks the child inactive in bulk: the same rule releases the booking."""
    assert run_import(app, write_set(tmp_path / "set", realistic())).exit_code == 0
    bjorn, petra = by_sid(Student, "st2"), by_sid(Guardian, "g1")
    event = Event(school_id=bjorn.school_id, kind="conference", title="Conferences",
                  starts_at=datetime(2027, 3, 10, 16), ends_at=datetime(2027, 3, 10, 19),
                  uid="import-conference@test")
    db.session.add(event)
    db.session.flush()
    slot = ConferenceSlot(event_id=event.id, staff_id=db.session.scalar(select(User.id)),
                          starts_at=event.starts_at, ends_at=event.starts_at + timedelta(
                              minutes=15), status=SlotStatus.BOOKED, student_id=bjorn.id,
                          guardian_id=petra.id, booked_at=datetime(2027, 1, 4))
    db.session.add(slot)
    db.session.commit()
    delta = {"users": [{"sourcedId": "st2", "status": "tobedeleted", "orgSourcedIds": "s-north",
                        "role": "student", "givenName": "Björn", "familyName": "Novák"}]}
    result = run_import(app, write_set(tmp_path / "delta", delta, modes={"users": "delta"}))
    assert result.exit_code == 0, result.stderr
    slot = db.session.get(ConferenceSlot, slot.id)
    assert (slot.status, slot.student_id) == (SlotStatus.OPEN, None)
