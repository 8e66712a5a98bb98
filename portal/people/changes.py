"""Announce changes to student data: the audit trail and the risk engine listen."""

import hashlib
import json
from datetime import date, datetime

from flask_babel import gettext as _

from portal.core.errors import Conflict
from portal.core.signals import record_changed, student_data_changed
from portal.extensions import db

# Models whose changes feed the early-warning indicators.
OUTCOME_TYPES = ("grade", "work_mark", "daily_attendance", "behaviour_incident",
                 "program_enrollment", "intervention")


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(record, fields: tuple[str, ...]) -> dict:
    """Return the current values of these fields, ready to compare after an edit."""
    return {name: _plain(getattr(record, name)) for name in fields}


class EditedMeanwhile(Conflict):
    """The record changed after the form the edit was made on was filled in."""


def version_of(record, fields: tuple[str, ...]) -> str:
    """A digest of these fields as they are now: an edit form carries the one it was filled
    from (its `seen` field), so that saving it cannot put back what a colleague changed since."""
    return digest(snapshot(record, fields))


def digest(values: dict) -> str:
    """A digest of the values an edit form is filled from (version_of, or a form's data)."""
    written = json.dumps({name: _plain(value) for name, value in values.items()},
                         sort_keys=True, default=str)
    return hashlib.sha256(written.encode()).hexdigest()[:32]


def check_unchanged_since(record, fields: tuple[str, ...], seen: str | None) -> None:
    """Refuse an edit made on a form filled before the record last changed (a colleague, or
    the same person in another tab): saving it would undo their change unseen. A form
    without `seen` (a client of its own) is not checked."""
    check_same_version(version_of(record, fields), seen)


def check_same_version(now: str, seen: str | None) -> None:
    """check_unchanged_since, given the version the record has now."""
    if seen and seen != now:
        raise EditedMeanwhile(_("Someone changed this after you opened it. The form now shows "
                                "it as it is: make your change again."))


def changes_since(before: dict, record) -> dict:
    """Return {field: [old, new]} for the fields that differ from the snapshot."""
    after = snapshot(record, tuple(before))
    return {name: [old, after[name]] for name, old in before.items() if old != after[name]}


def created_fields(record, fields: tuple[str, ...]) -> dict:
    """Return {field: [None, value]} for a new record."""
    return {name: [None, value] for name, value in snapshot(record, fields).items()}


def announce_change(*, actor, action: str, object_type: str, record, student,
                    changes: dict) -> None:
    """Send record_changed (and student_data_changed for outcome data) for one record."""
    record_changed.send(actor, action=action, object_type=object_type, object_id=record.id,
                        student_id=student.id, school_id=student.school_id, changes=changes)
    if object_type in OUTCOME_TYPES:
        student_data_changed.send(actor, student_id=student.id)


def announce_update(before: dict, record, *, actor, object_type: str, student) -> None:
    """Flush a record changed since `before` (its snapshot) and announce what changed; an
    edit that changed nothing stays quiet."""
    db.session.flush()
    changes = changes_since(before, record)
    if changes:
        announce_change(actor=actor, action="update", object_type=object_type, record=record,
                        student=student, changes=changes)


def add_record(record, *, actor, object_type: str, student, fields: tuple[str, ...]) -> None:
    """Add a new student record, flush it, and announce its creation with these fields."""
    db.session.add(record)
    db.session.flush()
    announce_change(actor=actor, action="create", object_type=object_type, record=record,
                    student=student, changes=created_fields(record, fields))
