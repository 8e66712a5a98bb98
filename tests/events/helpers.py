"""A small school with two teachers, three children and their families, for event tests."""

import itertools
from datetime import datetime
from types import SimpleNamespace

from portal.auth.models import Role, User
from portal.events.services import EventDetails, create_event
from portal.extensions import db
from portal.privacy.services import deactivate, erase_person
from tests.factories import (
    link,
    make_guardian,
    make_school,
    make_section,
    make_student,
    password_hash,
)

_numbers = itertools.count(1)


def make_user(role: str, school=None, **fields) -> User:
    """Add a user whose password is PASSWORD (hashed once per run: scrypt is slow on purpose)."""
    n = next(_numbers)
    user = User(email=f"events-{role}{n}@example.org",
                full_name=fields.pop("full_name", f"{role} {n}"),
                role=role, school_id=school.id if school else None,
                password_hash=password_hash(), **fields)
    db.session.add(user)
    db.session.flush()
    return user


def make_family(school, *children, may_receive_information: bool = True, **fields):
    """Add a guardian with a portal account, linked to the children."""
    user = make_user(Role.GUARDIAN)
    guardian = make_guardian(school, user=user, **fields)
    for child in children:
        link(child, guardian, may_receive_information=may_receive_information)
    return user, guardian


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


def take_away(world, student, how: str) -> None:
    """Let the student leave the school ("left"), or erase them; commit."""
    if how == "left":
        deactivate(record=student, actor=world.admin, reason="Moved away")
    else:
        erase_person(person=student, actor=world.admin, reason="Asked by the family")
    db.session.commit()
