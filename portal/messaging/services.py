"""Messaging use cases other features call: notify a guardian, notify a staff member."""

from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy import select

from portal.auth.models import User
from portal.core.permissions import guardian_may_be_told
from portal.core.time import utcnow
from portal.core.urls import portal_url
from portal.extensions import db
from portal.messaging.dose import hold_back, over_weekly_limit
from portal.messaging.models import Message, NotificationPreference, UpdateKind
from portal.messaging.outbox import queue_email, queue_sms
from portal.messaging.quiet_hours import next_sending_time
from portal.messaging.rendering import text_to_html
from portal.messaging.unsubscribe import unsubscribe_url
from portal.notifications.push import queue_push
from portal.people.models import Guardian, School, Student


def wants_update(guardian: Guardian, kind: str) -> bool:
    """Return True when the guardian accepts this kind of update (urgent ones always)."""
    if kind == UpdateKind.URGENT or kind not in UpdateKind.OPTIONAL:
        return True
    enabled = db.session.scalar(select(NotificationPreference.enabled).where(
        NotificationPreference.guardian_id == guardian.id, NotificationPreference.kind == kind))
    return enabled is not False


def can_email(guardian: Guardian) -> bool:
    """Return True when the guardian has an address we have not seen bounce."""
    return bool(guardian.email) and not guardian.email_invalid


def can_text(guardian: Guardian, kind: str) -> bool:
    """Return True when an SMS goes too: urgent news, or every update the guardian wants if
    they prefer SMS; never after they replied STOP, nor without a configured provider."""
    return (bool(guardian.phone) and not guardian.sms_opted_out
            and bool(current_app.config.get("SMS_APPRISE_URL"))
            and (kind == UpdateKind.URGENT or guardian.preferred_channel == "sms"))


def sending_time(guardian: Guardian, kind: str, planned=None):
    """Return when a message may go out: urgent at once, others inside the sending window."""
    planned = planned or utcnow()
    if kind == UpdateKind.URGENT:
        return planned
    school = db.session.get(School, guardian.school_id)
    return next_sending_time(planned, timezone=guardian.timezone or school.timezone,
                             start_hour=school.sending_window_start_hour,
                             end_hour=school.sending_window_end_hour)


def _email_parts(guardian: Guardian, *, kind: str, body_text: str, body_html: str | None,
                 headers: dict) -> tuple[str, str, dict]:
    school = db.session.get(School, guardian.school_id)
    context = {"school": school, "body_text": body_text,
               "body_html": Markup(body_html) if body_html else text_to_html(body_text),
               "preferences_link": portal_url("family.updates"), "unsubscribe_link": None}
    headers = dict(headers)
    if kind in UpdateKind.OPTIONAL:
        context["unsubscribe_link"] = unsubscribe_url(guardian, kind)
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_link']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    with force_locale(guardian.preferred_language):
        return (render_template("email/update.txt", **context),
                render_template("email/update.html", **context), headers)


def notify_guardian(*, guardian: Guardian, kind: str, subject: str, body_text: str,
                    body_html: str | None = None, student: Student | None = None,
                    sender: User | None = None, campaign_id: int | None = None,
                    headers: dict | None = None, attachments: list | None = None,
                    not_before=None, language: str | None = None,
                    thread_id: int | None = None, short_text: str | None = None,
                    always_send: bool = False) -> Message | None:
    """Put a message in the guardian's inbox; queue its email, push and SMS (see can_text).

    Returns None (and writes nothing) when the guardian opted out of this kind of update, or
    when the message is about a child whose link no longer allows telling this guardian
    (an invitation sent before the link changed, for instance).
    Non-urgent email, push and SMS wait for the school's sending window in the guardian's zone;
    past the family's weekly limit they are held back (see dose.py) unless `always_send`.
    SMS and push carry `short_text` when given (the gist of a long message).
    """
    if not wants_update(guardian, kind) or not guardian_may_be_told(
            guardian.id, student.id if student else None):
        return None
    cap = db.session.get(School, guardian.school_id).weekly_message_cap
    held_back = not always_send and over_weekly_limit(guardian_id=guardian.id, cap=cap,
                                                      kind=kind, now=utcnow())
    message = Message(
        guardian_id=guardian.id, student_id=student.id if student else None,
        sender_user_id=sender.id if sender else None, campaign_id=campaign_id, kind=kind,
        thread_id=thread_id,
        language=language or guardian.preferred_language, subject=subject,
        body_text=body_text, body_html=body_html, created_at=not_before or utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    due = sending_time(guardian, kind, not_before)
    if can_email(guardian):
        text, html, all_headers = _email_parts(guardian, kind=kind, body_text=body_text,
                                               body_html=body_html, headers=headers or {})
        queue_email(to_address=guardian.email, subject=subject, body_text=text, body_html=html,
                    kind=kind, guardian_id=guardian.id, message_id=message.id,
                    campaign_id=campaign_id, headers=all_headers, attachments=attachments,
                    not_before=due)
    if can_text(guardian, kind):
        queue_sms(to_address=guardian.phone, text=f"{subject}: {short_text or body_text}",
                  kind=kind, guardian_id=guardian.id, message_id=message.id,
                  campaign_id=campaign_id, not_before=due)
    queue_push(guardian_id=guardian.id, kind=kind, subject=subject,
               body_text=short_text or body_text, message_id=message.id,
               campaign_id=campaign_id, not_before=due)
    if held_back:
        hold_back(message_id=message.id, cap=cap)
    return message


def notify_staff(*, user: User, subject: str, body_text: str, body_html: str | None = None,
                 kind: str = UpdateKind.GENERAL) -> None:
    """Queue an email to a staff member (a counsellor's new-flag notice, a new request)."""
    if user.email and user.is_active_account:
        queue_email(to_address=user.email, subject=subject, body_text=body_text,
                    body_html=body_html, kind=kind, user_id=user.id)
