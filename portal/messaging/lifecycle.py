"""Change a campaign before or while it goes: edit or cancel a scheduled one, stop a sending one."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from portal.auth.models import User
from portal.core.errors import Conflict
from portal.core.signals import record_changed
from portal.core.time import utcnow
from portal.extensions import db
from portal.messaging.audience import campaign_as_form_data
from portal.messaging.campaigns import check_kind, check_send_time, save_variants
from portal.messaging.models import (
    Campaign,
    CampaignStatus,
    Delivery,
    DeliveryStatus,
    Message,
    MessageTemplate,
)
from portal.messaging.outbox import cancel_waiting
from portal.people.changes import check_same_version, digest
from portal.people.models import School


class CampaignNotChangeable(Conflict):
    """The campaign is past the point where this change is possible."""


def _move(campaign: Campaign, *, from_statuses: tuple[str, ...], to_status: str) -> bool:
    """Change the status only if it is still one of `from_statuses` (a conditional update)."""
    moved = db.session.execute(
        update(Campaign).where(Campaign.id == campaign.id, Campaign.status.in_(from_statuses))
        .values(status=to_status).execution_options(synchronize_session=False))
    return moved.rowcount == 1


def _announce(actor: User, campaign: Campaign, old_status: str) -> None:
    record_changed.send(actor, action="update", object_type="campaign", object_id=campaign.id,
                        school_id=campaign.school_id,
                        changes={"status": [old_status, campaign.status]})


def _unschedule(campaign: Campaign) -> None:
    """Take a scheduled campaign back to draft: its waiting inbox copies and emails go."""
    if (campaign.scheduled_at or utcnow()) <= utcnow() or not _move(
            campaign, from_statuses=(CampaignStatus.SCHEDULED,), to_status=CampaignStatus.DRAFT):
        raise CampaignNotChangeable(_("This campaign has started going out: stop it instead."))
    # Its time has not come, so no worker may have taken any of these rows.
    db.session.execute(delete(Delivery).where(Delivery.campaign_id == campaign.id))
    db.session.execute(delete(Message).where(Message.campaign_id == campaign.id))
    campaign.status = CampaignStatus.DRAFT


def check_editable(campaign: Campaign) -> None:
    """Refuse to edit a campaign that is neither a draft nor scheduled."""
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED):
        raise CampaignNotChangeable(_("This campaign has started going out: stop it instead."))


def campaign_version(campaign: Campaign, timezone: str) -> str:
    """The version of a campaign's edit form: a digest of the values it is filled from."""
    return digest(campaign_as_form_data(campaign, timezone))


def update_campaign(*, campaign: Campaign, editor: User, title: str, kind: str, criteria: dict,
                    variants: dict[str, tuple[str, str]], scheduled_at: datetime | None,
                    segment_id: int | None, seen: str | None = None) -> Campaign:
    """Change a draft or a not yet started scheduled campaign; a scheduled one is a draft
    again. One changed since the form (`seen`: campaign_version) was filled in is not
    overwritten: the families would be sent what a colleague had just corrected."""
    old_status = campaign.status
    check_editable(campaign)
    check_kind(editor, kind)
    school = db.session.get(School, campaign.school_id)
    check_same_version(campaign_version(campaign, school.timezone), seen)
    check_send_time(scheduled_at)
    if old_status == CampaignStatus.SCHEDULED:
        _unschedule(campaign)
    template = db.session.get(MessageTemplate, campaign.template_id)
    template.name, template.kind = title, kind
    save_variants(template=template, variants=variants, default_language=school.default_language)
    campaign.title, campaign.kind, campaign.criteria = title, kind, criteria
    campaign.scheduled_at, campaign.segment_id = scheduled_at, segment_id
    db.session.flush()
    _announce(editor, campaign, old_status)
    return campaign


def _hide_unseen_messages(campaign: Campaign) -> None:
    """Remove the inbox copies no family has seen: unread, and neither emailed, texted nor
    pushed (their deliveries were cancelled, or they had none). A stopped campaign stays
    only with those it reached; a scheduled one taken back leaves no inbox copy."""
    reached = select(Delivery.id).where(Delivery.message_id == Message.id,
                                        Delivery.status == DeliveryStatus.SENT).exists()
    unseen = list(db.session.scalars(select(Message.id).where(
        Message.campaign_id == campaign.id, Message.read_at.is_(None), ~reached)))
    if unseen:
        db.session.execute(update(Delivery).where(Delivery.message_id.in_(unseen))
                           .values(message_id=None))
        db.session.execute(delete(Message).where(Message.id.in_(unseen)))


def stop_campaign(*, campaign: Campaign, actor: User) -> int:
    """Cancel every delivery not yet sent (sent ones stay); return how many were cancelled."""
    old_status = campaign.status
    sent = db.session.scalar(select(func.count()).where(
        Delivery.campaign_id == campaign.id,
        Delivery.status.in_((DeliveryStatus.SENT, DeliveryStatus.FAILED))))
    target = CampaignStatus.STOPPED if sent else CampaignStatus.CANCELLED
    if not _move(campaign, from_statuses=(CampaignStatus.SCHEDULED, CampaignStatus.SENDING),
                 to_status=target):
        raise CampaignNotChangeable(_("This campaign has already finished."))
    cancelled = cancel_waiting(Delivery.campaign_id == campaign.id)
    _hide_unseen_messages(campaign)
    campaign.status = target
    db.session.flush()
    _announce(actor, campaign, old_status)
    return cancelled
