"""A class the roster ends (tobedeleted, 1.0's inactive, or missing from a bulk file)."""

import pytest
from sqlalchemy import func, select

from portal.auth.models import User
from portal.core.permissions import visible_student_ids
from portal.extensions import db
from portal.people.models import Enrollment, Section, Student
from portal.people.queries import staff_home_summary
from tests.imports.oneroster_set import realistic, write_set
from tests.imports.test_oneroster_import import by_sid, run_import


def seats(section: Section) -> int:
    return db.session.scalar(select(func.count()).select_from(Enrollment).where(
        Enrollment.section_id == section.id))


def teacher_sees() -> tuple[set[str], set[str]]:
    """Return the students and the home-page classes of teacher t1."""
    teacher = by_sid(User, "t1")
    students = set(db.session.scalars(select(Student.sourced_id).where(
        Student.id.in_(visible_student_ids(teacher)))))
    classes = {s.sourced_id for s in staff_home_summary(teacher)["sections"]}
    return students, classes


@pytest.mark.parametrize("status", ["tobedeleted", "inactive"])
def test_ended_class_is_deactivated_with_its_history(app, tmp_path, status):
    assert run_import(app, write_set(tmp_path / "full", realistic())).exit_code == 0
    assert teacher_sees() == ({"st1", "st3", "st4"}, {"k-math-n", "k-math-s"})
    ended = dict(realistic()["classes"][0], status=status)
    delta = write_set(tmp_path / "delta", {"classes": [ended]}, modes={"classes": "delta"})
    result = run_import(app, delta)
    assert result.exit_code == 0, result.stderr
    section = by_sid(Section, "k-math-n")
    assert section is not None and not section.is_active
    assert seats(section) == 1  # the seat (and what hangs on it) stays
    # Its teacher no longer sees it, nor Ana, whom only that class gave them.
    assert teacher_sees() == ({"st3", "st4"}, {"k-math-s"})


def test_bulk_classes_without_a_class_deactivate_it_and_relisting_restores(app, tmp_path):
    assert run_import(app, write_set(tmp_path / "full", realistic())).exit_code == 0
    later = realistic()
    later["classes"] = [c for c in later["classes"] if c["sourcedId"] != "k-math-s"]
    later["enrollments"] = [e for e in later["enrollments"] if e["classSourcedId"] != "k-math-s"]
    result = run_import(app, write_set(tmp_path / "later", later))
    assert result.exit_code == 0, result.stderr
    assert not by_sid(Section, "k-math-s").is_active
    assert by_sid(Section, "k-math-n").is_active
    assert "1 deactivated" in next(line for line in result.output.splitlines()
                                   if "sections" in line)
    result = run_import(app, write_set(tmp_path / "again", realistic()))
    assert result.exit_code == 0, result.stderr
    assert by_sid(Section, "k-math-s").is_active
