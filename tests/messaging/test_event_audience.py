"""The audience filter "Invited to an event but no answer yet": only events that ask families
to answer; a conference (booked by slot) is refused, and reaches nobody if saved before."""

import re

import pytest
from sqlalchemy import func, select

from portal.events.invitations import record_rsvp
from portal.events.models import EventInvitation
from portal.extensions import db
from portal.messaging.campaigns import create_campaign, save_segment
from portal.messaging.models import Campaign, Delivery, Segment
from portal.messaging.segments import AudienceNotUsable, count_recipients
from tests.events.helpers import add_event, school_with_families
from tests.people.helpers import class_options

COMPOSE = {"title": "Please answer", "kind": "events", "subject_en": "Open house",
           "body_en": "Dear {{ guardian_name }}, will you come?"}


@pytest.fixture
def world(app):
    """Marta and Dora invited to an open house (Dora answered) and to a conference."""
    world = school_with_families()
    world.open_house = add_event(world, title="Open house", rsvp_requested=True)
    world.concert = add_event(world, title="Concert")  # asks no answers either
    world.conference = add_event(world, kind="conference", title="Conferences")
    record_rsvp(invitation=db.session.scalar(select(EventInvitation).where(
        EventInvitation.event_id == world.open_house.id,
        EventInvitation.guardian_id == world.diaz.id)), answer="yes")
    db.session.commit()
    return world


def _count(world, event) -> int:
    return count_recipients(criteria={"event_without_rsvp": event.id},
                            school_id=world.school.id, sender=world.admin)["guardians"]


def test_only_events_asking_for_answers_are_offered(world, login_as):
    page = login_as(world.admin).get("/messaging/campaigns/new")
    assert class_options(page, "event_without_rsvp") == {0, world.open_house.id}


def test_a_conference_posted_in_the_filter_is_refused_next_to_it(world, login_as):
    """Nothing saved: neither the campaign nor the audience named; the live count says why."""
    client = login_as(world.admin)
    refused = client.post("/messaging/campaigns/new", data={
        **COMPOSE, "event_without_rsvp": world.conference.id, "segment_name": "No answer"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'id="event_without_rsvp-error"' in page
    assert "“Conferences” does not ask families to answer" in page
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0
    assert db.session.scalar(select(func.count()).select_from(Segment)) == 0
    count = client.get(f"/messaging/audience/count?event_without_rsvp={world.conference.id}")
    assert count.status_code == 400 and "event_without_rsvp" in count.get_json()["errors"]
    with pytest.raises(AudienceNotUsable):
        save_segment(school=world.school, author=world.admin, name="No answer",
                     criteria={"event_without_rsvp": world.concert.id})


def test_an_audience_saved_before_with_a_conference_reaches_nobody_and_is_refused(
        world, login_as):
    """Saved before the check: it counts nobody as not answered, and choosing it says why."""
    segment = Segment(school_id=world.school.id, name="Not answered",
                      criteria={"event_without_rsvp": world.conference.id})
    db.session.add(segment)
    db.session.commit()
    assert _count(world, world.conference) == 0 and _count(world, world.concert) == 0
    assert _count(world, world.open_house) == 1  # Marta
    refused = login_as(world.admin).post("/messaging/campaigns/new",
                                         data={**COMPOSE, "segment_id": segment.id})
    assert refused.status_code == 422
    assert 'id="segment_id-error"' in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


@pytest.mark.parametrize("event_name, reached", [("open_house", 1), ("conference", 0)])
def test_the_review_count_is_the_families_the_send_reaches(world, login_as, event_name,
                                                            reached):
    """A campaign drafted before the check with a conference reaches nobody, as it shows."""
    campaign = create_campaign(
        sender=world.admin, school=world.school, title="Please answer", kind="events",
        criteria={"event_without_rsvp": getattr(world, event_name).id},
        variants={"en": (COMPOSE["subject_en"], COMPOSE["body_en"])})
    client = login_as(world.admin)
    review = client.get(f"/messaging/campaigns/{campaign.id}/review").get_data(as_text=True)
    shown = int(re.search(r"(\d+) guardians? will receive this message", review)[1])
    client.post(f"/messaging/campaigns/{campaign.id}/send",
                data={"confirm": "y", "confirm_count": shown})
    sent = db.session.scalar(select(func.count(func.distinct(Delivery.guardian_id))).where(
        Delivery.campaign_id == campaign.id))
    assert shown == sent == reached
