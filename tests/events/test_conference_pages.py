"""Staff pages of a parent–teacher conference: bookings, never answers (a conference asks
for none), and no reminder to answer."""

from datetime import date, datetime, time

from sqlalchemy import func, select

from portal.events.conferences import SlotPlan, book_slot, publish_slots
from portal.events.models import Event
from portal.events.services import update_event
from portal.extensions import db
from portal.messaging.models import Message
from tests.events.helpers import add_event, details, school_with_families

RSVP_BOX = ('<fieldset class="events-plain" data-rsvp-box data-booked-by-slot="conference"'
            ' hidden disabled>')
NOT_KEPT = "“Ask families to answer (RSVP)” was not kept."


def _booked_conference(world):
    """A conference made with the RSVP box ticked (not kept), with Ann's slot booked by Marta."""
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


def test_the_event_form_shows_no_rsvp_box_for_a_conference(app, login_as):
    """The box of an event shown; a conference's hidden and disabled, so it is not sent."""
    world = school_with_families()
    conference, concert = add_event(world, kind="conference"), add_event(world)
    client = login_as(world.admin)
    assert RSVP_BOX in client.get(f"/events/{conference.id}/edit").get_data(as_text=True)
    page = client.get(f"/events/{concert.id}/edit").get_data(as_text=True)
    assert 'name="rsvp_requested"' in page and RSVP_BOX not in page


def test_a_conference_sent_asking_for_answers_asks_none_and_the_page_says_so(app, login_as):
    """A hand-made or old form's ticked box is ignored for a conference, and explained."""
    world = school_with_families()
    client = login_as(world.admin)
    form = {"kind": "conference", "title": "Conferences", "starts_at": "2027-03-10T16:00",
            "ends_at": "2027-03-10T19:00", "whole_school": "y", "rsvp_requested": "y"}
    done = client.post("/events/new", data=form, follow_redirects=True)
    assert NOT_KEPT in done.get_data(as_text=True)
    event = db.session.scalar(select(Event))
    assert not event.rsvp_requested and not event.asks_for_answers
    invitation = db.session.scalar(select(Message).where(Message.guardian_id == world.marta.id))
    assert "whether you will come" not in invitation.body_text
    edit = f"/events/{event.id}/edit"
    client.get(edit)
    edited = client.post(edit, data={**form, "title": "Spring conferences"},
                         follow_redirects=True)
    assert NOT_KEPT in edited.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == "Spring conferences"
    assert not db.session.get(Event, event.id).rsvp_requested
    plain = client.post(edit, data={**form, "rsvp_requested": ""}, follow_redirects=True)
    assert NOT_KEPT not in plain.get_data(as_text=True)


def test_an_event_made_a_conference_stops_asking_for_answers(app):
    """The service keeps the rule, whoever calls it."""
    world = school_with_families()
    event = add_event(world, rsvp_requested=True)
    assert event.asks_for_answers
    update_event(actor=world.admin, event=event,
                 details=details(kind="conference", rsvp_requested=True))
    assert not event.rsvp_requested and not event.asks_for_answers
    assert db.session.scalar(select(Event.id).where(Event.asks_for_answers)) is None
