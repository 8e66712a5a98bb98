"""`flask export oneroster DIR`: a valid 1.1 set; import → export → import gives the same data."""

import pytest
from sqlalchemy import func, select

from portal.auth.models import Role, User
from portal.extensions import db
from portal.imports.oneroster import parse_roster
from portal.people.models import Enrollment, Guardian, School, Section, Student, StudentGuardian
from tests.conftest import empty_all_tables
from tests.factories import make_school, make_user
from tests.imports.oneroster_set import realistic, write_set
from tests.people.helpers import classroom


def cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def snapshot() -> dict:
    """Return the roster as plain values, by sourcedId."""
    return {
        "schools": set(db.session.execute(select(School.sourced_id, School.name))),
        "students": set(db.session.execute(select(
            Student.sourced_id, Student.first_name, Student.last_name, Student.grade_level,
            Student.external_id, Student.date_of_birth, Student.is_active))),
        "guardians": set(db.session.execute(select(Guardian.sourced_id, Guardian.email))),
        "links": {(link.student.sourced_id, link.guardian.sourced_id, link.relationship_kind)
                  for link in db.session.scalars(select(StudentGuardian))},
        "seats": {(e.section.sourced_id, db.session.get(Student, e.student_id).sourced_id)
                  for e in db.session.scalars(select(Enrollment))},
        "sections": {(s.sourced_id, s.name, s.course.name, s.teacher.sourced_id)
                     for s in db.session.scalars(select(Section))},
        "staff": set(db.session.execute(select(User.sourced_id, User.role, User.email)
                                        .where(User.role.in_(Role.STAFF)))),
    }


def test_round_trip_gives_the_same_data(app, tmp_path):
    assert cli(app, "import", "oneroster", str(write_set(tmp_path / "in", realistic()))) \
        .exit_code == 0
    before = snapshot()
    result = cli(app, "export", "oneroster", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    exported = {p.name.lower(): p.read_bytes() for p in (tmp_path / "out").iterdir()}
    assert parse_roster(exported).version == "1.1"  # valid by our own strict reading
    db.session.remove()
    empty_all_tables()
    result = cli(app, "import", "oneroster", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    assert snapshot() == before


def test_hand_typed_records_get_stable_ids_and_counsellors_stay_counsellors(app, tmp_path):
    school = make_school()
    make_user(role=Role.COUNSELLOR, school=school, email="c@school.example")
    db.session.commit()
    assert cli(app, "export", "oneroster", str(tmp_path / "out")).exit_code == 0
    text = (tmp_path / "out" / "users.csv").read_text()
    assert f"portal-school-{school.id}" in text and text.rstrip().endswith(",counsellor")
    db.session.remove()
    empty_all_tables()
    assert cli(app, "import", "oneroster", str(tmp_path / "out")).exit_code == 0
    assert db.session.scalar(select(User.role).where(User.email == "c@school.example")) == \
        Role.COUNSELLOR


def _counts() -> dict:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (School, Student, Guardian, StudentGuardian, Section, Enrollment, User)}


@pytest.mark.parametrize("chunk", [5_000, 1])
def test_a_school_typed_in_by_hand_exported_and_imported_back_is_updated_not_copied(
        app, tmp_path, monkeypatch, chunk):
    """The export names hand-typed records `portal-<kind>-<id>`; importing it back (after an
    edit in a spreadsheet) updates those records. It made a second school with every
    student again and moved the staff into it. The records it names are read a chunk at a
    time (a district's 72,856 guardians in one statement were more parameters than
    PostgreSQL takes, and the import failed): with chunks of one, every chunk is read."""
    monkeypatch.setattr("portal.imports.roster_context.CHUNK", chunk)
    room = classroom()
    db.session.commit()
    before = _counts()
    assert cli(app, "export", "oneroster", str(tmp_path / "out")).exit_code == 0
    users = tmp_path / "out" / "users.csv"
    users.write_text(users.read_text().replace(",Tomáš,", ",Tomas,"))
    result = cli(app, "import", "oneroster", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    db.session.expire_all()
    assert _counts() == before
    assert db.session.get(Student, room.student.id).first_name == "Tomas"
    assert db.session.get(User, room.teacher.id).school_id == room.school.id
    assert db.session.get(User, room.admin.id).school_id == room.school.id


def test_a_portal_id_out_of_any_range_is_a_new_record_not_a_crash(app, tmp_path):
    """`portal-student-99999999999999999999` is no record of the portal (no id is that
    large): the roster's row is a new student, as any other unknown sourcedId."""
    classroom()
    db.session.commit()
    assert cli(app, "export", "oneroster", str(tmp_path / "out")).exit_code == 0
    users = tmp_path / "out" / "users.csv"
    lines = users.read_text().splitlines()
    student = next(line for line in lines if line.startswith("portal-student-"))
    _, rest = student.split(",", 1)
    fields = rest.split(",")
    fields[7], fields[10] = "Huge", "S999999"  # givenName, identifier
    lines.append(",".join(["portal-student-99999999999999999999", *fields]))
    users.write_text("\n".join(lines) + "\n")
    result = cli(app, "import", "oneroster", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    huge = db.session.scalar(select(Student).where(Student.first_name == "Huge"))
    assert huge.sourced_id == "portal-student-99999999999999999999"
