"""Figures carry the right numbers; difference in differences on known changes."""

import json
from datetime import date, datetime, timedelta

import plotly.graph_objects as go
from flask_babel import force_locale
from sqlalchemy import select

from portal.auth.models import Role
from portal.dashboards import figures, pages, queries
from portal.extensions import db
from portal.people.models import Student
from portal.risk.models import RiskAssessment, RiskRuleSet
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
    figure = figures.attendance_figure(queries.attendance_by_week(scope), _link)
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
    grades = figures.grades_figure(queries.grade_distribution(scope), _link)
    (q1,) = grades["data"]
    assert q1["name"] == "Q1" and q1["y"][:2] == [1, 2]  # 0–49: one, 50–59: two
    behaviour = figures.behaviour_figure(queries.behaviour_by_week(scope), _link)
    assert behaviour["data"][0]["x"] == ["2026-11-16"] and behaviour["data"][0]["y"] == [2]


def test_every_figure_is_the_json_plotly_itself_writes(app):
    """Each figure is valid Plotly (its graph objects accept it) and written as plotly would."""
    weeks = [{"week": date(2026, 11, 9), "rate": 92.5, "incidents": 3}]
    made = [
        figures.attendance_figure(weeks, _link), figures.attendance_figure([]),
        figures.behaviour_figure(weeks, _link), figures.behaviour_figure([], _link),
        figures.grades_figure({"Q1": {"0–49": 2}, "Q2": {}}, _link),
        figures.grades_figure({}, _link),
        figures.risk_levels_figure([{"day": f"2026-11-{d}", "high": 1, "watch": 2, "none": 3}
                                    for d in (18, 25)], _link),
        figures.risk_levels_figure([{"day": "2026-11-25", "high": 1, "watch": 0, "none": 9}],
                                   _link),
        figures.student_grades_figure([("Q1", 71.26)]), figures.student_risk_figure([], "UTC"),
        figures.student_risk_figure([(datetime(2026, 11, 25, 15), 0.4, "watch")], "UTC"),
        figures.event_study_figure([{"week": -1, "participants": 90.0, "comparison": 91.0}],
                                   "attendance"),
        figures.event_study_figure([], "grades"),
    ]
    for figure in made:
        written = json.loads(json.dumps(figure))
        assert json.loads(go.Figure(written).to_json()) == written
    assert made[1]["layout"]["annotations"][0]["text"] == "No data yet"
    assert made[7]["data"] == [] and "9 not flagged" in made[7]["layout"]["annotations"][0]["text"]


def test_a_students_risk_chart_has_one_point_a_day_on_a_date_axis(app):
    """The newest assessment of each day in the school's zone, on a real date axis whose
    ticks are the data's days in the reader's language."""
    school = factories.make_school(timezone="America/New_York")
    student = factories.make_student(school)
    rules = RiskRuleSet(school_id=school.id, version=1, settings={})
    db.session.add(rules)
    db.session.flush()
    for moment, score, level in ((datetime(2026, 11, 18, 15), 20.0, "none"),
                                 (datetime(2026, 11, 25, 14), 30.0, "watch"),
                                 (datetime(2026, 11, 25, 23, 30), 45.0, "high"),
                                 (datetime(2026, 11, 26, 2), 50.0, "high")):  # 21:00 on the 25th
        db.session.add(RiskAssessment(student_id=student.id, rule_set_id=rules.id, score=score,
                                      level=level, reasons=[], computed_at=moment))
    db.session.flush()
    viewer = factories.make_user(Role.ADMINISTRATOR, school)
    with app.test_request_context(), force_locale("fr"):
        figure = pages.profile_panel_context(viewer, student)["charts"]["risk"]
    (trace,) = figure["data"]
    assert trace["x"] == ["2026-11-18", "2026-11-25"] and trace["y"] == [20.0, 50.0]
    colours = figures.LEVEL_COLOURS
    assert trace["marker"]["color"] == [colours["none"], colours["high"]]
    axis = figure["layout"]["xaxis"]
    assert axis["type"] == "date" and axis["tickvals"] == ["2026-11-18", "2026-11-25"]
    assert axis["ticktext"] == ["18 nov. 2026", "25 nov. 2026"]


def test_the_behaviour_chart_ticks_whole_counts_and_week_starts(app):
    weeks = [{"week": date(2026, 9, 7) + timedelta(weeks=n), "incidents": count}
             for n, count in enumerate([1, 3, 2, 0, 1, 2, 1, 3, 2, 1, 1, 2])]
    with app.test_request_context(), force_locale("en"):
        figure = figures.behaviour_figure(weeks, _link)
    axis = figure["layout"]["xaxis"]
    assert axis["type"] == "date" and len(axis["tickvals"]) <= 8
    assert all(date.fromisoformat(day).weekday() == 0 for day in axis["tickvals"])  # Mondays
    assert axis["ticktext"][0] == "Sep 7, 2026"
    counts = figure["layout"]["yaxis"]
    assert counts["dtick"] == 1 and counts["tickformat"] == ",d"
    many = figures.behaviour_figure([{"week": date(2026, 11, 16), "incidents": 4428}], _link)
    assert many["layout"]["yaxis"]["dtick"] == 1000  # whole, round steps: never 0.5


def test_the_grade_and_risk_charts_tick_whole_counts_too(app):
    grades = figures.grades_figure({"Q1": {"0–49": 1, "50–59": 3}}, _link)
    risk = figures.risk_levels_figure([{"day": f"2026-11-{d}", "high": 30, "watch": 40,
                                        "none": 4358} for d in (18, 25)], _link)
    assert (grades["layout"]["yaxis"]["dtick"], risk["layout"]["yaxis"]["dtick"]) == (1, 1000)
    assert risk["layout"]["yaxis"]["tickformat"] == ",d"
