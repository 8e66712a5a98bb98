"""Staff pages of a parent–teacher conference: bookings, never answers (a conference asks
for none), and no reminder to answer."""

from datetime import date, datetime, time

from sqlalchemy import func, select

from portal.events.conferences import SlotPlan, book_slot, publish_slots
from portal.extensions import db
from portal.messaging.models import Message
from tests.events.helpers import add_event, school_with_families


def _booked_conference(world):
    """A conference that (wrongly) asks for answers, with Ann's slot booked by Marta."""
    event = add_event(world, kind="conference", title="Spring conferences", rsvp_requested=True,
                      starts_local=datetime(2027, 3, 10, 16), ends_local=datetime(2027, 3, 10, 19))
    slots = publish_slots(actor=world.teacher, event=event, plan=SlotPlan(
        days=[date(2027, 3, 10)], day_starts=time(16), day_ends=time(17), length_minutes=15))
    book_slot(actor=world.teacher, slot=slots[1], student=world.ann, guardian=world.marta)
    db.session.commit()
    return event


def test_the_conference_page_shows_bookings_not_answers_nor_a_reminder(app, login_as):
    world = school_with_families()
    event = _booked_conference(world)
    client = login_as(world.admin)
    for address in (f"/events/{event.id}", f"/events/{event.id}/check-in"):
        page = client.get(address).get_data(as_text=True)
        assert "Answer" not in page and "No answer" not in page
        assert "Remind families" not in page
        assert "Not booked" in page  # Dora Diaz
        assert "3/10/27, 4:15\u202fPM · Tara Teach" in page
    assert "<dt>Booked</dt><dd>1</dd>" in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_a_booking_about_a_child_the_teacher_may_not_see_is_not_shown(app, login_as):
    world = school_with_families()
    event = _booked_conference(world)
    page = login_as(world.other_teacher).get(f"/events/{event.id}").get_data(as_text=True)
    assert "Marta Novak" in page and "Tara Teach" not in page  # they teach Ben, not Ann


def test_a_reminder_to_answer_a_conference_is_refused_and_nothing_is_sent(app, login_as):
    world = school_with_families()
    event = _booked_conference(world)
    world.admin.preferred_language = "fr"
    db.session.commit()
    sent = db.session.scalar(select(func.count()).select_from(Message))
    response = login_as(world.admin).post(f"/events/{event.id}/remind")
    assert response.status_code == 400
    assert "pas invitées à répondre" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Message)) == sent
