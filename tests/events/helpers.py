"""A small school with two teachers, three children and their families, for event tests."""

from datetime import datetime
from types import SimpleNamespace

from portal.auth.models import Role
from portal.events.services import EventDetails, create_event
from portal.extensions import db
from tests.factories import make_family, make_school, make_section, make_student, make_user


def school_with_families(timezone: str = "America/New_York") -> SimpleNamespace:
    """Add a school: Ann and Ben Novak (one guardian, Marta), Cleo Diaz, and a barred parent."""
    school = make_school(timezone=timezone)
    admin = make_user(Role.ADMINISTRATOR, school)
    teacher = make_user(Role.TEACHER, school, full_name="Tara Teach")
    other_teacher = make_user(Role.TEACHER, school)
    ann = make_student(school, grade_level=9, first_name="Ann", last_name="Novak")
    ben = make_student(school, grade_level=10, first_name="Ben", last_name="Novak")
    cleo = make_student(school, grade_level=9, first_name="Cleo", last_name="Diaz")
    section = make_section(school, teacher, ann, cleo)
    other_section = make_section(school, other_teacher, ben)
    marta_user, marta = make_family(school, ann, ben, first_name="Marta", last_name="Novak")
    diaz_user, diaz = make_family(school, cleo, first_name="Dora", last_name="Diaz")
    barred_user, barred = make_family(school, ann, may_receive_information=False,
                                      first_name="Bob", last_name="Barred")
    db.session.commit()
    return SimpleNamespace(**locals())


def details(**fields) -> EventDetails:
    """Return event details with sensible defaults (a whole-school evening next year)."""
    values = {"kind": "school_event", "title": "Science Fair",
              "starts_local": datetime(2027, 3, 10, 18), "ends_local": datetime(2027, 3, 10, 20),
              "audience": {"whole_school": True}, "location": "Gym"}
    values.update(fields)
    return EventDetails(**values)


def add_event(world: SimpleNamespace, actor=None, **fields):
    """Create and commit an event in the world's school."""
    event = create_event(actor=actor or world.admin, school=world.school, details=details(**fields))
    db.session.commit()
    return event
