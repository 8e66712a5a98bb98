"""An invitation email answers in one step: a signed link per answer, confirmed by a POST."""

import re

import pytest
from sqlalchemy import select

from portal.events.models import EventInvitation
from portal.extensions import db
from portal.messaging.models import Message
from tests.conftest import config_for
from tests.events.helpers import add_event, school_with_families


@pytest.fixture
def app_config(database_url):
    """CSRF on, as in production: the confirmation button carries its token."""
    return config_for(database_url, WTF_CSRF_ENABLED=True)


def _links(guardian) -> dict[str, str]:
    body = db.session.scalar(select(Message.body_text).where(
        Message.guardian_id == guardian.id, Message.subject.like("Invitation%")))
    return {answer: url.replace("http://localhost", "") for answer, url in (
        ("yes", re.search(r"Yes, we will come: (\S+)", body)[1]),
        ("maybe", re.search(r"Maybe: (\S+)", body)[1]),
        ("no", re.search(r"No, we cannot come: (\S+)", body)[1]))}


def _invitation(event, guardian) -> EventInvitation:
    return db.session.scalar(select(EventInvitation).where(
        EventInvitation.event_id == event.id, EventInvitation.guardian_id == guardian.id))


def _csrf(page: bytes) -> str:
    return re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page)[1].decode()


def test_opening_the_link_changes_nothing_and_the_button_answers(app, client):
    world = school_with_families()
    event = add_event(world, rsvp_requested=True)
    link = _links(world.marta)["no"]
    page = client.get(link)
    assert page.status_code == 200 and b"Not coming" in page.data
    # the school's time, not UTC: the page is signed out, with no user's school to say it
    assert "6:00" in page.get_data(as_text=True) and b"Coordinated Universal" not in page.data
    assert _invitation(event, world.marta).rsvp is None  # a mail scanner's visit is harmless
    done = client.post(link, data={"csrf_token": _csrf(page.data)})
    assert done.status_code == 200 and b"your answer is saved" in done.data
    assert "6:00" in done.get_data(as_text=True)
    db.session.expire_all()
    assert _invitation(event, world.marta).rsvp == "no"


def test_a_post_without_the_pages_token_is_refused(app, client):
    world = school_with_families()
    event = add_event(world, rsvp_requested=True)
    assert client.post(_links(world.marta)["yes"]).status_code == 400
    assert _invitation(event, world.marta).rsvp is None


def test_an_altered_link_is_refused_with_a_reason(app, client):
    world = school_with_families()
    add_event(world, rsvp_requested=True)
    link = _links(world.marta)["yes"]
    response = client.get(link.split("?")[0][:-3] + "abc")
    assert response.status_code == 400 and b"not valid" in response.data


def test_a_yes_by_link_to_a_full_event_joins_the_waiting_list(app, client):
    world = school_with_families()
    event = add_event(world, rsvp_requested=True, capacity=1)
    _invitation(event, world.diaz).rsvp = "yes"
    db.session.commit()
    link = _links(world.marta)["yes"]
    done = client.post(link, data={"csrf_token": _csrf(client.get(link).data)})
    assert b"waiting list" in done.data
    db.session.expire_all()
    assert _invitation(event, world.marta).rsvp == "waitlisted"
