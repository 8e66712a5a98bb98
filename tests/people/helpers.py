"""Test data for the staff workspace: a class with a teacher, its students and a family."""

import re
from contextlib import contextmanager
from types import SimpleNamespace

from sqlalchemy import event

from portal.auth.models import Role
from portal.extensions import db
from tests import factories as f
from tests.conftest import sign_in_session


def classroom() -> SimpleNamespace:
    """Add a school with a teacher's class of one student (with a family) and an outsider."""
    school = f.make_school()
    teacher = f.make_user(Role.TEACHER, school)
    other_teacher = f.make_user(Role.TEACHER, school)
    admin = f.make_user(Role.ADMINISTRATOR, school)
    student = f.make_student(school, first_name="Tomáš", last_name="Novák")
    outsider = f.make_student(school, first_name="Ana", last_name="Other")
    term = f.make_term(school)
    section = f.make_section(school, teacher, student, term=term)
    f.make_section(school, other_teacher, outsider, term=term)
    parent, guardian = f.make_family(school, student)
    db.session.commit()
    return SimpleNamespace(school=school, teacher=teacher, other_teacher=other_teacher,
                           admin=admin, student=student, outsider=outsider, section=section,
                           term=term, parent=parent, guardian=guardian)


def district() -> SimpleNamespace:
    """Add a district of two schools (north, south), each with a teacher's class of two
    students with a guardian each (no portal account), its administrator, and the district's
    administrator; and a school of another district with its own district administrator."""
    schools = {name: f.make_school(name.title()) for name in ("north", "south", "elsewhere")}
    world = SimpleNamespace(**schools, district=f.make_district("Valley", schools["north"],
                                                               schools["south"]))
    world.other_district = f.make_district("Hills", schools["elsewhere"])
    world.admin = f.make_district_admin(world.district)
    world.other_admin = f.make_district_admin(world.other_district)
    world.students, world.guardians = {}, {}
    for name, school in schools.items():
        term = f.make_term(school)
        setattr(world, f"{name}_admin", f.make_user(Role.ADMINISTRATOR, school))
        setattr(world, f"{name}_teacher", f.make_user(Role.TEACHER, school))
        pupils = [f.make_student(school, first_name=f"{name.title()}{n}",
                                 last_name=f"Pupil{n}", grade_level=9 + n) for n in range(2)]
        setattr(world, f"{name}_class", f.make_section(school, getattr(world, f"{name}_teacher"),
                                                      *pupils, term=term))
        world.students[name] = pupils
        world.guardians[name] = [f.make_guardian(school) for _pupil in pupils]
        for pupil, guardian in zip(pupils, world.guardians[name], strict=True):
            f.link(pupil, guardian)
    db.session.commit()
    return world


def class_options(response, field: str = "section_id") -> set[int]:
    """Return the ids a page's class filter (or another select by name) offers."""
    page = response.get_data(as_text=True)
    select = re.search(rf'<select[^>]*name="{field}"[^>]*>(.*?)</select>', page, re.S)
    return {int(value) for value in re.findall(r'value="(\d+)"', select.group(1))}


def classroom_with_counsellors() -> SimpleNamespace:
    """Add a classroom() whose student two counsellors see: `owner` and `colleague`."""
    room = classroom()
    room.owner = f.make_user(Role.COUNSELLOR, room.school)
    room.colleague = f.make_user(Role.COUNSELLOR, room.school)
    for counsellor in (room.owner, room.colleague):
        f.assign_counsellor(counsellor, room.school, room.student.grade_level)
    return room


@contextmanager
def count_queries():
    """Count the SQL statements run inside the block (.count and .statements of the yielded
    object)."""
    counter = SimpleNamespace(count=0, statements=[])

    def on_execute(_connection, _cursor, statement, *_args):
        counter.count += 1
        counter.statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", on_execute)
    try:
        yield counter
    finally:
        event.remove(db.engine, "before_cursor_execute", on_execute)


def client_for(app, user):
    """Return a new test client signed in as this user (a cookie jar of its own)."""
    client = app.test_client()
    with client.session_transaction() as session:
        sign_in_session(session, user)
    return client


def family_request(room: SimpleNamespace, body: str = "How much homework is there?"):
    """The classroom's parent asks the school a question about their child; committed."""
    from portal.family.services import submit_feedback

    feedback = submit_feedback(guardian=room.guardian, author=room.parent,
                               student_id=room.student.id, kind="question",
                               subject="Homework", body=body)
    db.session.commit()
    return feedback
