"""Merging two records of a child: the duplicate's future conference bookings move to the kept
record (the family keeps the appointment) unless that record could not have booked them."""

from sqlalchemy import select

from portal.events.conferences import book_slot
from portal.events.models import ConferenceSlot, SlotStatus
from portal.extensions import db
from portal.messaging.worker import drain
from portal.people.models import Student
from portal.privacy.merge import merge_people
from portal.privacy.services import deactivate
from tests.events.helpers import school_with_families
from tests.factories import link, make_section, make_student
from tests.family.test_events import _conference
from tests.messaging.helpers import text_part


def _booked_duplicate(smtp_server):
    """Book Cleo's conference with her guardian, then add a second record of Cleo."""
    world = school_with_families()
    _event, slots = _conference(world)
    book_slot(actor=world.teacher, slot=slots[0], student=world.cleo, guardian=world.diaz)
    world.kept = make_student(world.school, grade_level=9, first_name="Cleo", last_name="Diaz")
    db.session.commit()
    drain()
    smtp_server.messages.clear()
    return world, slots


def _slot(slot) -> tuple:
    slot = db.session.get(ConferenceSlot, slot.id)
    return slot.status, slot.student_id, slot.guardian_id


def _cancellations(smtp_server) -> list:
    drain()
    return [m for m in smtp_server.messages if m["Subject"].startswith("Conference cancelled")]


def test_the_duplicates_booking_moves_to_the_kept_record(app, smtp_server):
    """Same slot, same time, same calendar entry: nothing to tell the family."""
    world, slots = _booked_duplicate(smtp_server)
    merge_people(survivor=world.kept, loser=world.cleo, actor=world.admin)
    db.session.commit()
    assert _slot(slots[0]) == (SlotStatus.BOOKED, world.kept.id, world.diaz.id)
    assert _cancellations(smtp_server) == []


def test_a_booking_the_kept_record_already_has_is_given_back_not_deleted(app, smtp_server):
    """Both records booked the same teacher: the duplicate's slot opens again (it was deleted
    with the merge, the teacher's hour gone), and the family is told."""
    world, slots = _booked_duplicate(smtp_server)
    link(world.kept, world.diaz)
    make_section(world.school, world.teacher, world.kept)
    book_slot(actor=world.teacher, slot=slots[1], student=world.kept, guardian=world.diaz)
    db.session.commit()
    drain()
    smtp_server.messages.clear()
    merge_people(survivor=world.kept, loser=world.cleo, actor=world.admin)
    db.session.commit()
    assert _slot(slots[0]) == (SlotStatus.OPEN, None, None)
    assert _slot(slots[1]) == (SlotStatus.BOOKED, world.kept.id, world.diaz.id)
    assert [m["To"] for m in _cancellations(smtp_server)] == [world.diaz.email]


def test_a_booking_the_kept_record_could_not_make_is_given_back(app, smtp_server):
    """The kept record left the school: the booking is released, naming no child."""
    world, slots = _booked_duplicate(smtp_server)
    deactivate(record=world.kept, actor=world.admin, reason="Moved away")
    merge_people(survivor=world.kept, loser=world.cleo, actor=world.admin)
    db.session.commit()
    assert _slot(slots[0]) == (SlotStatus.OPEN, None, None)
    (email,) = _cancellations(smtp_server)
    assert "no longer at the school" in text_part(email)  # decoded: quoted-printable may break it
    assert db.session.scalar(select(Student.is_active).where(Student.id == world.cleo.id)) \
        is False
