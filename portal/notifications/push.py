"""Web Push for families: the VAPID key, subscriptions, queueing and sending one push.

Push is a channel of the same outbox as email and SMS: notify_guardian() writes one
"push" delivery per subscribed device, due inside the sending window like the email;
the worker sends it encrypted (RFC 8291) and drops a subscription the push service
says is gone (404 or 410).
"""

import base64
import hashlib
import ipaddress
import json
import socket
from pathlib import Path
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask, current_app
from flask_babel import gettext as _
from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from sqlalchemy import delete, select

from portal.core.bulk import among
from portal.core.errors import DomainError
from portal.core.secret_key import write_private_file
from portal.core.time import utcnow
from portal.core.urls import portal_url
from portal.extensions import db
from portal.messaging.attempts import PermanentFailure, TemporaryFailure
from portal.messaging.models import Delivery
from portal.messaging.outbox import delivery_fields
from portal.notifications.push_models import PushSubscription

VAPID_KEY_FILE = "vapid_private.pem"
PUSH_TEXT_LENGTH = 300
PUSH_TTL_SECONDS = 24 * 60 * 60


def load_or_create_vapid_key(app: Flask) -> None:
    """Put a VAPID private key (PEM) in the config, generating instance/'s on first start."""
    if app.config.get("VAPID_PRIVATE_KEY"):
        return
    path = Path(app.instance_path) / VAPID_KEY_FILE
    if not path.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        write_private_file(path, key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()).decode("ascii"))
    app.config["VAPID_PRIVATE_KEY"] = path.read_text()


def _vapid() -> Vapid:
    key = current_app.config["VAPID_PRIVATE_KEY"].strip()
    if key.startswith("-----BEGIN"):
        return Vapid.from_pem(key.encode("ascii"))
    return Vapid.from_string(key)  # the base64url key `vapid --gen` prints


def application_server_key() -> str:
    """Return the public VAPID key as the browser's PushManager wants it (base64url)."""
    raw = _vapid().public_key.public_bytes(serialization.Encoding.X962,
                                           serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unpadded(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _hash(endpoint: str) -> str:
    return hashlib.sha256(endpoint.encode("utf-8")).hexdigest()


def save_subscription(*, guardian, endpoint: str, p256dh: str, auth: str,
                      user_agent: str | None = None) -> PushSubscription:
    """Store (or move to this guardian) the subscription of one device."""
    if not endpoint.startswith(("https://", "http://")) or len(endpoint) > 2000 \
            or endpoint_problem(endpoint):
        raise DomainError(_("The push subscription has no valid endpoint."), field="endpoint")
    try:  # the device's P-256 public key and its 16-byte auth secret (RFC 8291)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _unpadded(p256dh))
        if len(_unpadded(auth)) != 16:
            raise ValueError
    except ValueError as error:
        raise DomainError(_("The push subscription's keys are not valid."),
                          field="keys") from error
    subscription = db.session.scalar(select(PushSubscription).where(
        PushSubscription.endpoint_hash == _hash(endpoint)))
    if subscription is None:
        subscription = PushSubscription(endpoint=endpoint, endpoint_hash=_hash(endpoint),
                                        created_at=utcnow())
        db.session.add(subscription)
    subscription.guardian_id, subscription.p256dh, subscription.auth = guardian.id, p256dh, auth
    subscription.user_agent = (user_agent or "")[:300] or None
    db.session.flush()
    return subscription


def endpoint_problem(endpoint: str) -> str | None:
    """Why the portal will not post to this push endpoint, or None. A push service is a
    public HTTPS server: plain http, or a host that is or resolves to an address inside a
    private network (loopback, private, link-local, reserved), is refused, when subscribing
    and again before each push (the name may resolve elsewhere by then). A name that does not
    resolve now is left to the send, which fails as unreachable and is retried."""
    try:
        parts = urlsplit(endpoint)
        port = parts.port or 443
    except ValueError:  # an unclosed "[", a port beyond 65535 or not a number
        return "the push service's address is not a valid URL"
    if current_app.config["PUSH_PRIVATE_ENDPOINTS"]:
        return None
    if parts.scheme != "https" or not parts.hostname:
        return "the push service's address is not https"
    try:
        addresses = [ipaddress.ip_address(parts.hostname)]
    except ValueError:
        try:
            found = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            return None
        addresses = [ipaddress.ip_address(info[4][0].partition("%")[0]) for info in found]
    if not all(address.is_global for address in addresses):
        return "the push service's address is inside a private network"
    return None


def _device_of(guardian, endpoint: str) -> PushSubscription | None:
    return db.session.scalar(select(PushSubscription).where(
        PushSubscription.endpoint_hash == _hash(endpoint),
        PushSubscription.guardian_id == guardian.id))


def remove_subscription(*, guardian, endpoint: str) -> bool:
    """Forget this guardian's device subscription; return whether there was one."""
    subscription = _device_of(guardian, endpoint)
    if subscription is not None:
        db.session.delete(subscription)
        db.session.flush()
    return subscription is not None


def knows_subscription(*, guardian, endpoint: str) -> bool:
    """Return whether this device's subscription is still the guardian's on the portal."""
    return _device_of(guardian, endpoint) is not None


def forget_devices(guardian) -> int:
    """Forget every device of the guardian (signed out everywhere); return how many."""
    return db.session.execute(delete(PushSubscription).where(
        PushSubscription.guardian_id == guardian.id)).rowcount


def push_subscriptions_of(guardian_ids: list[int]) -> dict[int, list[int]]:
    """Return {guardian id: their devices' subscription ids} in one query."""
    found: dict[int, list[int]] = {}
    for guardian_id, subscription_id in db.session.execute(
            select(PushSubscription.guardian_id, PushSubscription.id)
            .where(among(PushSubscription.guardian_id, guardian_ids))
            .order_by(PushSubscription.id)):
        found.setdefault(guardian_id, []).append(subscription_id)
    return found


def push_fields(*, subscription_id: int, guardian_id: int, kind: str, subject: str,
                body_text: str, message_id: int | None, campaign_id: int | None,
                not_before) -> dict:
    """Return the columns of a queued push to one device."""
    return delivery_fields(channel="push", to_address=f"push-subscription:{subscription_id}",
                           subject=subject[:300], body_text=body_text[:PUSH_TEXT_LENGTH],
                           kind=kind, guardian_id=guardian_id, message_id=message_id,
                           campaign_id=campaign_id, not_before=not_before)


def _payload(delivery: Delivery) -> bytes:
    url = (portal_url("family.inbox_message", message_id=delivery.message_id)
           if delivery.message_id else portal_url("family.home"))
    return json.dumps({"title": delivery.subject, "body": delivery.body_text,
                       "url": url}).encode("utf-8")


def send_push(delivery: Delivery) -> Exception | None:
    """Send one push delivery; return the failure to record, or None when it went."""
    subscription = db.session.get(PushSubscription,
                                  int(delivery.to_address.rpartition(":")[2]))
    if subscription is None:
        return PermanentFailure("The device turned notifications off.")
    problem = endpoint_problem(subscription.endpoint)
    if problem:
        return PermanentFailure(f"Not sent: {problem}.")
    info = {"endpoint": subscription.endpoint,
            "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}}
    try:
        webpush(info, data=_payload(delivery), vapid_private_key=_vapid(),
                vapid_claims={"sub": current_app.config["VAPID_SUBJECT"]},
                ttl=PUSH_TTL_SECONDS, timeout=15)
    except WebPushException as error:
        return _classify(error, subscription)
    except requests.RequestException as error:
        return TemporaryFailure(f"Could not reach the push service: {error}")
    except ValueError as error:  # keys the encryption cannot use
        return PermanentFailure(f"The subscription's keys cannot be used: {error}")
    return None


def _classify(error: WebPushException, subscription: PushSubscription) -> Exception:
    status = error.response.status_code if error.response is not None else None
    if status in (404, 410):
        db.session.delete(subscription)  # the browser unsubscribed or the push service forgot it
        return PermanentFailure(f"{status}: the subscription is gone and was removed")
    if status is not None and 400 <= status < 500 and status != 429:
        return PermanentFailure(f"Push service answered {status}")
    return TemporaryFailure(f"Push service answered {status or error}")
