"""School events, invitations and RSVPs, check-in, and conference slots."""

from datetime import datetime

from sqlalchemy import ColumnElement, ForeignKey, Index, String, Text, UniqueConstraint, and_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import CODE, KEY, TimestampMixin
from portal.extensions import db


class EventKind:
    """The kinds of event a school holds."""

    ALL = ("school_event", "class_meeting", "conference", "parent_workshop", "student_activity")
    # Families book these by slot: they are never asked to answer whether they come (RSVP).
    BOOKED_BY_SLOT = ("conference",)


class Event(TimestampMixin, db.Model):
    """Something families are invited to; times are stored in UTC."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_school_starts", "school_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    kind: Mapped[str] = mapped_column(String(30), info=CODE)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # {"whole_school": bool, "grade_levels": [..], "section_ids": [..], "program_id": ..,
    #  "segment_id": a saved messaging segment}
    audience: Mapped[dict] = mapped_column(db.JSON, default=dict)
    rsvp_requested: Mapped[bool] = mapped_column(default=False)
    capacity: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20), default="scheduled", info=CODE)
    # Stable iCalendar UID, shared by the staff calendar and the family feed.
    uid: Mapped[str] = mapped_column(String(120), unique=True, info=KEY)
    series_id: Mapped[str | None] = mapped_column(String(64), index=True, info=KEY)
    booking_closes_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @hybrid_property
    def booked_by_slot(self) -> bool:
        """True when families book a slot (a conference) rather than answer the invitation."""
        return self.kind in EventKind.BOOKED_BY_SLOT

    @booked_by_slot.inplace.expression
    @classmethod
    def _booked_by_slot_expression(cls) -> ColumnElement[bool]:
        return cls.kind.in_(EventKind.BOOKED_BY_SLOT)

    @hybrid_property
    def asks_for_answers(self) -> bool:
        """True when families answer the invitation (never for an event booked by slot)."""
        return bool(self.rsvp_requested) and not self.booked_by_slot

    @asks_for_answers.inplace.expression
    @classmethod
    def _asks_for_answers_expression(cls) -> ColumnElement[bool]:
        return and_(cls.rsvp_requested.is_(True), ~cls.booked_by_slot)


class EventInvitation(db.Model):
    """One guardian invited to one event, and their answer."""

    __tablename__ = "event_invitations"
    __table_args__ = (UniqueConstraint("event_id", "guardian_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    guardian_id: Mapped[int] = mapped_column(ForeignKey("guardians.id"), index=True)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), index=True)
    invited_at: Mapped[datetime]
    rsvp: Mapped[str | None] = mapped_column(String(10), info=CODE)
    rsvp_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]


class EventAttendance(db.Model):
    """Someone who came to an event (checked in), invited or walk-in."""

    __tablename__ = "event_attendances"
    __table_args__ = (UniqueConstraint("event_id", "guardian_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardians.id"), index=True)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), index=True)
    checked_in_at: Mapped[datetime]
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_walk_in: Mapped[bool] = mapped_column(default=False)


class SlotStatus:
    """The life of a conference slot."""

    OPEN = "open"
    BOOKED = "booked"
    BLOCKED = "blocked"
    HELD = "held"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    ALL = (OPEN, BOOKED, BLOCKED, HELD, NO_SHOW, CANCELLED)


class ConferenceSlot(TimestampMixin, db.Model):
    """A bookable parent–teacher conference slot with one staff member."""

    __tablename__ = "conference_slots"
    __table_args__ = (
        # One slot per child and teacher within a conference event.
        UniqueConstraint("event_id", "staff_id", "student_id"),
        Index("ix_conference_slots_staff_starts", "staff_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    mode: Mapped[str] = mapped_column(String(20), default="in_person", info=CODE)
    location: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default=SlotStatus.OPEN, info=CODE)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), index=True)
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardians.id"), index=True)
    booked_at: Mapped[datetime | None]
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CalendarFeed(db.Model):
    """A guardian's personal calendar feed link: a secret token, kept only as a hash."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    guardian_id: Mapped[int] = mapped_column(ForeignKey("guardians.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, info=KEY)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
