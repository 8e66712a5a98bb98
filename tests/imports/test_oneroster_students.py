"""Students' numbers and grade levels as the roster gives them."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.people.models import Student
from tests.imports.oneroster_set import realistic, write_set
from tests.imports.test_oneroster_import import run_import


def numbers() -> dict[str, str | None]:
    return dict(db.session.execute(select(Student.sourced_id, Student.external_id)).all())


def test_two_students_swapping_their_numbers_in_one_import(app, tmp_path):
    """The unique index of a school's student numbers never sees one number twice."""
    assert run_import(app, write_set(tmp_path / "first", realistic())).exit_code == 0
    later = realistic()
    later["users"][2]["identifier"], later["users"][3]["identifier"] = "1002", "1001"
    result = run_import(app, write_set(tmp_path / "bulk", later))
    assert result.exit_code == 0, result.output
    assert (numbers()["st1"], numbers()["st2"]) == ("1002", "1001")
    back = {"users": realistic()["users"][2:4]}
    result = run_import(app, write_set(tmp_path / "delta", back, modes={"users": "delta"}))
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert (numbers()["st1"], numbers()["st2"]) == ("1001", "1002")


def grades() -> dict[str, int]:
    return dict(db.session.execute(select(Student.sourced_id, Student.grade_level)).all())


@pytest.mark.parametrize("cell,grade", [("KG", 0), ("TK", 0), ("PK", -1), ("PR", -1),
                                        ("UG,10", 10), ("١١", 11)])
def test_a_grade_the_portal_keeps_is_stored_as_its_number(app, tmp_path, cell, grade):
    files = realistic()
    files["users"][2]["grades"] = cell
    assert run_import(app, write_set(tmp_path / "set", files)).exit_code == 0
    assert grades()["st1"] == grade


@pytest.mark.parametrize("cell", ["Other", "UG", "PS", "ungraded", ""])
def test_a_new_student_without_a_grade_level_is_named_not_put_in_kindergarten(app, tmp_path,
                                                                             cell):
    """The portal keeps a grade level for every student: UG, Other and PS (CEDS's
    postsecondary) name none, and an empty cell gives none to a new student."""
    files = realistic()
    files["users"][2]["grades"] = cell
    result = run_import(app, write_set(tmp_path / "set", files))
    assert result.exit_code == 1
    assert f"users.csv, line 4, column grades: {f'{cell!r} ' if cell else ''}" \
        "names no grade level the portal keeps for a student (KG, PK or a number up to 20)" \
        in result.stderr
    assert grades() == {}


def test_a_known_students_grade_stays_when_the_cell_is_empty_not_when_it_is_ungraded(
        app, tmp_path):
    assert run_import(app, write_set(tmp_path / "first", realistic())).exit_code == 0
    files = realistic()
    files["users"][2]["grades"] = ""
    assert run_import(app, write_set(tmp_path / "empty", files)).exit_code == 0
    assert grades()["st1"] == 9
    files["users"][2]["grades"] = "UG"
    result = run_import(app, write_set(tmp_path / "ungraded", files))
    assert result.exit_code == 1 and "line 4, column grades: 'UG' names no grade" in \
        result.stderr
