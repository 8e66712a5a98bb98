"""Courses' codes: one course of a school a code, whatever codes the roster gives."""

from sqlalchemy import select

from portal.extensions import db
from portal.people.models import Course, School
from tests.imports.oneroster_set import realistic, write_set
from tests.imports.test_oneroster_import import run_import


def north_codes() -> dict[str, str]:
    return dict(db.session.execute(select(Course.sourced_id, Course.code).join(School).where(
        School.sourced_id == "s-north")).all())


def course(sourced_id: str, title: str, code: str) -> dict:
    return {"sourcedId": sourced_id, "title": title, "courseCode": code,
            "orgSourcedId": "s-north"}


def test_courses_without_a_code_whose_sourced_ids_begin_alike_get_codes_of_their_own(
        app, tmp_path):
    """The code falls back to the sourcedId, cut to 40 characters: a number keeps two apart."""
    files = realistic()
    prefix = "urn:lakeside:course:2026-27:north-high:"
    files["courses"] += [course(f"{prefix}art-a", "Art A", ""),
                         course(f"{prefix}art-b", "Art B", "")]
    result = run_import(app, write_set(tmp_path / "set", files))
    assert result.exit_code == 0, result.stderr
    codes = north_codes()
    assert codes[f"{prefix}art-a"] == f"{prefix}a"
    assert codes[f"{prefix}art-b"] == f"{prefix[:38]}~2"


def test_a_course_takes_the_code_another_gives_up_in_the_same_import(app, tmp_path):
    """English becomes ENG1 and Literature takes ENG: the unique index never sees it twice."""
    files = realistic()
    files["courses"].insert(1, course("c-lit", "Literature", "LIT"))
    assert run_import(app, write_set(tmp_path / "first", files)).exit_code == 0
    files["courses"] = [files["courses"][0], {**files["courses"][2], "courseCode": "ENG1"},
                        {**files["courses"][1], "courseCode": "ENG"}]
    result = run_import(app, write_set(tmp_path / "again", files))
    assert result.exit_code == 0, result.stderr
    assert (north_codes()["c-eng"], north_codes()["c-lit"]) == ("ENG1", "ENG")
