"""A full event: a refused yes waits its turn, is never reminded to answer, and moves up."""

from datetime import datetime, timedelta

from sqlalchemy import select

from portal.events.invitations import WAITLISTED, record_rsvp, remind_non_responders
from portal.events.models import EventInvitation
from portal.events.services import update_event
from portal.extensions import db
from portal.messaging.automatic import send_event_reminders
from portal.messaging.models import Message
from tests.events.helpers import (
    add_event,
    details,
    make_family,
    make_student,
    school_with_families,
)


def _world_with_a_full_event():
    world = school_with_families()
    child = make_student(world.school, grade_level=9, first_name="Eva")
    world.late_user, world.late = make_family(world.school, child, first_name="Lena")
    world.event = add_event(world, rsvp_requested=True, capacity=1)
    world.invitation = {i.guardian_id: i for i in db.session.scalars(
        select(EventInvitation).where(EventInvitation.event_id == world.event.id))}
    record_rsvp(invitation=world.invitation[world.marta.id], answer="yes")
    record_rsvp(invitation=world.invitation[world.diaz.id], answer="yes")
    db.session.commit()
    return world


def _subjects(guardian) -> list[str]:
    return db.session.scalars(select(Message.subject).where(
        Message.guardian_id == guardian.id).order_by(Message.id)).all()


def test_a_yes_to_a_full_event_joins_the_waiting_list(app):
    world = _world_with_a_full_event()
    assert world.invitation[world.marta.id].rsvp == "yes"
    assert world.invitation[world.diaz.id].rsvp == WAITLISTED


def test_the_waiting_family_is_not_reminded_to_answer(app):
    world = _world_with_a_full_event()
    assert remind_non_responders(actor=world.admin, event=world.event) == 1
    assert any(s.startswith("Reminder") for s in _subjects(world.late))
    assert not any(s.startswith("Reminder") for s in _subjects(world.diaz))


def test_a_cancelled_yes_moves_the_first_waiting_family_up_and_tells_them(app):
    world = _world_with_a_full_event()
    record_rsvp(invitation=world.invitation[world.late.id], answer="yes")  # second in line
    record_rsvp(invitation=world.invitation[world.marta.id], answer="no")
    db.session.commit()
    assert world.invitation[world.diaz.id].rsvp == "yes"
    assert world.invitation[world.late.id].rsvp == WAITLISTED
    assert _subjects(world.diaz)[-1] == "A place is free: you are registered for Science Fair"
    assert not any(s.startswith("A place") for s in _subjects(world.late))


def test_answering_yes_again_keeps_the_place_in_the_queue(app):
    world = _world_with_a_full_event()
    record_rsvp(invitation=world.invitation[world.late.id], answer="yes")
    record_rsvp(invitation=world.invitation[world.diaz.id], answer="yes")
    record_rsvp(invitation=world.invitation[world.marta.id], answer="maybe")
    assert world.invitation[world.diaz.id].rsvp == "yes"
    assert world.invitation[world.late.id].rsvp == WAITLISTED


def test_a_larger_capacity_moves_waiting_families_up(app):
    world = _world_with_a_full_event()
    update_event(actor=world.admin, event=world.event,
                 details=details(capacity=3, rsvp_requested=True))
    assert world.invitation[world.diaz.id].rsvp == "yes"


def test_the_day_before_reminder_skips_the_waiting_list_and_uses_reminded_at(app, clock):
    world = _world_with_a_full_event()
    day_before = datetime(2027, 3, 9, 17)  # 12:00 in New York, the event is at 18:00 tomorrow
    clock.set(day_before)
    assert send_event_reminders(day_before) == 2  # Marta (coming) and Lena (not answered)
    assert world.invitation[world.marta.id].reminded_at == day_before
    assert world.invitation[world.diaz.id].reminded_at is None
    world.event.title = "Science Fair (new hall)"  # a new subject is no new reminder
    assert send_event_reminders(day_before + timedelta(hours=1)) == 0
