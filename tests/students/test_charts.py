"""The profile's trend figures are built from plain numbers, without an app."""

import json

from portal.students.charts import attendance_figure, grades_figure


def test_attendance_figure_plots_each_month_on_a_percent_axis():
    figure = attendance_figure(["2026-09", "2026-10"], [98.0, 91.5], title="Attendance")
    data = json.loads(figure.to_json())
    assert data["data"][0]["x"] == ["2026-09", "2026-10"]
    assert data["data"][0]["y"] == [98.0, 91.5]
    assert data["layout"]["yaxis"]["range"] == [0, 100]


def test_grades_figure_draws_one_line_per_course_and_the_pass_mark():
    figure = grades_figure(["Q1", "Q2"], {"Science": [70.0, None], "Mathematics": [55.0, 48.0]},
                           title="Grades", pass_mark=60)
    data = json.loads(figure.to_json())
    assert [trace["name"] for trace in data["data"]] == ["Mathematics", "Science"]
    assert data["data"][1]["y"] == [70.0, None]
    assert data["layout"]["shapes"][0]["y0"] == 60
