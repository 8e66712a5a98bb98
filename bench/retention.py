"""Retention benchmark: a year's leavers erased by one retention run (in batches, each
batch's mentions masked in one pass over the data), beside one erasure on request (a pass of
its own for one person)."""

import time
from datetime import timedelta

from sqlalchemy import exists, select, update

from portal.core.time import utcnow
from portal.extensions import db
from portal.people.models import Guardian, School, Student, StudentGuardian
from portal.privacy.services import apply_retention, erase_person

RETENTION_YEARS = 5


def _leave(students: list[int]) -> None:
    """These students, and the guardians with no other child at the district's schools, left
    six years ago; every school keeps records for five."""
    left = utcnow().date() - timedelta(days=366 * (RETENTION_YEARS + 1))
    others = exists().where(StudentGuardian.guardian_id == Guardian.id,
                            StudentGuardian.student_id.not_in(students))
    parents = select(StudentGuardian.guardian_id).where(StudentGuardian.student_id.in_(students))
    for model, condition in ((Student, Student.id.in_(students)),
                             (Guardian, Guardian.id.in_(parents) & ~others)):
        db.session.execute(update(model).where(condition).values(
            is_active=False, inactive_since=left, inactive_reason="left the district"))
    db.session.execute(update(School).values(retention_years=RETENTION_YEARS))
    db.session.commit()


def measure_retention(leavers: int) -> dict:
    """Make the newest `leavers` students (and their families) leave long ago; time one of
    them erased on request, then the retention run that erases the others."""
    students = db.session.scalars(select(Student.id).order_by(Student.id.desc())
                                  .limit(leavers)).all()
    _leave(students)
    started = time.perf_counter()
    erase_person(person=db.session.get(Student, students[0]), actor=None, reason="asked")
    db.session.commit()
    one = time.perf_counter() - started
    started = time.perf_counter()
    run = apply_retention()
    seconds = time.perf_counter() - started
    return {"people": len(run.erased), "failed": len(run.failed), "seconds": round(seconds, 2),
            "ms_per_person": round(1000 * seconds / max(len(run.erased), 1), 1),
            "one_erasure_seconds": round(one, 2)}
