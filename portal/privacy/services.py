"""Privacy use cases: deactivate people and links, erase on request, apply retention."""

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, true

from portal.auth.models import User
from portal.core.errors import DomainError
from portal.core.signals import guardian_links_ended, record_changed, students_left
from portal.core.time import utcnow
from portal.extensions import db
from portal.people.models import Guardian, School, Student, StudentGuardian
from portal.privacy.erasure import erase_guardian, erase_student, scrub_mentions


def _object_type(record) -> str:
    return {Student: "student", Guardian: "guardian", StudentGuardian: "guardian_link"}[
        type(record)]


def _record_change(record, actor: User, action: str, changes: dict) -> None:
    db.session.flush()
    person = record.student if isinstance(record, StudentGuardian) else record
    record_changed.send(actor, action=action, object_type=_object_type(record),
                        object_id=record.id, school_id=person.school_id, changes=changes,
                        student_id=person.id if isinstance(person, Student) else None)


def deactivate(*, record: Student | Guardian | StudentGuardian, actor: User, reason: str,
               on: date | None = None) -> None:
    """Mark a person (left the school) or a link (custody changed) inactive from a date:
    they leave lists, segments and messages; their history stays on their record."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why (left the school, custody changed…)."), field="reason")
    if not record.is_active:
        raise DomainError(_("This record is already inactive."))
    on = on or utcnow().date()
    if on > utcnow().date():
        raise DomainError(_("The date cannot be in the future."), field="inactive_since")
    record.is_active, record.inactive_since, record.inactive_reason = False, on, reason[:200]
    _record_change(record, actor, "deactivate",
                   {"is_active": [True, False], "reason": [None, reason]})
    if isinstance(record, Student):
        students_left.send(actor, student_ids=[record.id])
    elif isinstance(record, StudentGuardian):
        guardian_links_ended.send(actor, links=[(record.guardian_id, record.student_id)])
    else:  # a guardian who left can manage none of their bookings: as if every link ended
        guardian_links_ended.send(actor, links=[(record.id, None)])


def reactivate(*, record: Student | Guardian | StudentGuardian, actor: User) -> None:
    """Make an inactive (not erased) person or link active again."""
    if getattr(record, "erased_at", None) is not None:
        raise DomainError(_("An erased record cannot be made active again."))
    if record.is_active:
        raise DomainError(_("This record is already active."))
    record.is_active, record.inactive_since, record.inactive_reason = True, None, None
    _record_change(record, actor, "reactivate", {"is_active": [False, True]})


def erase_person(*, person: Student | Guardian, actor: User | None, reason: str,
                 scrub: bool = True) -> set[str]:
    """Erase a student or a guardian on request (see privacy.erasure); return what was
    masked of their mentions (left to the caller without `scrub`)."""
    if person.erased_at is not None:
        raise DomainError(_("This record is already erased."))
    erase = erase_student if isinstance(person, Student) else erase_guardian
    return erase(**{_object_type(person): person}, actor=actor, reason=reason, scrub=scrub)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _expired(model, school: School) -> list:
    limit = _years_before(utcnow().date(), school.retention_years)
    return list(db.session.scalars(select(model).where(
        model.school_id == school.id, model.is_active.is_not(true()),
        model.erased_at.is_(None), model.inactive_since < limit).order_by(model.id)))


def people_past_retention() -> list[Student | Guardian]:
    """Return the people inactive for longer than their school's retention period."""
    schools = db.session.scalars(select(School).where(School.retention_years.is_not(None)))
    return [person for school in schools
            for model in (Student, Guardian) for person in _expired(model, school)]


RETENTION_BATCH = 200  # people erased together, their mentions masked in one pass


@dataclass
class RetentionRun:
    """Who a retention run erased (or would erase, in a dry run), and who it could not, why."""

    erased: list[Student | Guardian]
    failed: list[tuple[Student | Guardian, str]] = field(default_factory=list)


def apply_retention(*, dry_run: bool = False) -> RetentionRun:
    """Erase everyone past retention (or only list them, for a dry run).

    People are erased in batches, each committed: their mentions are masked in one pass over
    the data a batch (a pass reads every text of the district: seconds, where each person's
    own erasure takes milliseconds). One whose erasure fails is left as they were, said
    why, and the run goes on; the next day's run tries them again."""
    people = people_past_retention()
    if dry_run:
        return RetentionRun(erased=people)
    run = RetentionRun(erased=[])
    for start in range(0, len(people), RETENTION_BATCH):
        mentions: set[str] = set()
        for person in people[start:start + RETENTION_BATCH]:
            try:
                with db.session.begin_nested():
                    mentions |= erase_person(person=person, actor=None,
                                             reason="retention period ended", scrub=False)
            except Exception as problem:  # one person's failure ends no run
                current_app.logger.exception("retention: %s #%s not erased",
                                             _object_type(person), person.id)
                run.failed.append((person, str(problem)))
            else:
                run.erased.append(person)
        scrub_mentions(mentions)
        db.session.commit()
    return run
