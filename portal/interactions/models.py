"""Communication history with a family: calls, emails, meetings, notes and follow-ups."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import CODE, TimestampMixin, Visibility
from portal.core.time import utcnow
from portal.extensions import db


class Channel:
    """How the contact happened."""

    ALL = ("phone", "email", "meeting", "home_visit", "note", "message", "sms", "video")


class Direction:
    """Who started the contact."""

    ALL = ("outbound", "inbound", "internal")


class Outcome:
    """What came of the contact; the first three count as a successful contact."""

    SUCCESSFUL = ("reached", "meeting_held", "replied")
    ALL = SUCCESSFUL + ("no_answer", "left_message", "wrong_number", "not_applicable")


class Interaction(TimestampMixin, db.Model):
    """One contact with (or note about) a student's family."""

    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_student_occurred", "student_id", "occurred_at"),
        Index("ix_interactions_follow_up", "follow_up_owner_id", "follow_up_due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(20), info=CODE)
    direction: Mapped[str] = mapped_column(String(20), default="outbound", info=CODE)
    occurred_at: Mapped[datetime]
    summary: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(30), info=CODE)
    follow_up_due_on: Mapped[date | None]
    follow_up_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    follow_up_done_at: Mapped[datetime | None]
    visibility: Mapped[str] = mapped_column(String(10), default=Visibility.STAFF, info=CODE)
    # Set when a guardian's reply in the portal created this record.
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)

    participants: Mapped[list["InteractionParticipant"]] = relationship(
        cascade="all, delete-orphan"
    )


class InteractionParticipant(db.Model):
    """A staff member or guardian who took part in an interaction."""

    __tablename__ = "interaction_participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardians.id"), index=True)


class InteractionRevision(db.Model):
    """The earlier text of an edited interaction, so edits keep history."""

    __tablename__ = "interaction_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id"), index=True)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    edited_at: Mapped[datetime]
    previous: Mapped[dict] = mapped_column(db.JSON)


class TeacherNote(db.Model):
    """A teacher's weekly note to one student's family: one a week, sent once."""

    __tablename__ = "teacher_notes"
    __table_args__ = (UniqueConstraint("teacher_id", "student_id", "week_of",
                                       name="uq_teacher_notes_one_a_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    week_of: Mapped[date]  # the Monday of the school's week
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("interactions.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
