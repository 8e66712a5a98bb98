"""Turn the portal's signals into audit events."""

from portal.audit.services import record_audit_event
from portal.core.signals import account_event, record_changed, student_viewed


def _actor_id(user) -> int | None:
    return getattr(user, "id", None)


def on_account_event(user, *, action: str, **details) -> None:
    record_audit_event(actor_id=_actor_id(user), action=action, object_type="user",
                       object_id=_actor_id(user), school_id=getattr(user, "school_id", None),
                       changes={k: v for k, v in details.items() if v is not None})


def on_student_viewed(user, *, student) -> None:
    record_audit_event(actor_id=_actor_id(user), action="view", object_type="student",
                       object_id=student.id, student_id=student.id, school_id=student.school_id)


def on_record_changed(user, *, action: str, object_type: str, object_id: int | None,
                      student_id: int | None = None, school_id: int | None = None,
                      changes: dict | None = None) -> None:
    record_audit_event(actor_id=_actor_id(user), action=action, object_type=object_type,
                       object_id=object_id, student_id=student_id, school_id=school_id,
                       changes=changes)


def connect() -> None:
    """Listen to the signals (weakly held functions are module-level, so they stay)."""
    account_event.connect(on_account_event)
    student_viewed.connect(on_student_viewed)
    record_changed.connect(on_record_changed)
