"""The outbox: requests write delivery rows here; only the worker sends them."""

import uuid

from flask import current_app

from portal.core.time import utcnow
from portal.extensions import db
from portal.messaging.models import Delivery, DeliveryStatus

SMS_MAX_LENGTH = 480  # three concatenated SMS parts


def new_message_id_header() -> str:
    """Return a fresh, globally unique Message-ID for one delivery."""
    domain = current_app.config.get("MAIL_MESSAGE_ID_DOMAIN", "portal.local")
    return f"<{uuid.uuid4().hex}@{domain}>"


def email_delivery(*, to_address: str, subject: str, body_text: str,
                   body_html: str | None = None, kind: str, user_id: int | None = None,
                   guardian_id: int | None = None, message_id: int | None = None,
                   campaign_id: int | None = None, headers: dict | None = None,
                   attachments: list | None = None, not_before=None) -> Delivery:
    """Return a queued email delivery row (not yet added to the session)."""
    return Delivery(
        to_address=to_address, subject=subject, body_text=body_text, body_html=body_html,
        kind=kind, user_id=user_id, guardian_id=guardian_id, message_id=message_id,
        campaign_id=campaign_id, headers=headers or {}, attachments=attachments or [],
        channel="email", status=DeliveryStatus.QUEUED, next_attempt_at=not_before or utcnow(),
        message_id_header=new_message_id_header(),
    )


def queue_email(**fields) -> Delivery:
    """Write one email to the outbox (sent later by the worker, never in the request).

    Takes the keyword arguments of email_delivery.
    """
    delivery = email_delivery(**fields)
    db.session.add(delivery)
    db.session.flush()
    return delivery


def sms_delivery(*, to_address: str, text: str, kind: str, guardian_id: int | None = None,
                 message_id: int | None = None, campaign_id: int | None = None,
                 not_before=None) -> Delivery:
    """Return a queued short-message delivery row (not yet added to the session)."""
    return Delivery(
        to_address=to_address, subject=text[:300], body_text=text[:SMS_MAX_LENGTH], kind=kind,
        guardian_id=guardian_id, message_id=message_id, campaign_id=campaign_id,
        channel="sms", status=DeliveryStatus.QUEUED, next_attempt_at=not_before or utcnow(),
        message_id_header=new_message_id_header(),
    )


def queue_sms(**fields) -> Delivery:
    """Write one short message to the outbox, for the worker to hand to the SMS gateway.

    Takes the keyword arguments of sms_delivery.
    """
    delivery = sms_delivery(**fields)
    db.session.add(delivery)
    db.session.flush()
    return delivery
