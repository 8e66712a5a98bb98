"""The stored campaign status follows the outbox: sending, then sent (or sent with failures)."""

from datetime import timedelta

from sqlalchemy import select, update

from portal.core.time import utcnow
from portal.extensions import db
from portal.messaging.campaigns import create_campaign, send_campaign
from portal.messaging.models import Campaign, Delivery
from portal.messaging.worker import drain
from tests.messaging.helpers import school_with_families

VARIANTS = {"en": ("News", "Dear {{ guardian_name }},\nnews.")}


def _send(world, scheduled_at=None):
    campaign = create_campaign(sender=world.admin, school=world.school, title="News",
                               kind="general", criteria={}, variants=VARIANTS,
                               scheduled_at=scheduled_at)
    send_campaign(campaign=campaign, sender=world.admin, confirmed_count=2)
    db.session.commit()
    return campaign.id


def _stored_status(campaign_id: int) -> str:
    db.session.expire_all()
    return db.session.scalar(select(Campaign.status).where(Campaign.id == campaign_id))


def test_the_campaign_is_stored_as_sent_when_its_last_delivery_is_accepted(app, smtp_server,
                                                                           login_as):
    world = school_with_families()
    campaign_id = _send(world)
    assert _stored_status(campaign_id) == "sending"
    assert drain(batch_size=1, max_batches=1).sent == 1
    assert _stored_status(campaign_id) == "sending"  # one of two still waits
    assert drain().sent == 1
    assert len(smtp_server.messages) == 2
    assert _stored_status(campaign_id) == "sent"
    page = login_as(world.admin).get("/messaging/").get_data(as_text=True)
    assert "<td>Sent</td>" in page


def test_one_permanent_refusal_stores_sent_with_failures(app, smtp_server, login_as):
    smtp_server.handler.refuse["gran@example.org"] = "550 5.1.1 No such mailbox"
    world = school_with_families()
    campaign_id = _send(world)
    report = drain()
    assert (report.sent, report.failed) == (1, 1)
    assert [message["To"] for message in smtp_server.messages] == ["mum@example.org"]
    assert _stored_status(campaign_id) == "sent_with_failures"
    client = login_as(world.admin)
    assert "<td>Sent with failures</td>" in client.get("/messaging/").get_data(as_text=True)
    report_page = client.get(f"/messaging/campaigns/{campaign_id}").get_data(as_text=True)
    assert "Finished, with failures" in report_page and "No such mailbox" in report_page


def test_a_server_that_is_down_leaves_the_campaign_sending_until_it_is_back(app, smtp_server):
    world = school_with_families()
    campaign_id = _send(world)
    smtp_server.stop()
    assert drain().sent == 0
    assert _stored_status(campaign_id) == "sending"
    smtp_server.start()
    db.session.execute(update(Delivery).values(next_attempt_at=utcnow()))
    db.session.commit()
    assert drain().sent == 2
    assert _stored_status(campaign_id) == "sent"


def test_a_scheduled_campaign_stays_scheduled_until_its_time(app, smtp_server):
    world = school_with_families()
    later = utcnow() + timedelta(days=2)
    campaign_id = _send(world, scheduled_at=later)
    assert drain().handled == 0
    assert _stored_status(campaign_id) == "scheduled"
    # Its time comes.
    now = utcnow()
    db.session.execute(update(Delivery).values(next_attempt_at=now))
    db.session.execute(update(Campaign).values(scheduled_at=now))
    db.session.commit()
    assert drain().sent == 2
    assert _stored_status(campaign_id) == "sent"
