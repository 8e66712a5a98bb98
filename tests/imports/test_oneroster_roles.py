"""OneRoster 1.2's roles.csv: only the roles a person holds today count (tests' today:
2026-11-25)."""

from portal.auth.models import User
from portal.people.models import Section, Student
from tests.imports.oneroster_set import primary_roles, realistic, write_v12_set
from tests.imports.test_oneroster_import import by_sid, run_import


def roles_of(files: dict, **changes: list[dict]) -> list[dict]:
    """The primary roles of the users, each user named in changes given those rows instead."""
    rows = [role for role in primary_roles(files["users"])
            if role["userSourcedId"] not in changes]
    return rows + [{"userSourcedId": sid, "role": "student", "roleType": "primary", **row}
                   for sid, extra in changes.items() for row in extra]


def test_a_role_ended_or_deleted_or_not_begun_gives_nothing(app, tmp_path):
    files = realistic()
    files["enrollments"] = [e for e in files["enrollments"] if e["userSourcedId"] != "st3"]
    roles = roles_of(
        files,
        st3=[{"sourcedId": "r-st3-s", "orgSourcedId": "s-south", "endDate": "2026-10-30"},
             {"sourcedId": "r-st3-n", "orgSourcedId": "s-north", "roleType": "secondary",
              "beginDate": "2026-11-02"}],  # moved to North in November
        t2=[{"sourcedId": "r-t2", "role": "aide", "orgSourcedId": "s-north",
             "status": "tobedeleted"}],
        st4=[{"sourcedId": "r-st4", "orgSourcedId": "s-south", "beginDate": "2027-01-04",
              "endDate": "2027-06-18"}])
    result = run_import(app, write_v12_set(tmp_path / "set", files, roles))
    assert result.exit_code == 0, result.stderr
    assert by_sid(Student, "st3").school.sourced_id == "s-north"
    assert by_sid(User, "t2") is None and by_sid(Section, "k-eng-n").teacher_id is None
    assert by_sid(Student, "st4") is None  # not a student of the school before January
    assert by_sid(Student, "st1").school.sourced_id == "s-north"


def test_a_role_that_has_ended_deactivates_who_held_it(app, tmp_path):
    files = realistic()
    assert run_import(app, write_v12_set(tmp_path / "first", files,
                                         primary_roles(files["users"]))).exit_code == 0
    roles = roles_of(files, st4=[{"sourcedId": "r-st4", "orgSourcedId": "s-south",
                                  "beginDate": "2026-08-24", "endDate": "2026-11-20"}])
    result = run_import(app, write_v12_set(tmp_path / "later", files, roles))
    assert result.exit_code == 0, result.stderr
    assert not by_sid(Student, "st4").is_active and by_sid(Student, "st3").is_active


def test_a_roles_impossible_dates_are_named(app, tmp_path):
    files = realistic()
    roles = roles_of(files, st4=[{"sourcedId": "r-st4", "orgSourcedId": "s-south",
                                  "beginDate": "2026-09-01", "endDate": "2026-08-31"}])
    roles[0]["beginDate"] = "2026-02-30"
    result = run_import(app, write_v12_set(tmp_path / "set", files, roles))
    assert result.exit_code == 1
    assert "roles.csv, line 2, column beginDate: '2026-02-30' is not a date" in result.stderr
    assert "roles.csv, line 10, column endDate: '2026-08-31' is before beginDate" in \
        result.stderr
