"""Schools and their year, courses and sections, students, guardians and their links."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import CODE, DERIVED, KEY, TimestampMixin
from portal.core.text import fold
from portal.core.time import utcnow
from portal.extensions import db


class District(db.Model):
    """A group of schools run together."""

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    sourced_id: Mapped[str | None] = mapped_column(String(255), unique=True, info=KEY)
    name: Mapped[str] = mapped_column(String(200))


class School(TimestampMixin, db.Model):
    """One school: its time zone, default language and grading rules."""

    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    sourced_id: Mapped[str | None] = mapped_column(String(255), unique=True, info=KEY)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    default_language: Mapped[str] = mapped_column(String(10), default="en", info=CODE)
    # Languages the school writes to families in (codes of PORTAL_LANGUAGES); None: all.
    languages: Mapped[list | None] = mapped_column(db.JSON)
    pass_mark_percent: Mapped[float] = mapped_column(default=60.0)
    # Non-urgent messages are only sent inside this window, in the guardian's time zone.
    sending_window_start_hour: Mapped[int] = mapped_column(default=7)
    sending_window_end_hour: Mapped[int] = mapped_column(default=20)
    notify_family_of_risk_flags: Mapped[bool] = mapped_column(default=False)
    # People inactive for longer than this are anonymised; None keeps them forever.
    retention_years: Mapped[int | None]
    # A family's request unanswered for this many school days goes to the administrators.
    request_escalation_school_days: Mapped[int] = mapped_column(default=3)
    # Family alerts and nudges (issue 18): on by default, each school may turn them off.
    weekly_alert_enabled: Mapped[bool] = mapped_column(default=True)
    attendance_nudges_enabled: Mapped[bool] = mapped_column(default=True)
    # A nudge when a student's absences this year reach this share of school days; the
    # stronger message (an invitation to talk, a task for the counsellor) at the second.
    nudge_threshold_percent: Mapped[float] = mapped_column(default=5.0)
    nudge_step_up_percent: Mapped[float] = mapped_column(default=10.0)
    nudge_repeat_days: Mapped[int] = mapped_column(default=28)
    # The most non-urgent messages a family receives in any 7 days; more are held back.
    weekly_message_cap: Mapped[int] = mapped_column(default=3)
    # Editors warn above these: reading grade (Flesch-Kincaid) and words per message.
    reading_grade_limit: Mapped[float] = mapped_column(default=8.0)
    message_word_limit: Mapped[int] = mapped_column(default=150)


class AcademicTerm(db.Model):
    """A school year (or semester) with its grading periods."""

    __tablename__ = "academic_terms"
    __table_args__ = (UniqueConstraint("school_id", "sourced_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    # The OneRoster academic session; one session may be the term of several schools.
    sourced_id: Mapped[str | None] = mapped_column(String(255), info=KEY)

    grading_periods: Mapped[list["GradingPeriod"]] = relationship(
        back_populates="term", order_by="GradingPeriod.starts_on"
    )


class GradingPeriod(db.Model):
    """A quarter or semester inside a term, for which period grades are given."""

    __tablename__ = "grading_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("academic_terms.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date]
    ends_on: Mapped[date]

    term: Mapped[AcademicTerm] = relationship(back_populates="grading_periods")


class Course(db.Model):
    """A subject taught at the school; core subjects count for early warning."""

    __tablename__ = "courses"
    __table_args__ = (UniqueConstraint("school_id", "code"),
                      UniqueConstraint("school_id", "sourced_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(100))
    is_core: Mapped[bool] = mapped_column(default=False)
    # The OneRoster course; a district-wide course becomes one course per school teaching it.
    sourced_id: Mapped[str | None] = mapped_column(String(255), info=KEY)


class Section(db.Model):
    """A class: one course in one term, taught by one teacher."""

    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("academic_terms.id"), index=True)
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    grade_level: Mapped[int | None]
    room: Mapped[str | None] = mapped_column(String(50))
    sourced_id: Mapped[str | None] = mapped_column(String(255), unique=True, info=KEY)
    # A class the roster ended: its grades and attendance stay, its teacher no longer sees it.
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())

    course: Mapped[Course] = relationship()
    teacher: Mapped["User"] = relationship("User")  # noqa: F821


class Enrollment(db.Model):
    """A student in a section: this is how a teacher comes to see a student."""

    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("section_id", "student_id"),
        # A school's students' sections (the dashboard's filter) without reading the table.
        Index("ix_enrollments_student_section", "student_id", "section_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    sourced_id: Mapped[str | None] = mapped_column(String(255), unique=True, info=KEY)

    section: Mapped[Section] = relationship()


class Student(TimestampMixin, db.Model):
    """A student of a school."""

    __tablename__ = "students"
    __table_args__ = (
        UniqueConstraint("school_id", "external_id"),
        Index("ix_students_school_grade", "school_id", "grade_level"),
        Index("ix_students_school_search", "school_id", "search_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(64))
    sourced_id: Mapped[str | None] = mapped_column(String(255), unique=True, info=KEY)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    preferred_name: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None]
    grade_level: Mapped[int]
    counsellor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    inactive_since: Mapped[date | None]
    inactive_reason: Mapped[str | None] = mapped_column(String(200))
    erased_at: Mapped[datetime | None]
    # Lower-cased, accent-free "first last preferred", so "Novak" finds "Novák" on any database.
    search_name: Mapped[str] = mapped_column(String(320), default="", info=DERIVED)
    # Folded "last first", so sorting by name puts "Álvarez" with "Alvarez" on any database.
    sort_name: Mapped[str] = mapped_column(String(220), default="", server_default="",
                                           info=DERIVED)

    school: Mapped[School] = relationship()
    guardian_links: Mapped[list["StudentGuardian"]] = relationship(back_populates="student")

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}"

    def refresh_search_name(self) -> None:
        """Recompute the folded name used by search."""
        self.search_name = fold(" ".join(filter(None, [self.first_name, self.last_name,
                                                        self.preferred_name])))
        self.sort_name = fold(f"{self.last_name} {self.first_name}")


class Guardian(TimestampMixin, db.Model):
    """A parent or guardian; one guardian may be linked to several children."""

    __tablename__ = "guardians"
    # (sort_name, id): a page of a district's guardians by name is read in index order.
    __table_args__ = (Index("ix_guardians_school_search", "school_id", "search_name"),
                      Index("ix_guardians_sort_name", "sort_name", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    sourced_id: Mapped[str | None] = mapped_column(String(255), unique=True, info=KEY)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    preferred_language: Mapped[str] = mapped_column(String(10), default="en", info=CODE)
    preferred_channel: Mapped[str] = mapped_column(String(20), default="email", info=CODE)
    timezone: Mapped[str | None] = mapped_column(String(64))
    email_invalid: Mapped[bool] = mapped_column(default=False)
    email_invalid_reason: Mapped[str | None] = mapped_column(String(500))
    # The guardian replied STOP to a school SMS: no more SMS until they reply START.
    sms_opted_out: Mapped[bool] = mapped_column(default=False)
    last_successful_contact_at: Mapped[datetime | None]
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    inactive_since: Mapped[date | None]
    inactive_reason: Mapped[str | None] = mapped_column(String(200))
    erased_at: Mapped[datetime | None]
    search_name: Mapped[str] = mapped_column(String(220), default="", info=DERIVED)
    # Folded "last first", as for students, so "Álvarez" sorts with "Alvarez".
    sort_name: Mapped[str] = mapped_column(String(220), default="", server_default="",
                                           info=DERIVED)

    user: Mapped["User"] = relationship("User")  # noqa: F821
    student_links: Mapped[list["StudentGuardian"]] = relationship(back_populates="guardian")

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def refresh_search_name(self) -> None:
        """Recompute the folded name used by search."""
        self.search_name = fold(f"{self.first_name} {self.last_name}")
        self.sort_name = fold(f"{self.last_name} {self.first_name}")


class Relationship:
    """How a guardian is related to a student."""

    ALL = ("mother", "father", "parent", "grandparent", "guardian", "foster_parent", "other")


class StudentGuardian(db.Model):
    """The link between a student and a guardian, with what it allows."""

    __tablename__ = "student_guardians"
    __table_args__ = (UniqueConstraint("student_id", "guardian_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    guardian_id: Mapped[int] = mapped_column(ForeignKey("guardians.id"), index=True)
    relationship_kind: Mapped[str] = mapped_column(String(30), default="parent", info=CODE)
    lives_with: Mapped[bool] = mapped_column(default=True)
    may_receive_information: Mapped[bool] = mapped_column(default=True)
    is_emergency_contact: Mapped[bool] = mapped_column(default=False)
    # Children of separated parents live in two households; this labels which one.
    household: Mapped[str | None] = mapped_column(String(100))
    # A link ends when custody changes; it stays for the record but no longer counts.
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    inactive_since: Mapped[date | None]
    inactive_reason: Mapped[str | None] = mapped_column(String(200))

    student: Mapped[Student] = relationship(back_populates="guardian_links")
    guardian: Mapped[Guardian] = relationship(back_populates="student_links")


class CounsellorAssignment(db.Model):
    """A counsellor responsible for a whole grade level of a school."""

    __tablename__ = "counsellor_assignments"
    __table_args__ = (UniqueConstraint("counsellor_id", "school_id", "grade_level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    counsellor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    grade_level: Mapped[int]


class Consent(db.Model):
    """A guardian's recorded consent (or refusal) for one purpose, kept as history."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    guardian_id: Mapped[int] = mapped_column(ForeignKey("guardians.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(50))
    granted: Mapped[bool]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
