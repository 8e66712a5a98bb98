"""Values one record holds at a time: a school's student numbers and accounts' emails.

A roster may move them between people it lists (swaps); one that another record keeps is
named on its row, and nothing of the import is applied.
"""

from datetime import date

import pytest
from sqlalchemy import select

from portal.auth.models import Role, User
from portal.extensions import db
from portal.people.models import School, Student
from tests.factories import make_student, make_user
from tests.imports.oneroster_set import realistic, user, write_set
from tests.imports.test_oneroster_import import by_sid, run_import


def imported(app, tmp_path) -> dict:
    """Import the realistic set; return its files, to be changed for the next import."""
    files = realistic()
    assert run_import(app, write_set(tmp_path / "first", files)).exit_code == 0
    return files


def emails() -> dict[str, str]:
    return dict(db.session.execute(select(User.sourced_id, User.email)
                                   .where(User.sourced_id.is_not(None))).all())


def test_a_new_student_given_the_number_of_one_who_left_is_named(app, tmp_path):
    files = imported(app, tmp_path)
    zoe = next(row for row in files["users"] if row["sourcedId"] == "st4")
    delta = {"users": [{**zoe, "status": "tobedeleted"}]}
    assert run_import(app, write_set(tmp_path / "left", delta,
                                     modes={"users": "delta"})).exit_code == 0
    by_sid(Student, "st4").inactive_since = date(2026, 6, 30)
    db.session.commit()
    files["users"] = [row for row in files["users"] if row is not zoe]
    files["enrollments"] = [row for row in files["enrollments"] if row["userSourcedId"] != "st4"]
    files["users"][2]["givenName"] = "Anna"  # a change of this import, not applied either
    files["users"][-1]["agentSourcedIds"] = "st5"
    files["users"].append(user("st5", "s-south", "student", "Ola", "Adeyemi", grades="07",
                               identifier="2002"))
    result = run_import(app, write_set(tmp_path / "again", files))
    assert result.exit_code == 1
    assert ("users.csv, line 10, column identifier: '2002' is held by Zoë Adeyemi (left "
            "2026-06-30) as their student number") in result.stderr
    db.session.expire_all()
    assert by_sid(Student, "st5") is None and by_sid(Student, "st1").first_name == "Ana"


def test_a_number_of_a_student_typed_in_by_hand_is_named_in_a_delta(app, tmp_path):
    files = imported(app, tmp_path)
    north = db.session.scalar(select(School).where(School.sourced_id == "s-north"))
    make_student(north, first_name="Eva", last_name="Holm", external_id="3001")
    db.session.commit()
    bjorn = {**files["users"][3], "identifier": "3001"}
    result = run_import(app, write_set(tmp_path / "delta", {"users": [bjorn]},
                                       modes={"users": "delta"}))
    assert result.exit_code == 1
    assert ("users.csv, line 2, column identifier: '3001' is held by Eva Holm as their "
            "student number") in result.stderr
    assert by_sid(Student, "st2").external_id == "1002"


def test_two_teachers_swapping_their_emails_in_one_import(app, tmp_path):
    """The unique index of emails never sees one twice, in a bulk file or a delta."""
    files = imported(app, tmp_path)
    okafor, tanaka = files["users"][0], files["users"][1]
    okafor["email"], tanaka["email"] = tanaka["email"], okafor["email"]
    result = run_import(app, write_set(tmp_path / "bulk", files))
    assert result.exit_code == 0, result.stderr
    assert (emails()["t1"], emails()["t2"]) == ("j.tanaka@lakeside.example",
                                                "m.okafor@lakeside.example")
    back = realistic()["users"][:2]
    result = run_import(app, write_set(tmp_path / "delta", {"users": back},
                                       modes={"users": "delta"}))
    assert result.exit_code == 0, result.stderr
    db.session.expire_all()
    assert (emails()["t1"], emails()["t2"]) == ("m.okafor@lakeside.example",
                                                "j.tanaka@lakeside.example")


@pytest.mark.parametrize("row,holder", [
    ({"sourcedId": "t2", "email": "M.Okafor@lakeside.example"},
     "Maria Okafor (staff account, t1)"),  # rostered, not in this delta
    ({"sourcedId": "t9", "email": "m.okafor@lakeside.example"},
     "Maria Okafor (staff account, t1)"),  # a new teacher
    ({"sourcedId": "t2", "email": "head@lakeside.example"}, "Ines Head (staff account)"),
    ({"sourcedId": "t2", "email": "ade@family.example"}, "Ade Adeyemi (family account)"),
])
def test_an_email_another_account_keeps_is_named_and_nothing_is_applied(app, tmp_path, row,
                                                                       holder):
    files = imported(app, tmp_path)
    make_user(Role.ADMINISTRATOR, email="head@lakeside.example", full_name="Ines Head")
    db.session.commit()
    teacher = {**files["users"][1], "givenName": "Junichi", **row}
    result = run_import(app, write_set(tmp_path / "delta", {"users": [teacher]},
                                       modes={"users": "delta"}))
    assert result.exit_code == 1
    assert (f"users.csv, line 2, column email: {row['email']!r} is held by {holder} as their "
            "email") in result.stderr
    db.session.expire_all()
    assert emails()["t2"] == "j.tanaka@lakeside.example" and "t9" not in emails()
    assert by_sid(User, "t2").full_name == "Jun Tanaka"


def test_two_students_exchanging_schools_under_one_number(app, tmp_path):
    """A number moves with its school: the two rows are written emptied first too."""
    files = realistic()
    ana, li = files["users"][2], files["users"][4]
    ana["identifier"] = li["identifier"] = "5000"
    assert run_import(app, write_set(tmp_path / "first", files)).exit_code == 0
    moved = [{**ana, "orgSourcedIds": "s-south"}, {**li, "orgSourcedIds": "s-north"}]
    result = run_import(app, write_set(tmp_path / "delta", {"users": moved},
                                       modes={"users": "delta"}))
    assert result.exit_code == 0, result.stderr
    db.session.expire_all()
    assert (by_sid(Student, "st1").school.sourced_id, by_sid(Student, "st3").school.sourced_id,
            by_sid(Student, "st1").external_id) == ("s-south", "s-north", "5000")
