"""A staff member's notifications and their choices about them."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import CODE
from portal.core.time import utcnow
from portal.extensions import db


class NotificationKind:
    """What a notification is about; staff mute and choose email per kind."""

    FAMILY_REPLY = "family_reply"
    FAMILY_REQUEST = "family_request"
    ASSIGNED = "assigned"
    FOLLOW_UP_DUE = "follow_up_due"
    RISK_FLAG = "risk_flag"
    RSVP_CHANGE = "rsvp_change"
    ESCALATED = "escalated"
    TEACHER_NOTES = "teacher_notes"  # the weekly prompt to write to the students' families
    ALL = (FAMILY_REPLY, FAMILY_REQUEST, ASSIGNED, FOLLOW_UP_DUE, RISK_FLAG, RSVP_CHANGE,
           ESCALATED, TEACHER_NOTES)


class EmailChoice:
    """When a notification of a kind is emailed."""

    IMMEDIATE = "immediate"
    DAILY = "daily"
    NEVER = "never"
    ALL = (IMMEDIATE, DAILY, NEVER)


KIND_LABELS = {
    NotificationKind.FAMILY_REPLY: _l("Family replies"),
    NotificationKind.FAMILY_REQUEST: _l("New requests and complaints"),
    NotificationKind.ASSIGNED: _l("Assigned to me"),
    NotificationKind.FOLLOW_UP_DUE: _l("Follow-ups due"),
    NotificationKind.RISK_FLAG: _l("New risk flags"),
    NotificationKind.RSVP_CHANGE: _l("Event answers"),
    NotificationKind.ESCALATED: _l("Escalated requests"),
    NotificationKind.TEACHER_NOTES: _l("Weekly notes to families"),
}
EMAIL_LABELS = {EmailChoice.IMMEDIATE: _l("Immediately"), EmailChoice.DAILY: _l("Daily summary"),
                EmailChoice.NEVER: _l("Never")}

# Without a choice: what needs an answer comes at once, the rest in the daily summary.
DEFAULT_EMAIL = {
    NotificationKind.FAMILY_REPLY: EmailChoice.IMMEDIATE,
    NotificationKind.FAMILY_REQUEST: EmailChoice.IMMEDIATE,
    NotificationKind.ASSIGNED: EmailChoice.IMMEDIATE,
    NotificationKind.ESCALATED: EmailChoice.IMMEDIATE,
    NotificationKind.FOLLOW_UP_DUE: EmailChoice.DAILY,
    NotificationKind.RISK_FLAG: EmailChoice.DAILY,
    NotificationKind.RSVP_CHANGE: EmailChoice.DAILY,
    NotificationKind.TEACHER_NOTES: EmailChoice.DAILY,
}
DEFAULT_SUMMARY_HOUR = 7


class StaffNotification(db.Model):
    """One thing a staff member should know about, linking to the thing itself."""

    __tablename__ = "staff_notifications"
    __table_args__ = (
        Index("ix_staff_notifications_user_read", "user_id", "read_at"),
        Index("ix_staff_notifications_subject", "kind", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(30), info=CODE)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), index=True)
    object_type: Mapped[str] = mapped_column(String(40), info=CODE)
    object_id: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(300))
    link: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # "immediate", "daily" or "never", decided when it was created; emailed_at once queued.
    email: Mapped[str] = mapped_column(String(10), default=EmailChoice.NEVER, info=CODE)
    emailed_at: Mapped[datetime | None]


class NotificationSettings(db.Model):
    """A staff member's muted kinds, email choice per kind and daily summary hour."""

    __tablename__ = "notification_settings"
    __table_args__ = (UniqueConstraint("user_id", name="uq_notification_settings_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    muted: Mapped[list] = mapped_column(db.JSON, default=list)
    email: Mapped[dict] = mapped_column(db.JSON, default=dict)
    summary_hour: Mapped[int] = mapped_column(default=DEFAULT_SUMMARY_HOUR)
    last_summary_on: Mapped[date | None]
