"""The outbox: requests write delivery rows here; only the worker sends them."""

import uuid

from flask import current_app
from sqlalchemy import update

from portal.core.text import one_line
from portal.core.time import utcnow
from portal.extensions import db
from portal.messaging.models import Delivery, DeliveryStatus

SMS_MAX_LENGTH = 480  # three concatenated SMS parts


def new_message_id_header() -> str:
    """Return a fresh, globally unique Message-ID for one delivery."""
    domain = current_app.config.get("MAIL_MESSAGE_ID_DOMAIN", "portal.local")
    return f"<{uuid.uuid4().hex}@{domain}>"


def delivery_fields(*, to_address: str, subject: str, body_text: str | None, kind: str,
                    channel: str = "email", body_html: str | None = None,
                    user_id: int | None = None, guardian_id: int | None = None,
                    message_id: int | None = None, campaign_id: int | None = None,
                    headers: dict | None = None, attachments: list | None = None,
                    not_before=None) -> dict:
    """Return every column of a queued delivery (an email unless `channel` says otherwise):
    one is written as a Delivery, a campaign's thousands as plain rows. An email to a
    guardian has no `body_text` yet: the worker writes it from the inbox copy (compose.py)."""
    return {
        "to_address": to_address, "subject": one_line(subject), "body_text": body_text,
        "body_html": body_html, "kind": kind, "user_id": user_id, "guardian_id": guardian_id,
        "message_id": message_id, "campaign_id": campaign_id, "headers": headers or {},
        "attachments": attachments or [], "channel": channel, "status": DeliveryStatus.QUEUED,
        "last_error": None, "next_attempt_at": not_before or utcnow(),
        "message_id_header": new_message_id_header(),
    }


def cancel_waiting(condition) -> int:
    """Cancel the deliveries matching the condition that have not gone yet; return how many.
    Those a worker holds (status "sending") are cancelled too: the worker reads its batch
    again before it sends (worker.Holding) and leaves them."""
    return db.session.execute(
        update(Delivery).where(condition, Delivery.status.in_((DeliveryStatus.QUEUED,
                                                                DeliveryStatus.SENDING)))
        .values(status=DeliveryStatus.CANCELLED, locked_until=None)
        .execution_options(synchronize_session=False)).rowcount


def queue_email(**fields) -> Delivery:
    """Write one email to the outbox (sent later by the worker, never in the request).

    Takes the keyword arguments of delivery_fields.
    """
    delivery = Delivery(**delivery_fields(**fields))
    db.session.add(delivery)
    db.session.flush()
    return delivery


def sms_fields(*, to_address: str, text: str, kind: str, guardian_id: int | None = None,
               message_id: int | None = None, campaign_id: int | None = None,
               not_before=None) -> dict:
    """Return the columns of a queued short message (cut to what an SMS carries)."""
    return delivery_fields(channel="sms", to_address=to_address, subject=text[:300],
                           body_text=text[:SMS_MAX_LENGTH], kind=kind, guardian_id=guardian_id,
                           message_id=message_id, campaign_id=campaign_id,
                           not_before=not_before)


def queue_sms(**fields) -> Delivery:
    """Write one short message to the outbox, for the worker to hand to the SMS gateway.

    Takes the keyword arguments of sms_fields.
    """
    delivery = Delivery(**sms_fields(**fields))
    db.session.add(delivery)
    db.session.flush()
    return delivery
