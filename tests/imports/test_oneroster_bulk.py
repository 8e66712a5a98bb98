"""The import written in bulk: a full import, then one with every kind of change, then again."""

from sqlalchemy import select

from portal.auth.models import Role, User
from portal.extensions import db
from portal.people.models import Enrollment, Guardian, School, Section, Student, StudentGuardian
from tests.imports.oneroster_set import enrollment, realistic, user, write_set
from tests.imports.test_oneroster_import import run_import


def records() -> dict:
    """Return what the import keeps, as plain values by sourcedId."""
    schools = dict(db.session.execute(select(School.id, School.sourced_id)).all())
    students = dict(db.session.execute(select(Student.id, Student.sourced_id)).all())
    guardians = dict(db.session.execute(select(Guardian.id, Guardian.sourced_id)).all())
    sections = dict(db.session.execute(select(Section.id, Section.sourced_id)).all())
    staff = dict(db.session.execute(select(User.id, User.sourced_id)).all())
    return {
        "students": {(s.sourced_id, s.first_name, s.grade_level, schools[s.school_id],
                      s.is_active, s.search_name, s.sort_name)
                     for s in db.session.scalars(select(Student))},
        "guardians": {(g.sourced_id, g.email, schools[g.school_id], g.is_active,
                       g.user_id is not None) for g in db.session.scalars(select(Guardian))},
        "links": {(students[k.student_id], guardians[k.guardian_id], k.relationship_kind,
                   k.is_active) for k in db.session.scalars(select(StudentGuardian))},
        "seats": {(e.sourced_id, sections[e.section_id], students[e.student_id])
                  for e in db.session.scalars(select(Enrollment))},
        "sections": {(s.sourced_id, s.name, staff.get(s.teacher_id), s.is_active)
                     for s in db.session.scalars(select(Section))},
        "accounts": {(u.email, u.full_name, u.role, u.sourced_id, u.is_active_account)
                     for u in db.session.scalars(select(User))},
    }


def changed_set() -> dict:
    """The district a term later: one family new, one changed, one gone, a student moved."""
    files = realistic()
    files["users"] = [u for u in files["users"] if u["sourcedId"] not in ("st4", "g3")]
    files["users"][3].update(givenName="Bjorn", grades="11")  # st2
    files["users"][1].update(familyName="Tanaka-Ito")  # t2
    files["users"][-1].update(email="Tomas@Family.example")  # g2: now gets an account
    files["users"] += [user("st5", "s-north", "student", "Noor", "Haddad", grades="09",
                            identifier="1003"),
                       user("g4", "s-north", "parent", "Samir", "Haddad", agents="st5",
                            email="samir@family.example")]
    files["enrollments"] = [e for e in files["enrollments"] if e["sourcedId"] != "e8"]
    files["enrollments"][5].update(classSourcedId="k-math-n")  # e6: st2 changes class
    files["enrollments"].append(enrollment("e10", "k-eng-n", "s-north", "st5", "student"))
    files["classes"][1].update(title="English 9/10A")
    return files


AFTER_CHANGES = {
    "students": {
        ("st1", "Ana", 9, "s-north", True, "ana novak", "novak ana"),
        ("st2", "Bjorn", 11, "s-north", True, "bjorn novak", "novak bjorn"),
        ("st3", "李", 7, "s-south", True, "李 小龙", "小龙 李"),
        ("st4", "Zoë", 7, "s-south", False, "zoe adeyemi", "adeyemi zoe"),
        ("st5", "Noor", 9, "s-north", True, "noor haddad", "haddad noor"),
    },
    "guardians": {
        ("g1", "petra@family.example", "s-north", True, True),
        ("g2", "tomas@family.example", "s-north", True, True),
        ("g3", "ade@family.example", "s-south", False, True),
        ("g4", "samir@family.example", "s-north", True, True),
    },
    "links": {
        ("st1", "g1", "parent", True), ("st2", "g1", "parent", True),
        ("st3", "g1", "parent", True), ("st1", "g2", "guardian", True),
        ("st2", "g2", "guardian", True), ("st4", "g3", "other", False),
        ("st5", "g4", "parent", True),
    },
    "seats": {("e4", "k-math-n", "st1"), ("e5", "k-eng-n", "st1"), ("e6", "k-math-n", "st2"),
              ("e7", "k-math-s", "st3"), ("e10", "k-eng-n", "st5")},
    "sections": {("k-math-n", "Math 9A", "t1", True), ("k-eng-n", "English 9/10A", "t2", True),
                 ("k-math-s", "Math 7B", "t1", True)},
    "accounts": {
        ("m.okafor@lakeside.example", "Maria Okafor", Role.TEACHER, "t1", True),
        ("j.tanaka@lakeside.example", "Jun Tanaka-Ito", Role.TEACHER, "t2", True),
        ("petra@family.example", "Petra Novák", Role.GUARDIAN, None, True),
        ("ade@family.example", "Ade Adeyemi", Role.GUARDIAN, None, True),
        ("tomas@family.example", "Tomas Novák", Role.GUARDIAN, None, True),
        ("samir@family.example", "Samir Haddad", Role.GUARDIAN, None, True),
    },
}


def test_import_and_reimport_with_every_kind_of_change(app, tmp_path):
    assert run_import(app, write_set(tmp_path / "first", realistic())).exit_code == 0
    first = records()
    assert ("st4", "Zoë", 7, "s-south", True, "zoe adeyemi", "adeyemi zoe") in first["students"]
    assert ("e6", "k-eng-n", "st2") in first["seats"] and len(first["seats"]) == 5

    result = run_import(app, write_set(tmp_path / "later", changed_set()))
    assert result.exit_code == 0, result.stderr
    assert records() == AFTER_CHANGES
    summary = [line.strip() for line in result.stdout.split("Imported:")[1].splitlines()[1:]]
    assert summary == [
        "enrollments: 1 created, 1 updated, 1 deactivated",
        "guardian accounts: 2 created, 0 updated, 0 deactivated",
        "guardian links: 1 created, 0 updated, 1 deactivated",
        "guardians: 1 created, 1 updated, 1 deactivated",
        "sections: 0 created, 1 updated, 0 deactivated",
        "staff: 0 created, 1 updated, 0 deactivated",
        "students: 1 created, 1 updated, 1 deactivated",
    ]

    again = run_import(app, write_set(tmp_path / "again", changed_set()))
    assert again.exit_code == 0, again.stderr
    assert "Nothing to change." in again.stdout
    assert records() == AFTER_CHANGES


def test_a_seat_listed_under_a_new_sourced_id_stays(app, tmp_path):
    assert run_import(app, write_set(tmp_path / "first", realistic())).exit_code == 0
    renamed = realistic()
    renamed["enrollments"][4].update(sourcedId="e5-2027")  # st1 in k-eng-n, new id
    result = run_import(app, write_set(tmp_path / "later", renamed))
    assert result.exit_code == 0, result.stderr
    seats = records()["seats"]
    assert ("e5-2027", "k-eng-n", "st1") in seats and len(seats) == 5
