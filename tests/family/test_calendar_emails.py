"""The calendar files of a family's booking emails: the booking's asks their calendar to add
it (METHOD:REQUEST, from the school to the guardian), a cancelled or moved booking's takes the
entry out (METHOD:CANCEL, the booking's UID, a higher SEQUENCE); an event's own file and the
family feed are published, never sent as a request."""

from icalendar import Calendar

from portal.events.conferences import book_slot, move_booking
from portal.events.notices import calendar_file
from portal.events.services import cancel_event
from portal.extensions import db
from portal.messaging.worker import drain
from tests.events.helpers import add_event, school_with_families
from tests.family.test_events import _conference, _feed_token


def _calendar_in(smtp_server, subject: str, name: str = "conference.ics") -> Calendar:
    drain()
    email = next(m for m in smtp_server.messages if m["Subject"].startswith(subject))
    attachment = next(part for part in email.walk() if part.get_filename() == name)
    calendar = Calendar.from_ical(attachment.get_payload(decode=True))
    assert attachment.get_param("method") == str(calendar["method"])  # the part says it too
    return calendar


def _assert_cancels(cancellation: Calendar, booking: Calendar) -> None:
    """The cancellation names the booking's entry (same UID, organizer and attendee) as a
    newer version of it."""
    booked, cancelled = booking.walk("VEVENT")[0], cancellation.walk("VEVENT")[0]
    assert str(booking["method"]) == "REQUEST"
    assert str(cancellation["method"]) == "CANCEL" and str(cancelled["status"]) == "CANCELLED"
    assert str(cancelled["uid"]) == str(booked["uid"])
    assert int(cancelled["sequence"]) > int(booked.get("sequence", 0))
    assert cancelled.decoded("dtstart") == booked.decoded("dtstart")
    for who in ("organizer", "attendee"):
        assert str(cancelled[who]) == str(booked[who])


def test_a_booking_s_email_asks_the_family_s_calendar_to_add_it(app, login_as, smtp_server):
    """It had no METHOD and no ORGANIZER: calendars imported it as a copy they could not
    match with its cancellation."""
    world = school_with_families()
    _event, slots = _conference(world)
    login_as(world.marta_user).post(f"/family/conferences/slots/{slots[1].id}/book",
                                    data={"student_id": world.ann.id})
    calendar = _calendar_in(smtp_server, "Conference booked")
    entry = calendar.walk("VEVENT")[0]
    assert str(calendar["method"]) == "REQUEST"
    assert str(entry["organizer"]) == "mailto:portal@demo.school"
    assert entry["organizer"].params["cn"] == world.school.name
    assert str(entry["attendee"]) == f"mailto:{world.marta.email}"
    assert entry["attendee"].params["cn"] == "Marta Novak"
    assert entry["attendee"].params["partstat"] == "ACCEPTED"


def test_a_guardian_without_an_email_is_the_attendee_all_the_same(app):
    world = school_with_families()
    _event, slots = _conference(world)
    world.marta.email = None
    book_slot(actor=world.teacher, slot=slots[0], student=world.ann, guardian=world.marta)
    for cancelled in (False, True):
        entry = Calendar.from_ical(calendar_file(slots[0], cancelled=cancelled)["text"]).walk(
            "VEVENT")[0]
        assert str(entry["attendee"]).startswith("urn:uuid:")
        assert entry["attendee"].params["cn"] == "Marta Novak"


def test_an_event_s_file_and_the_family_feed_are_published_not_requests(app, login_as):
    world = school_with_families()
    event, slots = _conference(world)
    add_event(world, title="Open house")
    client = login_as(world.marta_user)
    client.post(f"/family/conferences/slots/{slots[1].id}/book", data={"student_id": world.ann.id})
    feed = app.test_client().get(f"/family/calendar/{_feed_token(client)}.ics").data
    download = login_as(world.admin).get(f"/events/{event.id}/event.ics").data
    for text, entries in ((feed, 3), (download, 1)):
        calendar = Calendar.from_ical(text)
        assert str(calendar.get("method", "PUBLISH")) == "PUBLISH"
        assert len(calendar.walk("VEVENT")) == entries
        for entry in calendar.walk("VEVENT"):
            assert "attendee" not in entry and entry["uid"] and entry["dtstamp"]


def test_a_cancelled_booking_s_email_takes_it_out_of_the_familys_calendar(app, login_as,
                                                                         smtp_server):
    world = school_with_families()
    _event, slots = _conference(world)
    client = login_as(world.marta_user)
    client.post(f"/family/conferences/slots/{slots[1].id}/book", data={"student_id": world.ann.id})
    client.post(f"/family/conferences/slots/{slots[1].id}/cancel")
    _assert_cancels(_calendar_in(smtp_server, "Conference cancelled", "conference-cancelled.ics"),
                    _calendar_in(smtp_server, "Conference booked"))


def test_a_cancelled_conference_takes_the_booking_out_of_the_familys_calendar(app, login_as,
                                                                             smtp_server):
    world = school_with_families()
    event, slots = _conference(world)
    login_as(world.marta_user).post(f"/family/conferences/slots/{slots[2].id}/book",
                                    data={"student_id": world.ann.id})
    cancel_event(actor=world.admin, event=db.session.get(type(event), event.id))
    db.session.commit()
    _assert_cancels(_calendar_in(smtp_server, "Conference cancelled", "conference-cancelled.ics"),
                    _calendar_in(smtp_server, "Conference booked"))


def test_a_moved_booking_takes_the_old_time_out_of_the_familys_calendar(app, login_as,
                                                                        smtp_server):
    """The email of the new time carried only its own entry: the old one stayed."""
    world = school_with_families()
    _event, slots = _conference(world)
    login_as(world.marta_user).post(f"/family/conferences/slots/{slots[0].id}/book",
                                    data={"student_id": world.ann.id})
    move_booking(actor=world.teacher, slot=slots[0], to_slot=slots[3])
    db.session.commit()
    moved = _calendar_in(smtp_server, "Conference moved").walk("VEVENT")[0]
    assert moved.decoded("dtstart").minute == 45
    _assert_cancels(_calendar_in(smtp_server, "Conference moved", "conference-cancelled.ics"),
                    _calendar_in(smtp_server, "Conference booked"))
