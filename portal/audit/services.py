"""Write audit events."""

from flask import has_request_context, request

from portal.audit.models import AuditEvent
from portal.extensions import db


def record_audit_event(*, actor_id: int | None, action: str, object_type: str,
                       object_id: int | None = None, student_id: int | None = None,
                       school_id: int | None = None, changes: dict | None = None) -> AuditEvent:
    """Add one audit event to the current transaction."""
    event = AuditEvent(
        actor_id=actor_id, action=action, object_type=object_type, object_id=object_id,
        student_id=student_id, school_id=school_id, changes=changes or {},
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
