"""The event form shows each kind only the fields it uses: a capacity for an event families
answer, a booking close for one booked by slot. A value sent for a field the event does not
use is ignored and the page says so, whoever calls the service."""

from datetime import datetime

from sqlalchemy import select

from portal.events.models import Event
from portal.events.services import create_event, not_kept_notes
from portal.extensions import db
from tests.events.helpers import add_event, details, school_with_families

CAPACITY_NOT_KEPT = "so “Capacity (families)” was not kept."
BOOKING_NOT_KEPT = "so “Conference booking closes” was not kept."
FORM = {"title": "Evening", "starts_at": "2027-03-10T16:00", "ends_at": "2027-03-10T19:00",
        "whole_school": "y"}


def _hidden(page: str, box: str) -> bool:
    start = page.index(f"data-{box}")
    return "hidden disabled>" in page[start:page.index(">", start) + 1]


def test_the_form_shows_a_conference_its_booking_close_and_no_capacity(app, login_as):
    world = school_with_families()
    conference, concert = add_event(world, kind="conference"), add_event(world)
    client = login_as(world.admin)
    page = client.get(f"/events/{conference.id}/edit").get_data(as_text=True)
    assert _hidden(page, "capacity-box") and not _hidden(page, "booking-box")
    page = client.get(f"/events/{concert.id}/edit").get_data(as_text=True)
    assert not _hidden(page, "capacity-box") and _hidden(page, "booking-box")


def test_a_capacity_or_booking_close_sent_where_unused_is_ignored_and_explained(app, login_as):
    """A hand-made or old form: saved without them, and the page says which were not kept."""
    world = school_with_families()
    client = login_as(world.admin)
    done = client.post("/events/new", data={**FORM, "kind": "school_event", "capacity": "0",
                                            "booking_closes_at": "2027-03-09T12:00"},
                       follow_redirects=True)
    text = done.get_data(as_text=True)
    assert CAPACITY_NOT_KEPT in text and BOOKING_NOT_KEPT in text
    event = db.session.scalar(select(Event))
    assert event.capacity is None and event.booking_closes_at is None
    edited = client.post(f"/events/{event.id}/edit", data={
        **FORM, "kind": "conference", "rsvp_requested": "y", "capacity": "30",
        "booking_closes_at": "2027-03-09T12:00"}, follow_redirects=True)
    text = edited.get_data(as_text=True)
    assert CAPACITY_NOT_KEPT in text and BOOKING_NOT_KEPT not in text
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert event.kind == "conference" and event.capacity is None
    assert event.booking_closes_at is not None


def test_the_service_keeps_a_capacity_only_where_families_answer(app):
    world = school_with_families()
    closes = datetime(2027, 3, 9, 12)
    asked = create_event(actor=world.admin, school=world.school, details=details(
        rsvp_requested=True, capacity=20, booking_closes_local=closes))
    assert asked.capacity == 20 and asked.booking_closes_at is None
    for unused in (details(capacity=20), details(kind="conference", capacity=20)):
        assert create_event(actor=world.admin, school=world.school,
                            details=unused).capacity is None
        assert not_kept_notes(unused)
    assert not not_kept_notes(details(rsvp_requested=True, capacity=20))
