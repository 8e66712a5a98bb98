"""Reminders and notices reach only guardians whose link still allows information; a
deactivated guardian's calendar link stops working."""

import re
from datetime import datetime

from sqlalchemy import func, select

from portal.events.invitations import remind_non_responders
from portal.events.services import cancel_event
from portal.extensions import db
from portal.messaging.automatic import send_event_reminders
from portal.messaging.models import Message
from portal.people.models import StudentGuardian
from tests.events.helpers import add_event, school_with_families


def _tomorrow_evening(world):
    """A whole-school event tomorrow (the clock is 2026-11-25): Marta and Dora are invited;
    then Cleo's link to Dora stops allowing information."""
    event = add_event(world, title="Winter concert", rsvp_requested=True,
                      starts_local=datetime(2026, 11, 26, 18),
                      ends_local=datetime(2026, 11, 26, 20))
    link = db.session.scalar(select(StudentGuardian).where(
        StudentGuardian.guardian_id == world.diaz.id))
    link.may_receive_information = False
    db.session.commit()
    return event


def _messages_to(guardian, containing: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Message).where(
        Message.guardian_id == guardian.id, Message.subject.contains(containing)))


def test_the_day_before_reminder_skips_a_guardian_whose_link_no_longer_allows_it(app):
    world = school_with_families()
    _tomorrow_evening(world)
    assert _messages_to(world.diaz, "Invitation") == 1  # told while the link allowed it
    assert send_event_reminders() == 1
    assert _messages_to(world.marta, "Reminder") == 1
    assert _messages_to(world.diaz, "Reminder") == 0


def test_reminding_non_responders_skips_them_and_counts_only_those_reminded(app):
    world = school_with_families()
    event = _tomorrow_evening(world)
    assert remind_non_responders(actor=world.admin, event=event) == 1
    assert _messages_to(world.marta, "Reminder") == 1
    assert _messages_to(world.diaz, "Reminder") == 0


def test_a_cancellation_notice_skips_them(app):
    world = school_with_families()
    event = _tomorrow_evening(world)
    assert cancel_event(actor=world.admin, event=event, reason="Snow") == 1
    assert _messages_to(world.marta, "Winter concert") == 2  # invitation and cancellation
    assert _messages_to(world.diaz, "Winter concert") == 1  # the invitation only


def test_a_deactivated_guardians_calendar_link_stops_working(app, login_as):
    world = school_with_families()
    add_event(world, title="Open house")
    page = login_as(world.marta_user).post("/family/calendar").get_data(as_text=True)
    token = re.search(r"/family/calendar/([\w-]+)\.ics", page).group(1)
    anonymous = app.test_client()
    assert b"Open house" in anonymous.get(f"/family/calendar/{token}.ics").data
    world.marta_user.is_active_account = False
    db.session.commit()
    response = anonymous.get(f"/family/calendar/{token}.ics")
    assert response.status_code == 404 and b"Open house" not in response.data
