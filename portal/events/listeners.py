"""The events feature's hooks: a child who leaves or is erased, or a guardian whose link to a
child ends, gives back their bookings."""

from portal.core.signals import guardian_links_ended, students_left


def on_students_left(actor, *, student_ids: list[int], **_extra) -> None:
    """Release the children's future conference bookings (the families are told)."""
    from portal.events.booking_releases import release_bookings

    release_bookings(actor=actor, student_ids=student_ids)


def on_guardian_links_ended(actor, *, links: list[tuple[int, int | None]], **_extra) -> None:
    """Release the future bookings the guardians made for those children (they are told)."""
    from portal.events.booking_releases import release_guardian_bookings

    release_guardian_bookings(actor=actor, links=links)


def connect() -> None:
    """Listen for children who left the school or were erased, and for links that ended."""
    students_left.connect(on_students_left)
    guardian_links_ended.connect(on_guardian_links_ended)
