"""The calendar files of a family's booking emails: a cancelled or moved booking's email
takes the entry out of their calendar (METHOD:CANCEL, the booking's UID, a higher SEQUENCE)."""

from icalendar import Calendar

from portal.events.conferences import move_booking
from portal.events.services import cancel_event
from portal.extensions import db
from portal.messaging.worker import drain
from tests.events.helpers import school_with_families
from tests.family.test_events import _conference


def _calendar_in(smtp_server, subject: str, name: str = "conference.ics") -> Calendar:
    drain()
    email = next(m for m in smtp_server.messages if m["Subject"].startswith(subject))
    attachment = next(part for part in email.walk() if part.get_filename() == name)
    return Calendar.from_ical(attachment.get_payload(decode=True))


def _assert_cancels(cancellation: Calendar, booking: Calendar) -> None:
    """The cancellation names the booking's entry (same UID) as a newer version of it."""
    booked, cancelled = booking.walk("VEVENT")[0], cancellation.walk("VEVENT")[0]
    assert str(cancellation["method"]) == "CANCEL" and str(cancelled["status"]) == "CANCELLED"
    assert str(cancelled["uid"]) == str(booked["uid"])
    assert int(cancelled["sequence"]) > int(booked.get("sequence", 0))
    assert cancelled.decoded("dtstart") == booked.decoded("dtstart")


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
