"""What the form shows is what is sent, to that audience only, and only once."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.core.time import utcnow
from portal.extensions import db
from portal.messaging.models import (
    Campaign,
    Delivery,
    Message,
    NotificationPreference,
    Segment,
)
from portal.messaging.worker import drain
from tests.conftest import is_postgres
from tests.messaging.helpers import school_with_families
from tests.people.helpers import client_for

COMPOSE = {"title": "Trip", "kind": "events", "subject_en": "Trip for {{ student_name }}",
           "body_en": "Dear {{ guardian_name }}, the trip is on Friday."}


def _french_families(world) -> Segment:
    segment = Segment(school_id=world.school.id, name="French families",
                      criteria={"languages": ["fr"]}, created_by_id=world.admin.id)
    db.session.add(segment)
    db.session.commit()
    return segment


def _deliveries() -> int:
    return db.session.scalar(select(func.count()).select_from(Delivery))


def test_the_saved_audience_chosen_in_the_form_is_the_one_reviewed_and_sent(app, login_as,
                                                                           smtp_server):
    world = school_with_families()
    segment = _french_families(world)
    client = login_as(world.admin)
    response = client.post("/messaging/campaigns/new",
                           data={**COMPOSE, "segment_id": str(segment.id)})
    assert response.status_code == 302
    campaign = db.session.scalar(select(Campaign))
    assert (campaign.segment_id, campaign.criteria) == (segment.id, {"languages": ["fr"]})
    review = client.get(response.location).get_data(as_text=True)
    assert "French families — 1 guardian" in review
    assert client.post(f"/messaging/campaigns/{campaign.id}/send").status_code == 302
    drain()
    assert [message["To"] for message in smtp_server.messages] == ["gran@example.org"]


def test_a_saved_audience_and_different_filters_are_refused_naming_the_audience(app, login_as):
    world = school_with_families()
    segment = _french_families(world)
    response = login_as(world.admin).post("/messaging/campaigns/new", data={
        **COMPOSE, "segment_id": str(segment.id), "grade_levels": "10"})
    page = response.get_data(as_text=True)
    assert 'id="segment_id-error"' in page and "“French families”" in page
    assert db.session.scalar(select(Campaign)) is None


def test_starting_from_a_saved_audience_selects_it_in_the_form(app, login_as):
    world = school_with_families()
    segment = _french_families(world)
    page = login_as(world.admin).get(f"/messaging/campaigns/new?segment_id={segment.id}")
    assert f'<option selected value="{segment.id}">French families' in page.get_data(
        as_text=True)


def test_the_live_count_follows_the_saved_audience_chosen(app, login_as):
    world = school_with_families()
    segment = _french_families(world)
    client = login_as(world.admin)
    count = client.get(f"/messaging/audience/count?segment_id={segment.id}")
    assert count.get_json() == {"guardians": 1, "students": 1}
    mixed = client.get(f"/messaging/audience/count?segment_id={segment.id}&grade_levels=9")
    assert mixed.status_code == 400 and "segment_id" in mixed.get_json()["errors"]


def _composed_by_admin(login_as):
    world = school_with_families()
    db.session.commit()
    client = login_as(world.admin)
    client.post("/messaging/campaigns/new", data=COMPOSE)
    return world, client, db.session.scalar(select(Campaign.id))


def test_pressing_send_twice_sends_once_and_the_second_press_is_told_so(app, login_as,
                                                                         smtp_server):
    _world, client, campaign_id = _composed_by_admin(login_as)
    send = {"confirm": "y", "confirm_count": "2"}
    assert client.post(f"/messaging/campaigns/{campaign_id}/send", data=send).status_code == 302
    again = client.post(f"/messaging/campaigns/{campaign_id}/send", data=send)
    assert again.status_code == 409
    assert "This campaign was already sent." in again.get_data(as_text=True)
    assert _deliveries() == 2
    drain()
    assert sorted(m["To"] for m in smtp_server.messages) == ["gran@example.org",
                                                            "mum@example.org"]


@pytest.mark.postgres_only
def test_four_tabs_pressing_send_at_once_queue_the_campaign_once(app, login_as):
    if not is_postgres():
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    world, _client, campaign_id = _composed_by_admin(login_as)
    tabs = [client_for(app, world.admin) for _ in range(4)]
    db.session.remove()
    barrier, statuses = threading.Barrier(len(tabs)), []

    def press_send(tab):
        barrier.wait()
        statuses.append(tab.post(f"/messaging/campaigns/{campaign_id}/send",
                                 data={"confirm": "y", "confirm_count": "2"}).status_code)

    threads = [threading.Thread(target=press_send, args=(tab,)) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [302, 409, 409, 409]
    assert _deliveries() == 2


def test_a_send_time_already_past_is_refused_and_a_draft_sent_late_goes_dated_now(
        app, login_as, clock):
    """A "Send at" of 2020 was accepted and every inbox copy dated 2020 (sorted among old
    messages); a draft whose time passed before it was sent goes now, dated now."""
    world = school_with_families()
    db.session.commit()
    client = login_as(world.admin)
    refused = client.post("/messaging/campaigns/new",
                          data={**COMPOSE, "scheduled_at": "2020-01-01T10:00"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="scheduled_at-error"' in page  # on the form,
    assert "This time has passed" in page and "the trip is on Friday." in page  # text kept
    assert db.session.scalar(select(Campaign.id)) is None
    tomorrow = (utcnow() + timedelta(days=1)).replace(tzinfo=None)
    client.post("/messaging/campaigns/new", data={
        **COMPOSE, "scheduled_at": f"{tomorrow:%Y-%m-%dT%H:%M}"})
    campaign_id = db.session.scalar(select(Campaign.id))
    assert campaign_id is not None
    clock.advance(days=3)
    client = login_as(world.admin)
    client.post(f"/messaging/campaigns/{campaign_id}/send", data={"confirm": "y",
                                                                   "confirm_count": "2"})
    dates = set(db.session.scalars(select(Message.created_at).where(
        Message.campaign_id == campaign_id)))
    assert dates == {utcnow()}


def test_the_review_says_who_will_not_get_it_by_email_and_who_nothing_reaches(app, login_as):
    """"2 guardians will receive this message" while one had turned the kind off and the
    other's address bounced, with no portal account: the review says so."""
    world = school_with_families()
    db.session.add(NotificationPreference(guardian_id=world.mum.id, kind="events",
                                          enabled=False))
    world.gran.email_invalid = True
    db.session.commit()
    client = login_as(world.admin)
    client.post("/messaging/campaigns/new", data=COMPOSE)
    campaign_id = db.session.scalar(select(Campaign.id))
    page = client.get(f"/messaging/campaigns/{campaign_id}/review").get_data(as_text=True)
    assert "2 families will not get it by email" in page
    assert "1 of them has no portal account: nothing will reach them." in page
