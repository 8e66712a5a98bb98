"""Web Push: a device subscribes through the portal, pushes arrive encrypted, gone ones go."""

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.auth.models import Role
from portal.auth.services import accept_invitation, reset_password
from portal.auth.tokens import make_token
from portal.extensions import db
from portal.messaging.models import Delivery, DeliveryStatus, NotificationPreference, UpdateKind
from portal.messaging.services import notify_guardian
from portal.messaging.worker import drain
from portal.notifications.push import load_or_create_vapid_key
from portal.notifications.push_models import PushSubscription
from tests import factories as f


@pytest.fixture
def family(app):
    school = f.make_school(timezone="UTC")
    child = f.make_student(school, first_name="Ana")
    user, guardian = f.make_family(school, child)
    guardian.email = None  # push only: no email deliveries in the way
    db.session.commit()
    return user, guardian, child, school


def _subscribe(client, login_as, user, device) -> None:
    login_as(user)
    response = client.post("/notifications/push/subscriptions", json=device.subscription_json())
    assert response.status_code == 201


def _pushes() -> list[Delivery]:
    return db.session.scalars(select(Delivery).where(Delivery.channel == "push")).all()


def test_a_new_message_arrives_encrypted_on_the_subscribed_device(
        app, client, login_as, family, push_service):
    user, guardian, child, school = family
    phone = push_service.new_device("phone")
    _subscribe(client, login_as, user, phone)
    notify_guardian(guardian=guardian, kind=UpdateKind.GENERAL, subject="Trip on Friday",
                    body_text="Bring a packed lunch.", student=child)
    db.session.commit()
    assert drain().sent == 1
    (push,) = push_service.received
    assert push.payload["title"] == "Trip on Friday"
    assert push.payload["body"] == "Bring a packed lunch."
    assert push.payload["url"].startswith("http://localhost/family/inbox/")
    assert push.headers["content-encoding"] == "aes128gcm"
    assert push.headers["authorization"].startswith("vapid t=")
    assert _pushes()[0].status == DeliveryStatus.SENT


def test_each_device_gets_its_own_push_and_other_families_none(
        app, client, login_as, family, push_service):
    user, guardian, child, school = family
    _subscribe(client, login_as, user, push_service.new_device("phone"))
    _subscribe(client, login_as, user, push_service.new_device("laptop"))
    other_user, other_guardian = f.make_family(school, f.make_student(school))
    db.session.commit()
    notify_guardian(guardian=other_guardian, kind=UpdateKind.GENERAL, subject="Not yours",
                    body_text="x")
    notify_guardian(guardian=guardian, kind=UpdateKind.ABSENCE, subject="Ana was absent",
                    body_text="Today.", student=child)
    db.session.commit()
    drain()
    assert sorted(push.path for push in push_service.received) == ["/push/laptop", "/push/phone"]
    assert {push.payload["title"] for push in push_service.received} == {"Ana was absent"}


def _push_answered(status, client, login_as, family, push_service):
    """Send one push to a device whose push service answers `status`; return the report."""
    user, guardian, _, _ = family
    _subscribe(client, login_as, user, push_service.new_device("phone"))
    push_service.answers["/push/phone"] = status
    notify_guardian(guardian=guardian, kind=UpdateKind.GENERAL, subject="News", body_text="x")
    db.session.commit()
    return drain()


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_removed(app, client, login_as, family, push_service, status):
    report = _push_answered(status, client, login_as, family, push_service)
    assert report.failed == 1 and str(status) in report.errors[0]
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0
    (push,) = _pushes()
    assert push.status == DeliveryStatus.FAILED


def test_a_busy_push_service_is_tried_again(app, client, login_as, family, push_service):
    assert _push_answered(503, client, login_as, family, push_service).retried == 1
    assert _pushes()[0].status == DeliveryStatus.QUEUED
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 1


def test_push_respects_preferences_and_the_sending_window(
        app, client, login_as, family, push_service):
    user, guardian, _, school = family
    _subscribe(client, login_as, user, push_service.new_device("phone"))
    db.session.add(NotificationPreference(guardian_id=guardian.id, kind=UpdateKind.EVENTS,
                                          enabled=False))
    school.sending_window_start_hour, school.sending_window_end_hour = 7, 8
    notify_guardian(guardian=guardian, kind=UpdateKind.EVENTS, subject="Fair", body_text="x")
    notify_guardian(guardian=guardian, kind=UpdateKind.GENERAL, subject="Later", body_text="x")
    db.session.commit()
    (push,) = _pushes()
    assert push.subject == "Later"
    assert push.next_attempt_at == datetime(2026, 11, 26, 7, 0)  # tomorrow 07:00 in UTC
    assert drain().sent == 0 and push_service.received == []


def test_turning_push_off_removes_only_this_device(app, client, login_as, family, push_service):
    user, _, _, _ = family
    phone, laptop = push_service.new_device("phone"), push_service.new_device("laptop")
    _subscribe(client, login_as, user, phone)
    _subscribe(client, login_as, user, laptop)
    response = client.post("/notifications/push/subscriptions/remove",
                           json={"endpoint": phone.endpoint})
    assert response.get_json() == {"subscribed": False, "removed": True}
    assert db.session.scalars(select(PushSubscription.endpoint)).all() == [laptop.endpoint]


@pytest.mark.parametrize("body, reason", [
    ({"endpoint": "ftp://example.org/x", "keys": {"p256dh": "AAAA", "auth": "AAAA"}}, "endpoint"),
    ({"endpoint": "https://push.example.org/x", "keys": {"p256dh": "AAAA", "auth": "a"}}, "keys"),
    ({"endpoint": "https://push.example.org/x",  # 65 bytes, but not a point on the curve
      "keys": {"p256dh": "BA" + "A" * 85, "auth": "A" * 22}}, "keys"),
])
def test_a_bad_subscription_is_refused_with_a_reason(app, client, login_as, family, body, reason):
    user, _, _, _ = family
    login_as(user)
    response = client.post("/notifications/push/subscriptions", json=body,
                           headers={"Accept": "application/json"})
    assert response.status_code == 400 and reason in response.get_json()["message"]
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0


def test_staff_cannot_subscribe(app, client, login_as, family):
    teacher = f.make_user(Role.TEACHER, family[3])
    db.session.commit()
    login_as(teacher)
    response = client.post("/notifications/push/subscriptions",
                           json={"endpoint": "https://push.example.org/x"})
    assert response.status_code in (403, 404)


def test_the_vapid_key_is_generated_once_into_instance(app, tmp_path):
    app.config["VAPID_PRIVATE_KEY"], app.instance_path = None, str(tmp_path)
    load_or_create_vapid_key(app)
    key_file = Path(tmp_path) / "vapid_private.pem"
    first = app.config["VAPID_PRIVATE_KEY"]
    assert first.startswith("-----BEGIN PRIVATE KEY-----")
    assert key_file.stat().st_mode & 0o777 == 0o600
    app.config["VAPID_PRIVATE_KEY"] = None
    load_or_create_vapid_key(app)
    assert app.config["VAPID_PRIVATE_KEY"] == first


def _check(client, device) -> dict:
    return client.post("/notifications/push/subscriptions/check",
                       json={"endpoint": device.endpoint}).get_json()


def test_signing_out_forgets_the_familys_devices_and_no_one_elses(
        app, client, login_as, family, push_service):
    user, guardian, child, school = family
    phone = push_service.new_device("phone")
    _subscribe(client, login_as, user, phone)
    _subscribe(client, login_as, user, push_service.new_device("laptop"))
    other_user, other_guardian = f.make_family(school, f.make_student(school))
    tablet = push_service.new_device("tablet")
    _subscribe(client, login_as, other_user, tablet)
    assert _check(client, tablet) == {"subscribed": True}
    assert _check(client, phone) == {"subscribed": False}  # another family's device
    login_as(user)
    assert _check(client, phone) == {"subscribed": True}
    assert client.post("/logout").status_code == 302
    assert db.session.scalars(select(PushSubscription.endpoint)).all() == [tablet.endpoint]
    notify_guardian(guardian=guardian, kind=UpdateKind.URGENT, subject="Ana was hurt",
                    body_text="Call the office.", student=child)
    db.session.commit()
    drain()
    assert push_service.received == []  # the signed-out phone shows nothing
    login_as(user)
    assert _check(client, phone) == {"subscribed": False}  # the page turns the browser's off


@pytest.mark.parametrize("purpose, set_password", [("reset", reset_password),
                                                   ("invitation", accept_invitation)])
def test_a_new_password_forgets_the_familys_devices(app, client, login_as, family,
                                                    push_service, purpose, set_password):
    user, _, _, _ = family
    _subscribe(client, login_as, user, push_service.new_device("phone"))
    set_password(token=make_token(user, purpose), password="a new long passphrase 42")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0


@pytest.mark.parametrize("body", [
    {"endpoint": "https://push.example.org/x\x00y", "keys": {"p256dh": "AAAA", "auth": "AAAA"}},
    {"endpoint": "https://push.example.org/x", "keys\x00": {}},
    {"endpoint": "https://push.example.org/x", "keys": [{"auth": ["\x00"]}]},
])
def test_a_nul_character_in_the_json_is_refused_before_anything_is_stored(
        app, client, login_as, family, body):
    """PostgreSQL cannot store NUL: the endpoint with one failed as a server error."""
    user, _, _, _ = family
    login_as(user)
    response = client.post("/notifications/push/subscriptions", json=body,
                           headers={"Accept": "application/json"})
    assert response.status_code == 400 and "NUL character" in response.get_json()["message"]
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0


@pytest.mark.parametrize("body, message", [
    ("[" * 5000 + "]" * 5000, "is not JSON the portal can read"),
    ('"https://push.example.org/x"', "must be a JSON object"),
    ("1e999999", "must be a JSON object"),
    ("[]", "must be a JSON object"),
    ("{", "is not JSON the portal can read"),
])
def test_a_json_body_that_is_not_an_object_the_portal_reads_is_a_400(
        app, client, login_as, family, body, message):
    """Each but the last was a server error, on every route taking a POST (the parser's
    recursion, or a form reading the body as fields)."""
    login_as(family[0])
    response = client.post("/notifications/push/subscriptions", data=body,
                           content_type="application/json",
                           headers={"Accept": "application/json"})
    assert response.status_code == 400 and message in response.get_json()["message"]
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0


def test_a_nul_character_deep_in_a_json_body_is_found(app, client, login_as, family):
    """A body nested 900 deep (within the parser's depth) is read to its bottom."""
    login_as(family[0])
    body = '{"endpoint": "https://push.example.org/x", "keys": ' + '{"a": ' * 900 + \
        '"\\u0000"' + "}" * 901
    response = client.post("/notifications/push/subscriptions", data=body,
                           content_type="application/json",
                           headers={"Accept": "application/json"})
    assert response.status_code == 400 and "NUL character" in response.get_json()["message"]
