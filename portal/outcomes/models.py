"""Grades, daily attendance, behaviour, programs and activities, interventions."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import CODE, TimestampMixin, Visibility
from portal.extensions import db


class Grade(TimestampMixin, db.Model):
    """A mark for an assessment, or a student's grade for a whole grading period."""

    __tablename__ = "grades"
    __table_args__ = (
        Index("ix_grades_student_period", "student_id", "grading_period_id"),
        Index("ix_grades_section_period", "section_id", "grading_period_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"))
    grading_period_id: Mapped[int] = mapped_column(ForeignKey("grading_periods.id"))
    kind: Mapped[str] = mapped_column(String(20), default="assessment", info=CODE)  # or "period"
    assessment_name: Mapped[str | None] = mapped_column(String(200))
    score: Mapped[float]
    max_score: Mapped[float] = mapped_column(default=100.0)
    recorded_on: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


class WorkStatus:
    """A teacher's mark on a piece of work beside (or instead of) its score."""

    MISSING = "missing"  # due and not handed in: no score
    LATE = "late"  # handed in after it was due: a score, or none yet
    EXCUSED = "excused"  # not expected of this student: no score, left out of every average
    ALL = (MISSING, LATE, EXCUSED)
    WITHOUT_SCORE = (MISSING, EXCUSED)


class WorkMark(TimestampMixin, db.Model):
    """One student's piece of work (an assessment of a section) marked missing, late or excused.

    The assessment's date (`due_on`) is the day the work was due.
    """

    __tablename__ = "work_marks"
    __table_args__ = (
        UniqueConstraint("student_id", "section_id", "grading_period_id", "assessment_name",
                         name="uq_work_marks_student_work"),
        Index("ix_work_marks_student_due", "student_id", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"))
    grading_period_id: Mapped[int] = mapped_column(ForeignKey("grading_periods.id"))
    assessment_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), info=CODE)
    due_on: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AttendanceStatus:
    """A student's status for one school day."""

    PRESENT = "present"
    ABSENT_EXCUSED = "absent_excused"
    ABSENT_UNEXCUSED = "absent_unexcused"
    TARDY = "tardy"
    ABSENT = (ABSENT_EXCUSED, ABSENT_UNEXCUSED)
    ALL = (PRESENT, ABSENT_EXCUSED, ABSENT_UNEXCUSED, TARDY)


class DailyAttendance(db.Model):
    """A student's attendance for one school day."""

    __tablename__ = "daily_attendance"
    __table_args__ = (
        # Carries the status (PostgreSQL): a student's days read from the index alone.
        UniqueConstraint("student_id", "on_date", postgresql_include=["status"]),
        Index("ix_daily_attendance_school_date", "school_id", "on_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    on_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), info=CODE)
    reason: Mapped[str | None] = mapped_column(String(200))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]


class BehaviourIncident(TimestampMixin, db.Model):
    """A positive or negative behaviour note, with severity and action taken."""

    __tablename__ = "behaviour_incidents"
    __table_args__ = (Index("ix_behaviour_student_occurred", "student_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    occurred_at: Mapped[datetime]
    is_positive: Mapped[bool] = mapped_column(default=False)
    severity: Mapped[int] = mapped_column(default=1)  # 1 minor, 2 moderate, 3 major
    category: Mapped[str] = mapped_column(String(50))
    description: Mapped[str] = mapped_column(Text)
    action_taken: Mapped[str | None] = mapped_column(Text)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    visibility: Mapped[str] = mapped_column(String(10), default=Visibility.STAFF, info=CODE)


class ProgramKind:
    """Kinds of special programs and activities."""

    ALL = ("special_program", "tutoring", "club", "sport", "other")


class Program(TimestampMixin, db.Model):
    """A special program or activity students take part in."""

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30), info=CODE)
    description: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Places allocated by lottery: only then may the impact page say the program "caused" it.
    places_by_lottery: Mapped[bool] = mapped_column(default=False, server_default=false())


class ProgramEnrollment(db.Model):
    """A student's participation in a program, from a start date to an optional end."""

    __tablename__ = "program_enrollments"
    __table_args__ = (Index("ix_program_enrollments_program_student", "program_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]


class InterventionStatus:
    """An intervention is open until closed with an outcome."""

    OPEN = "open"
    CLOSED = "closed"
    OUTCOMES = ("improved", "no_change", "worse", "moved")


class Intervention(TimestampMixin, db.Model):
    """A plan for a student who needs help: owner, goal, actions, review date, outcome."""

    __tablename__ = "interventions"
    __table_args__ = (
        Index("ix_interventions_student_status", "student_id", "status"),
        Index("ix_interventions_owner_status", "owner_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(30), default="other", info=CODE)
    reason: Mapped[str] = mapped_column(Text)
    risk_assessment_id: Mapped[int | None] = mapped_column(ForeignKey("risk_assessments.id"))
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id"))
    goal: Mapped[str] = mapped_column(Text)
    actions: Mapped[str | None] = mapped_column(Text)
    review_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default=InterventionStatus.OPEN, info=CODE)
    outcome: Mapped[str | None] = mapped_column(String(20), info=CODE)
    opened_on: Mapped[date]
    closed_on: Mapped[date | None]
    visibility: Mapped[str] = mapped_column(String(10), default=Visibility.STAFF, info=CODE)


class InterventionNote(db.Model):
    """A progress note on an intervention."""

    __tablename__ = "intervention_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    intervention_id: Mapped[int] = mapped_column(ForeignKey("interventions.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


# A table the database keeps from other rows (triggers): a merge moves the source rows and
# the triggers move these with them (privacy/merge.py), never the other way round.
DERIVED = {"derived": True}


class AttendanceWeek(db.Model):
    """A student's attendance totals for one week (Monday first), kept by database triggers.

    The staff pages add these up instead of the daily rows (docs/performance.md). Triggers on
    daily_attendance (migration 0017_pages) change them in the same statement as the rows, so
    every writer (entry, imports, the demo and district generators, retention) keeps them
    right without knowing about them.
    """

    __tablename__ = "attendance_weeks"
    # Covers the pages' sums: an index-only scan per student of the school, whatever the
    # district's size (the primary key alone lost to a scan of the whole table).
    __table_args__ = (Index("ix_attendance_weeks_totals", "student_id", "week_start", "days",
                            "absences"), {"info": DERIVED})

    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), primary_key=True)
    week_start: Mapped[date] = mapped_column(primary_key=True)
    days: Mapped[int]
    absences: Mapped[int]
    tardies: Mapped[int]


class AttendanceToDate(db.Model):
    """A student's attendance totals from their first week through this one (migration
    0026_attendance_to_date), kept by triggers on attendance_weeks: a rate since a Monday is
    the total through the student's last week less the total through the week before it."""

    __tablename__ = "attendance_to_date"
    __table_args__ = (Index("ix_attendance_to_date_totals", "student_id", "week_start", "days",
                            "absences"), {"info": DERIVED})

    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), primary_key=True)
    week_start: Mapped[date] = mapped_column(primary_key=True)
    days: Mapped[int]
    absences: Mapped[int]


class GradeBandCount(db.Model):
    """How many of a student's grades of one period and kind fall in each band, kept by
    triggers on grades like AttendanceWeek (band: 0 below 50 %, 1 for 50–59 % … 5 for 90 %
    and over, or no maximum)."""

    __tablename__ = "grade_band_counts"
    __table_args__ = (Index("ix_grade_band_counts_totals", "student_id", "grading_period_id",
                            "kind", "band", "grades"), {"info": DERIVED})

    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), primary_key=True)
    grading_period_id: Mapped[int] = mapped_column(ForeignKey("grading_periods.id"),
                                                   primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    band: Mapped[int] = mapped_column(primary_key=True)
    grades: Mapped[int]


class SchoolAttendanceWeek(db.Model):
    """AttendanceWeek added up per school and grade level (migration 0022_school_totals):
    triggers on attendance_weeks keep it, and move a student's weeks when they change
    school or grade level. A dashboard of whole schools reads these few rows a week."""

    __tablename__ = "school_attendance_weeks"
    __table_args__ = ({"info": DERIVED},)

    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), primary_key=True)
    grade_level: Mapped[int] = mapped_column(primary_key=True)
    week_start: Mapped[date] = mapped_column(primary_key=True)
    days: Mapped[int]
    absences: Mapped[int]
    tardies: Mapped[int]


class SchoolGradeBandCount(db.Model):
    """GradeBandCount added up per school and grade level, kept like SchoolAttendanceWeek."""

    __tablename__ = "school_grade_band_counts"
    __table_args__ = ({"info": DERIVED},)

    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), primary_key=True)
    grade_level: Mapped[int] = mapped_column(primary_key=True)
    grading_period_id: Mapped[int] = mapped_column(ForeignKey("grading_periods.id"),
                                                   primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    band: Mapped[int] = mapped_column(primary_key=True)
    grades: Mapped[int]
