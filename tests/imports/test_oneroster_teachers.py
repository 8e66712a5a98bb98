"""A class's teacher follows the roster: a bulk file names it, a delta changes what it lists."""

import pytest

from portal.people.models import Section
from tests.imports.oneroster_set import enrollment, realistic, user, write_set
from tests.imports.test_oneroster_import import by_sid, run_import


def teacher_of(class_id: str) -> str | None:
    section = by_sid(Section, class_id)
    return section.teacher.sourced_id if section.teacher_id else None


def with_new_teacher(files: dict) -> dict:
    files["users"].append(user("t3", "s-north", "teacher", "Lena", "Fischer",
                               email="l.fischer@lakeside.example"))
    return files


@pytest.mark.parametrize("replace", [
    lambda e: e.update(userSourcedId="t3"),  # the same enrollment names another teacher
    lambda e: e.update(sourcedId="e2-2027", userSourcedId="t3"),  # a new one replaces it
], ids=["same enrollment", "new enrollment"])
def test_a_bulk_file_naming_another_teacher_makes_them_the_classs_teacher(app, tmp_path,
                                                                        replace):
    """English 9A's teacher changes from Jun (t2) to Lena (t3), neither marked primary."""
    assert run_import(app, write_set(tmp_path / "first", with_new_teacher(realistic()))) \
        .exit_code == 0
    assert teacher_of("k-eng-n") == "t2"
    later = with_new_teacher(realistic())
    replace(later["enrollments"][1])
    result = run_import(app, write_set(tmp_path / "later", later))
    assert result.exit_code == 0, result.stderr
    assert teacher_of("k-eng-n") == "t3"
    assert (teacher_of("k-math-n"), teacher_of("k-math-s")) == ("t1", "t1")


def test_of_two_teachers_the_primary_one_then_the_first_listed_teaches_the_class(
        app, tmp_path):
    files = with_new_teacher(realistic())
    files["enrollments"].append(enrollment("e2b", "k-eng-n", "s-north", "t3", "teacher"))
    assert run_import(app, write_set(tmp_path / "first", files)).exit_code == 0
    assert teacher_of("k-eng-n") == "t2"
    files["enrollments"][-1]["primary"] = "true"
    assert run_import(app, write_set(tmp_path / "later", files)).exit_code == 0
    assert teacher_of("k-eng-n") == "t3"


def test_a_teacher_enrollment_a_bulk_file_drops_ends_and_a_delta_leaves_it(app, tmp_path):
    assert run_import(app, write_set(tmp_path / "first", realistic())).exit_code == 0
    delta = {"enrollments": [enrollment("e9", "k-math-n", "s-north", "st2", "student")]}
    result = run_import(app, write_set(tmp_path / "delta", delta,
                                       modes={"enrollments": "delta"}))
    assert result.exit_code == 0, result.stderr
    assert teacher_of("k-eng-n") == "t2"  # a delta changes only what it lists
    later = realistic()
    later["enrollments"] = [e for e in later["enrollments"] if e["sourcedId"] != "e2"]
    result = run_import(app, write_set(tmp_path / "later", later))
    assert result.exit_code == 0, result.stderr
    assert teacher_of("k-eng-n") is None
    assert (teacher_of("k-math-n"), teacher_of("k-math-s")) == ("t1", "t1")
    assert "sections: 0 created, 1 updated" in result.stdout


def test_a_class_the_bulk_file_ends_keeps_who_taught_it(app, tmp_path):
    assert run_import(app, write_set(tmp_path / "first", realistic())).exit_code == 0
    later = realistic()
    later["classes"] = [c for c in later["classes"] if c["sourcedId"] != "k-math-s"]
    later["enrollments"] = [e for e in later["enrollments"] if e["classSourcedId"] != "k-math-s"]
    assert run_import(app, write_set(tmp_path / "later", later)).exit_code == 0
    assert not by_sid(Section, "k-math-s").is_active and teacher_of("k-math-s") == "t1"
