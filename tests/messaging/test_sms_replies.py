"""SMS follows the guardian's choices: preferences, sending window, and a STOP reply."""

from datetime import datetime

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.messaging.models import Delivery, NotificationPreference, UpdateKind
from portal.messaging.services import notify_guardian
from tests import factories as f


@pytest.fixture
def texting(app):
    app.config.update(SMS_APPRISE_URL="json://127.0.0.1:9/sms?:to={to}",
                      SMS_INBOUND_TOKEN="inbound-secret")
    school = f.make_school(timezone="UTC", sending_window_start_hour=7,
                           sending_window_end_hour=8)
    guardian = f.make_guardian(school, phone="+1 (555) 010-0200", preferred_channel="sms")
    db.session.commit()
    return guardian


def _sms() -> list[Delivery]:
    return db.session.scalars(select(Delivery).where(Delivery.channel == "sms")
                              .order_by(Delivery.id)).all()


def test_a_guardian_who_prefers_sms_gets_wanted_updates_in_the_window(app, texting):
    db.session.add(NotificationPreference(guardian_id=texting.id, kind=UpdateKind.EVENTS,
                                          enabled=False))
    notify_guardian(guardian=texting, kind=UpdateKind.EVENTS, subject="Fair", body_text="x")
    notify_guardian(guardian=texting, kind=UpdateKind.GENERAL, subject="News", body_text="x")
    (sms,) = _sms()
    assert sms.body_text == "News: x"
    assert sms.next_attempt_at == datetime(2026, 11, 26, 7, 0)  # the window opens at 07:00


def test_an_email_first_guardian_gets_sms_only_when_urgent(app, texting):
    texting.preferred_channel = "email"
    notify_guardian(guardian=texting, kind=UpdateKind.GENERAL, subject="News", body_text="x")
    notify_guardian(guardian=texting, kind=UpdateKind.URGENT, subject="Closed", body_text="x")
    assert [sms.kind for sms in _sms()] == ["urgent"]


def test_stop_ends_sms_and_start_brings_them_back(app, client, texting):
    response = client.post("/messaging/sms/inbound/inbound-secret",
                           data={"From": "+15550100200", "Body": "Stop please"})
    assert response.get_json() == {"recorded": "stop"}
    db.session.expire_all()
    assert texting.sms_opted_out
    notify_guardian(guardian=texting, kind=UpdateKind.URGENT, subject="Closed", body_text="x")
    assert _sms() == []
    client.post("/messaging/sms/inbound/inbound-secret",
                json={"from": "15550100200", "text": "START"})
    db.session.expire_all()
    notify_guardian(guardian=texting, kind=UpdateKind.URGENT, subject="Closed", body_text="x")
    assert len(_sms()) == 1


def test_other_replies_and_other_numbers_change_nothing(app, client, texting):
    other = client.post("/messaging/sms/inbound/inbound-secret",
                        data={"From": "+15550999999", "Body": "STOP"})
    chat = client.post("/messaging/sms/inbound/inbound-secret",
                       data={"From": "+15550100200", "Body": "Thanks, see you"})
    assert other.status_code == chat.status_code == 200
    assert chat.get_json() == {"recorded": None}
    db.session.expire_all()
    assert not texting.sms_opted_out


def test_the_inbound_webhook_needs_its_secret_and_a_sender(app, client, texting):
    assert client.post("/messaging/sms/inbound/guess", data={"From": "+1555", "Body": "STOP"}
                       ).status_code == 404
    assert client.post("/messaging/sms/inbound/inbound-secret", data={"Body": "STOP"}
                       ).status_code == 400
