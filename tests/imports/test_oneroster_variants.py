"""Real exports differ: each variant imports the same; malformed sets are refused, unchanged."""

import pytest
from sqlalchemy import func, select

from portal.auth.models import User
from portal.extensions import db
from portal.imports import oneroster
from portal.imports.csvfiles import ImportFailed
from portal.imports.oneroster import parse_roster
from portal.imports.roster_apply import grade_number
from portal.people.models import Section, Student
from tests.conftest import is_postgres
from tests.imports.oneroster_set import (
    HEADERS,
    primary_roles,
    realistic,
    render,
    write_set,
    write_v12_set,
)


def run_import(app, path, *extra):
    return app.test_cli_runner().invoke(args=["import", "oneroster", str(path), *extra])


def files_of(directory) -> dict[str, bytes]:
    return {p.name.lower(): p.read_bytes() for p in directory.iterdir()}


def students() -> set[tuple]:
    return set(db.session.execute(select(Student.sourced_id, Student.first_name,
                                         Student.grade_level, Student.is_active)))


@pytest.mark.parametrize("style", [
    {"bom": True}, {"newline": "\r\n"}, {"quote_all": True},
    {"bom": True, "newline": "\r\n", "quote_all": True}, {"zip_it": True},
])
def test_encodings_line_ends_quoting_and_zip_import_alike(app, tmp_path, style):
    result = run_import(app, write_set(tmp_path / "set", realistic(), **style))
    assert result.exit_code == 0, result.stderr
    assert ("st3", "李", 7, True) in students() and len(students()) == 4


def test_columns_in_any_order_with_extensions_and_lenient_values(tmp_path):
    files = realistic()
    for row in files["users"]:
        row.update({"metadata.vendor.house": "Blue", "ext_sis_id": "X1", "status": "",
                    "enabledUser": "TRUE"})
    files["users"][2]["status"] = "Active"
    files["classes"][0]["classType"] = "Scheduled"
    files["enrollments"][0]["beginDate"] = "2026-08-24T00:00:00.000Z"
    files["enrollments"][1]["beginDate"] = "2026-08-24"
    files["users"][3]["grades"] = "²"  # a digit to isdigit(), not to int(): no grade, no crash
    files["users"][4]["grades"] = "١٠"  # Arabic-Indic digits: grade 10
    path = write_set(tmp_path / "set", files)
    header = list(reversed(HEADERS["users"])) + ["metadata.vendor.house", "ext_sis_id"]
    (path / "users.csv").write_bytes(render("users", files["users"], headers=header))
    roster = parse_roster(files_of(path))
    ana = next(u for u in roster.users if u.sourced_id == "st1")
    assert ana.active and ana.grades == ["09"] and ana.row.extensions["ext_sis_id"] == "X1"
    assert str(roster.enrollments[0].starts_on) == "2026-08-24"
    grades = {user.sourced_id: grade_number(user.grades) for user in roster.users}
    assert (grades["st1"], grades["st2"], grades["st3"]) == (9, None, 10)


def test_onerosters_10_inactive_deactivates(app, tmp_path):
    assert run_import(app, write_set(tmp_path / "a", realistic())).exit_code == 0
    delta = {"users": [{"sourcedId": "st4", "status": "inactive", "orgSourcedIds": "s-south",
                        "role": "student", "givenName": "Zoë", "familyName": "Adeyemi"}]}
    result = run_import(app, write_set(tmp_path / "b", delta, modes={"users": "delta"}))
    assert result.exit_code == 0, result.stderr
    assert ("st4", "Zoë", 7, False) in students()


def test_onerosters_12_roles_file(app, tmp_path):
    files = realistic()
    path = write_v12_set(tmp_path / "set", files, primary_roles(files["users"]))
    result = run_import(app, path)
    assert result.exit_code == 0, result.stderr
    assert len(students()) == 4
    assert db.session.scalar(select(User).where(User.sourced_id == "t1")).role == "teacher"


def test_other_manifest_version_gets_a_clear_message(app, tmp_path):
    result = run_import(app, write_set(tmp_path / "set", realistic(), version="1.0"))
    assert result.exit_code != 0
    assert "OneRoster version 1.0 is not supported" in result.stderr
    assert "Traceback" not in result.stderr


def _broken(files, name, index, **changes):
    files[name][index].update(changes)
    return files


MALFORMED = [
    ("unknown reference", lambda f: _broken(f, "enrollments", 3, userSourcedId="nobody"),
     "enrollments.csv, line 5, column userSourcedId: 'nobody' names no record of users.csv"),
    ("bad date", lambda f: _broken(f, "academicSessions", 0, startDate="2026-02-30"),
     "academicSessions.csv, line 2, column startDate: '2026-02-30' is not a date"),
    ("wrong enrollment role", lambda f: _broken(f, "enrollments", 0, role="pupil"),
     "enrollments.csv, line 2, column role: 'pupil' is not one of"),
    ("student enrolled as teacher", lambda f: _broken(f, "enrollments", 0, userSourcedId="st1"),
     "enrollments.csv, line 2, column role: 'teacher' user st1 is not a staff member"),
    ("duplicate sourcedId", lambda f: _broken(f, "users", 3, sourcedId="st1"),
     "users.csv, line 5, column sourcedId: 'st1' duplicate sourcedId (first on line 4)"),
    ("unknown enumeration", lambda f: _broken(f, "orgs", 1, type="campus"),
     "orgs.csv, line 3, column type: 'campus' is not one of"),
    ("grade level out of range", lambda f: _broken(f, "users", 2, grades="99999999999"),
     "users.csv, line 4, column grades: '99999999999' is not a grade level"),
    ("NUL in a name", lambda f: _broken(f, "users", 2, givenName="An\x00a"),
     "users.csv, line 4, column givenName: 'Ana' contains a NUL character"),
    ("placeholder year", lambda f: _broken(f, "academicSessions", 0, startDate="0001-01-01"),
     "academicSessions.csv, line 2, column startDate: '0001-01-01' is not a date a school can "
     "have (years 1900 to 2200)"),
    ("far future year", lambda f: _broken(f, "academicSessions", 0, endDate="9999-12-31"),
     "academicSessions.csv, line 2, column endDate: '9999-12-31' is not a date a school can"),
    ("a session of a century", lambda f: _broken(f, "academicSessions", 0, endDate="2126-06-18"),
     "academicSessions.csv, line 2, column endDate: '2126-06-18' is more than five years after"),
    ("class grade out of range", lambda f: _broken(f, "classes", 0, grades="09,2147483648"),
     "classes.csv, line 2, column grades: '09,2147483648' is not a grade level"),
    # Each longer than its column: a database error on PostgreSQL, the whole import failed.
    ("a name too long", lambda f: _broken(f, "users", 2, givenName="A" * 101),
     "users.csv, line 4, column givenName: 'AAAA"),
    ("a full name too long", lambda f: _broken(f, "users", 2, givenName="M" * 100,
                                               familyName="O" * 100),
     "users.csv, line 4, column familyName: 'OOOO"),
    ("a class title too long", lambda f: _broken(f, "classes", 0, title="Maths " * 17),
     "is longer than 100 characters"),
    ("one student number for two students", lambda f: _broken(f, "users", 3, identifier="1001"),
     "users.csv, line 5, column identifier: '1001' is another student's number too (line 4)"),
    ("a sourcedId too long", lambda f: _broken(f, "orgs", 1, sourcedId="s" * 256),
     "is longer than 255 characters"),
]


@pytest.mark.parametrize("label,breaks,message", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_set_names_the_problem_and_changes_nothing(app, tmp_path, label, breaks,
                                                             message):
    assert run_import(app, write_set(tmp_path / "good", realistic())).exit_code == 0
    before = students()
    changed = realistic()
    changed["users"][2]["givenName"] = "Anna"  # a change that must not land
    result = run_import(app, write_set(tmp_path / "bad", breaks(changed)))
    assert result.exit_code == 1
    assert message in result.stderr
    assert "nothing was imported" in result.stderr
    db.session.expire_all()
    assert students() == before


def test_a_row_with_more_cells_than_its_header_is_named_not_shifted(tmp_path):
    """An unquoted comma ("Smith, Jr.") would move the student number into the email and
    the grade into nothing: the row is refused where it is."""
    path = write_set(tmp_path / "set", realistic())
    users = (path / "users.csv").read_bytes().decode().rstrip("\n").split("\n")
    header = users[0].split(",")
    row = dict.fromkeys(header, "")
    row.update({"sourcedId": "st5", "enabledUser": "true", "orgSourcedIds": "s-north",
                "role": "student", "givenName": "Carl", "familyName": "Smith, Jr.",
                "identifier": "1005", "grades": "11"})
    users.append(",".join(row[column] for column in header))  # the comma left unquoted
    (path / "users.csv").write_bytes(("\n".join(users) + "\n").encode())
    with pytest.raises(ImportFailed) as failed:
        parse_roster(files_of(path))
    assert str(failed.value.errors[0]) == (
        f"users.csv, line {len(users)}: has {len(header) + 1} cells where the header has "
        f"{len(header)} (a comma in a value must be inside quotes)")


def test_missing_required_column_is_named(tmp_path):
    path = write_set(tmp_path / "set", realistic())
    header = [c for c in HEADERS["classes"] if c != "courseSourcedId"]
    (path / "classes.csv").write_bytes(render("classes", realistic()["classes"], headers=header))
    with pytest.raises(ImportFailed) as failed:
        parse_roster(files_of(path))
    assert str(failed.value.errors[0]) == (
        "classes.csv, line 1, column courseSourcedId: required column is missing")


def test_unknown_reference_in_a_delta_is_checked_against_the_database(app, tmp_path):
    assert run_import(app, write_set(tmp_path / "a", realistic())).exit_code == 0
    delta = {"enrollments": [{"sourcedId": "e20", "classSourcedId": "k-gone",
                              "schoolSourcedId": "s-north", "userSourcedId": "st1",
                              "role": "student"}]}
    result = run_import(app, write_set(tmp_path / "b", delta, modes={"enrollments": "delta"}))
    assert result.exit_code == 1
    assert "enrollments.csv, line 2, column classSourcedId: 'k-gone' names no record" in \
        result.stderr
    assert db.session.scalar(select(func.count()).select_from(Section)) == 3


@pytest.mark.postgres_only
def test_what_the_database_still_refuses_is_said_and_nothing_is_imported(app, tmp_path,
                                                                          monkeypatch):
    """A text the reader lets through but its column cannot hold (here, the reader's limit
    for a class title raised past the column's 100) is refused by PostgreSQL: the import
    says so instead of stopping on a database error (SQLite keeps any length)."""
    if not is_postgres():
        pytest.skip("SQLite does not limit a text column's length")
    monkeypatch.setitem(oneroster.LONGEST, "classes", {"title": 1000})
    result = run_import(app, write_set(tmp_path / "long", _broken(
        realistic(), "classes", 0, title="Maths " * 20)))
    assert result.exit_code == 1
    assert "the database refused the data" in result.stderr and "too long" in result.stderr
    assert not students()


@pytest.mark.parametrize("address", ["m.okafor", "m.okafor@", "m okafor@lakeside.example",
                                     "m.okafor@@lakeside.example", "m.okafor@lakeside..example"])
def test_a_staff_or_family_email_that_is_no_address_is_named_and_nothing_imported(
        app, tmp_path, address):
    """The portal writes to these addresses (invitations, updates): one that is not an
    address is refused on its row, as the sign-in form would; a student's is not kept."""
    files = realistic()
    files["users"][1]["email"] = address  # t2, a teacher
    files["users"][7]["email"] = address  # g2, a guardian
    files["users"][2]["email"] = address  # st1, a student: no account, not read
    result = run_import(app, write_set(tmp_path / "set", files))
    assert result.exit_code == 1
    for line in (3, 9):
        assert (f"users.csv, line {line}, column email: '{address}' is not an email address: "
                in result.stderr)
    assert "line 4, column email" not in result.stderr
    assert db.session.scalar(select(func.count()).select_from(Student)) == 0


def test_our_own_placeholder_address_of_a_staff_member_without_one_imports_again(app, tmp_path):
    files = realistic()
    files["users"][1]["email"] = ""
    assert run_import(app, write_set(tmp_path / "a", files)).exit_code == 0
    placeholder = db.session.scalar(select(User.email).where(User.sourced_id == "t2"))
    assert placeholder == "t2@oneroster.invalid"
    files["users"][1]["email"] = placeholder  # as our export writes it
    result = run_import(app, write_set(tmp_path / "b", files))
    assert result.exit_code == 0, result.stderr
