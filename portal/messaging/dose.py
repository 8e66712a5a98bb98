"""The weekly limit: at most a school-set number of non-urgent messages reach a family in
any 7 days (about three a week work best; more crowd each other out).

Every kind counts — campaigns, the weekly alert or digest, attendance nudges, event
reminders, absence notices. Urgent notices and the school's answers to a family's own
message are neither counted nor held back; a same-day absence notice is counted but
always goes (a family must know their child is not at school). A message over the limit
still lands in the family's portal inbox; its email, SMS and push are not sent and keep
the status "held back", which the campaign report counts.
"""

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, case, func, select

from portal.core.bulk import among
from portal.extensions import db
from portal.messaging.models import Delivery, DeliveryStatus, UpdateKind
from portal.people.models import Guardian, School

WINDOW = timedelta(days=7)
NOT_COUNTED_KINDS = (UpdateKind.URGENT, UpdateKind.ANSWER)
NOT_REACHED = (DeliveryStatus.HELD_BACK, DeliveryStatus.CANCELLED)


def messages_this_week(guardian_ids, now: datetime) -> dict[int, int]:
    """Return, per guardian, how many counted messages were sent or queued in the last 7 days."""
    ids = list(guardian_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Delivery.guardian_id, func.count(func.distinct(Delivery.message_id)))
        .where(among(Delivery.guardian_id, ids), *_counted_this_week(now))
        .group_by(Delivery.guardian_id)).all()
    return {guardian_id: count for guardian_id, count in rows}


def _counted_this_week(now: datetime) -> tuple[ColumnElement[bool], ...]:
    """The deliveries that count towards the weekly limit: counted kinds, not held back or
    cancelled, made in the last 7 days."""
    return (Delivery.message_id.is_not(None), Delivery.kind.not_in(NOT_COUNTED_KINDS),
            Delivery.status.not_in(NOT_REACHED), Delivery.created_at > now - WINDOW)


def count_with_limit(guardian_ids: Select, *, kind: str,
                     now: datetime) -> tuple[int, dict[int, int]]:
    """Return (how many distinct guardians these are, {weekly limit: how many of them one
    more message of this kind would take past it}) in one statement, the guardians worked
    out once: families_over_limit's rule, counted by the database (a district's audience is
    too many families to read), each family by its own school's limit."""
    audience = guardian_ids.distinct().subquery("audience")
    if not is_counted(kind):
        return db.session.scalar(select(func.count()).select_from(audience)), {}
    sent = (select(audience.c.guardian_id,
                   func.count(func.distinct(Delivery.message_id)).label("sent"))
            .outerjoin(Delivery, and_(Delivery.guardian_id == audience.c.guardian_id,
                                      *_counted_this_week(now)))
            .group_by(audience.c.guardian_id).subquery())
    held_by = case((sent.c.sent >= School.weekly_message_cap, School.weekly_message_cap))
    rows = db.session.execute(
        select(held_by, func.count()).select_from(sent)
        .join(Guardian, Guardian.id == sent.c.guardian_id)
        .join(School, School.id == Guardian.school_id)
        .group_by(held_by)).all()
    return sum(count for _, count in rows), {cap: count for cap, count in rows if cap is not None}


def is_counted(kind: str) -> bool:
    """Return True when messages of this kind count towards the weekly limit."""
    return kind not in NOT_COUNTED_KINDS


def families_over_limit(guardians, *, kind: str, now: datetime) -> dict[int, int]:
    """Return {guardian id: their school's weekly limit} for the guardians one more message of
    this kind would pass the limit for (each family by its own school's limit)."""
    if not is_counted(kind):
        return {}
    guardians = list(guardians)
    caps = dict(db.session.execute(select(School.id, School.weekly_message_cap).where(
        School.id.in_({guardian.school_id for guardian in guardians}))).all())
    counts = messages_this_week([guardian.id for guardian in guardians], now)
    return {guardian.id: caps[guardian.school_id] for guardian in guardians
            if counts.get(guardian.id, 0) >= caps[guardian.school_id]}


def mark_held_back(deliveries: list[dict], *, cap: int) -> None:
    """Mark these deliveries' columns (not yet written) held back by the weekly limit: never
    sent."""
    for delivery in deliveries:
        delivery["status"] = DeliveryStatus.HELD_BACK
        delivery["last_error"] = f"Held back by the weekly limit ({cap} messages in 7 days)"
