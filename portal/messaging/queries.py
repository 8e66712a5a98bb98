"""Read-only selects: campaigns a user may see and their progress, a guardian's inbox."""

from datetime import datetime

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import Text, cast, func, or_, select

from portal.auth.models import Role, User
from portal.core.permissions import visible_guardians, visible_school_ids
from portal.core.text import fold
from portal.core.time import utcnow
from portal.extensions import db
from portal.messaging.models import (
    Campaign,
    CampaignStatus,
    Delivery,
    DeliveryStatus,
    HoldoutAssignment,
    Message,
    MessageTemplate,
)
from portal.messaging.segments import audience_schools
from portal.people.models import Guardian, School


def can_see_campaign(user: User, campaign: Campaign, schools: set[int] | None = None) -> bool:
    """Return True for the sender, colleagues they shared it with, and school administrators,
    when they work in every school the campaign reaches: a district's campaign (filed under
    its first school) shows other schools' families in its report, so a school's staff do
    not see it. `schools`: the user's schools, when the caller has them already."""
    if schools is None:
        schools = set(db.session.scalars(visible_school_ids(user)))
    reached = {campaign.school_id, *schools_reached(campaign)}
    if not user.is_staff or not reached <= schools:
        return False
    return (campaign.created_by_id == user.id or user.id in (campaign.shared_with or [])
            or user.role == Role.ADMINISTRATOR)


def can_use_template(user: User, template: MessageTemplate) -> bool:
    """Return True when the user wrote the template or may open a campaign that used it."""
    if template.created_by_id == user.id and user.is_staff and template.school_id in (
            db.session.scalars(visible_school_ids(user)).all()):
        return True
    used_by = db.session.scalars(select(Campaign).where(Campaign.template_id == template.id))
    return any(can_see_campaign(user, campaign) for campaign in used_by)


def can_change_campaign(user: User, campaign: Campaign) -> bool:
    """Return True for the sender and school administrators (not colleagues shown the report)."""
    return can_see_campaign(user, campaign) and (
        campaign.created_by_id == user.id or user.role == Role.ADMINISTRATOR)


def campaigns_for(user: User, school_id: int | None = None,
                  limit: int = 200) -> list[Campaign]:
    """Return the campaigns whose report this user may see, newest first; with `school_id`
    (one of the user's schools), only those that reached that school's families."""
    schools = set(db.session.scalars(visible_school_ids(user)))
    stmt = select(Campaign).where(Campaign.school_id.in_(schools))
    if school_id is not None:
        # A district's campaign is filed under its first school and names the schools it
        # reaches (audience_schools); the others reach the school they are filed under.
        stmt = stmt.where(or_(Campaign.school_id == school_id,
                              cast(Campaign.criteria, Text).contains('"school_ids"')))
    candidates = db.session.scalars(
        stmt.order_by(Campaign.created_at.desc(), Campaign.id.desc()).limit(limit))
    return [campaign for campaign in candidates if can_see_campaign(user, campaign, schools)
            and (school_id is None or school_id in schools_reached(campaign))]


def schools_reached(campaign: Campaign) -> list[int]:
    """Return the ids of the schools whose families the campaign is for."""
    return audience_schools(campaign.criteria or {}, campaign.school_id)


def reach_labels(campaigns: list[Campaign], schools: list[School]) -> dict[int, str]:
    """Return, per campaign id, the names of the schools it is for, or "All schools" when
    it is for every one of these (the user's schools)."""
    names = {school.id: school.name for school in schools}
    labels = {}
    for campaign in campaigns:
        reached = set(schools_reached(campaign))
        labels[campaign.id] = _("All schools") if reached >= set(names) else ", ".join(
            sorted(names[school_id] for school_id in reached if school_id in names))
    return labels


def get_campaign_or_404(user: User, campaign_id: int) -> Campaign:
    """Load a campaign this user may see, or answer 404."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or not can_see_campaign(user, campaign):
        abort(404)
    return campaign


def campaign_progress(campaign: Campaign) -> dict:
    """Return recipients, queued, sent, failed and read-in-portal counts of a campaign."""
    by_status = dict(db.session.execute(
        select(Delivery.status, func.count()).where(Delivery.campaign_id == campaign.id,
                                                    Delivery.channel == "email")
        .group_by(Delivery.status)).all())
    recipients, read = db.session.execute(
        select(func.count(), func.count(Message.read_at))
        .where(Message.campaign_id == campaign.id, Message.from_family.is_(False),
               Message.thread_id.is_(None))).one()
    queued = by_status.get(DeliveryStatus.QUEUED, 0) + by_status.get(DeliveryStatus.SENDING, 0)
    sent = by_status.get(DeliveryStatus.SENT, 0)
    failed = by_status.get(DeliveryStatus.FAILED, 0)
    return {"recipients": recipients, "emails": queued + sent + failed, "queued": queued,
            "sent": sent, "failed": failed, "cancelled": by_status.get(DeliveryStatus.CANCELLED, 0),
            "held_back": by_status.get(DeliveryStatus.HELD_BACK, 0),
            "read": read,
            "done": campaign.status in CampaignStatus.FINISHED}


def next_send_at(campaign: Campaign) -> datetime | None:
    """Return when the campaign's next waiting email really goes (None if none waits)."""
    return db.session.scalar(select(func.min(Delivery.next_attempt_at)).where(
        Delivery.campaign_id == campaign.id, Delivery.status == DeliveryStatus.QUEUED))


def failed_deliveries(campaign: Campaign) -> list[Delivery]:
    """Return the campaign's failed deliveries, with their reasons."""
    return list(db.session.scalars(select(Delivery).where(
        Delivery.campaign_id == campaign.id, Delivery.status == DeliveryStatus.FAILED)
        .order_by(Delivery.id)))


def failed_deliveries_for(user: User, limit: int = 500) -> list[Delivery]:
    """Return the failed deliveries to families and staff of the user's schools."""
    schools = visible_school_ids(user)
    return list(db.session.scalars(
        select(Delivery)
        .outerjoin(Guardian, Guardian.id == Delivery.guardian_id)
        .outerjoin(User, User.id == Delivery.user_id)
        .where(Delivery.status == DeliveryStatus.FAILED,
               or_(Guardian.school_id.in_(schools), User.school_id.in_(schools)))
        .order_by(Delivery.id.desc()).limit(limit)))


def inbox_of(guardian_id: int) -> list[tuple[Message, int]]:
    """Return the guardian's threads (newest first) with the number of replies in each."""
    replies = (select(Message.thread_id, func.count().label("replies"))
               .where(Message.thread_id.is_not(None)).group_by(Message.thread_id).subquery())
    rows = db.session.execute(
        select(Message, func.coalesce(replies.c.replies, 0))
        .outerjoin(replies, replies.c.thread_id == Message.id)
        .where(Message.guardian_id == guardian_id, Message.thread_id.is_(None),
               Message.created_at <= utcnow())
        .order_by(Message.created_at.desc(), Message.id.desc())).all()
    return [(message, count) for message, count in rows]


def thread_of(message: Message) -> list[Message]:
    """Return the replies of a thread, oldest first."""
    return list(db.session.scalars(select(Message).where(Message.thread_id == message.id)
                                   .order_by(Message.created_at, Message.id)))


def unread_count(guardian_id: int) -> int:
    """Return how many messages from the school the guardian has not opened."""
    return db.session.scalar(select(func.count()).where(
        Message.guardian_id == guardian_id, Message.read_at.is_(None),
        Message.from_family.is_(False), Message.created_at <= utcnow()))


def guardians_named(user: User, search: str, limit: int = 20) -> list[Guardian]:
    """Return up to `limit` guardians this user may see whose name contains the search."""
    return list(db.session.scalars(
        visible_guardians(user).where(Guardian.search_name.contains(fold(search)))
        .order_by(Guardian.sort_name, Guardian.id).limit(limit)))


def held_out_families(school_id: int, program: str) -> list[tuple[HoldoutAssignment, Guardian]]:
    """Return the families a program holds out (with those who asked to leave), by name."""
    return list(db.session.execute(
        select(HoldoutAssignment, Guardian)
        .join(Guardian, Guardian.id == HoldoutAssignment.guardian_id)
        .where(HoldoutAssignment.school_id == school_id, HoldoutAssignment.program == program,
               HoldoutAssignment.held_out.is_(True))
        .order_by(Guardian.sort_name, Guardian.id)).all())
