"""The daily summary: one email per staff member with the day's notifications they chose."""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from portal.auth.models import User
from portal.core.locale import language_of
from portal.core.time import to_local, utcnow
from portal.extensions import db
from portal.messaging.models import UpdateKind
from portal.messaging.outbox import queue_email
from portal.notifications.models import KIND_LABELS, EmailChoice, StaffNotification
from portal.notifications.services import settings_of
from portal.people.models import School


def _waiting(user_id: int) -> list[StaffNotification]:
    return list(db.session.scalars(select(StaffNotification).where(
        StaffNotification.user_id == user_id, StaffNotification.email == EmailChoice.DAILY,
        StaffNotification.emailed_at.is_(None)).order_by(StaffNotification.created_at)))


def summary_text(notifications: list[StaffNotification]) -> str:
    """Return the body of a daily summary: the notifications grouped by kind."""
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    groups: dict[str, list[StaffNotification]] = {}
    for notification in notifications:
        groups.setdefault(notification.kind, []).append(notification)
    parts = []
    for kind, items in groups.items():
        lines = [f"{KIND_LABELS[kind]} ({len(items)})"]
        lines += [f"- {item.title}\n  {base}{item.link}" for item in items]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def send_daily_summaries() -> int:
    """Queue the daily summary of each staff member whose chosen hour has come today."""
    now, sent = utcnow(), 0
    user_ids = db.session.scalars(select(StaffNotification.user_id).where(
        StaffNotification.email == EmailChoice.DAILY, StaffNotification.emailed_at.is_(None))
        .distinct()).all()
    for user_id in sorted(user_ids):
        user = db.session.get(User, user_id)
        school = db.session.get(School, user.school_id) if user.school_id else None
        local = to_local(now, school.timezone if school else "UTC")
        settings = settings_of(user)
        if local.hour < settings.summary_hour or settings.last_summary_on == local.date():
            continue
        notifications = _waiting(user.id)
        if user.email and user.is_active_account:
            with force_locale(language_of(user)):
                subject = _("Your daily summary: %(count)d notifications",
                            count=len(notifications))
                queue_email(to_address=user.email, subject=subject,
                            body_text=summary_text(notifications), kind=UpdateKind.GENERAL,
                            user_id=user.id)
            sent += 1
        for notification in notifications:
            notification.emailed_at = now
        settings.last_summary_on = local.date()
        db.session.add(settings)
    db.session.flush()
    return sent


def run_daily_summaries() -> None:
    """Queue the due daily summaries and commit."""
    send_daily_summaries()
    db.session.commit()
