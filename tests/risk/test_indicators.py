"""Indicators computed by the database on hand-built records."""

from datetime import datetime, timedelta

import pytest

from portal.auth.models import Role
from portal.extensions import db
from portal.outcomes.models import BehaviourIncident, WorkMark
from portal.people.models import Enrollment
from portal.people.queries import current_term, term_start_of
from portal.risk.indicators import compute_indicators, family_contact
from portal.risk.scoring import score_student, slope
from tests import factories
from tests.risk.helpers import TODAY, give_grade, record_attendance, record_incidents, school_days


def _school_with_term():
    school = factories.make_school()
    term = factories.make_term(school)
    return school, term


def test_attendance_rates_days_and_trend_from_known_absences(app):
    school, _ = _school_with_term()
    student = factories.make_student(school)
    days = school_days(TODAY, 40)
    # 6 absences, all inside the last 4 weeks (20 school days)
    record_attendance(student, days, absent_on=set(days[-6:]))
    found = compute_indicators(school, [student.id], TODAY)[student.id]
    assert found["attendance_rate_term"] == 85.0  # 34 of 40
    assert found["attendance_rate_recent"] == 70.0  # 14 of 20
    assert found["attendance_days"] == 40
    assert found["attendance_trend"] < -2  # perfect weeks, then falling for two weeks


def test_one_bad_week_is_no_attendance_trend(app):
    school, _ = _school_with_term()
    student = factories.make_student(school)
    days = school_days(TODAY, 40)
    record_attendance(student, days, absent_on=set(days[-3:]))  # three days of flu
    found = compute_indicators(school, [student.id], TODAY)[student.id]
    assert found["attendance_trend"] == 0.0


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
    for score in (50, 40, 45):
        give_grade(student, maths, q2, score, kind="assessment")
    give_grade(student, art, q2, 55)
    found = compute_indicators(school, [student.id], TODAY)[student.id]
    assert found["grade_average"] == 50.0  # (45 + 55) / 2
    assert found["grade_change"] == -25.0  # from 75
    assert found["failing_subjects"] == 2
    assert found["failing_core_subjects"] == 1


def test_one_early_assessment_does_not_stand_for_the_course(app):
    school, term = _school_with_term()
    student = factories.make_student(school)
    maths = factories.make_section(school, None, student, term=term, subject="Mathematics")
    q1, q2 = term.grading_periods[:2]
    give_grade(student, maths, q1, 75)
    give_grade(student, maths, q2, 30, kind="assessment")  # the first quiz of the quarter
    found = compute_indicators(school, [student.id], TODAY)[student.id]
    assert (found["grade_average"], found["failing_core_subjects"]) == (75.0, 0)


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
    assert (found["behaviour_incidents_term"], found["serious_incidents"]) == (3, 0)
    assert "days_since_family_contact" not in found  # the school's to-do, not the student's
    term_start = term_start_of(current_term(school.id, TODAY), TODAY)
    contact = family_contact([student.id], term_start, TODAY)[student.id]
    assert contact == {"days_since_family_contact": 50,  # 1 October to 20 November
                       "missed_parent_events": 0}


@pytest.mark.parametrize(("severity", "category", "action", "serious"), [
    (3, "fighting", None, 1),
    (1, "Suspension", None, 1),
    (2, "truancy", "Suspended for two days", 1),
    (2, "truancy", "Detention", 0),
])
def test_a_suspension_or_a_major_incident_is_serious(app, severity, category, action, serious):
    school, _ = _school_with_term()
    student = factories.make_student(school)
    db.session.add(BehaviourIncident(
        student_id=student.id, severity=severity, category=category, description="x",
        action_taken=action, occurred_at=datetime.combine(TODAY, datetime.min.time())))
    db.session.flush()
    found = compute_indicators(school, [student.id], TODAY)[student.id]
    assert found["serious_incidents"] == serious
    assert score_student(found).score == 2 * serious


def _piece(student, section, period, score, on):
    grade = give_grade(student, section, period, score, kind="assessment")
    grade.recorded_on = on
    return grade


def _mark(student, section, period, status, due_on, name):
    db.session.add(WorkMark(student_id=student.id, section_id=section.id,
                            grading_period_id=period.id, assessment_name=name, status=status,
                            due_on=due_on))
    db.session.flush()


def test_missing_and_late_work_trend_and_score_against_the_class(app):
    school, term = _school_with_term()
    student, classmate = factories.make_student(school), factories.make_student(school)
    maths = factories.make_section(school, None, student, term=term)
    db.session.add(Enrollment(section_id=maths.id, student_id=classmate.id))
    period = term.grading_periods[1]
    for offset, mine in ((20, 90), (10, 70), (1, 50)):
        _piece(student, maths, period, mine, TODAY - timedelta(days=offset))
        _piece(classmate, maths, period, 90, TODAY - timedelta(days=offset))
    _piece(student, maths, period, 0, TODAY + timedelta(days=5))  # not given yet: unseen
    _mark(student, maths, period, "late", TODAY - timedelta(days=10), "Essay")
    _mark(student, maths, period, "missing", TODAY - timedelta(days=3), "Lab")
    _mark(student, maths, period, "missing", TODAY + timedelta(days=3), "Project")  # not due
    _mark(student, maths, period, "excused", TODAY - timedelta(days=4), "Trip")
    _mark(classmate, maths, period, "missing", TODAY - timedelta(days=40), "Old")
    found = compute_indicators(school, [student.id, classmate.id], TODAY)
    mine, theirs = found[student.id], found[classmate.id]
    assert (mine["missing_work_count"], mine["missing_work_share"]) == (1, 25.0)
    assert mine["missing_work_recent"] == 1
    assert mine["late_work_share"] == 33.3
    assert mine["score_trend"] == -20.0
    assert (mine["score_vs_class"], theirs["score_vs_class"]) == (-10.0, 10.0)
    assert (theirs["missing_work_count"], theirs["missing_work_recent"]) == (1, 0)
    assert (theirs["missing_work_share"], theirs["late_work_share"]) == (25.0, 0.0)
    reasons = {r["indicator"] for r in score_student(mine).reasons}
    assert {"missing_work_share", "late_work_share", "score_trend"} <= reasons
    assert "score_vs_class" not in reasons and "missing_work_count" not in reasons
    assert score_student(mine).score == 2 + 1  # missing work votes once, the trend once


def test_the_score_trend_is_over_the_latest_eight_days_with_marks(app):
    """Older days do not count, and two marks on one day are that day's one point."""
    school, term = _school_with_term()
    student = factories.make_student(school)
    maths = factories.make_section(school, None, student, term=term)
    science = factories.make_section(school, None, student, term=term)
    period = term.grading_periods[1]
    # Two old days of 100 before the latest eight days: 40, then 60 rising by 2 a day to 72 on
    # the newest day, which has two marks (70 and 74: one point of 72). The eight days give
    # 3.5; seven days (the newest day counted twice) 2.0; nine or ten days -0.03 or -1.83.
    for offset, score in ((30, 100), (29, 100), (20, 40)):
        _piece(student, maths, period, score, TODAY - timedelta(days=offset))
    for day in range(6):
        _piece(student, maths, period, 60 + 2 * day, TODAY - timedelta(days=14 - day))
    _piece(student, maths, period, 70, TODAY)
    _piece(student, science, period, 74, TODAY)
    found = compute_indicators(school, [student.id], TODAY)[student.id]
    assert found["score_trend"] == 3.5
