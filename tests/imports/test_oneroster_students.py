"""Students' numbers and grade levels as the roster gives them."""

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
