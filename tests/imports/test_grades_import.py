"""`flask import grades`: what a grades file may not say (tests' today: 2026-11-25)."""

from datetime import date

import pytest

from portal.extensions import db
from portal.outcomes.models import Grade
from tests.factories import make_school, make_term
from tests.imports.test_records_import import count, run, school_of_the_examples

HEADER = "student,class,kind,assessment,score,max_score,date\n"


def refused(app, tmp_path, lines: str) -> str:
    """Import the lines; return the errors (the import must fail and record nothing)."""
    school, _students, _section = school_of_the_examples()
    path = tmp_path / "grades.csv"
    path.write_text(HEADER + lines)
    result = run(app, "grades", path, school)
    assert result.exit_code == 1 and count(Grade) == 0
    return result.stderr


@pytest.mark.parametrize("second", [
    "1001,Mathematics 9A,assessment,Quiz 3,12,20,2026-10-05",  # another score
    "1001,Mathematics 9A,assessment,Quiz 3,15,20,2026-10-02",  # the same one again
    "st-1001,Mathematics 9A,assessment,Quiz 3,15,20,2026-10-02",  # named the other way
])
def test_two_marks_for_one_students_assessment_are_refused(app, tmp_path, second):
    school, (ana, _bo, _cy), _section = school_of_the_examples()
    ana.sourced_id = "st-1001"
    db.session.commit()
    path = tmp_path / "grades.csv"
    path.write_text(HEADER + "1001,Mathematics 9A,assessment,Quiz 3,15,20,2026-10-02\n"
                    "1002,Mathematics 9A,assessment,Quiz 3,11,20,2026-10-02\n" + second + "\n")
    result = run(app, "grades", path, school)
    assert result.exit_code == 1
    assert ("grades.csv, line 4, column student: " in result.stderr
            and "a second line for this student's mark (first on line 2)" in result.stderr)
    assert count(Grade) == 0


def test_two_period_grades_for_one_student_are_refused(app, tmp_path):
    errors = refused(app, tmp_path, "1001,Mathematics 9A,period,,78,100,2026-10-30\n"
                                    "1001,Mathematics 9A,period,,80,100,2026-10-29\n")
    assert "line 3, column student: '1001' a second line for this student's mark (first on " \
        "line 2)" in errors


@pytest.mark.parametrize("score,meaning", [("1,000", "1000 or, with a decimal comma, 1"),
                                           ("12,500", "12500 or, with a decimal comma, 12.5")])
def test_a_score_with_a_thousands_separator_is_refused_as_ambiguous(app, tmp_path, score,
                                                                    meaning):
    errors = refused(app, tmp_path, f'1001,Mathematics 9A,assessment,Quiz,"{score}",2000,'
                                    "2026-10-02\n")
    assert (f"grades.csv, line 2, column score: '{score}' could be {meaning}: write it "
            "without a thousands separator") in errors


@pytest.mark.parametrize("score", ["1.000,5", "1,000.5", "1,000,000"])
def test_a_score_with_two_separators_is_refused(app, tmp_path, score):
    errors = refused(app, tmp_path, f'1001,Mathematics 9A,assessment,Quiz,"{score}",2000000,'
                                    "2026-10-02\n")
    assert f"column score: '{score}' is not a number (write it without a thousands" in errors


@pytest.mark.parametrize("score", ["1e1", "1_0", "nan", "inf", "0x10", "1" * 400])
def test_a_score_only_a_program_would_read_as_a_number_is_refused(app, tmp_path, score):
    """The gradebook's rule (core.numbers): Python reads "1_0" as 10 and "1e1" as 10.0."""
    errors = refused(app, tmp_path, f"1001,Mathematics 9A,assessment,Quiz,{score},20,"
                                    "2026-10-02\n")
    assert f"column score: '{score}' is not a number" in errors


def test_a_decimal_comma_or_point_and_a_leading_zero_still_read(app, tmp_path):
    school, _students, _section = school_of_the_examples()
    path = tmp_path / "grades.csv"
    path.write_text(HEADER + '1001,Mathematics 9A,assessment,A,"12,5",20,2026-10-02\n'
                    '1001,Mathematics 9A,assessment,B,"0,125",1,2026-10-02\n'
                    "1001,Mathematics 9A,assessment,C,1.000,20,2026-10-02\n")
    result = run(app, "grades", path, school)
    assert result.exit_code == 0, result.stderr
    assert count(Grade) == 3


def test_a_mark_given_in_the_future_is_refused(app, tmp_path):
    errors = refused(app, tmp_path, "1001,Mathematics 9A,assessment,Quiz,12,20,2026-11-25\n"
                                    "1002,Mathematics 9A,assessment,Quiz,12,20,2026-11-26\n")
    assert "grades.csv, line 3, column date: '2026-11-26' is in the future" in errors
    assert "line 2" not in errors


def test_a_max_score_of_zero_is_named(app, tmp_path):
    errors = refused(app, tmp_path, "1001,Mathematics 9A,assessment,Quiz,0,0,2026-10-02\n")
    assert "grades.csv, line 2, column max_score: '0' must be more than 0" in errors


@pytest.mark.parametrize("period,day", [("Q1", "2026-10-02"), ("", "2026-10-02")])
def test_only_the_schools_own_grading_periods_are_used(app, tmp_path, period, day):
    """A class left in another school's year (its Q1 the same name and days as this one's)
    gets no mark in that school's period, named or found by its date."""
    school, _students, section = school_of_the_examples()
    neighbour = make_school()
    section.term_id = make_term(neighbour, starts_on=date(2026, 8, 24),
                                ends_on=date(2027, 6, 18)).id
    db.session.commit()
    path = tmp_path / "grades.csv"
    path.write_text("student,class,grading_period,assessment,score,date\n"
                    f"1001,Mathematics 9A,{period},Quiz,15,{day}\n")
    result = run(app, "grades", path, school)
    assert result.exit_code == 1 and count(Grade) == 0
    assert (f"grades.csv, line 2, column {'grading_period' if period else 'date'}: "
            f"'{period or day}' names no grading period" if period else
            f"grades.csv, line 2, column date: '{day}' is in no grading period") \
        in result.stderr
