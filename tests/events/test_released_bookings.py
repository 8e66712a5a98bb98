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
from portal.people.models import Guardian, Student, StudentGuardian
from portal.privacy.services import deactivate, erase_person
from tests.events.helpers import school_with_families, take_away
from tests.family.test_events import _conference
from tests.imports.oneroster_set import realistic, write_set
from tests.imports.test_oneroster_import import by_sid, run_import
from tests.messaging.helpers import text_part


def _booked(world, smtp_server, *, both: bool = True) -> list[ConferenceSlot]:
    """Book Cleo's conference with Diaz (and, with `both`, Ann's with Marta); forget the
    confirmations sent."""
    _event, slots = _conference(world)
    book_slot(actor=world.teacher, slot=slots[0], student=world.cleo, guardian=world.diaz)
    if both:
        book_slot(actor=world.teacher, slot=slots[1], student=world.ann, guardian=world.marta)
    db.session.commit()
    drain()
    smtp_server.messages.clear()
    return slots


def _only_cleos_given_back(world, slots) -> None:
    freed, kept = (db.session.get(ConferenceSlot, slot.id) for slot in slots[:2])
    assert (freed.status, freed.student_id, freed.guardian_id) == (SlotStatus.OPEN, None, None)
    assert (kept.status, kept.student_id) == (SlotStatus.BOOKED, world.ann.id)


def _calendar_method(email) -> str:
    attachment = next(part for part in email.walk()
                      if part.get_filename() == "conference-cancelled.ics")
    return str(Calendar.from_ical(attachment.get_payload(decode=True))["method"])


def _cancellation_to(smtp_server, address: str):
    drain()
    (email,) = [m for m in smtp_server.messages if m["To"] == address
                and m["Subject"].startswith("Conference cancelled")]
    return email


def _imported_booking(app, tmp_path) -> tuple[ConferenceSlot, Student, Guardian]:
    """Import the realistic roster and book Björn's conference with Petra."""
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
    return slot, bjorn, petra


@pytest.mark.parametrize("how", ["left", "erased"])
def test_a_child_who_leaves_gives_back_their_booking_and_the_family_is_told(app, smtp_server,
                                                                            login_as, how):
    """The booking stayed, and the family could no longer cancel it (404)."""
    world = school_with_families()
    slots = _booked(world, smtp_server)
    take_away(world, world.cleo, how)
    _only_cleos_given_back(world, slots)
    email = _cancellation_to(smtp_server, world.diaz.email)
    assert _calendar_method(email) == "CANCEL"
    text = text_part(email)
    assert "no longer at the school" in text and "Cleo" not in text and "Erased" not in text
    schedule = login_as(world.teacher).get(f"/events/{slots[0].event_id}/conference")
    assert "Cleo Diaz" not in schedule.get_data(as_text=True)  # the teacher sees it free


@pytest.mark.parametrize("who", ["cleo", "diaz"])
def test_a_past_booking_stays_as_it_was(app, who):
    """What happened stays in the history: only future bookings are given back, whether the
    child or the guardian who booked left."""
    world = school_with_families()
    _event, slots = _conference(world)
    book_slot(actor=world.teacher, slot=slots[0], student=world.cleo, guardian=world.diaz)
    slots[0].starts_at = slots[0].starts_at.replace(year=2000)
    db.session.commit()
    take_away(world, getattr(world, who), "left")
    assert db.session.scalar(select(ConferenceSlot.student_id).where(
        ConferenceSlot.id == slots[0].id)) == world.cleo.id


def test_a_child_the_roster_no_longer_lists_gives_back_their_booking(app, tmp_path):
    """An import marks the child inactive in bulk: the same rule releases the booking."""
    slot, _bjorn, _petra = _imported_booking(app, tmp_path)
    delta = {"users": [{"sourcedId": "st2", "status": "tobedeleted", "orgSourcedIds": "s-north",
                        "role": "student", "givenName": "Björn", "familyName": "Novák"}]}
    result = run_import(app, write_set(tmp_path / "delta", delta, modes={"users": "delta"}))
    assert result.exit_code == 0, result.stderr
    slot = db.session.get(ConferenceSlot, slot.id)
    assert (slot.status, slot.student_id) == (SlotStatus.OPEN, None)


def _link(student, guardian) -> StudentGuardian:
    return db.session.scalar(select(StudentGuardian).where(
        StudentGuardian.student_id == student.id, StudentGuardian.guardian_id == guardian.id))


def test_a_guardian_whose_link_ends_gives_back_their_booking_and_is_told(app, smtp_server):
    """Custody changed: the booking stayed, and the guardian could no longer cancel it."""
    world = school_with_families()
    slots = _booked(world, smtp_server)
    deactivate(record=_link(world.cleo, world.diaz), actor=world.admin, reason="Custody changed")
    db.session.commit()
    _only_cleos_given_back(world, slots)
    email = _cancellation_to(smtp_server, world.diaz.email)
    assert any(part.get_filename() == "conference-cancelled.ics" for part in email.walk())
    text = text_part(email)
    assert "no longer lists you" in text and "Cleo" not in text


def test_an_erased_guardian_gives_back_all_their_bookings_untold(app, smtp_server):
    """They have no address any more: the slots open again, nobody is written to."""
    world = school_with_families()
    slots = _booked(world, smtp_server, both=False)
    erase_person(person=world.diaz, actor=world.admin, reason="Asked by the guardian")
    db.session.commit()
    freed = db.session.get(ConferenceSlot, slots[0].id)
    assert (freed.status, freed.guardian_id) == (SlotStatus.OPEN, None)
    drain()
    assert not [m for m in smtp_server.messages if m["Subject"].startswith("Conference")]


def test_a_link_the_roster_no_longer_lists_gives_back_its_booking(app, tmp_path):
    """An import ends the link in bulk: the same rule releases the guardian's booking."""
    slot, bjorn, petra = _imported_booking(app, tmp_path)
    delta = {"users": [{"sourcedId": "g1", "status": "active", "orgSourcedIds": "d1",
                        "role": "parent", "givenName": "Petra", "familyName": "Novák",
                        "agentSourcedIds": "st1,st3", "email": "petra@family.example"}]}
    result = run_import(app, write_set(tmp_path / "delta", delta, modes={"users": "delta"}))
    assert result.exit_code == 0, result.stderr
    assert not _link(bjorn, petra).is_active
    slot = db.session.get(ConferenceSlot, slot.id)
    assert (slot.status, slot.guardian_id) == (SlotStatus.OPEN, None)


def test_a_guardian_marked_inactive_gives_back_their_bookings_and_is_told(app, smtp_server):
    """They left (not erased): the booking stayed and they could no longer manage it; they
    still have an address, so they get the cancellation, naming no child."""
    world = school_with_families()
    slots = _booked(world, smtp_server)
    deactivate(record=world.diaz, actor=world.admin, reason="Moved away")
    db.session.commit()
    _only_cleos_given_back(world, slots)
    email = _cancellation_to(smtp_server, world.diaz.email)
    assert _calendar_method(email) == "CANCEL"
    text = text_part(email)
    assert "no longer lists you" in text and "Cleo" not in text


def test_a_guardian_the_roster_no_longer_lists_gives_back_their_booking(app, tmp_path):
    """An import marks the guardian inactive in bulk: the same rule releases their booking."""
    slot, _bjorn, petra = _imported_booking(app, tmp_path)
    delta = {"users": [{"sourcedId": "g1", "status": "tobedeleted", "orgSourcedIds": "d1",
                        "role": "parent", "givenName": "Petra", "familyName": "Novák"}]}
    result = run_import(app, write_set(tmp_path / "delta", delta, modes={"users": "delta"}))
    assert result.exit_code == 0, result.stderr
    assert not db.session.get(Guardian, petra.id).is_active
    slot = db.session.get(ConferenceSlot, slot.id)
    assert (slot.status, slot.guardian_id) == (SlotStatus.OPEN, None)
