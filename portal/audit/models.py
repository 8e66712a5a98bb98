"""Audit events: who did or saw what, when."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import CODE
from portal.core.time import utcnow
from portal.extensions import db


class AuditEvent(db.Model):
    """One recorded action: a view, a create, an update, a delete, a login."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_student_occurred", "student_id", "occurred_at"),
        Index("ix_audit_events_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(30), info=CODE)
    object_type: Mapped[str] = mapped_column(String(50), info=CODE)
    object_id: Mapped[int | None]
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    changes: Mapped[dict] = mapped_column(db.JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
