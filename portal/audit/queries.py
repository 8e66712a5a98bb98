"""Read-only selects over the audit trail."""

from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.core.paging import check_page
from portal.extensions import db
from portal.people.models import Student

PER_PAGE = 100


def student_trail(student: Student, *, page: int = 1) -> tuple[list, int]:
    """Return one page of (event, actor name, actor role) about a student, newest first, and
    how many there are in all; a page past the last is a 404."""
    condition = AuditEvent.student_id == student.id
    total = db.session.scalar(select(func.count()).select_from(AuditEvent).where(condition))
    check_page(page, total, PER_PAGE)
    rows = db.session.execute(
        select(AuditEvent, User.full_name, User.role)
        .outerjoin(User, User.id == AuditEvent.actor_id).where(condition)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    return list(rows), total
