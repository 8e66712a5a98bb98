"""Times in the family's pages and emails are written to the minute, in their language (CLDR's
medium and full times have seconds: "4:15:00 PM")."""

import re

from sqlalchemy import select

from portal.extensions import db
from portal.messaging.models import Message
from tests.events.helpers import add_event, school_with_families
from tests.family.test_events import _book, _conference

SECONDS = re.compile(r"\d:\d\d:\d\d")


def test_the_events_and_conference_pages_show_no_seconds(app, login_as):
    world = school_with_families()
    event, _slots = _conference(world)
    add_event(world, title="Open house", rsvp_requested=True)
    client = login_as(world.marta_user)
    events = client.get("/family/events").get_data(as_text=True)
    conference = client.get(f"/family/conferences/{event.id}").get_data(as_text=True)
    assert re.search(r"Wednesday, March 10, 2027.{0,12}4:00\W+PM Eastern Standard Time", events)
    assert re.search(r"Mar 10, 2027.{0,12}4:00\W+PM", conference)
    assert not SECONDS.search(events) and not SECONDS.search(conference)


def test_the_booking_email_gives_the_time_to_the_minute_in_their_language(app, login_as):
    world = school_with_families()
    _event, slots = _conference(world)
    world.marta_user.preferred_language = world.marta.preferred_language = "de"
    _book(login_as(world.marta_user), slots[1], world.ann)
    message = db.session.scalar(select(Message).where(Message.guardian_id == world.marta.id,
                                                      Message.subject.like("%16:15%")))
    assert "10.03.2027, 16:15 " in message.subject
    assert not SECONDS.search(message.subject) and not SECONDS.search(message.body_text)


def test_staff_pages_read_the_same_times_to_the_minute(app, login_as):
    world = school_with_families()
    event = add_event(world, title="Open house")
    page = login_as(world.admin).get(f"/events/{event.id}").get_data(as_text=True)
    assert "Open house" in page and not SECONDS.search(page)
