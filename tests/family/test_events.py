"""A guardian's side of events: RSVP, conference booking, confirmation email, calendar feed."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from portal.core.time import utcnow
from portal.events.conferences import SlotPlan, publish_slots
from portal.events.models import ConferenceSlot, EventInvitation
from portal.events.services import cancel_event
from portal.extensions import db
from portal.messaging.models import Delivery, Message
from portal.messaging.worker import drain
from tests.events.helpers import add_event, school_with_families


def _conference(world, **fields):
    event = add_event(world, kind="conference", title="Spring conferences",
                      starts_local=datetime(2027, 3, 10, 16), ends_local=datetime(2027, 3, 10, 19),
                      **fields)
    slots = publish_slots(actor=world.teacher, event=event, plan=SlotPlan(
        days=[date(2027, 3, 10)], day_starts=time(16), day_ends=time(17), length_minutes=15,
        location="Room 12"))
    db.session.commit()
    return event, slots


def _invitation(event, guardian):
    return db.session.scalar(select(EventInvitation).where(
        EventInvitation.event_id == event.id, EventInvitation.guardian_id == guardian.id))


def test_a_guardian_answers_an_invitation(app, login_as):
    world = school_with_families()
    event = add_event(world, rsvp_requested=True)
    client = login_as(world.marta_user)
    assert "Science Fair" in client.get("/family/events").get_data(as_text=True)
    invitation = _invitation(event, world.marta)
    assert client.post(f"/family/events/invitations/{invitation.id}/rsvp",
                       data={"answer": "maybe"}).status_code == 302
    assert db.session.get(EventInvitation, invitation.id).rsvp == "maybe"


@pytest.mark.parametrize("kind", ["conference", "school_event"])
def test_an_answer_to_an_invitation_that_asks_for_none_is_refused(app, login_as, kind):
    """A conference is booked by slot; an event without RSVP counts no answers."""
    world = school_with_families()
    event = add_event(world, kind=kind, rsvp_requested=kind == "conference")
    invitation = _invitation(event, world.marta)
    response = login_as(world.marta_user).post(
        f"/family/events/invitations/{invitation.id}/rsvp", data={"answer": "yes"})
    assert response.status_code == 400
    assert "This event does not ask for answers." in response.get_data(as_text=True)
    assert db.session.get(EventInvitation, invitation.id).rsvp is None
    invited = db.session.scalar(select(Message.body_text).where(
        Message.guardian_id == world.marta.id, Message.subject.like("Invitation:%")))
    assert "Science Fair" in invited and "/family/events/answer/" not in invited


def test_a_guardian_cannot_answer_another_familys_invitation(app, login_as):
    world = school_with_families()
    event = add_event(world, rsvp_requested=True)
    theirs = _invitation(event, world.diaz)
    response = login_as(world.marta_user).post(f"/family/events/invitations/{theirs.id}/rsvp",
                                               data={"answer": "no"})
    assert response.status_code == 404
    assert db.session.get(EventInvitation, theirs.id).rsvp is None


def test_a_barred_guardian_sees_no_event_and_cannot_open_the_conference(app, login_as):
    world = school_with_families()
    event, slots = _conference(world)
    client = login_as(world.barred_user)
    assert "Spring conferences" not in client.get("/family/events").get_data(as_text=True)
    assert client.get(f"/family/conferences/{event.id}").status_code == 404
    response = client.post(f"/family/conferences/slots/{slots[0].id}/book",
                           data={"student_id": world.ann.id})
    assert response.status_code == 404
    assert db.session.get(ConferenceSlot, slots[0].id).status == "open"


def test_booking_for_a_child_who_is_not_theirs_is_refused(app, login_as):
    world = school_with_families()
    event, slots = _conference(world)
    response = login_as(world.marta_user).post(f"/family/conferences/slots/{slots[0].id}/book",
                                               data={"student_id": world.cleo.id})
    assert response.status_code == 404
    assert db.session.get(ConferenceSlot, slots[0].id).student_id is None


def test_a_guardian_books_and_gets_an_email_with_the_ics(app, login_as, smtp_server):
    world = school_with_families()
    event, slots = _conference(world)
    client = login_as(world.marta_user)
    page = client.get(f"/family/conferences/{event.id}").get_data(as_text=True)
    assert "Ann Novak" in page and "Tara Teach" in page
    response = client.post(f"/family/conferences/slots/{slots[1].id}/book",
                           data={"student_id": world.ann.id})
    assert response.status_code == 302
    drain()
    email = next(m for m in smtp_server.messages if m["Subject"].startswith("Conference booked"))
    assert email["To"] == world.marta.email
    attachment = next(part for part in email.walk()
                      if part.get_filename() == "conference.ics")
    calendar = Calendar.from_ical(attachment.get_payload(decode=True))
    entry = calendar.walk("VEVENT")[0]
    assert entry.decoded("dtstart").hour == 16 and entry.decoded("dtstart").minute == 15
    assert str(entry["location"]) == "Room 12"


def test_cancel_and_rebook_until_the_cut_off(app, login_as):
    world = school_with_families()
    event, slots = _conference(world)
    client = login_as(world.marta_user)
    client.post(f"/family/conferences/slots/{slots[0].id}/book", data={"student_id": world.ann.id})
    second = client.post(f"/family/conferences/slots/{slots[1].id}/book",
                         data={"student_id": world.ann.id})
    assert second.status_code == 409 and "cancel it first" in second.get_data(as_text=True)
    client.post(f"/family/conferences/slots/{slots[0].id}/cancel")
    client.post(f"/family/conferences/slots/{slots[1].id}/book", data={"student_id": world.ann.id})
    assert [s.status for s in slots[:2]] == ["open", "booked"]
    event.booking_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    late = client.post(f"/family/conferences/slots/{slots[1].id}/cancel")
    assert late.status_code == 400 and "cut-off" in late.get_data(as_text=True)
    assert db.session.get(ConferenceSlot, slots[1].id).status == "booked"


def test_a_booking_pressed_twice_is_one_booking_and_one_confirmation(app, login_as):
    """A double click or a second tab books once, and the second press shows the booking
    (it said the time "was just taken", by themselves); cancelled and booked again at once,
    the slot is booked again (a press is not held to once: the slot's own state is)."""
    world = school_with_families()
    event, slots = _conference(world)
    client = login_as(world.marta_user)
    book = f"/family/conferences/slots/{slots[0].id}/book"
    first = client.post(book, data={"student_id": world.ann.id})
    told = db.session.scalar(select(func.count()).select_from(Delivery))
    second = client.post(book, data={"student_id": world.ann.id})
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert told > 0 and db.session.scalar(select(func.count()).select_from(Delivery)) == told
    client.post(f"/family/conferences/slots/{slots[0].id}/cancel")
    assert client.post(book, data={"student_id": world.ann.id}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ConferenceSlot, slots[0].id).status == "booked"


def test_a_second_booking_with_the_same_teacher_shows_what_is_booked_in_their_language(
        app, login_as):
    """It was a bare 409 page, in English."""
    world = school_with_families()
    event, slots = _conference(world)
    world.marta_user.preferred_language = world.marta.preferred_language = "es"
    client = login_as(world.marta_user)
    _book(client, slots[0], world.ann)
    second = _book(client, slots[2], world.ann)
    page = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "Ann Novak ya tiene una cita con Tara Teach: 10/3/27, 16:00." in page
    assert f"/family/conferences/slots/{slots[0].id}/cancel" in page  # the booking page
    assert "Spring conferences" in page and "Cancelar esta reserva" in page
    assert db.session.get(ConferenceSlot, slots[2].id).status == "open"


def _cancellations() -> int:
    return db.session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.subject.like("Conference cancelled%")))


def test_a_cancel_pressed_twice_says_the_booking_is_already_cancelled(app, login_as):
    """The second press (a double click, a second tab) was a 404; now it is the conference's
    page saying so, and the family is told of the cancellation once."""
    world = school_with_families()
    event, slots = _conference(world)
    client = login_as(world.marta_user)
    client.post(f"/family/conferences/slots/{slots[0].id}/book", data={"student_id": world.ann.id})
    cancel = f"/family/conferences/slots/{slots[0].id}/cancel"
    assert client.post(cancel).status_code == 302
    told = _cancellations()
    second = client.post(cancel)
    assert second.status_code == 302
    assert second.headers["Location"] == f"/family/conferences/{event.id}"
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "This booking is already cancelled." in page
    assert told == 1 and _cancellations() == 1
    _book(login_as(world.diaz_user), slots[0], world.cleo)  # the time is someone else's now
    assert "This booking is already cancelled." in login_as(world.marta_user).post(
        cancel, follow_redirects=True).get_data(as_text=True)
    assert db.session.get(ConferenceSlot, slots[0].id).student_id == world.cleo.id


def test_a_cancel_from_a_page_older_than_the_booking_cancels_nothing(app, login_as, clock):
    """A tab still showing a booking since cancelled and made again (in another tab) would
    cancel the new one."""
    world = school_with_families()
    event, slots = _conference(world)
    client = login_as(world.marta_user)
    _book(client, slots[0], world.ann)
    old_tab = client.get(f"/family/conferences/{event.id}").get_data(as_text=True)
    cancel = f"/family/conferences/slots/{slots[0].id}/cancel"
    client.post(cancel, data={"booked_at": _booked_at(old_tab)})
    clock.advance(minutes=1)
    _book(client, slots[0], world.ann)
    stale = client.post(cancel, data={"booked_at": _booked_at(old_tab)}, follow_redirects=True)
    assert "This booking is already cancelled." in stale.get_data(as_text=True)
    assert db.session.get(ConferenceSlot, slots[0].id).student_id == world.ann.id
    new_tab = client.get(f"/family/conferences/{event.id}").get_data(as_text=True)
    client.post(cancel, data={"booked_at": _booked_at(new_tab)})
    assert db.session.get(ConferenceSlot, slots[0].id).status == "open"
    assert client.post(cancel, data={"booked_at": "not a time"}).status_code == 400


def _booked_at(page: str) -> str:
    return re.search(r'name="booked_at" value="([^"]*)"', page).group(1)


def test_the_family_sees_an_event_on_the_clock_change_night_in_school_time(app, login_as):
    world = school_with_families()
    add_event(world, title="Night sky watch", starts_local=datetime(2026, 11, 1, 0, 30),
              ends_local=datetime(2026, 11, 1, 3, 30))
    page = login_as(world.diaz_user).get("/family/events").get_data(as_text=True)
    assert re.search(r"November 1, 2026.{0,12}12:30\W+AM Eastern Daylight Time", page)
    assert re.search(r"3:30\W+AM", page)


def _feed_token(client) -> str:
    page = client.post("/family/calendar").get_data(as_text=True)
    return re.search(r"/family/calendar/([\w-]+)\.ics", page).group(1)


def test_the_calendar_feed_has_the_childrens_events_and_nothing_else(app, login_as):
    world = school_with_families()
    for_all = add_event(world, title="Open house")
    other_class = add_event(world, title="Cleo's class meeting",
                            audience={"section_ids": [world.section.id]}, kind="class_meeting")
    only_grade_9 = add_event(world, title="Grade 9 trip", audience={"grade_levels": [9]})
    token = _feed_token(login_as(world.diaz_user))
    response = app.test_client().get(f"/family/calendar/{token}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    uids = {str(entry["uid"]) for entry in calendar.walk("VEVENT")}
    assert uids == {for_all.uid, other_class.uid, only_grade_9.uid}
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "America/New_York"


def test_the_feed_of_one_family_never_shows_another_familys_events(app, login_as):
    world = school_with_families()
    add_event(world, title="Grade 10 evening", audience={"grade_levels": [10]})
    token = _feed_token(login_as(world.diaz_user))
    assert b"Grade 10 evening" not in app.test_client().get(f"/family/calendar/{token}.ics").data


def test_a_wrong_or_revoked_feed_link_gives_a_clear_page(app, login_as):
    world = school_with_families()
    client = login_as(world.marta_user)
    token = _feed_token(client)
    anonymous = app.test_client()
    wrong = anonymous.get("/family/calendar/not-a-token.ics")
    assert wrong.status_code == 404 and "do not know this calendar link" in wrong.get_data(
        as_text=True)
    newer = _feed_token(client)  # a new link switches off the old one
    assert anonymous.get(f"/family/calendar/{token}.ics").status_code == 410
    client.post("/family/calendar/revoke")
    revoked = anonymous.get(f"/family/calendar/{newer}.ics")
    assert revoked.status_code == 410 and "switched off" in revoked.get_data(as_text=True)


def test_the_feed_includes_the_booked_conference_of_a_child(app, login_as):
    world = school_with_families()
    _event, slots = _conference(world)
    client = login_as(world.marta_user)
    client.post(f"/family/conferences/slots/{slots[2].id}/book", data={"student_id": world.ann.id})
    token = _feed_token(client)
    calendar = Calendar.from_ical(app.test_client().get(f"/family/calendar/{token}.ics").data)
    summaries = [str(entry["summary"]) for entry in calendar.walk("VEVENT")]
    assert "Spring conferences: Tara Teach · Ann Novak" in summaries


def _booking_actions(page: str) -> set[str]:
    return set(re.findall(r'action="(/family/conferences/slots/\d+/book)"', page))


def _book(client, slot, child):
    return client.post(f"/family/conferences/slots/{slot.id}/book", data={"student_id": child.id})


def test_a_time_taken_by_another_family_gets_409_with_the_free_times(app, login_as):
    world = school_with_families()
    _event, slots = _conference(world)
    assert _book(login_as(world.marta_user), slots[0], world.ann).status_code == 302

    second = _book(login_as(world.diaz_user), slots[0], world.cleo)

    page = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "this time was just taken" in page
    assert _booking_actions(page) == {f"/family/conferences/slots/{slot.id}/book"
                                      for slot in slots[1:]}
    assert db.session.get(ConferenceSlot, slots[0].id).student_id == world.ann.id
    assert _book(login_as(world.diaz_user), slots[1], world.cleo).status_code == 302


def test_a_cancelled_conference_cannot_be_booked_from_a_page_opened_before(app, login_as):
    """A tab opened before the school cancelled the conference still shows its slots; a
    booking sent from it is refused, and nobody is sent a confirmation."""
    world = school_with_families()
    event, slots = _conference(world)
    client = login_as(world.marta_user)
    assert f"/family/conferences/slots/{slots[0].id}/book" in client.get(
        f"/family/conferences/{event.id}").get_data(as_text=True)
    cancel_event(actor=world.admin, event=db.session.get(type(event), event.id))
    db.session.commit()
    told = db.session.scalar(select(func.count()).select_from(Delivery))
    response = client.post(f"/family/conferences/slots/{slots[0].id}/book",
                           data={"student_id": world.ann.id}, follow_redirects=True)
    assert "This conference is cancelled." in response.get_data(as_text=True)
    assert db.session.get(ConferenceSlot, slots[0].id).status != "booked"
    assert db.session.scalar(select(func.count()).select_from(Delivery)) == told
