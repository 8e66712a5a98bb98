"""Segments, templates, campaigns, inbox messages, deliveries (the outbox), preferences."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import CODE, TimestampMixin
from portal.core.time import utcnow
from portal.extensions import db


class UpdateKind:
    """Kinds of update a guardian can choose to receive; urgent ones cannot be turned off."""

    PROGRESS = "progress"
    EVENTS = "events"
    ABSENCE = "absence"
    INTERVENTION = "intervention"
    GENERAL = "general"
    URGENT = "urgent"
    # The weekly family alert: missing work, low grades, days missed (joins the digest).
    ALERT = "alert"
    OPTIONAL = (PROGRESS, EVENTS, ABSENCE, INTERVENTION, GENERAL, ALERT)
    ALL = OPTIONAL + (URGENT,)
    # The school's answer to the family's own message or request: not an update to opt out
    # of (always delivered, no unsubscribe link), but it keeps the sending window.
    ANSWER = "answer"


class Segment(TimestampMixin, db.Model):
    """A saved audience: criteria over students and their guardians."""

    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    criteria: Mapped[dict] = mapped_column(db.JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class MessageTemplate(TimestampMixin, db.Model):
    """A reusable message, with one variant per language."""

    __tablename__ = "message_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default=UpdateKind.GENERAL, info=CODE)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class TemplateVariant(db.Model):
    """A template's subject and body in one language (sandboxed Jinja)."""

    __tablename__ = "template_variants"
    __table_args__ = (UniqueConstraint("template_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("message_templates.id"), index=True)
    language: Mapped[str] = mapped_column(String(10), info=CODE)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)


class CampaignStatus:
    """Where a campaign is: the worker marks it sent once none of its deliveries waits."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"
    SENT_WITH_FAILURES = "sent_with_failures"
    # Cancelled before it went, or stopped while going: what was not sent stays unsent.
    CANCELLED = "cancelled"
    STOPPED = "stopped"
    # Nothing more will be sent (the worker no longer settles these).
    FINISHED = (SENT, SENT_WITH_FAILURES, CANCELLED, STOPPED)


class Campaign(TimestampMixin, db.Model):
    """A message sent to an audience, now or at a scheduled time."""

    __tablename__ = "campaigns"
    __table_args__ = (Index("ix_campaigns_school_created", "school_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default=UpdateKind.GENERAL, info=CODE)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("message_templates.id"))
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segments.id"))
    criteria: Mapped[dict] = mapped_column(db.JSON, default=dict)
    channel: Mapped[str] = mapped_column(String(20), default="email", info=CODE)
    scheduled_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default=CampaignStatus.DRAFT, info=CODE)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Colleagues the sender shares the send report with.
    shared_with: Mapped[list] = mapped_column(db.JSON, default=list)


class Message(db.Model):
    """One message in a guardian's portal inbox (every email is kept here too)."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_guardian_created", "guardian_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    guardian_id: Mapped[int] = mapped_column(ForeignKey("guardians.id"))
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), index=True)
    # Replies point at the first message of their thread.
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    sender_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    from_family: Mapped[bool] = mapped_column(default=False)
    kind: Mapped[str] = mapped_column(String(20), default=UpdateKind.GENERAL, info=CODE)
    language: Mapped[str] = mapped_column(String(10), default="en", info=CODE)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]


class DeliveryStatus:
    """Where a delivery is in the outbox."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    # Not sent: the family had reached the school's weekly limit of non-urgent messages.
    HELD_BACK = "held_back"
    ALL = (QUEUED, SENDING, SENT, FAILED, CANCELLED, HELD_BACK)


class Delivery(TimestampMixin, db.Model):
    """One message to one address over one channel: status, attempts, last error."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_status_due", "status", "next_attempt_at"),
        Index("ix_deliveries_waiting_due", "next_attempt_at", "id",
              postgresql_where=text("status IN ('queued', 'sending')"),
              sqlite_where=text("status IN ('queued', 'sending')")),
        Index("ix_deliveries_campaign_status", "campaign_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The inbox copy for messages to guardians; account emails (reset, invitation) have none.
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardians.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=UpdateKind.GENERAL, info=CODE)
    channel: Mapped[str] = mapped_column(String(20), default="email", info=CODE)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    # None for an email to a guardian: the worker writes it from the inbox copy (compose.py).
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    # Extra headers (List-Unsubscribe …) and attachments [{"filename","content_type","text"}].
    headers: Mapped[dict] = mapped_column(db.JSON, default=dict)
    attachments: Mapped[list] = mapped_column(db.JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default=DeliveryStatus.QUEUED, info=CODE)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the current run of tries began (reset when an administrator retries it): the
    # worker gives up once it has been trying for OUTBOX_GIVE_UP_HOURS.
    first_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    # A worker that claimed the row owns it until then; a crashed worker's rows come back.
    locked_until: Mapped[datetime | None]
    # Stable Message-ID, so a resend after a crash is recognisable as the same message.
    message_id_header: Mapped[str] = mapped_column(String(200), unique=True, info=CODE)


class DeliveryAttempt(db.Model):
    """One try at sending a delivery, kept for the record."""

    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    succeeded: Mapped[bool]
    error: Mapped[str | None] = mapped_column(Text)


class NotificationPreference(db.Model):
    """Whether a guardian wants one kind of update (absent row: yes)."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("guardian_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guardian_id: Mapped[int] = mapped_column(ForeignKey("guardians.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), info=CODE)
    enabled: Mapped[bool] = mapped_column(default=True)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # "portal" when the guardian changed it, "unsubscribe-link" for a one-click unsubscribe.
    changed_via: Mapped[str] = mapped_column(String(30), default="portal", info=CODE)


class NudgeProgram:
    """The messages a school can measure with a holdout (issue #18)."""

    WEEKLY_ALERT = "weekly_alert"
    ATTENDANCE_NUDGE = "attendance_nudge"
    ALL = (WEEKLY_ALERT, ATTENDANCE_NUDGE)


class HoldoutSetting(db.Model):
    """A school's measurement of one nudge program: on or off, holdout share, weeks, seed."""

    __tablename__ = "holdout_settings"
    __table_args__ = (UniqueConstraint("school_id", "program",
                                       name="uq_holdout_settings_school_program"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    program: Mapped[str] = mapped_column(String(30), info=CODE)
    measuring: Mapped[bool] = mapped_column(default=False)
    share_percent: Mapped[float] = mapped_column(default=10.0)
    weeks: Mapped[int] = mapped_column(default=8)
    # The lottery's key: stored once, so the draw can be checked and is never reshuffled.
    seed: Mapped[str] = mapped_column(String(64))
    started_on: Mapped[date | None]
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class HoldoutAssignment(db.Model):
    """One family's lot in a measured program: held out or not, drawn in its stratum."""

    __tablename__ = "holdout_assignments"
    __table_args__ = (UniqueConstraint("school_id", "program", "guardian_id",
                                       name="uq_holdout_assignments_family"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    program: Mapped[str] = mapped_column(String(30), info=CODE)
    guardian_id: Mapped[int] = mapped_column(ForeignKey("guardians.id"), index=True)
    stratum: Mapped[str] = mapped_column(String(40))  # "grade:risk level" when first seen
    held_out: Mapped[bool]
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The family asked to be left out: they get the program and leave the comparison.
    excluded_at: Mapped[datetime | None]


class NudgeLevel:
    """How strong an attendance nudge is: a first note, or the invitation to talk."""

    NUDGE = "nudge"
    STEP_UP = "step_up"
    ALL = (NUDGE, STEP_UP)


class AttendanceNudge(db.Model):
    """One attendance nudge about a student: when, how strong, and the totals it told."""

    __tablename__ = "attendance_nudges"
    __table_args__ = (Index("ix_attendance_nudges_student_sent", "student_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    level: Mapped[str] = mapped_column(String(10), info=CODE)
    absences: Mapped[int]
    school_days: Mapped[int]
    typical_absences: Mapped[int]
    # The counsellor's task opened by a stepped-up nudge.
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
