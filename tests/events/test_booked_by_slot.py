"""One rule says which kinds families book by slot (EventKind.BOOKED_BY_SLOT, read through
Event.booked_by_slot): a second such kind is treated as a conference everywhere."""

import pytest
from sqlalchemy import select

from portal.core.errors import DomainError
from portal.events.invitations import remind_non_responders
from portal.events.models import Event, EventKind
from portal.extensions import db
from tests.events.helpers import add_event, school_with_families


@pytest.fixture
def workshop_by_slot(app, monkeypatch):
    """A school whose workshops for parents are booked by slot, and one such workshop."""
    monkeypatch.setattr(EventKind, "BOOKED_BY_SLOT", ("conference", "parent_workshop"))
    world = school_with_families()
    world.workshop = add_event(world, kind="parent_workshop", title="Reading workshop",
                               rsvp_requested=True)
    return world


def test_a_second_slot_booked_kind_asks_no_answers(workshop_by_slot):
    workshop = workshop_by_slot.workshop
    assert workshop.booked_by_slot and not workshop.asks_for_answers
    assert db.session.scalar(select(Event.id).where(Event.booked_by_slot)) == workshop.id
    assert db.session.scalar(select(Event.id).where(Event.asks_for_answers)) is None
    with pytest.raises(DomainError, match="by slot"):
        remind_non_responders(actor=workshop_by_slot.admin, event=workshop)


def test_its_page_shows_bookings_and_no_reminder(workshop_by_slot, login_as):
    world = workshop_by_slot
    page = login_as(world.admin).get(f"/events/{world.workshop.id}").get_data(as_text=True)
    assert f"/events/{world.workshop.id}/conference" in page
    assert "<dt>Booked</dt>" in page and "Not booked" in page
    assert "Remind families who have not answered" not in page
