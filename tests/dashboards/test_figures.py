"""Figures carry the right numbers; difference in differences on known changes."""

from datetime import date

from sqlalchemy import select

from portal.dashboards import figures, queries
from portal.people.models import Student
from tests import factories
from tests.risk.helpers import TODAY, give_grade, record_attendance, record_incidents, school_days


def _link(**params):
    return "/drill?" + "&".join(f"{k}={v}" for k, v in sorted(params.items()))


def test_attendance_figure_holds_each_weeks_rate_and_drill_link(app):
    school = factories.make_school()
    factories.make_term(school)
    first, second = factories.make_student(school), factories.make_student(school)
    days = school_days(TODAY, 10)  # two full weeks: 9–13 and 16–20 November
    record_attendance(first, days, absent_on={days[0], days[6]})
    record_attendance(second, days, absent_on={days[1]})
    scope = select(Student.id).where(Student.school_id == school.id)
    figure = figures.to_json(figures.attendance_figure(queries.attendance_by_week(scope), _link))
    trace = figure["data"][0]
    assert trace["x"] == ["2026-11-09", "2026-11-16"]
    assert trace["y"] == [80.0, 90.0]  # 8 of 10, then 9 of 10 student-days
    assert trace["customdata"][0] == "/drill?chart=attendance&week=2026-11-09"


def test_grade_and_behaviour_figures_count_what_was_recorded(app):
    school = factories.make_school()
    term = factories.make_term(school)
    students = [factories.make_student(school) for _ in range(3)]
    section = factories.make_section(school, None, *students, term=term)
    for student, score in zip(students, (45, 55, 58), strict=True):
        give_grade(student, section, term.grading_periods[0], score)
    record_incidents(students[0], 2, date(2026, 11, 18))
    scope = select(Student.id).where(Student.school_id == school.id)
    grades = figures.to_json(figures.grades_figure(queries.grade_distribution(scope), _link))
    (q1,) = grades["data"]
    assert q1["name"] == "Q1" and q1["y"][:2] == [1, 2]  # 0–49: one, 50–59: two
    behaviour = figures.to_json(figures.behaviour_figure(queries.behaviour_by_week(scope), _link))
    assert behaviour["data"][0]["x"] == ["2026-11-16"] and behaviour["data"][0]["y"] == [2]
