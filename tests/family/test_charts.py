"""The family trend charts, built without an app."""

import json
from datetime import date

from portal.family.charts import (
    GradeRow,
    attendance_figure,
    grades_figure,
    subject_period_grades,
    weekly_attendance_rates,
)


def test_weekly_rates_group_school_days_by_monday():
    days = [(date(2026, 10, 5), False), (date(2026, 10, 6), True), (date(2026, 10, 9), False),
            (date(2026, 10, 13), False)]
    assert weekly_attendance_rates(days) == [(date(2026, 10, 5), 66.7), (date(2026, 10, 12), 100.0)]
    assert weekly_attendance_rates([]) == []


def _row(subject, period, month, percent, kind="assessment"):
    return GradeRow(subject, period, date(2026, month, 1), kind, percent)


def test_period_grade_wins_over_the_assessments_average():
    grades = subject_period_grades([
        _row("Math", "Q1", 9, 70), _row("Math", "Q1", 9, 81), _row("Math", "Q2", 11, 60),
        _row("Math", "Q2", 11, 88, kind="period"), _row("Art", "Q1", 9, 95),
    ])
    assert [(g["subject"], g["period"], g["percent"], g["is_period_grade"]) for g in grades] == [
        ("Art", "Q1", 95.0, False), ("Math", "Q1", 75.5, False), ("Math", "Q2", 88.0, True)]


def test_attendance_figure_is_a_line_of_weekly_rates():
    figure = json.loads(attendance_figure([(date(2026, 10, 5), 80.0)], title="Weekly",
                                          y_label="%"))
    (trace,) = figure["data"]
    assert trace["x"] == ["2026-10-05"] and trace["y"] == [80.0]
    assert figure["layout"]["title"]["text"] == "Weekly"


def test_grades_figure_has_one_line_per_subject_with_periods_in_term_order():
    grades = subject_period_grades([_row("Math", "Q2", 11, 80), _row("Art", "Q1", 9, 90),
                                    _row("Math", "Q1", 9, 70)])
    figure = json.loads(grades_figure(grades, title="Grades", y_label="%"))
    assert [trace["name"] for trace in figure["data"]] == ["Art", "Math"]
    assert figure["data"][1]["x"] == ["Q1", "Q2"] and figure["data"][1]["y"] == [70.0, 80.0]
    assert figure["layout"]["xaxis"]["categoryarray"] == ["Q1", "Q2"]
