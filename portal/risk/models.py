"""Risk rule sets (versioned school settings) and the history of risk assessments."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import CODE
from portal.core.time import utcnow
from portal.extensions import db
from portal.outcomes.models import DERIVED


class RiskLevel:
    """How worried the school should be about a student."""

    NONE = "none"
    WATCH = "watch"
    HIGH = "high"
    ALL = (NONE, WATCH, HIGH)


class RiskRuleSet(db.Model):
    """One version of a school's thresholds and weights; every edit makes a new version."""

    __tablename__ = "risk_rule_sets"
    __table_args__ = (UniqueConstraint("school_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    version: Mapped[int]
    settings: Mapped[dict] = mapped_column(db.JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RiskAssessment(db.Model):
    """A student's risk score, level and reasons at one moment, by one rule-set version."""

    __tablename__ = "risk_assessments"
    __table_args__ = (
        Index("ix_risk_assessments_student_computed", "student_id", "computed_at"),
        # Each student's newest assessment (max id) and its level, read from the index alone.
        Index("ix_risk_assessments_student_newest", "student_id", "id",
              postgresql_include=["level"]),
        # The new flags of a period (the intervention analysis), without the other rows.
        Index("ix_risk_assessments_new_flags", "computed_at",
              postgresql_where=text("is_new_flag IS TRUE"), sqlite_where=text("is_new_flag IS 1")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    rule_set_id: Mapped[int] = mapped_column(ForeignKey("risk_rule_sets.id"), index=True)
    score: Mapped[float]
    level: Mapped[str] = mapped_column(String(10), info=CODE)
    # [{"indicator", "label", "value", "threshold", "direction", "trend", "weight"}]
    reasons: Mapped[list] = mapped_column(db.JSON, default=list)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A worse level than the assessment before: announced once (students_flagged) by the
    # nightly job; a new school's recorded history marks them without announcing.
    is_new_flag: Mapped[bool] = mapped_column(default=False)
    # On the new-flags list (while the student is flagged) until marked seen: a new flag, or
    # the assessment before carried one nobody had marked seen (carried night after night).
    carries_new_flag: Mapped[bool] = mapped_column(default=False, server_default=false())
    acknowledged_at: Mapped[datetime | None]


class NewestAssessment(db.Model):
    """Each student's newest assessment (the highest id), its level and score, and when
    the student's current flag began, kept by database triggers.

    Triggers on risk_assessments (migrations 0021_newest_assessment, 0024_newest_flag)
    change it in the same statement as the rows: every writer (the nightly bulk COPY, one
    student's recompute, a merge that moves a record's history, erasure) keeps it right
    without knowing of it. A flag begins with the first assessment after the student's
    latest "none" (or their first); `flag_began` is empty while the newest is "none".
    """

    __tablename__ = "newest_assessments"
    __table_args__ = ({"info": DERIVED},)

    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("risk_assessments.id", ondelete="CASCADE"), index=True, unique=True)
    level: Mapped[str | None] = mapped_column(String(10), info=CODE)  # filled by the triggers
    score: Mapped[float | None]
    flag_began: Mapped[datetime | None]


class RiskLevelCount(db.Model):
    """How many students of a school and grade level stood at each level at the end of a day
    (their last assessment that day): kept up as assessments are written (level_counts.py),
    so the dashboard's chart reads a few rows a day, not a school's whole history."""

    __tablename__ = "risk_level_counts"

    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    grade_level: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(10), primary_key=True)
    students: Mapped[int] = mapped_column(default=0)
