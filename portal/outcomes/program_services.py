"""Administrators manage programs and activities and who takes part."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from portal.auth.models import User
from portal.core.errors import Conflict, DomainError
from portal.core.signals import record_changed
from portal.extensions import db
from portal.outcomes.models import Program, ProgramEnrollment, ProgramKind
from portal.people.changes import (
    add_record,
    announce_change,
    changes_since,
    check_unchanged_since,
    snapshot,
)
from portal.people.models import Student

ENROLLMENT_FIELDS = ("program_id", "starts_on", "ends_on")
PROGRAM_FIELDS = ("name", "kind", "description", "is_active", "places_by_lottery")
EDITED_FIELDS = ("name", "kind", "description", "places_by_lottery")  # the edit form's


def _check_kind(kind: str) -> None:
    if kind not in ProgramKind.ALL:
        raise DomainError(_("Choose a kind from the list."), field="kind")


def _announce_program(program: Program, *, actor: User, action: str, changes: dict) -> None:
    record_changed.send(actor, action=action, object_type="program", object_id=program.id,
                        school_id=program.school_id, changes=changes)


def create_program(*, school_id: int, actor: User, name: str, kind: str,
                   description: str | None = None) -> Program:
    """Add a special program, tutoring, club or sport to the school."""
    _check_kind(kind)
    program = Program(school_id=school_id, name=name.strip(), kind=kind,
                      description=description or None)
    db.session.add(program)
    db.session.flush()
    _announce_program(program, actor=actor, action="create",
                      changes={"name": [None, program.name]})
    return program


def _update_program(program: Program, *, actor: User, **values) -> Program:
    before = snapshot(program, PROGRAM_FIELDS)
    for name, value in values.items():
        setattr(program, name, value)
    db.session.flush()
    changes = changes_since(before, program)
    if changes:
        _announce_program(program, actor=actor, action="update", changes=changes)
    return program


def edit_program(*, program: Program, actor: User, name: str, kind: str,
                 description: str | None = None,
                 places_by_lottery: bool | None = None, seen: str | None = None) -> Program:
    """Change a program's name, kind, description or how its places are allocated, unless
    they changed since the form (`seen`) was filled in."""
    check_unchanged_since(program, EDITED_FIELDS, seen)
    _check_kind(kind)
    if not (name or "").strip():
        raise DomainError(_("Name the program."), field="name")
    lottery = program.places_by_lottery if places_by_lottery is None else places_by_lottery
    return _update_program(program, actor=actor, name=name.strip(), kind=kind,
                           description=(description or "").strip() or None,
                           places_by_lottery=bool(lottery))


def set_program_active(*, program: Program, actor: User, is_active: bool) -> Program:
    """Deactivate a program (no new participants; its history stays) or reactivate it."""
    return _update_program(program, actor=actor, is_active=is_active)


def _check_dates(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(_("The end date must be on or after the start date."), field="ends_on")


def enroll_student(*, program: Program, student: Student, actor: User, starts_on: date,
                   ends_on: date | None = None) -> ProgramEnrollment:
    """Add a student to a program from a start date (to an optional end date)."""
    if student.school_id != program.school_id:
        raise DomainError(_("Choose a student of this school."), field="student_id")
    if not program.is_active:
        raise Conflict(_("This program is inactive: reactivate it to add students."),
                       field="student_id")
    _check_dates(starts_on, ends_on)
    current = db.session.scalar(select(ProgramEnrollment.id).where(
        ProgramEnrollment.program_id == program.id, ProgramEnrollment.student_id == student.id,
        (ProgramEnrollment.ends_on.is_(None)) | (ProgramEnrollment.ends_on >= starts_on)))
    if current is not None:
        raise Conflict(_("This student already takes part in the program."), field="student_id")
    enrollment = ProgramEnrollment(program_id=program.id, student_id=student.id,
                                   starts_on=starts_on, ends_on=ends_on)
    add_record(enrollment, actor=actor, object_type="program_enrollment", student=student,
               fields=ENROLLMENT_FIELDS)
    return enrollment


def end_enrollment(*, enrollment: ProgramEnrollment, student: Student, actor: User,
                   ends_on: date) -> ProgramEnrollment:
    """Record the day a student stopped taking part in a program."""
    _check_dates(enrollment.starts_on, ends_on)
    before = snapshot(enrollment, ENROLLMENT_FIELDS)
    enrollment.ends_on = ends_on
    db.session.flush()
    announce_change(actor=actor, action="update", object_type="program_enrollment",
                    record=enrollment, student=student,
                    changes=changes_since(before, enrollment))
    return enrollment
