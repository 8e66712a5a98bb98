"""The outbox through an outage: capped back-off, three days of tries, a lost claim, a retry."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.messaging.attempts import LEASE_EXPIRED
from portal.messaging.campaigns import create_campaign, send_campaign
from portal.messaging.models import Campaign, Delivery, DeliveryAttempt, DeliveryStatus
from portal.messaging.services import notify_guardian
from portal.messaging.worker import claim_due, drain
from tests import factories as f
from tests.conftest import config_for
from tests.messaging.helpers import queue_notes, school_with_families

ONE_HOUR = timedelta(hours=1)


def _deliveries() -> list[Delivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(Delivery).order_by(Delivery.id)))


def _attempt_times(delivery: Delivery) -> list:
    return list(db.session.scalars(select(DeliveryAttempt.attempted_at)
                                   .where(DeliveryAttempt.delivery_id == delivery.id)
                                   .order_by(DeliveryAttempt.id)))


def _largest_gap(times: list) -> timedelta:
    return max(later - earlier for earlier, later in zip(times, times[1:], strict=False))


def test_a_two_hour_outage_keeps_every_email_pending_then_sends_it(app, smtp_server, clock):
    queue_notes(3)
    smtp_server.stop()  # the port is closed: every connection is refused
    start = clock.now
    while clock.now - start < timedelta(hours=2, minutes=15):
        drain()  # a worker passing every minute
        clock.advance(minutes=1)
    for delivery in _deliveries():
        assert delivery.status == DeliveryStatus.QUEUED, delivery.last_error
        assert delivery.attempts == 8  # tried at 0, 1, 3, 7, 15, 31, 63 and 123 minutes
        times = _attempt_times(delivery)
        assert delivery.next_attempt_at - times[-1] <= ONE_HOUR
        assert _largest_gap(times) <= ONE_HOUR
    smtp_server.start()
    clock.set(max(delivery.next_attempt_at for delivery in _deliveries()))
    assert drain().sent == 3
    assert len(smtp_server.messages) == 3
    assert {delivery.status for delivery in _deliveries()} == {DeliveryStatus.SENT}


def test_the_outbox_tries_for_three_days_an_hour_apart_at_most_then_gives_up(app, smtp_server,
                                                                           clock):
    queue_notes(1)
    smtp_server.stop()
    start = clock.now
    drain()
    (delivery,) = _deliveries()
    while delivery.status == DeliveryStatus.QUEUED:
        assert clock.now - start < timedelta(hours=73)
        clock.set(delivery.next_attempt_at)
        drain()
        (delivery,) = _deliveries()
    times = _attempt_times(delivery)
    assert delivery.status == DeliveryStatus.FAILED
    assert "Could not reach the mail server" in delivery.last_error
    assert times[-1] - times[0] >= timedelta(hours=72)
    assert times[-2] - times[0] < timedelta(hours=72)  # it gave up at the first chance
    assert _largest_gap(times) == ONE_HOUR


def test_a_claim_whose_worker_died_is_recorded_and_the_message_sent_once(app, smtp_server,
                                                                       clock):
    queue_notes(2)
    (claimed,) = claim_due(limit=1)  # a worker takes the first one, then dies
    clock.advance(seconds=app.config["OUTBOX_LEASE_SECONDS"] - 1)
    assert drain().sent == 1  # the other one; the dead worker's lease still holds
    clock.advance(seconds=2)
    assert drain().sent == 1
    delivery = db.session.get(Delivery, claimed)
    history = db.session.execute(
        select(DeliveryAttempt.succeeded, DeliveryAttempt.error)
        .where(DeliveryAttempt.delivery_id == claimed).order_by(DeliveryAttempt.id)).all()
    assert [tuple(row) for row in history] == [(False, LEASE_EXPIRED), (True, None)]
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    received = [message["Message-ID"] for message in smtp_server.messages]
    assert sorted(received) == sorted(d.message_id_header for d in _deliveries())


def _failed_campaign(world, smtp_server) -> int:
    smtp_server.handler.refuse["mum@example.org"] = "550 5.7.1 Relaying denied"
    campaign = create_campaign(sender=world.admin, school=world.school, title="News",
                               kind="general", criteria={},
                               variants={"en": ("News", "Dear {{ guardian_name }},\nnews.")})
    send_campaign(campaign=campaign, sender=world.admin, confirmed_count=2)
    db.session.commit()
    assert drain().failed == 1
    return campaign.id


def test_an_administrator_retries_the_failed_deliveries_of_a_campaign(app, smtp_server,
                                                                     login_as):
    world = school_with_families()
    campaign_id = _failed_campaign(world, smtp_server)
    client = login_as(world.admin)
    report = client.get(f"/messaging/campaigns/{campaign_id}").get_data(as_text=True)
    assert 'id="retry-failed"' in report and "Relaying denied" in report
    del smtp_server.handler.refuse["mum@example.org"]  # the relay is fixed
    response = client.post(f"/messaging/campaigns/{campaign_id}/retry-failed",
                           follow_redirects=True)
    assert "1 failed deliveries are queued again." in response.get_data(as_text=True)
    assert drain().sent == 1
    assert sorted(m["To"] for m in smtp_server.messages) == ["gran@example.org",
                                                             "mum@example.org"]
    assert db.session.get(Campaign, campaign_id).status == "sent"
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "retry"))
    assert audit.actor_id == world.admin.id and audit.school_id == world.school.id


def test_only_an_administrator_may_retry_failed_deliveries(app, smtp_server, login_as):
    world = school_with_families()
    campaign_id = _failed_campaign(world, smtp_server)
    world_campaign = db.session.get(Campaign, campaign_id)
    world_campaign.shared_with = [world.teacher.id]
    db.session.commit()
    client = login_as(world.teacher)
    report = client.get(f"/messaging/campaigns/{campaign_id}").get_data(as_text=True)
    assert "Relaying denied" in report and 'id="retry-failed"' not in report
    assert client.post(f"/messaging/campaigns/{campaign_id}/retry-failed").status_code == 403
    failed = [d.status for d in _deliveries() if d.to_address == "mum@example.org"]
    assert failed == [DeliveryStatus.FAILED]


class TestWithCsrf:
    """The retry form needs its CSRF token."""

    @pytest.fixture
    def app_config(self, database_url):
        return config_for(database_url, WTF_CSRF_ENABLED=True)

    def test_a_retry_without_the_token_is_refused(self, app, smtp_server, login_as):
        world = school_with_families()
        campaign_id = _failed_campaign(world, smtp_server)
        client = login_as(world.admin)
        assert client.post(f"/messaging/campaigns/{campaign_id}/retry-failed").status_code == 400
        assert DeliveryStatus.FAILED in {d.status for d in _deliveries()}


def test_the_outbox_page_retries_the_failed_deliveries_of_the_administrators_school(
        app, smtp_server, login_as):
    world = school_with_families()
    other_school = f.make_guardian(f.make_school(), email="elsewhere@example.org")
    for guardian in (world.gran, other_school):
        smtp_server.handler.refuse[guardian.email] = "550 5.1.1 No such mailbox"
        notify_guardian(guardian=guardian, kind="general", subject="Lunch menu",
                        body_text="Soup")
    db.session.commit()
    assert drain().failed == 2
    assert login_as(world.teacher).get("/messaging/outbox").status_code == 403
    client = login_as(world.admin)
    page = client.get("/messaging/outbox").get_data(as_text=True)
    assert "gran@example.org" in page and "elsewhere@example.org" not in page
    smtp_server.handler.refuse.clear()
    client.post("/messaging/outbox/retry")
    assert drain().sent == 1
    assert [m["To"] for m in smtp_server.messages] == ["gran@example.org"]
    statuses = {d.to_address: d.status for d in _deliveries()}
    assert statuses == {"gran@example.org": "sent", "elsewhere@example.org": "failed"}
