"""`flask import oneroster`: a realistic district imports, re-imports and syncs by sourcedId."""

from sqlalchemy import func, select

from portal.auth.models import Role, User
from portal.core.time import utcnow
from portal.extensions import db
from portal.people.models import (
    Course,
    District,
    Enrollment,
    Guardian,
    School,
    Section,
    Student,
    StudentGuardian,
)
from tests.imports.oneroster_set import realistic, write_set


def run_import(app, path, *extra):
    return app.test_cli_runner().invoke(
        args=["import", "oneroster", str(path), *extra])


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def by_sid(model, sid):
    return db.session.scalar(select(model).where(model.sourced_id == sid))


def test_realistic_district_imports(app, tmp_path):
    result = run_import(app, write_set(tmp_path / "set", realistic()))
    assert result.exit_code == 0, result.stderr
    assert "users.csv 9/9" in result.stdout
    north, south = by_sid(School, "s-north"), by_sid(School, "s-south")
    assert north.district_id == south.district_id == by_sid(District, "d1").id
    ana = by_sid(Student, "st1")
    assert (ana.first_name, ana.last_name, ana.grade_level) == ("Ana", "Novák", 9)
    assert str(ana.date_of_birth) == "2011-03-14" and ana.external_id == "1001"
    assert by_sid(Student, "st3").first_name == "李"
    petra = by_sid(Guardian, "g1")
    children = {link.student.sourced_id for link in petra.student_links}
    assert children == {"st1", "st2", "st3"}
    assert petra.user.role == Role.GUARDIAN and petra.user.password_hash is None
    assert by_sid(Guardian, "g2").user is None  # no email, no account
    teacher = by_sid(User, "t1")
    assert teacher.role == Role.TEACHER
    taught = {s.sourced_id for s in db.session.scalars(
        select(Section).where(Section.teacher_id == teacher.id))}
    assert taught == {"k-math-n", "k-math-s"}
    # The aide teaches English 9A: the enrollment makes her the section's teacher.
    assert by_sid(Section, "k-eng-n").teacher.sourced_id == "t2"
    # The district's math course exists in both schools that teach it.
    assert count(Course) == 3
    assert count(Enrollment) == 5


def test_reimport_changes_nothing(app, tmp_path):
    path = write_set(tmp_path / "set", realistic())
    assert run_import(app, path).exit_code == 0
    before = (count(Student), count(Guardian), count(User), count(Enrollment), count(Section))
    again = run_import(app, path)
    assert again.exit_code == 0, again.stderr
    assert "Nothing to change." in again.stdout
    assert (count(Student), count(Guardian), count(User), count(Enrollment),
            count(Section)) == before


def test_dry_run_reports_and_changes_nothing(app, tmp_path):
    result = run_import(app, write_set(tmp_path / "set", realistic()), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "students: 4 created, 0 updated, 0 deactivated" in result.stdout
    assert "sections: 3 created, 0 updated" in result.stdout  # their teachers are no update
    assert count(Student) == 0 and count(School) == 0


def test_delta_moves_a_student_and_deactivates_another(app, tmp_path):
    assert run_import(app, write_set(tmp_path / "full", realistic())).exit_code == 0
    delta = {
        "users": [
            {"sourcedId": "st1", "status": "active", "orgSourcedIds": "s-south",
             "role": "student", "givenName": "Ana", "familyName": "Novák", "grades": "09",
             "identifier": "1001", "agentSourcedIds": "g1,g2"},
            {"sourcedId": "st2", "status": "tobedeleted", "orgSourcedIds": "s-north",
             "role": "student", "givenName": "Björn", "familyName": "Novák"},
        ],
        "enrollments": [
            {"sourcedId": "e4", "status": "tobedeleted", "classSourcedId": "k-math-n",
             "schoolSourcedId": "s-north", "userSourcedId": "st1", "role": "student"},
            {"sourcedId": "e9", "status": "active", "classSourcedId": "k-math-s",
             "schoolSourcedId": "s-south", "userSourcedId": "st1", "role": "student"},
        ],
    }
    modes = {"users": "delta", "enrollments": "delta"}
    result = run_import(app, write_set(tmp_path / "delta", delta, modes=modes))
    assert result.exit_code == 0, result.stderr
    ana, bjorn = by_sid(Student, "st1"), by_sid(Student, "st2")
    assert ana.school.sourced_id == "s-south" and ana.is_active
    assert not bjorn.is_active  # deactivated, not deleted
    # from today, as one marked by hand: the retention rule counts its years from then
    assert (bjorn.inactive_since, bjorn.inactive_reason) == (
        utcnow().date(), "Left the roster (OneRoster import)")
    seats = {e.section.sourced_id for e in db.session.scalars(
        select(Enrollment).where(Enrollment.student_id == ana.id))}
    assert seats == {"k-eng-n", "k-math-s"}
    # Everyone not in the delta is untouched.
    assert by_sid(Student, "st4").is_active and count(Guardian) == 3


def test_bulk_reimport_deactivates_who_is_missing(app, tmp_path):
    assert run_import(app, write_set(tmp_path / "full", realistic())).exit_code == 0
    later = realistic()
    later["users"] = [u for u in later["users"] if u["sourcedId"] not in ("st4", "g3")]
    later["enrollments"] = [e for e in later["enrollments"] if e["userSourcedId"] != "st4"]
    result = run_import(app, write_set(tmp_path / "later", later))
    assert result.exit_code == 0, result.stderr
    assert not by_sid(Student, "st4").is_active
    assert not by_sid(Guardian, "g3").is_active
    assert by_sid(Student, "st3").is_active
    assert db.session.scalar(select(func.count()).select_from(StudentGuardian).where(
        StudentGuardian.is_active.is_(True))) == 5  # g3 and st4 left


def test_a_delta_that_no_longer_names_a_guardian_ends_that_link(app, tmp_path):
    """Custody changes: a delta lists Ana with her mother only and her father with Björn
    only. The father's link to Ana ends (he no longer sees her); the others stay."""
    assert run_import(app, write_set(tmp_path / "full", realistic())).exit_code == 0
    people = {row["sourcedId"]: row for row in realistic()["users"]}
    delta = {"users": [{**people["st1"], "agentSourcedIds": "g1"},
                       {**people["g2"], "agentSourcedIds": "st2"}]}
    result = run_import(app, write_set(tmp_path / "delta", delta, modes={"users": "delta"}))
    assert result.exit_code == 0, result.stderr
    links = {(link.student.sourced_id, link.guardian.sourced_id): link.is_active
             for link in db.session.scalars(select(StudentGuardian))}
    assert links[("st1", "g2")] is False
    assert links[("st1", "g1")] and links[("st2", "g2")] and links[("st2", "g1")]
    again = run_import(app, write_set(tmp_path / "back", {"users": [
        {**people["st1"], "agentSourcedIds": "g1,g2"}]}, modes={"users": "delta"}))  # back
    assert again.exit_code == 0
    db.session.expire_all()
    link = db.session.scalar(select(StudentGuardian).join(Student).join(Guardian).where(
        Student.sourced_id == "st1", Guardian.sourced_id == "g2"))
    assert link.is_active and link.inactive_since is None
