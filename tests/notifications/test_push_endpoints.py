"""A push subscription cannot make the worker post inside the school's network: push services
are public HTTPS servers (production settings: PUSH_PRIVATE_ENDPOINTS off)."""

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.messaging.models import Delivery, DeliveryStatus, UpdateKind
from portal.messaging.services import notify_guardian
from portal.messaging.worker import drain
from portal.notifications.push_models import PushSubscription
from tests.conftest import config_for
from tests.notifications.test_push import _subscribe, family  # noqa: F401

PRIVATE = ("http://push.example.org/send/1", "https://127.0.0.1/send/1",
           "https://127.1:8443/send/1", "https://[::1]/send/1", "https://10.1.2.3/send/1",
           "https://192.168.0.20/send/1", "https://169.254.169.254/latest/meta-data",
           "https://0.0.0.0/send/1", "https://[::ffff:127.0.0.1]/send/1",
           "https://localhost/send/1", "https:///send/1")
MALFORMED = ("https://[::1", "https://fcm.googleapis.com:99999/x", "https://push.example.org:x/1",
             ":abc/x")


@pytest.fixture
def app_config(database_url):
    return config_for(database_url, PUSH_PRIVATE_ENDPOINTS=False)


def _subscriptions() -> int:
    return db.session.scalar(select(func.count()).select_from(PushSubscription))


def test_an_endpoint_inside_a_private_network_or_not_https_is_refused(
        app, client, login_as, family, push_service):  # noqa: F811
    user = family[0]
    keys = push_service.new_device("phone").subscription_json()["keys"]
    login_as(user)
    for endpoint in PRIVATE + MALFORMED:
        response = client.post("/notifications/push/subscriptions",
                               json={"endpoint": endpoint, "keys": keys})
        assert response.status_code == 400, endpoint
    app.config["PUSH_PRIVATE_ENDPOINTS"] = True  # as in development: a malformed one still is
    try:
        for endpoint in MALFORMED:
            response = client.post("/notifications/push/subscriptions",
                                   json={"endpoint": endpoint, "keys": keys})
            assert response.status_code == 400, endpoint
    finally:
        app.config["PUSH_PRIVATE_ENDPOINTS"] = False
    assert _subscriptions() == 0
    public = client.post("/notifications/push/subscriptions",
                         json={"endpoint": "https://8.8.8.8/fcm/send/1", "keys": keys})
    assert public.status_code == 201
    assert _subscriptions() == 1


def test_a_stored_subscription_inside_the_network_is_never_posted_to(
        app, client, login_as, family, push_service):  # noqa: F811
    """A subscription stored before the rule (or a name that now resolves inside): the worker
    checks again before each push and fails it for good, and nothing reaches the address."""
    user, guardian, child, _ = family
    device = push_service.new_device("phone")
    app.config["PUSH_PRIVATE_ENDPOINTS"] = True
    try:
        _subscribe(client, login_as, user, device)
    finally:
        app.config["PUSH_PRIVATE_ENDPOINTS"] = False
    notify_guardian(guardian=guardian, kind=UpdateKind.GENERAL, subject="Trip",
                    body_text="Friday.", student=child)
    db.session.commit()
    report = drain()
    assert report.failed == 1 and "Not sent: the push service's address" in report.errors[0]
    assert push_service.received == []
    (push,) = db.session.scalars(select(Delivery).where(Delivery.channel == "push")).all()
    assert push.status == DeliveryStatus.FAILED
