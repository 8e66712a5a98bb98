"""Messaging use cases other features call: notify a guardian, notify a staff member."""

from flask import current_app
from sqlalchemy import Select, func, or_, select

from portal.auth.models import User
from portal.core.bulk import among
from portal.core.permissions import guardian_may_be_told
from portal.core.time import utcnow
from portal.extensions import db
from portal.messaging.dose import families_over_limit, mark_held_back
from portal.messaging.models import Delivery, Message, NotificationPreference, UpdateKind
from portal.messaging.outbox import delivery_fields, queue_email, sms_fields
from portal.messaging.quiet_hours import next_sending_time
from portal.notifications.push import push_fields, push_subscriptions_of
from portal.people.models import Guardian, School, Student


def wants_update(guardian: Guardian, kind: str) -> bool:
    """Return True when the guardian accepts this kind of update (urgent ones always)."""
    if kind == UpdateKind.URGENT or kind not in UpdateKind.OPTIONAL:
        return True
    enabled = db.session.scalar(select(NotificationPreference.enabled).where(
        NotificationPreference.guardian_id == guardian.id, NotificationPreference.kind == kind))
    return enabled is not False


def opted_out(kind: str, guardian_ids: list[int]) -> set[int]:
    """Return which of these guardians turned this kind of update off (one query)."""
    if kind not in UpdateKind.OPTIONAL:
        return set()
    return set(db.session.scalars(select(NotificationPreference.guardian_id).where(
        NotificationPreference.kind == kind, NotificationPreference.enabled.is_(False),
        among(NotificationPreference.guardian_id, guardian_ids))))


def can_email(guardian: Guardian, kind: str) -> bool:
    """Return True when an email goes too: the guardian has an address we have not seen
    bounce, and did not ask to be contacted only in the portal (urgent news goes anyway)."""
    return (bool(guardian.email) and not guardian.email_invalid
            and (kind == UpdateKind.URGENT or guardian.preferred_channel != "portal"))


def can_text(guardian: Guardian, kind: str) -> bool:
    """Return True when an SMS goes too: urgent news, or every update the guardian wants if
    they prefer SMS; never after they replied STOP, nor without a configured provider."""
    return (bool(guardian.phone) and not guardian.sms_opted_out
            and bool(current_app.config.get("SMS_APPRISE_URL"))
            and (kind == UpdateKind.URGENT or guardian.preferred_channel == "sms"))


def count_not_emailed(guardian_ids: Select, *, kind: str) -> tuple[int, int]:
    """Of these guardians, return how many will not be emailed a message of this kind (as
    notify_guardian and can_email decide: turned it off, no valid address, or the portal
    only) and how many of those have no portal account either (one statement)."""
    not_emailed = or_(Guardian.email.is_(None), Guardian.email == "",
                      Guardian.email_invalid.is_(True))
    if kind != UpdateKind.URGENT:
        not_emailed = or_(not_emailed, Guardian.preferred_channel == "portal")
    if kind in UpdateKind.OPTIONAL:
        not_emailed = or_(not_emailed, select(NotificationPreference.guardian_id).where(
            NotificationPreference.guardian_id == Guardian.id,
            NotificationPreference.kind == kind,
            NotificationPreference.enabled.is_(False)).exists())
    counted = db.session.execute(select(
        func.count(), func.count(Guardian.user_id)).where(
        Guardian.id.in_(guardian_ids), not_emailed)).one()
    return counted[0], counted[0] - counted[1]


def sending_time(guardian: Guardian, kind: str, planned=None):
    """Return when a message may go out: urgent at once, others inside the sending window."""
    planned = planned or utcnow()
    if kind == UpdateKind.URGENT:
        return planned
    school = db.session.get(School, guardian.school_id)
    return next_sending_time(planned, timezone=guardian.timezone or school.timezone,
                             start_hour=school.sending_window_start_hour,
                             end_hour=school.sending_window_end_hour)


def notify_guardian(*, guardian: Guardian, kind: str, subject: str, body_text: str,
                    body_html: str | None = None, student: Student | None = None,
                    sender: User | None = None, campaign_id: int | None = None,
                    headers: dict | None = None, attachments: list | None = None,
                    not_before=None, language: str | None = None,
                    thread_id: int | None = None, short_text: str | None = None,
                    always_send: bool = False, their_own: bool = False,
                    even_if_inactive: bool = False) -> Message | None:
    """Put a message in the guardian's inbox; queue its email, push and SMS (see can_email
    and can_text).

    A guardian who turned this kind of update off finds it in their inbox only: nothing is
    emailed, texted or pushed, unless the message is about `their_own` booking or place
    (booked, moved, cancelled, a place freed for them). Returns None (and writes nothing)
    when the message is about a child whose link no longer allows telling this guardian
    (an invitation sent before the link changed, for instance).
    Non-urgent email, push and SMS wait for the school's sending window in the guardian's zone;
    past the family's weekly limit they are held back (see dose.py) unless `always_send`.
    SMS and push carry `short_text` when given (the gist of a long message).
    `even_if_inactive`: a message about no child reaches a guardian marked inactive (not
    erased) too — the cancellation of a booking they can no longer manage.
    """
    still_reachable = even_if_inactive and student is None and guardian.erased_at is None
    if not still_reachable and not guardian_may_be_told(guardian.id,
                                                        student.id if student else None):
        return None
    wanted = their_own or wants_update(guardian, kind)
    over_limit = {} if always_send else families_over_limit([guardian], kind=kind, now=utcnow())
    fields = inbox_fields(
        guardian=guardian, kind=kind, subject=subject, body_text=body_text, body_html=body_html,
        student=student, sender=sender, campaign_id=campaign_id, not_before=not_before,
        language=language, thread_id=thread_id)
    message = Message(**fields)
    db.session.add(message)
    db.session.flush()
    fields["id"] = message.id
    rows = outbox_rows(
        guardian=guardian, message=fields, headers=headers,
        attachments=attachments, not_before=not_before,
        devices=push_subscriptions_of([guardian.id]).get(guardian.id, []),
        short_text=short_text) if wanted else []
    if guardian.id in over_limit:
        mark_held_back(rows, cap=over_limit[guardian.id])
    db.session.add_all([Delivery(**row) for row in rows])
    db.session.flush()
    return message


def inbox_fields(*, guardian: Guardian, kind: str, subject: str, body_text: str,
                 body_html: str | None = None, student: Student | None = None,
                 sender: User | None = None, campaign_id: int | None = None,
                 not_before=None, language: str | None = None,
                 thread_id: int | None = None) -> dict:
    """Return the columns of the guardian's inbox copy of a message (id not yet known)."""
    return {
        "id": None, "guardian_id": guardian.id, "student_id": student.id if student else None,
        "sender_user_id": sender.id if sender else None, "campaign_id": campaign_id,
        "kind": kind, "thread_id": thread_id,
        "language": language or guardian.preferred_language, "subject": subject,
        "body_text": body_text, "body_html": body_html, "created_at": not_before or utcnow(),
    }


def outbox_rows(*, guardian: Guardian, message: dict, headers: dict | None,
                attachments: list | None, not_before, devices: list[int],
                short_text: str | None = None, due=None) -> list[dict]:
    """Return the columns of the email, SMS and push deliveries of an inbox message (its
    columns, with its id).

    The email keeps no body: the worker writes it from the inbox copy when it sends it
    (compose.py). Non-urgent ones wait for the school's sending window in the guardian's
    zone (`due`, when the caller worked it out already); SMS and push carry `short_text`
    when given (the gist of a long message).
    """
    kind, subject, body_text = message["kind"], message["subject"], message["body_text"]
    due = due or sending_time(guardian, kind, not_before)
    common = {"kind": kind, "guardian_id": guardian.id, "message_id": message["id"],
              "campaign_id": message["campaign_id"], "not_before": due}
    rows = []
    if can_email(guardian, kind):
        rows.append(delivery_fields(to_address=guardian.email, subject=subject,
                                    body_text=None, headers=headers,
                                    attachments=attachments, **common))
    if can_text(guardian, kind):
        rows.append(sms_fields(to_address=guardian.phone,
                               text=f"{subject}: {short_text or body_text}", **common))
    rows += [push_fields(subscription_id=device, subject=subject,
                         body_text=short_text or body_text, **common) for device in devices]
    return rows


def notify_staff(*, user: User, subject: str, body_text: str, body_html: str | None = None,
                 kind: str = UpdateKind.GENERAL) -> None:
    """Queue an email to a staff member (a counsellor's new-flag notice, a new request)."""
    if user.email and user.is_active_account:
        queue_email(to_address=user.email, subject=subject, body_text=body_text,
                    body_html=body_html, kind=kind, user_id=user.id)
