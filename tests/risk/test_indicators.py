"""Indicators computed by the database on hand-built records."""

from datetime import datetime, timedelta

from portal.auth.models import Role
from portal.risk.indicators import compute_indicators, slope
from tests import factories
from tests.risk.helpers import TODAY, give_grade, record_attendance, record_incidents, school_days


def _school_with_term():
    school = factories.make_school()
    term = factories.make_term(school)
    return school, term


def test_attendance_rates_and_chronic_absence_from_known_absences(app):
    school, _ = _school_with_term()
    student = factories.make_student(school)
    days = school_days(TODAY, 40)
    # 6 absences, all inside the last 4 weeks (20 school days)
    record_attendance(student, days, absent_on=set(days[-6:]))
    found = compute_indicators(school, [student.id], TODAY)[student.id]
    assert found["attendance_rate_term"] == 85.0  # 34 of 40
    assert found["attendance_rate_recent"] == 70.0  # 14 of 20
    assert found["chronic_absence"] is True
    assert found["attendance_trend"] < -2  # perfect weeks, then falling


def test_slope_of_weekly_rates():
    assert slope([(0, 100), (1, 90), (2, 80)]) == -10
    assert slope([(0, 100), (1, 90)]) is None


def test_grade_average_change_and_failing_subjects_from_known_grades(app):
    school, term = _school_with_term()
    student = factories.make_student(school)
    maths = factories.make_section(school, None, student, term=term, subject="Mathematics")
    art = factories.make_section(school, None, student, term=term, subject="Art", is_core=False)
    q1, q2 = term.grading_periods[:2]
    give_grade(student, maths, q1, 80)
    give_grade(student, art, q1, 70)
    give_grade(student, maths, q2, 50, kind="assessment")
    give_grade(student, maths, q2, 40, kind="assessment")
    give_grade(student, art, q2, 55)
    found = compute_indicators(school, [student.id], TODAY)[student.id]
    assert found["grade_average"] == 50.0  # (45 + 55) / 2
    assert found["grade_change"] == -25.0  # from 75
    assert found["failing_subjects"] == 2
    assert found["failing_core_subjects"] == 1


def test_past_failures_behaviour_and_family_contact(app):
    school, term = _school_with_term()
    last_year = factories.make_term(school, starts_on=term.starts_on.replace(year=2025),
                                    ends_on=term.ends_on.replace(year=2026))
    student = factories.make_student(school)
    old = factories.make_section(school, None, student, term=last_year)
    give_grade(student, old, last_year.grading_periods[0], 30)
    record_incidents(student, 2, TODAY - timedelta(days=50))
    record_incidents(student, 1, TODAY - timedelta(days=3))
    counsellor = factories.make_user(Role.COUNSELLOR, school)
    factories.make_interaction(student, counsellor, outcome="reached",
                               occurred_at=datetime(2026, 10, 1, 14))
    factories.make_interaction(student, counsellor, outcome="no_answer",
                               occurred_at=datetime(2026, 11, 1, 14))
    found = compute_indicators(school, [student.id], TODAY)[student.id]
    assert found["past_course_failures"] == 1
    assert (found["behaviour_incidents_term"], found["behaviour_incidents_recent"]) == (3, 1)
    assert found["days_since_family_contact"] == 50  # 1 October to 20 November
    assert found["missed_parent_events"] == 0
