"""Read-only selects of the privacy pages: likely duplicates, a person's consents."""

from sqlalchemy import select, true

from portal.auth.models import User
from portal.extensions import db
from portal.people.models import Consent, Guardian, Student
from portal.privacy.matching import group_by_keys, person_keys


def _active(model, school_id: int) -> list:
    return list(db.session.scalars(select(model).where(
        model.school_id == school_id, model.is_active.is_(true())).order_by(model.id)))


def _groups(records: list, keys_of) -> list[list]:
    by_id = {record.id: record for record in records}
    groups = group_by_keys([(record.id, keys_of(record)) for record in records])
    return [[by_id[record_id] for record_id in group] for group in groups]


def duplicate_students(school_id: int) -> list[list[Student]]:
    """Return groups of active students with the same name and birth date."""
    return _groups(_active(Student, school_id), lambda student: person_keys(
        first_name=student.first_name, last_name=student.last_name,
        born_on=student.date_of_birth))


def duplicate_guardians(school_id: int) -> list[list[Guardian]]:
    """Return groups of active guardians sharing an email address or a phone number."""
    return _groups(_active(Guardian, school_id), lambda guardian: person_keys(
        first_name=guardian.first_name, last_name=guardian.last_name, email=guardian.email,
        phone=guardian.phone))


def consents_with_recorders(guardian: Guardian) -> list[tuple[Consent, User | None]]:
    """Return every consent the guardian gave or withdrew, newest first, with who recorded it."""
    return [tuple(row) for row in db.session.execute(
        select(Consent, User).outerjoin(User, User.id == Consent.recorded_by_id)
        .where(Consent.guardian_id == guardian.id)
        .order_by(Consent.recorded_at.desc(), Consent.id.desc()))]
