"""Specific needs and requests of a student or family, and families' feedback."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import CODE, TimestampMixin, Visibility
from portal.extensions import db


class NeedKind:
    ALL = ("learning_support", "health", "language", "social", "financial", "other")


class NeedStatus:
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    DECLINED = "declined"
    ACTIVE = (OPEN, IN_PROGRESS)
    ALL = (OPEN, IN_PROGRESS, RESOLVED, DECLINED)


class Need(TimestampMixin, db.Model):
    """A specific need of a student, or a request of their family, with an owner."""

    __tablename__ = "needs"
    __table_args__ = (
        Index("ix_needs_student_status", "student_id", "status"),
        Index("ix_needs_owner_status", "owner_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    kind: Mapped[str] = mapped_column(String(30), info=CODE)
    is_family_request: Mapped[bool] = mapped_column(default=False)
    title: Mapped[str] = mapped_column(String(200))
    details: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=NeedStatus.OPEN, info=CODE)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]
    visibility: Mapped[str] = mapped_column(String(10), default=Visibility.STAFF, info=CODE)


class FeedbackKind:
    ALL = ("request", "question", "complaint", "compliment")


class FeedbackStatus:
    ALL = ("new", "in_progress", "answered", "closed")


class Feedback(TimestampMixin, db.Model):
    """A request, question or complaint a guardian sent through the portal."""

    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_school_status", "school_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    guardian_id: Mapped[int] = mapped_column(ForeignKey("guardians.id"), index=True)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), info=CODE)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="new", info=CODE)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id"))
    # The family's inbox thread of this request: the first answer starts it.
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)


class FeedbackReply(db.Model):
    """A reply in a feedback thread, by staff or by the guardian."""

    __tablename__ = "feedback_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
