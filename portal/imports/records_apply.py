"""Apply an attendance or grades file to one school: upsert, flush, never commit.

Students are found by sourcedId or student number, classes by sourcedId or name; a grade
needs the student to be enrolled in the class. Any error: nothing is applied.
"""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select

from portal.auth.models import User
from portal.core.time import today_in, utcnow
from portal.extensions import db
from portal.imports.csvfiles import ImportFailed
from portal.imports.records import AttendanceLine, GradeLine, parse_records
from portal.imports.roster_context import ImportSummary
from portal.outcomes.models import DailyAttendance, Grade
from portal.people.models import (
    AcademicTerm,
    Course,
    Enrollment,
    GradingPeriod,
    School,
    Section,
    Student,
)

AMBIGUOUS = object()


def _index(items, *attributes) -> dict:
    """Map each value of the attributes to its item; a value shared by two maps to AMBIGUOUS."""
    index: dict = {}
    for item in items:
        for value in {getattr(item, attribute) for attribute in attributes} - {None}:
            index[value] = AMBIGUOUS if index.get(value, item) is not item else item
    return index


def _find(index: dict, line, column: str, value: str, errors: list, what: str):
    found = index.get(value)
    if found is None or found is AMBIGUOUS:
        reason = f"names no {what} of the school" if found is None else \
            f"names more than one {what}; use the sourcedId"
        errors.append(line.row.error(column, reason))
        return None
    return found


def import_records(*, kind: str, name: str, data: bytes, school: School,
                   actor: User | None) -> ImportSummary:
    """Record the attendance or grades of the file for the school; raise ImportFailed if wrong."""
    lines = parse_records(kind, name, data)
    named = select(Student).where(Student.school_id == school.id, Student.erased_at.is_(None))
    students = _index(db.session.scalars(named), "sourced_id", "external_id")
    summary, errors = ImportSummary(), []
    apply = _apply_attendance if kind == "attendance" else _apply_grades
    apply(lines, school=school, students=students, actor=actor, summary=summary, errors=errors)
    if errors:
        raise ImportFailed(errors)
    db.session.flush()
    return summary


def _second_line(first_lines: dict, key, line, column: str, what: str, errors: list) -> None:
    """Name a line whose key an earlier line of the file has (first_lines: key → line)."""
    if key in first_lines:
        errors.append(line.row.error(column, f"a second line for {what} (first on line "
                                             f"{first_lines[key]})"))
    first_lines.setdefault(key, line.row.line)


def _school_years(school: School) -> list[tuple[date, date]]:
    """The days of the school's terms, as first and last days, overlapping terms joined."""
    spans: list[tuple[date, date]] = []
    for term in db.session.scalars(select(AcademicTerm).where(
            AcademicTerm.school_id == school.id).order_by(AcademicTerm.starts_on)):
        if spans and term.starts_on <= spans[-1][1] + timedelta(days=1):
            spans[-1] = (spans[-1][0], max(spans[-1][1], term.ends_on))
        else:
            spans.append((term.starts_on, term.ends_on))
    return spans


def _in_future(line, day: date, today: date, errors: list) -> bool:
    """Name a line whose date is after today (the school's today)."""
    if day > today:
        errors.append(line.row.error("date", "is in the future"))
    return day > today


def _check_day(line: AttendanceLine, today: date, years: list, errors: list) -> None:
    """A day of attendance is past or today, and a day of a school year (as on the grid)."""
    if _in_future(line, line.on_date, today, errors):
        return
    if not any(first <= line.on_date <= last for first, last in years):
        spans = ", ".join(f"{first} to {last}" for first, last in years) or "none recorded"
        errors.append(line.row.error("date", f"is not a day of the school's school years "
                                             f"({spans})"))


def _apply_attendance(lines: list[AttendanceLine], *, school: School, students: dict,
                      actor: User | None, summary: ImportSummary, errors: list) -> None:
    today, years, first_lines = today_in(school.timezone), _school_years(school), {}
    for line in lines:
        student = _find(students, line, "student", line.student, errors, "student")
        _check_day(line, today, years, errors)
        if student is not None:
            _second_line(first_lines, (student.id, line.on_date), line, "date",
                         "this student and day", errors)
        if student is None or errors:
            continue
        record = db.session.scalar(select(DailyAttendance).where(
            DailyAttendance.student_id == student.id, DailyAttendance.on_date == line.on_date))
        values = {"status": line.status, "reason": line.reason or None}
        if record is None:
            db.session.add(DailyAttendance(school_id=school.id, student_id=student.id,
                                           on_date=line.on_date, recorded_at=utcnow(),
                                           recorded_by_id=actor and actor.id, **values))
            summary.created["attendance days"] += 1
        elif any(getattr(record, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(record, key, value)
            record.recorded_at, record.recorded_by_id = utcnow(), actor and actor.id
            summary.updated["attendance days"] += 1


def _period(line: GradeLine, periods: list[GradingPeriod], errors: list):
    if line.grading_period:
        found = [p for p in periods if p.name.lower() == line.grading_period.lower()]
        column, reason = "grading_period", "names no grading period of the class's term"
    else:
        found = [p for p in periods if p.starts_on <= line.recorded_on <= p.ends_on]
        column, reason = "date", "is in no grading period of the class's term"
    if not found:
        errors.append(line.row.error(column, reason))
    return found[0] if found else None


def _apply_grades(lines: list[GradeLine], *, school: School, students: dict,
                  actor: User | None, summary: ImportSummary, errors: list) -> None:
    sections = _index(db.session.scalars(select(Section).join(Course).where(
        Course.school_id == school.id)), "sourced_id", "name")
    seats = set(db.session.execute(select(Enrollment.section_id, Enrollment.student_id).join(
        Section).join(Course).where(Course.school_id == school.id)))
    periods = defaultdict(list)  # the school's own: another's "Q1" is never this one's
    for period in db.session.scalars(select(GradingPeriod).join(AcademicTerm).where(
            AcademicTerm.school_id == school.id)):
        periods[period.term_id].append(period)
    today, first_lines = today_in(school.timezone), {}
    for line in lines:
        _in_future(line, line.recorded_on, today, errors)
        student = _find(students, line, "student", line.student, errors, "student")
        section = _find(sections, line, "class", line.section, errors, "class")
        if student is None or section is None:
            continue
        if (section.id, student.id) not in seats:
            errors.append(line.row.error("student", f"is not enrolled in {section.name}"))
            continue
        period = _period(line, periods[section.term_id], errors)
        if period is None:
            continue
        key = {"student_id": student.id, "section_id": section.id,
               "grading_period_id": period.id, "kind": line.kind,
               "assessment_name": line.assessment or None}  # what a stored mark is found by
        _second_line(first_lines, tuple(key.values()), line, "student",
                     "this student's mark", errors)
        if not errors:
            _save_grade(line, key=key, actor=actor, summary=summary)


def _save_grade(line: GradeLine, *, key: dict, actor, summary) -> None:
    grade = db.session.scalar(select(Grade).filter_by(**key))
    values = {"score": line.score, "max_score": line.max_score, "recorded_on": line.recorded_on}
    if grade is None:
        db.session.add(Grade(**key, **values, recorded_by_id=actor and actor.id))
        summary.created["grades"] += 1
    elif any(getattr(grade, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(grade, name, value)
        summary.updated["grades"] += 1
