"""Take a section's attendance, enter its grades, log behaviour (each grid in one go)."""

from datetime import date, datetime

from flask_babel import format_date, format_decimal, get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from portal.auth.models import User
from portal.core.errors import DomainError
from portal.core.formats import native_digits
from portal.core.models import Visibility
from portal.core.numbers import AmbiguousNumber, TwoSeparators, UnreadableNumber, read_number
from portal.core.signals import attendance_recorded
from portal.core.time import check_has_happened, utcnow
from portal.extensions import db
from portal.outcomes import entry_queries, work_marks
from portal.outcomes.models import AttendanceStatus, BehaviourIncident, DailyAttendance, Grade
from portal.people.changes import (
    add_record,
    announce_update,
    snapshot,
)
from portal.people.models import AcademicTerm, GradingPeriod, Section, Student

ATTENDANCE_FIELDS = ("on_date", "status", "reason")
GRADE_FIELDS = ("kind", "assessment_name", "score", "max_score", "recorded_on")
BEHAVIOUR_FIELDS = ("occurred_at", "is_positive", "severity", "category", "description",
                    "action_taken", "visibility")


class GridError(DomainError):
    """Some rows of a grid are wrong; nothing was saved. errors: {student_id: message}."""

    def __init__(self, errors: dict[int, str], message: str | None = None, *, field=None):
        super().__init__(message or _("Nothing was saved: correct the marked rows."), field=field)
        self.errors = errors


def _save(record, before: dict | None, *, fields: tuple[str, ...], actor: User,
          object_type: str, student: Student) -> None:
    """Announce a new or changed row of a grid (unchanged rows stay quiet)."""
    if before is None:
        add_record(record, actor=actor, object_type=object_type, student=student, fields=fields)
        return
    announce_update(before, record, actor=actor, object_type=object_type, student=student)


def mark_version(row: DailyAttendance | None) -> str:
    """A day's mark as a page shows it ("" when none is recorded: shown as present)."""
    return f"{row.status}|{row.reason or ''}" if row is not None else ""


def record_attendance(*, section: Section, roster: list[Student], on_date: date, actor: User,
                      marks: dict[int, tuple[str, str | None]], today: date,
                      shown: dict[int, str] | None = None) -> list[DailyAttendance]:
    """Save a day's attendance for the section: everyone present unless marked otherwise.

    A student in two classes has one mark a day: one a colleague recorded after this page
    was opened (`shown`: each mark's mark_version then) is kept unless this page changed that
    student's mark; it was put back to "present" by an untouched grid."""
    if on_date > today:
        raise DomainError(_("Attendance cannot be taken for a day in the future."), field="on_date")
    term = db.session.get(AcademicTerm, section.term_id)
    if term is not None and not term.starts_on <= on_date <= term.ends_on:
        raise DomainError(_("Choose a day of this class's school year (%(first)s to %(last)s).",
                            first=format_date(term.starts_on), last=format_date(term.ends_on)),
                          field="on_date")
    longest = DailyAttendance.reason.type.length
    errors = {sid: _("Choose a status from the list.") if status not in AttendanceStatus.ALL
              else _("Keep the reason to %(count)d characters.", count=longest)
              for sid, (status, reason) in marks.items()
              if status not in AttendanceStatus.ALL or len(reason or "") > longest}
    if errors:
        raise GridError(errors)
    existing = {row.student_id: row for row in db.session.scalars(select(DailyAttendance).where(
        DailyAttendance.on_date == on_date,
        DailyAttendance.student_id.in_([s.id for s in roster])))}
    saved, shown = [], shown or {}
    for student in roster:
        status, reason = marks.get(student.id, (AttendanceStatus.PRESENT, None))
        row = existing.get(student.id)
        seen = shown.get(student.id)
        left_as_shown = f"{status}|{(reason or '') if status != 'present' else ''}" == (
            seen or f"{AttendanceStatus.PRESENT}|")
        if seen is not None and mark_version(row) != seen and left_as_shown:
            continue  # changed by a colleague meanwhile, not on this page: theirs stands
        before = snapshot(row, ATTENDANCE_FIELDS) if row else None
        if row is None:
            row = DailyAttendance(school_id=student.school_id, student_id=student.id,
                                  on_date=on_date)
        row.status, row.reason = status, (reason or None) if status != "present" else None
        row.section_id, row.recorded_by_id, row.recorded_at = section.id, actor.id, utcnow()
        _save(row, before, fields=ATTENDANCE_FIELDS, actor=actor,
              object_type="daily_attendance", student=student)
        saved.append(row)
    attendance_recorded.send(actor, records=saved)
    return saved


def _unreadable(problem: UnreadableNumber) -> str:
    """Say in the teacher's language why a typed score is not read (core.numbers' rule)."""
    if isinstance(problem, AmbiguousNumber):
        return _("Could be %(whole)s or, with a decimal comma, %(decimal)s: write the score "
                 "without a thousands separator.", whole=_reading(problem.whole),
                 decimal=_reading(problem.decimal))
    if isinstance(problem, TwoSeparators):
        return _("Write the score without a thousands separator, with . or , as the decimal "
                 "mark.")
    return _("Enter a number.")


def _reading(value: float) -> str:
    """Write a score in the teacher's language's digits and decimal mark, ungrouped (a
    thousands separator in a reading of "1,000" would make it ambiguous again)."""
    return native_digits(format_decimal(value, format="0.###"), get_locale())


def _parse_scores(scores: dict[int, str], max_score: float,
                  errors: dict[int, str]) -> dict[int, float]:
    parsed = {}
    for student_id, text in scores.items():
        if not (text or "").strip():
            continue
        try:
            value = read_number(text)
        except UnreadableNumber as problem:
            errors[student_id] = _unreadable(problem)
            continue
        if not 0 <= value <= max_score and student_id not in errors:
            errors[student_id] = _("Enter a score from 0 to %(max)s.", max=_reading(max_score))
        parsed[student_id] = value
    if errors:
        raise GridError(errors)
    return parsed


def record_grades(*, section: Section, roster: list[Student], grading_period: GradingPeriod,
                  actor: User, kind: str, assessment_name: str | None, max_score: float,
                  recorded_on: date, scores: dict[int, str],
                  statuses: dict[int, str] | None = None) -> list[Grade]:
    """Save one assessment's (or the period's) grades, and its work marks, all at once. A
    score sent empty where one was stored is taken away (the grid shows the stored ones)."""
    if grading_period.term_id != section.term_id:
        raise DomainError(_("Choose a grading period of this class's year."),
                          field="grading_period_id")
    if kind == "assessment" and not (assessment_name or "").strip():
        raise DomainError(_("Name the assessment."), field="assessment_name")
    statuses = statuses or {}
    parsed = _parse_scores(scores, max_score, work_marks.status_errors(statuses, scores, kind))
    name = assessment_name.strip() if kind == "assessment" else None
    existing = entry_queries.stored_grades(section, grading_period.id, kind, name)
    if kind == "assessment":
        work_marks.save_marks(section=section, roster=roster, grading_period=grading_period,
                              name=name, due_on=recorded_on, statuses=statuses,
                              grades=existing, actor=actor)
    saved = []
    for student in roster:
        if student.id in scores and student.id not in parsed and student.id in existing:
            work_marks.remove_record(existing.pop(student.id), work_marks.REMOVED_GRADE_FIELDS,
                                     object_type="grade", student=student, actor=actor)
        if student.id not in parsed:
            continue
        grade = existing.get(student.id)
        before = snapshot(grade, GRADE_FIELDS) if grade else None
        grade = grade or Grade(student_id=student.id, section_id=section.id,
                               grading_period_id=grading_period.id, kind=kind,
                               assessment_name=name)
        grade.score, grade.max_score, grade.recorded_on = parsed[student.id], max_score, recorded_on
        grade.recorded_by_id = actor.id
        _save(grade, before, fields=GRADE_FIELDS, actor=actor, object_type="grade", student=student)
        saved.append(grade)
    return saved


def record_behaviour(*, student: Student, actor: User, occurred_at: datetime, category: str,
                     description: str, is_positive: bool = False, severity: int = 1,
                     action_taken: str | None = None,
                     visibility: str = Visibility.STAFF) -> BehaviourIncident:
    """Log a positive or negative behaviour incident with its severity and action taken."""
    check_has_happened(occurred_at, field="occurred_at")
    if severity not in (1, 2, 3):
        raise DomainError(_("Choose minor, moderate or major."), field="severity")
    incident = BehaviourIncident(
        student_id=student.id, occurred_at=occurred_at, is_positive=is_positive,
        severity=severity, category=category.strip(), description=description.strip(),
        action_taken=action_taken or None, reported_by_id=actor.id, visibility=visibility)
    add_record(incident, actor=actor, object_type="behaviour_incident", student=student,
               fields=BEHAVIOUR_FIELDS)
    return incident
