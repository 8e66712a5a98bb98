"""A school where one teacher teaches Ana and another teaches nobody of hers."""

from types import SimpleNamespace

from sqlalchemy import select

from portal.auth.models import Role
from portal.extensions import db
from portal.messaging.models import Delivery
from portal.notifications.models import StaffNotification
from tests import factories as f
from tests.messaging.helpers import school_with_families


def school_with_staff(**school_fields) -> SimpleNamespace:
    """Add the messaging world plus a teacher of another class and Ana's counsellor."""
    world = school_with_families(**school_fields)
    outsider = f.make_user(Role.TEACHER, world.school, full_name="Otto Outsider")
    other_pupil = f.make_student(world.school, first_name="Olga", grade_level=12)
    f.make_section(world.school, outsider, other_pupil)
    counsellor = f.make_user(Role.COUNSELLOR, world.school, full_name="Carla Counsel")
    world.ana.counsellor_id = counsellor.id
    db.session.commit()
    return SimpleNamespace(**vars(world), outsider=outsider, counsellor=counsellor,
                           other_pupil=other_pupil)


def notified(kind: str | None = None) -> dict[int, list[str]]:
    """Return {user id: [titles]} of the notifications (of one kind)."""
    stmt = select(StaffNotification).order_by(StaffNotification.id)
    if kind:
        stmt = stmt.where(StaffNotification.kind == kind)
    found: dict[int, list[str]] = {}
    for notification in db.session.scalars(stmt):
        found.setdefault(notification.user_id, []).append(notification.title)
    return found


def emails_to(address: str) -> list[Delivery]:
    """Return the queued deliveries to this address."""
    return list(db.session.scalars(select(Delivery).where(Delivery.to_address == address)
                                   .order_by(Delivery.id)))
