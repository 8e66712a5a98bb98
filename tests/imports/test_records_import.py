"""`flask import attendance|grades FILE --school ID`: the documented simple CSV formats."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.outcomes.models import DailyAttendance, Grade
from portal.privacy.services import erase_person
from tests.factories import make_school, make_section, make_student, make_term, make_user

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def school_of_the_examples():
    """The students and class the example files name."""
    school = make_school()
    ana, bo, cy = (make_student(school, external_id=n) for n in ("1001", "1002", "1003"))
    term = make_term(school, starts_on=date(2026, 8, 24), ends_on=date(2027, 6, 18))
    section = make_section(school, make_user(school=school), ana, bo, term=term)
    section.name = "Mathematics 9A"
    db.session.commit()
    return school, (ana, bo, cy), section


def run(app, kind, path, school, *extra):
    return app.test_cli_runner().invoke(
        args=["import", kind, str(path), "--school", str(school.id), *extra])


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_example_files_import_and_reimport_changes_nothing(app):
    school, (ana, bo, _cy), _section = school_of_the_examples()
    result = run(app, "attendance", EXAMPLES / "attendance.csv", school)
    assert result.exit_code == 0, result.stderr
    result = run(app, "grades", EXAMPLES / "grades.csv", school)
    assert result.exit_code == 0, result.stderr
    assert count(DailyAttendance) == 4 and count(Grade) == 3
    day = db.session.scalar(select(DailyAttendance).where(
        DailyAttendance.student_id == bo.id, DailyAttendance.on_date == date(2026, 11, 23)))
    assert (day.status, day.reason) == ("absent_excused", "Dentist appointment")
    marks = {(g.kind, g.score, g.max_score) for g in db.session.scalars(
        select(Grade).where(Grade.student_id == ana.id))}
    assert marks == {("assessment", 17, 20), ("period", 78, 100)}
    again = run(app, "grades", EXAMPLES / "grades.csv", school)
    assert "Nothing to change." in again.stdout and count(Grade) == 3


def test_dry_run_changes_nothing(app):
    school, _students, _section = school_of_the_examples()
    result = run(app, "attendance", EXAMPLES / "attendance.csv", school, "--dry-run")
    assert "attendance days: 4 created" in result.stdout
    assert count(DailyAttendance) == 0


def test_errors_name_line_and_column_and_nothing_is_recorded(app, tmp_path):
    school, _students, _section = school_of_the_examples()
    bad = tmp_path / "attendance.csv"
    bad.write_text("date,student,status\n2026-11-23,1001,present\n2026-11-31,1002,absent\n"
                   "2026-11-23,9999,present\n2026-12-01,1001,present\n")
    result = run(app, "attendance", bad, school)
    assert result.exit_code == 1
    assert "attendance.csv, line 3, column date: '2026-11-31' is not a date" in result.stderr
    bad.write_text("date,student,status\n2026-11-23,1001,present\n"
                   "2026-11-23,9999,present\n2026-12-01,1001,present\n")
    result = run(app, "attendance", bad, school)
    assert "attendance.csv, line 3, column student: '9999' names no student" in result.stderr
    assert "attendance.csv, line 4, column date: '2026-12-01' is in the future" in result.stderr
    assert count(DailyAttendance) == 0


def test_a_grade_needs_an_enrolled_student_and_a_sane_score(app, tmp_path):
    school, _students, _section = school_of_the_examples()
    bad = tmp_path / "grades.csv"
    bad.write_text("student,class,assessment,score,max_score,date\n"
                   "1001,Mathematics 9A,Quiz,21,20,2026-10-02\n")
    result = run(app, "grades", bad, school)
    assert result.exit_code == 1
    assert "grades.csv, line 2, column score: '21' is more than max_score 20" in result.stderr
    bad.write_text("student,class,assessment,score,max_score,date\n"
                   "1002,Mathematics 9A,Quiz,10,20,2026-10-02\n"
                   "1003,Mathematics 9A,Quiz,10,20,2026-10-02\n")
    result = run(app, "grades", bad, school)
    assert result.exit_code == 1
    assert "grades.csv, line 3, column student: '1003' is not enrolled in Mathematics 9A" in \
        result.stderr
    assert count(Grade) == 0


@pytest.mark.parametrize("score,max_score,column", [
    ("NaN", "20", "score"), ("nan", "20", "score"), ("inf", "20", "score"),
    ("1e999", "20", "score"), ("1", "inf", "max_score"), ("1", "NaN", "max_score"),
    ("-inf", "20", "score")])
def test_a_score_that_is_no_number_is_named_and_nothing_is_recorded(app, tmp_path, score,
                                                                    max_score, column):
    """NaN and infinity parse as floats; they are refused like text (NaN was written as a
    score: NULL on SQLite, which failed the whole import, and NaN on PostgreSQL)."""
    school, _students, _section = school_of_the_examples()
    bad = tmp_path / "grades.csv"
    bad.write_text("student,class,assessment,score,max_score,date\n"
                   "1001,Mathematics 9A,Quiz,12,20,2026-10-01\n"
                   f"1001,Mathematics 9A,Test,{score},{max_score},2026-10-02\n")
    result = run(app, "grades", bad, school)
    assert result.exit_code == 1
    value = score if column == "score" else max_score
    assert f"grades.csv, line 3, column {column}: '{value}' is not a number" in result.stderr
    assert count(Grade) == 0


def test_a_file_cannot_record_anything_for_an_erased_student(app, tmp_path):
    """An erased student keeps their roster id (so imports know them), but a file naming
    them by it records nothing new about them: the line is refused."""
    school, (ana, _bo, _cy), _section = school_of_the_examples()
    ana.sourced_id = "st-ana"
    erase_person(person=ana, actor=None, reason="asked by the family")
    db.session.commit()
    path = tmp_path / "attendance.csv"
    path.write_text("student,date,status,reason\nst-ana,2026-11-23,present,\n")
    result = run(app, "attendance", path, school)
    assert result.exit_code != 0
    assert "names no student of the school" in result.output
    assert count(DailyAttendance) == 0


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_a_spreadsheets_semicolons_or_tabs_and_decimal_commas_import_alike(app, tmp_path,
                                                                           delimiter):
    """A spreadsheet in a language with a decimal comma saves its CSV with semicolons."""
    school, (ana, _bo, _cy), _section = school_of_the_examples()
    path = tmp_path / "grades.csv"
    lines = [["student", "class", "assessment", "score", "max_score", "date"],
             ["1001", "Mathematics 9A", "Quiz, part 1", "12,5", "20", "2026-10-02"]]
    path.write_text("\r\n".join(delimiter.join(cells) for cells in lines) + "\r\n",
                    encoding="utf-8-sig")
    result = run(app, "grades", path, school)
    assert result.exit_code == 0, result.stderr
    grade = db.session.scalar(select(Grade))
    assert (grade.student_id, grade.assessment_name, grade.score, grade.max_score) == (
        ana.id, "Quiz, part 1", 12.5, 20.0)


def test_a_file_not_in_utf8_says_how_to_save_it(app, tmp_path):
    school, _students, _section = school_of_the_examples()
    path = tmp_path / "attendance.csv"
    path.write_bytes("student;date;status;reason\n1001;2026-10-02;absent_excused;Arzt\xe9\n"
                     .encode("cp1252"))
    result = run(app, "attendance", path, school)
    assert result.exit_code == 1
    assert 'attendance.csv, line 2: is not UTF-8 text (in a spreadsheet, save it as "CSV UTF-8")' \
        in result.stderr
    assert count(DailyAttendance) == 0


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31T23:59:00"])
def test_a_placeholder_date_is_refused_by_line_and_column(app, tmp_path, day):
    school, _students, _section = school_of_the_examples()
    path = tmp_path / "attendance.csv"
    path.write_text(f"student,date,status\n1001,2026-10-01,present\n1001,{day},present\n")
    result = run(app, "attendance", path, school)
    assert result.exit_code == 1
    assert (f"attendance.csv, line 3, column date: '{day}' is not a date a school can have "
            "(years 1900 to 2200)") in result.stderr
    assert count(DailyAttendance) == 0


def test_a_nul_character_is_named_not_a_database_error(app, tmp_path):
    """PostgreSQL cannot store NUL in text: the import failed with a driver error."""
    school, _students, _section = school_of_the_examples()
    path = tmp_path / "attendance.csv"
    path.write_text("student,date,status,reason\n1001,2026-10-01,present,\n"
                    "1001,2026-10-02,absent_excused,Doc\x00tor\n")
    result = run(app, "attendance", path, school)
    assert result.exit_code == 1
    assert "attendance.csv, line 3, column reason: 'Doctor' contains a NUL character" in \
        result.stderr
    assert count(DailyAttendance) == 0


def test_a_reason_or_an_assessment_longer_than_kept_is_named(app, tmp_path):
    """Each was a database error on PostgreSQL; the portal keeps 200 characters of each."""
    school, _students, section = school_of_the_examples()
    attendance, grades = tmp_path / "attendance.csv", tmp_path / "grades.csv"
    attendance.write_text("student,date,status,reason\n"
                          f"1001,2026-10-01,absent_excused,{'r' * 200}\n"
                          f"1002,2026-10-01,absent_excused,{'r' * 201}\n")
    grades.write_text("student,class,assessment,score,date\n"
                      f"1001,{section.name},{'q' * 201},7,2026-10-01\n")
    result = run(app, "attendance", attendance, school)
    assert result.exit_code == 1
    assert "attendance.csv, line 3, column reason: " in result.stderr
    assert "is longer than 200 characters" in result.stderr and "line 2" not in result.stderr
    result = run(app, "grades", grades, school)
    assert result.exit_code == 1
    assert "grades.csv, line 2, column assessment: " in result.stderr
    assert "is longer than 200 characters" in result.stderr
    assert count(DailyAttendance) == 0 and count(Grade) == 0


def test_one_student_named_two_ways_on_one_day_is_a_second_line(app, tmp_path):
    """By sourcedId on one line and by student number on another: the same student."""
    school, (ana, _bo, _cy), _section = school_of_the_examples()
    ana.sourced_id = "st-ana"
    db.session.commit()
    path = tmp_path / "attendance.csv"
    path.write_text("student,date,status\nst-ana,2026-11-23,present\n1002,2026-11-23,present\n"
                    "1001,2026-11-23,absent_excused\n")
    result = run(app, "attendance", path, school)
    assert result.exit_code == 1
    assert ("attendance.csv, line 4, column date: '2026-11-23' a second line for this student "
            "and day (first on line 2)") in result.stderr
    assert count(DailyAttendance) == 0


def test_a_day_outside_the_schools_years_is_refused(app, tmp_path):
    """As on the attendance grid: a day of the school year (the term runs 2026-08-24 to
    2027-06-18 here), last year's too when the school has it."""
    school, _students, _section = school_of_the_examples()
    path = tmp_path / "attendance.csv"
    path.write_text("student,date,status\n1001,2026-08-24,present\n1001,2026-08-21,present\n")
    result = run(app, "attendance", path, school)
    assert result.exit_code == 1
    assert ("attendance.csv, line 3, column date: '2026-08-21' is not a day of the school's "
            "school years (2026-08-24 to 2027-06-18)") in result.stderr
    make_term(school, starts_on=date(2025, 8, 25), ends_on=date(2026, 6, 19))
    make_term(school, starts_on=date(2026, 8, 24), ends_on=date(2027, 1, 22))  # a semester
    db.session.commit()
    result = run(app, "attendance", path, school)
    assert result.exit_code == 1
    assert "school years (2025-08-25 to 2026-06-19, 2026-08-24 to 2027-06-18)" in result.stderr
    path.write_text("student,date,status\n1001,2026-06-19,present\n")
    assert run(app, "attendance", path, school).exit_code == 0
