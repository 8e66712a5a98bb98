"""Messaging use cases other features call: notify a guardian, notify a staff member."""

from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db
from portal.messaging.models import Message, NotificationPreference, UpdateKind
from portal.messaging.outbox import queue_email
from portal.people.models import Guardian, Student


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


def notify_guardian(*, guardian: Guardian, kind: str, subject: str, body_text: str,
                    body_html: str | None = None, student: Student | None = None,
                    sender: User | None = None, campaign_id: int | None = None,
                    headers: dict | None = None, attachments: list | None = None,
                    not_before=None) -> Message | None:
    """Put a message in the guardian's portal inbox and queue its email.

    Returns None (and writes nothing) when the guardian opted out of this kind of update.
    """
    if not wants_update(guardian, kind):
        return None
    message = Message(
        guardian_id=guardian.id, student_id=student.id if student else None,
        sender_user_id=sender.id if sender else None, campaign_id=campaign_id, kind=kind,
        language=guardian.preferred_language, subject=subject, body_text=body_text,
        body_html=body_html,
    )
    db.session.add(message)
    db.session.flush()
    if can_email(guardian):
        queue_email(to_address=guardian.email, subject=subject, body_text=body_text,
                    body_html=body_html, kind=kind, guardian_id=guardian.id,
                    message_id=message.id, campaign_id=campaign_id, headers=headers,
                    attachments=attachments, not_before=not_before)
    return message


def notify_staff(*, user: User, subject: str, body_text: str, body_html: str | None = None,
                 kind: str = UpdateKind.GENERAL) -> None:
    """Queue an email to a staff member (a counsellor's new-flag notice, a new request)."""
    if user.email and user.is_active_account:
        queue_email(to_address=user.email, subject=subject, body_text=body_text,
                    body_html=body_html, kind=kind, user_id=user.id)
