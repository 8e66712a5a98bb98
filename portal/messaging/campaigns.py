"""Campaigns: compose a message for an audience, then queue it for every guardian at once."""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import update

from portal.auth.models import Role, User
from portal.core.bulk import collector_paused, copy_rows, reserve_ids
from portal.core.errors import Conflict, DomainError, Forbidden
from portal.core.formats import format_number
from portal.core.time import utcnow
from portal.extensions import db
from portal.messaging.criteria_checks import check_criteria
from portal.messaging.dose import count_with_limit, families_over_limit, mark_held_back
from portal.messaging.merge import SAMPLE_FIELDS, merge_fields
from portal.messaging.models import (
    Campaign,
    CampaignStatus,
    Delivery,
    Message,
    MessageTemplate,
    Segment,
    TemplateVariant,
    UpdateKind,
)
from portal.messaging.quiet_hours import next_sending_time
from portal.messaging.rendering import (
    TemplateProblem,
    fields_used,
    render_message,
    render_subject_and_text,
    text_to_html,
)
from portal.messaging.segments import (
    AudienceNotUsable,
    Recipient,
    audience_links,
    resolve_recipients,
)
from portal.messaging.services import (
    count_not_emailed,
    inbox_fields,
    opted_out,
    outbox_rows,
    sending_time,
)
from portal.messaging.worker import settle_campaign
from portal.notifications.push import push_subscriptions_of
from portal.people.models import School, StudentGuardian

QUEUE_CHUNK = 5_000  # recipients whose rows are written together when a campaign is sent


class TemplateNotUsable(DomainError):
    """A template that cannot be rendered; says why, next to the field."""

    status = 422


class AlreadySent(Conflict):
    """A second Send (another click, another tab) of a campaign that has already gone."""


class AudienceMismatch(DomainError):
    """The saved audience chosen and the filters shown on the form are not the same."""

    status = 422


class KindNotAllowed(Forbidden):
    """A kind of update this sender may not send (urgent), said next to the field."""


# Urgent news goes to families who turned updates off, and at any hour: it is the school's
# voice (a closure, an emergency), so only its administrators may send it.
URGENT_SENDERS = (Role.ADMINISTRATOR,)


def may_send_kind(sender: User, kind: str) -> bool:
    """Return True when this sender may send this kind of update."""
    return kind != UpdateKind.URGENT or sender.role in URGENT_SENDERS


def check_kind(sender: User, kind: str) -> None:
    """Refuse an urgent campaign from anyone but an administrator."""
    if not may_send_kind(sender, kind):
        raise KindNotAllowed(_("Only an administrator may send an urgent message: it reaches "
                               "families who turned updates off, at any hour."), field="kind")


def _filters_of(criteria: dict) -> dict:
    """Return the criteria without the schools spanned (a saved audience keeps its own)."""
    return {key: value for key, value in criteria.items() if key != "school_ids"}


def choose_audience(*, school: School, sender: User, segment_id: int | None,
                    criteria: dict) -> tuple[dict, Segment | None]:
    """Return the criteria to store: the chosen saved audience's, else the filters'. Either
    is refused when check_criteria refuses it (it would silently reach nobody)."""
    if not segment_id:
        check_criteria(criteria, school_id=school.id, sender=sender)
        return criteria, None
    segment = db.session.get(Segment, segment_id)
    if segment is None or segment.school_id != school.id:
        raise AudienceMismatch(_("Choose one of the saved audiences."), field="segment_id")
    if _filters_of(criteria) and _filters_of(criteria) != _filters_of(segment.criteria):
        raise AudienceMismatch(_("The filters below are not the saved audience "
                                 "“%(name)s”: clear them, or choose no saved audience.",
                                 name=segment.name), field="segment_id")
    try:  # its schools and ids first: a record of another school is never named
        check_criteria(segment.criteria, school_id=school.id, sender=sender)
    except AudienceNotUsable as problem:  # saved before, or what it names is gone since
        raise AudienceNotUsable(_("The saved audience “%(name)s” cannot be used: %(reason)s",
                                  name=segment.name, reason=problem.message),
                                field="segment_id") from problem
    return dict(segment.criteria), segment


def clean_variants(variants: dict[str, tuple[str, str]], *,
                   default_language: str) -> dict[str, tuple[str, str]]:
    """Drop blank languages; refuse one with a subject but no body (or the reverse)."""
    names = current_app.config["PORTAL_LANGUAGES"]
    kept = {}
    for language, (subject, body) in variants.items():
        subject, body = (subject or "").strip(), (body or "").strip()
        if subject and body:
            kept[language] = (subject, body)
        elif subject or body:
            raise TemplateNotUsable(
                _("Write both a subject and a message in %(language)s, or leave both empty.",
                  language=names.get(language, language)),
                field=f"{'body' if subject else 'subject'}_{language}")
    if default_language not in kept:
        raise TemplateNotUsable(_("Write the subject and message in the school's default "
                                  "language."), field=f"body_{default_language}")
    return kept


def check_variant(*, language: str, subject: str, body: str) -> None:
    """Render a variant with sample merge fields; raise TemplateNotUsable when it fails."""
    for field, source in (("subject", subject), ("body", body)):
        try:
            render_message(subject="", body=source, fields=SAMPLE_FIELDS)
        except TemplateProblem as problem:
            raise TemplateNotUsable(str(problem), field=f"{field}_{language}") from problem


# How far in the past a "Send at" may be (the minutes the form took to fill in).
SEND_AT_GRACE = timedelta(minutes=10)


def check_send_time(scheduled_at: datetime | None) -> None:
    """Refuse a "Send at" already past: the message would be dated then in every inbox."""
    if scheduled_at is not None and scheduled_at < utcnow() - SEND_AT_GRACE:
        raise DomainError(_("This time has passed: choose a later one, or leave it empty to "
                            "send now."), field="scheduled_at")


def create_campaign(*, sender: User, school: School, title: str, kind: str, criteria: dict,
                    variants: dict[str, tuple[str, str]], scheduled_at: datetime | None = None,
                    segment_id: int | None = None) -> Campaign:
    """Save a draft campaign with its template (one variant per language given)."""
    check_kind(sender, kind)
    check_send_time(scheduled_at)
    template = MessageTemplate(school_id=school.id, name=title, kind=kind,
                               created_by_id=sender.id)
    db.session.add(template)
    db.session.flush()
    save_variants(template=template, variants=variants, default_language=school.default_language)
    campaign = Campaign(school_id=school.id, title=title, kind=kind, template_id=template.id,
                        criteria=criteria, scheduled_at=scheduled_at, status=CampaignStatus.DRAFT,
                        created_by_id=sender.id, segment_id=segment_id, shared_with=[])
    db.session.add(campaign)
    db.session.flush()
    return campaign


def save_variants(*, template: MessageTemplate, variants: dict[str, tuple[str, str]],
                  default_language: str) -> None:
    """Replace the template's variants with the usable ones given (checked first)."""
    kept = clean_variants(variants, default_language=default_language)
    for language, (subject, body) in kept.items():
        check_variant(language=language, subject=subject, body=body)
    db.session.execute(db.delete(TemplateVariant).where(
        TemplateVariant.template_id == template.id))
    for language, (subject, body) in kept.items():
        db.session.add(TemplateVariant(template_id=template.id, language=language,
                                       subject=subject, body=body))
    db.session.flush()


def choose_variant(variants: list[TemplateVariant], language: str,
                   default_language: str) -> TemplateVariant:
    """Return the variant in the guardian's language, else the school's default, else any."""
    # A blank variant (saved before blanks were refused) never stands in for a language.
    usable = [variant for variant in variants
              if variant.subject.strip() and variant.body.strip()] or variants
    by_language = {variant.language: variant for variant in usable}
    return by_language.get(language) or by_language.get(default_language) or usable[0]


def variants_of(campaign: Campaign) -> list[TemplateVariant]:
    """Return the campaign's template variants."""
    return list(db.session.scalars(db.select(TemplateVariant).where(
        TemplateVariant.template_id == campaign.template_id).order_by(TemplateVariant.id)))


class CampaignText:
    """A campaign's words for one recipient after another. A district's campaign speaks in the
    name (and default language) of each recipient's child's school; each school is read, and
    each language's variant and the merge fields it uses chosen, once."""

    def __init__(self, campaign: Campaign, school: School):
        self.campaign_school = school
        self.variants = variants_of(campaign)
        self.schools = {school.id: school}
        self.chosen: dict[tuple[str, int], tuple] = {}

    def school_of(self, recipient: Recipient) -> School:
        """The school the campaign speaks for to this recipient."""
        school_id = (recipient.students[0].school_id if recipient.students
                     else self.campaign_school.id)
        if school_id not in self.schools:
            self.schools[school_id] = db.session.get(School, school_id)
        return self.schools[school_id]

    def variant_for(self, language: str, school: School) -> tuple:
        """(subject, body, language, merge fields used) of the variant for this language."""
        key = (language, school.id)
        if key not in self.chosen:
            variant = choose_variant(self.variants, language, school.default_language)
            self.chosen[key] = (variant.subject, variant.body, variant.language,
                                fields_used(variant.subject, variant.body))
        return self.chosen[key]

    def for_recipient(self, recipient: Recipient, *, with_html: bool = True) -> dict:
        """Return subject, text, language and (unless not wanted) html for one recipient. The
        inbox copies keep no HTML: their emails' is written from the text when they are sent
        (compose.py), as text_to_html writes it here."""
        school = self.school_of(recipient)
        subject_source, body, language, wanted = self.variant_for(
            recipient.guardian.preferred_language, school)
        fields = merge_fields(guardian=recipient.guardian, students=recipient.students,
                              school=school, language=language, wanted=wanted)
        try:
            subject, text = render_subject_and_text(subject=subject_source, body=body,
                                                    fields=fields)
        except TemplateProblem as problem:
            raise TemplateNotUsable(str(problem), field=f"body_{language}") from problem
        rendered = {"subject": subject, "text": text, "language": language}
        if with_html:
            rendered["html"] = text_to_html(text)
        return rendered


def render_for(campaign: Campaign, recipient: Recipient, school: School) -> dict:
    """Return subject, text, html and language of the campaign for one recipient."""
    return CampaignText(campaign, school).for_recipient(recipient)


def needs_confirmation(criteria: dict, guardians: int) -> bool:
    """Return True when the audience reaches beyond one section (confirm the count first)."""
    return guardians > 1 and len(criteria.get("section_ids") or []) != 1


PREVIEW_CHOICES = 300  # the guardians the review page offers to preview the message for


@dataclass
class AudienceReview:
    """What the review page says of a campaign's audience: how many guardians it reaches,
    how many of them the weekly limit holds back and by which limits (a district's schools
    set their own), the guardians offered for the preview (the first by id, and the one
    chosen) and the one shown."""

    guardians: int
    held_back_by_limit: dict[int, int]
    choices: list[Recipient]
    shown: Recipient | None
    inbox_only: int = 0  # not emailed: this kind turned off, no valid address, portal only
    unreachable: int = 0  # of those, no portal account either: nothing reaches them

    @property
    def held_back(self) -> int:
        """How many families the weekly limit holds back, whatever their school's limit."""
        return sum(self.held_back_by_limit.values())

    @property
    def limits(self) -> list[int]:
        """The weekly limits that hold families back, lowest first."""
        return sorted(self.held_back_by_limit)


def review_audience(campaign: Campaign, sender: User, chosen: int | None) -> AudienceReview:
    """Count the campaign's audience in the database and load only the guardians the review
    page lists (a district's audience is 90,000 families)."""
    audience = {"criteria": campaign.criteria, "school_id": campaign.school_id, "sender": sender}
    choices = resolve_recipients(**audience, first=PREVIEW_CHOICES)
    shown = next((recipient for recipient in choices if recipient.guardian.id == chosen), None)
    if shown is None and chosen is not None:
        found = resolve_recipients(**audience, guardian_id=chosen)
        if found:
            shown = found[0]
            choices.append(shown)
    guardian_ids = audience_links(**audience).with_only_columns(StudentGuardian.guardian_id)
    guardians, held_back_by_limit = count_with_limit(guardian_ids, kind=campaign.kind,
                                                     now=utcnow())
    inbox_only, unreachable = count_not_emailed(guardian_ids, kind=campaign.kind)
    return AudienceReview(
        guardians=guardians, held_back_by_limit=held_back_by_limit,
        choices=choices, shown=shown or (choices[0] if choices else None),
        inbox_only=inbox_only, unreachable=unreachable)


def first_sending_time(campaign: Campaign, school: School) -> datetime:
    """Return when the campaign really starts going: urgent at once, others in the window."""
    planned = max(campaign.scheduled_at or utcnow(), utcnow())
    if campaign.kind == UpdateKind.URGENT:
        return planned
    return next_sending_time(planned, timezone=school.timezone,
                             start_hour=school.sending_window_start_hour,
                             end_hour=school.sending_window_end_hour)


def claim_campaign(campaign: Campaign) -> None:
    """Mark a draft as going in one conditional update; a second Send finds it taken."""
    claimed = db.session.execute(
        update(Campaign).where(Campaign.id == campaign.id,
                               Campaign.status == CampaignStatus.DRAFT)
        .values(status=CampaignStatus.SENDING).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise AlreadySent(_("This campaign was already sent."))


def send_campaign(*, campaign: Campaign, sender: User, confirmed_count: int | None) -> int:
    """Write the inbox copy and outbox rows for every recipient; return how many guardians."""
    check_kind(sender, campaign.kind)
    school = db.session.get(School, campaign.school_id)
    with collector_paused():
        # One recipient per guardian: as many as the review counts, read once.
        recipients = resolve_recipients(criteria=campaign.criteria, school_id=school.id,
                                        sender=sender)
        if needs_confirmation(campaign.criteria, len(recipients)) and \
                confirmed_count != len(recipients):
            raise Conflict(_("Please confirm that this goes to %(num)s guardians.",
                             num=format_number(len(recipients), get_locale())), field="confirm")
        claim_campaign(campaign)
        if campaign.scheduled_at is not None and campaign.scheduled_at <= utcnow():
            campaign.scheduled_at = None  # a draft sent after its time: it goes now, dated now
        queue = CampaignQueue(campaign, school, sender, recipients)
        for start in range(0, len(recipients), QUEUE_CHUNK):
            messages, deliveries = queue.rows_for(recipients[start:start + QUEUE_CHUNK])
            copy_rows(Message.__table__, MESSAGE_COLUMNS, messages)
            copy_rows(Delivery.__table__, DELIVERY_COLUMNS, deliveries)
    campaign.status = (CampaignStatus.SCHEDULED if campaign.scheduled_at
                       else CampaignStatus.SENDING)
    db.session.flush()
    settle_campaign(campaign.id)  # nothing to email (no addresses, all opted out): sent now
    return len(recipients)


MESSAGE_COLUMNS = ("id", "campaign_id", "guardian_id", "student_id", "thread_id",
                   "sender_user_id", "kind", "language", "subject", "body_text", "body_html",
                   "created_at")
DELIVERY_COLUMNS = ("message_id", "campaign_id", "guardian_id", "user_id", "kind", "channel",
                    "to_address", "subject", "body_text", "body_html", "headers",
                    "attachments", "status", "last_error", "next_attempt_at",
                    "message_id_header")


def _json_text(value) -> str:
    """A JSON column's value as COPY takes it (text); most rows' {} and [] without encoding."""
    if value == {}:
        return "{}"
    if value == []:
        return "[]"
    return json.dumps(value)


class CampaignQueue:
    """A campaign's rows for its recipients, a chunk at a time, as notify_guardian writes
    them one by one (the same rows, by the same functions).

    What stays the same for every recipient is worked out once: the variants, the sending
    times (once per zone), and, for the whole audience at once, who opted out, their push
    devices, who is past the weekly limit and the inbox copies' ids. The audience holds only
    informed links of active guardians (segments.audience_links), so the per-guardian link
    check is not repeated. The emails are written by the worker as it sends them
    (compose.py).
    """

    def __init__(self, campaign: Campaign, school: School, sender: User,
                 recipients: list[Recipient]):
        self.campaign, self.sender = campaign, sender
        self.text = CampaignText(campaign, school)
        self.due_times: dict = {}
        self.json = (_json_text if db.session.connection().dialect.name == "postgresql"
                     else (lambda value: value))
        guardians = [recipient.guardian for recipient in recipients]
        ids = [guardian.id for guardian in guardians]
        self.skipped = opted_out(campaign.kind, ids)
        self.devices = push_subscriptions_of(ids)
        # The weekly limit, as notify_guardian applies it, counted once for everyone.
        self.over_limit = families_over_limit(guardians, kind=campaign.kind, now=utcnow())
        self.message_ids = iter(reserve_ids(Message.__table__, len(ids)))

    def due(self, guardian) -> datetime:
        """When this guardian's email may go (the sending window of their zone)."""
        key = (guardian.school_id, guardian.timezone)
        if key not in self.due_times:
            self.due_times[key] = sending_time(guardian, self.campaign.kind,
                                               self.campaign.scheduled_at)
        return self.due_times[key]

    def message_row(self, message: dict) -> tuple:
        return tuple(message[name] for name in MESSAGE_COLUMNS)

    def delivery_row(self, delivery: dict) -> tuple:
        return tuple(self.json(delivery[name]) if name in ("headers", "attachments")
                     else delivery[name] for name in DELIVERY_COLUMNS)

    def rows_for(self, recipients: list[Recipient]) -> tuple[list[tuple], list[tuple]]:
        """Return the inbox copies' and the deliveries' rows of these recipients."""
        kind, campaign_id = self.campaign.kind, self.campaign.id
        not_before = self.campaign.scheduled_at
        messages, deliveries = [], []
        for recipient in recipients:
            guardian = recipient.guardian
            rendered = self.text.for_recipient(recipient, with_html=False)
            only_child = recipient.students[0] if len(recipient.students) == 1 else None
            message = inbox_fields(
                guardian=guardian, kind=kind, subject=rendered["subject"],
                body_text=rendered["text"], student=only_child, sender=self.sender,
                campaign_id=campaign_id, not_before=not_before, language=rendered["language"])
            message["id"] = next(self.message_ids)
            messages.append(self.message_row(message))
            if guardian.id in self.skipped:  # turned this kind off: in the inbox only
                continue
            rows = outbox_rows(guardian=guardian, message=message, headers=None,
                               attachments=None, not_before=not_before,
                               devices=self.devices.get(guardian.id, []),
                               due=self.due(guardian))
            if guardian.id in self.over_limit:
                mark_held_back(rows, cap=self.over_limit[guardian.id])
            deliveries += [self.delivery_row(row) for row in rows]
        return messages, deliveries


def share_campaign(*, campaign: Campaign, colleague_ids: list[int]) -> None:
    """Let these colleagues see the campaign's send report."""
    campaign.shared_with = sorted({int(colleague_id) for colleague_id in colleague_ids})
    db.session.flush()


def save_segment(*, school: School, author: User, name: str, criteria: dict) -> Segment:
    """Save an audience under a name so it can be used again."""
    check_criteria(criteria, school_id=school.id, sender=author)
    segment = Segment(school_id=school.id, name=name, criteria=criteria, created_by_id=author.id)
    db.session.add(segment)
    db.session.flush()
    return segment
