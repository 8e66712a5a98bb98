"""The guardian's choice of updates: saved per kind, urgent always on, unsubscribes shown."""

from urllib.parse import urlparse

from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from portal.extensions import db
from portal.messaging.models import NotificationPreference
from portal.messaging.services import wants_update
from portal.messaging.unsubscribe import (
    UnsubscribeLinks,
    read_unsubscribe_token,
    unsubscribe_url,
)
from tests.messaging.helpers import school_with_families


def test_guardian_turns_kinds_of_update_off_but_not_urgent(app, login_as):
    world = school_with_families()
    db.session.commit()
    client = login_as(world.mum.user)
    page = client.get("/family/updates").get_data(as_text=True)
    assert "Urgent notices" in page and "disabled" in page
    client.post("/family/updates", data={"progress": "y", "absence": "y", "general": "y",
                                         "urgent": ""})
    assert not wants_update(world.mum, "events") and not wants_update(world.mum, "intervention")
    assert wants_update(world.mum, "progress") and wants_update(world.mum, "urgent")


def test_one_click_unsubscribe_shows_on_the_preferences_page(app, client, login_as):
    world = school_with_families()
    db.session.commit()
    path = urlparse(unsubscribe_url(world.mum, "events")).path
    asked = client.get(path)  # a link scanner opening it changes nothing
    assert asked.status_code == 200 and db.session.scalar(select(NotificationPreference)) is None
    client.post(path)
    assert not wants_update(world.mum, "events")
    page = login_as(world.mum.user).get("/family/updates").get_data(as_text=True)
    assert "You unsubscribed with the link in an email" in page


def test_altered_unsubscribe_link_is_refused(app, client):
    world = school_with_families()
    db.session.commit()
    path = urlparse(unsubscribe_url(world.mum, "events")).path
    assert client.post(path[:-2] + "xx").status_code == 404
    urgent = urlparse(unsubscribe_url(world.mum, "urgent")).path  # signed, but not allowed
    assert client.post(urgent).status_code == 404


def test_a_campaigns_links_are_the_links_sent_one_by_one_and_before(app):
    world = school_with_families()
    db.session.commit()
    links, plain = UnsubscribeLinks("events"), URLSafeSerializer(
        app.config["SECRET_KEY"], salt="portal-unsubscribe")  # as links were signed before
    for guardian in (world.mum, world.gran):
        link = links(guardian)
        assert link == unsubscribe_url(guardian, "events")
        token = urlparse(link).path.rsplit("/", 1)[1]
        assert token == plain.dumps({"g": guardian.id, "k": "events"})
        assert read_unsubscribe_token(token) == (guardian, "events")
    # itsdangerous compresses a payload when that makes it shorter: such links still read.
    compressed = plain.dumps({"g": world.mum.id, "k": "events", "note": "x" * 200})
    assert compressed.startswith(".")
    assert read_unsubscribe_token(compressed) == (world.mum, "events")
