"""The events feature's hooks: a child who leaves or is erased gives back their bookings."""

from portal.core.signals import students_left


def on_students_left(actor, *, student_ids: list[int], **_extra) -> None:
    """Release the children's future conference bookings (the families are told)."""
    from portal.events.conferences import release_bookings

    release_bookings(actor=actor, student_ids=student_ids)


def connect() -> None:
    """Listen for children who left the school or were erased."""
    students_left.connect(on_students_left)
