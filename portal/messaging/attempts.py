"""How the outbox records a try, backs off, gives up, and lets an administrator retry.

A delivery that could not be sent waits exponentially longer between tries (from
OUTBOX_RETRY_BASE_SECONDS, never more than OUTBOX_RETRY_MAX_SECONDS) and fails for good
only after it has been retried for OUTBOX_GIVE_UP_HOURS, or when the server refuses it.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, insert, select, update

from portal.core.signals import record_changed
from portal.core.time import utcnow
from portal.extensions import db
from portal.messaging.models import (
    Campaign,
    CampaignStatus,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
)
from portal.people.models import Guardian

LEASE_EXPIRED = ("The worker that claimed this delivery stopped before recording a result "
                 "(its lease ran out); the message may or may not have left.")


class TemporaryFailure(Exception):
    """The server could not take the message now (4xx, connection lost): try again later."""


class PermanentFailure(Exception):
    """The server refused the message for good (5xx): do not try again."""


def retry_delay(attempts: int) -> timedelta:
    """Return the wait before the next try after `attempts` failed ones (capped)."""
    base = current_app.config.get("OUTBOX_RETRY_BASE_SECONDS", 60)
    ceiling = current_app.config.get("OUTBOX_RETRY_MAX_SECONDS", 3600)
    return timedelta(seconds=min(base * 2 ** min(max(attempts - 1, 0), 30), ceiling))


def _given_up(delivery: Delivery, now: datetime) -> bool:
    hours = current_app.config.get("OUTBOX_GIVE_UP_HOURS", 72)
    return now - delivery.first_attempt_at >= timedelta(hours=hours)


def _add_attempt(delivery: Delivery, now: datetime, error: str | None) -> None:
    delivery.attempts += 1
    delivery.first_attempt_at = delivery.first_attempt_at or now
    db.session.add(DeliveryAttempt(delivery_id=delivery.id, attempted_at=now,
                                   succeeded=error is None, error=error))


def record_attempt(delivery: Delivery, *, error: Exception | None) -> str:
    """Record one try and set what comes next: "sent", "retried", "failed" (or "cancelled":
    it was cancelled while being sent, and stays so)."""
    now = utcnow()
    _add_attempt(delivery, now, str(error) if error else None)
    delivery.locked_until = None
    if error is not None and delivery.status == DeliveryStatus.CANCELLED:
        return "cancelled"  # stopped or erased while a worker sent it: never tried again
    if error is None:
        delivery.status, delivery.sent_at, delivery.last_error = DeliveryStatus.SENT, now, None
        return "sent"
    delivery.last_error = str(error)[:2000]
    if isinstance(error, PermanentFailure) or _given_up(delivery, now):
        delivery.status = DeliveryStatus.FAILED
        if isinstance(error, PermanentFailure) and delivery.guardian_id and \
                delivery.channel == "email":
            _flag_invalid_address(delivery, str(error))
        return "failed"
    delivery.status = DeliveryStatus.QUEUED
    delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    return "retried"


def record_sent(delivery_ids: list[int]) -> None:
    """Record one successful try of each of these deliveries: record_attempt's "sent", for a
    whole batch in two statements."""
    if not delivery_ids:
        return
    now = utcnow()
    db.session.execute(
        update(Delivery).where(Delivery.id.in_(delivery_ids))
        .values(status=DeliveryStatus.SENT, sent_at=now, last_error=None, locked_until=None,
                attempts=Delivery.attempts + 1,
                first_attempt_at=func.coalesce(Delivery.first_attempt_at, now))
        .execution_options(synchronize_session=False))
    db.session.execute(insert(DeliveryAttempt), [
        {"delivery_id": delivery_id, "attempted_at": now, "succeeded": True, "error": None}
        for delivery_id in delivery_ids])
    _address_works_again(delivery_ids)


def _address_works_again(delivery_ids: list[int]) -> None:
    """An email accepted at a guardian's address once refused (a full mailbox emptied, a
    retry that went through): the address is no longer marked invalid, so the next messages
    go to it again. Read from the batch's deliveries by their keys: nothing to write for
    most batches."""
    working = list(db.session.scalars(
        select(Guardian.id).join(Delivery, Delivery.guardian_id == Guardian.id)
        .where(Delivery.id.in_(delivery_ids), Delivery.channel == "email",
               Delivery.to_address == Guardian.email, Guardian.email_invalid.is_(True))))
    if working:
        db.session.execute(update(Guardian).where(Guardian.id.in_(working))
                           .values(email_invalid=False, email_invalid_reason=None)
                           .execution_options(synchronize_session="fetch"))


def record_expired_lease(delivery: Delivery) -> None:
    """Note in the history that a worker claimed the delivery and stopped without a result."""
    _add_attempt(delivery, utcnow(), LEASE_EXPIRED)


def _flag_invalid_address(delivery: Delivery, reason: str) -> None:
    guardian = db.session.get(Guardian, delivery.guardian_id)
    if guardian is not None and guardian.email == delivery.to_address:
        guardian.email_invalid = True
        guardian.email_invalid_reason = reason[:500]


def retry_deliveries(*, deliveries: list[Delivery], actor, school_id: int) -> int:
    """Put failed deliveries back in the outbox for a fresh run of tries: due now, or a
    family's non-urgent one when the school's sending window next opens in their zone."""
    from portal.messaging.services import sending_time  # services → push → attempts

    failed = [delivery for delivery in deliveries if delivery.status == DeliveryStatus.FAILED]
    now = utcnow()
    for delivery in failed:
        guardian = db.session.get(Guardian, delivery.guardian_id) if delivery.guardian_id \
            else None
        delivery.status = DeliveryStatus.QUEUED
        delivery.next_attempt_at = sending_time(guardian, delivery.kind, now) if guardian \
            else now
        delivery.first_attempt_at = None
    campaign_ids = {delivery.campaign_id for delivery in failed if delivery.campaign_id}
    for campaign in db.session.scalars(select(Campaign).where(Campaign.id.in_(campaign_ids))):
        campaign.status = CampaignStatus.SENDING  # the worker settles it again
    if failed:
        db.session.flush()
        record_changed.send(actor, action="retry", object_type="deliveries", object_id=None,
                            school_id=school_id,
                            changes={"delivery_ids": [None, [d.id for d in failed]]})
    return len(failed)
