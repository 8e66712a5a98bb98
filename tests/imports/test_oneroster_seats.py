"""Students' places in classes (enrollments) as the roster gives them."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.people.models import Enrollment, Section, Student
from portal.privacy.services import erase_person
from tests.imports.oneroster_set import enrollment, realistic, write_set
from tests.imports.test_oneroster_import import by_sid, run_import


def seats() -> set[tuple]:
    sections = dict(db.session.execute(select(Section.id, Section.sourced_id)).all())
    students = dict(db.session.execute(select(Student.id, Student.sourced_id)).all())
    return {(e.sourced_id, sections[e.section_id], students[e.student_id])
            for e in db.session.scalars(select(Enrollment))}


def test_a_student_enrolled_twice_in_a_class_is_refused_at_the_second_line(app, tmp_path):
    """Two seats in one class took turns on each import; the data office fixes the file."""
    files = realistic()
    files["enrollments"].append(enrollment("e4b", "k-math-n", "s-north", "st1", "student"))
    result = run_import(app, write_set(tmp_path / "twice", files))
    assert result.exit_code == 1
    assert ("enrollments.csv, line 10, column userSourcedId: 'st1' is enrolled in class "
            "k-math-n on line 5 too (one enrollment per student and class)") in result.stderr
    assert seats() == set()


def test_an_ended_enrollment_beside_the_new_one_is_no_second_seat(app, tmp_path):
    assert run_import(app, write_set(tmp_path / "first", realistic())).exit_code == 0
    files = realistic()
    files["enrollments"][3]["status"] = "tobedeleted"  # e4: st1 in k-math-n ended …
    files["enrollments"].append(enrollment("e4b", "k-math-n", "s-north", "st1", "student"))
    for attempt in ("later", "again"):  # … and she joined it again
        result = run_import(app, write_set(tmp_path / attempt, files))
        assert result.exit_code == 0, result.stderr
        assert ("e4b", "k-math-n", "st1") in seats() and len(seats()) == 5
    assert "Nothing to change." in result.stdout


def test_an_erased_students_seats_stay_as_the_erasure_left_them(app, tmp_path):
    """The SIS drops an erased student's enrollments, or gives one of their enrollment ids
    to someone else: their seats are neither ended nor taken over."""
    assert run_import(app, write_set(tmp_path / "first", realistic())).exit_code == 0
    erase_person(person=by_sid(Student, "st1"), actor=None, reason="asked by the family")
    db.session.commit()
    before = seats()
    later = realistic()
    later["enrollments"] = [e for e in later["enrollments"] if e["userSourcedId"] != "st1"]
    result = run_import(app, write_set(tmp_path / "later", later))
    assert result.exit_code == 0, result.stderr
    assert seats() == before and "enrollments:" not in result.stdout
    later["enrollments"].append(enrollment("e4", "k-math-n", "s-north", "st2", "student"))
    result = run_import(app, write_set(tmp_path / "again", later))
    assert result.exit_code == 1
    assert ("enrollments.csv, line 8, column sourcedId: 'e4' is the enrollment of a student "
            "erased at the school's request: give this one another sourcedId") in result.stderr
    assert seats() == before


def test_a_student_in_another_schools_class_is_refused(app, tmp_path):
    """Li (st3) is South Middle's: a seat in North High's Math 9A would show her to North's
    teacher though she is not North's student."""
    files = realistic()
    files["enrollments"].append(enrollment("e9", "k-math-n", "s-north", "st3", "student"))
    result = run_import(app, write_set(tmp_path / "set", files))
    assert result.exit_code == 1
    assert ("enrollments.csv, line 10, column classSourcedId: 'k-math-n' is a class of North "
            "High, and student st3 is South Middle's (a student takes their own school's "
            "classes)") in result.stderr
    assert seats() == set()
    assert run_import(app, write_set(tmp_path / "good", realistic())).exit_code == 0
    delta = {"enrollments": [files["enrollments"][-1]]}
    result = run_import(app, write_set(tmp_path / "delta", delta,
                                       modes={"enrollments": "delta"}))
    assert result.exit_code == 1 and "line 2, column classSourcedId: 'k-math-n'" in result.stderr


@pytest.mark.parametrize("school,reason", [
    ("s-south", "is South Middle"),  # another school of the set
    ("d1", "names no school of orgs.csv or the database"),  # the district
    ("", "names no school of orgs.csv or the database"),
])
def test_an_enrollment_naming_another_school_than_its_classs_is_refused(app, tmp_path, school,
                                                                      reason):
    """Ana's seat and Maria Okafor's class in North High's Math 9A, said to be elsewhere."""
    files = realistic()
    files["enrollments"][0]["schoolSourcedId"] = school  # the teacher's
    files["enrollments"][3]["schoolSourcedId"] = school  # Ana's seat
    result = run_import(app, write_set(tmp_path / "set", files))
    assert result.exit_code == 1
    for line in (2, 5):
        assert (f"enrollments.csv, line {line}, column schoolSourcedId: "
                f"{f'{school!r} ' if school else ''}{reason}; class k-math-n is North "
                "High's") in result.stderr
    assert seats() == set()
    assert run_import(app, write_set(tmp_path / "good", realistic())).exit_code == 0
    delta = {"enrollments": [{**files["enrollments"][3], "sourcedId": "e4"}]}
    result = run_import(app, write_set(tmp_path / "delta", delta,
                                       modes={"enrollments": "delta"}))
    assert result.exit_code == 1 and f"line 2, column schoolSourcedId: " \
        f"{f'{school!r} ' if school else ''}{reason}; class k-math-n" in result.stderr


def test_an_enrollment_moved_to_a_class_the_student_has_a_place_in_is_named(app, tmp_path):
    """Ana's Math enrollment (e4) said to be in English 9A, where e5 seats her already: a
    delta keeping e5 is refused on the row; one ending e5, or a bulk file without it, moves
    the seat."""
    assert run_import(app, write_set(tmp_path / "good", realistic())).exit_code == 0
    moved = enrollment("e4", "k-eng-n", "s-north", "st1", "student")
    result = run_import(app, write_set(tmp_path / "delta", {"enrollments": [moved]},
                                       modes={"enrollments": "delta"}))
    assert result.exit_code == 1
    assert ("enrollments.csv, line 2, column userSourcedId: 'st1' has a place in class "
            "k-eng-n already, under enrollment e5") in result.stderr
    assert ("e4", "k-math-n", "st1") in seats()
    files = realistic()
    files["enrollments"] = [moved if row["sourcedId"] == "e4" else row
                            for row in files["enrollments"] if row["sourcedId"] != "e5"]
    assert run_import(app, write_set(tmp_path / "bulk", files)).exit_code == 0
    assert {seat for seat in seats() if seat[2] == "st1"} == {("e4", "k-eng-n", "st1")}
    assert run_import(app, write_set(tmp_path / "again", realistic())).exit_code == 0
    ended = {**enrollment("e5", "k-eng-n", "s-north", "st1", "student"), "status": "tobedeleted"}
    result = run_import(app, write_set(tmp_path / "ended", {"enrollments": [moved, ended]},
                                       modes={"enrollments": "delta"}))
    assert result.exit_code == 0, result.stderr
    assert {seat for seat in seats() if seat[2] == "st1"} == {("e4", "k-eng-n", "st1")}
