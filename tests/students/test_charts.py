"""The profile's trend figures are built from plain numbers, without an app."""

import json

import plotly.graph_objects as go

from portal.students.charts import attendance_figure, grades_figure


def test_attendance_figure_plots_each_month_on_a_percent_axis():
    data = attendance_figure(["2026-09", "2026-10"], [98.0, 91.5], title="Attendance")
    assert data["data"][0]["x"] == ["2026-09", "2026-10"]
    assert data["data"][0]["y"] == [98.0, 91.5]
    assert data["layout"]["yaxis"]["range"] == [0, 100]


def test_grades_figure_draws_one_line_per_course_and_the_pass_mark():
    data = grades_figure(["Q1", "Q2"], {"Science": [70.0, None], "Mathematics": [55.0, 48.0]},
                         title="Grades", pass_mark=60)
    assert [trace["name"] for trace in data["data"]] == ["Mathematics", "Science"]
    assert data["data"][1]["y"] == [70.0, None]
    assert data["layout"]["shapes"][0]["y0"] == 60


def _plotly(traces, title, pass_mark=None) -> dict:
    """The same figure built through plotly's graph objects, as the profile did before."""
    figure = go.Figure(traces)
    if pass_mark is not None:
        figure.add_hline(y=pass_mark, line_dash="dot", line_color="#b42318")
    figure.update_layout(title=title, height=240, margin=dict(l=40, r=10, t=30, b=40),
                         showlegend=True, legend=dict(orientation="h", y=-0.25),
                         paper_bgcolor="#fff", plot_bgcolor="#fff")
    figure.update_xaxes(type="category")
    figure.update_yaxes(range=[0, 100], ticksuffix="%")
    return json.loads(figure.to_json())


def test_figures_are_the_json_plotly_itself_writes():
    months, rates = ["2026-09", "2026-10"], [98.0, None]
    assert json.loads(json.dumps(attendance_figure(months, rates, title="Attendance"))) == \
        _plotly([go.Scatter(x=months, y=rates, mode="lines+markers", name="Attendance",
                            connectgaps=False, hovertemplate="%{x}: %{y:.1f}%")], "Attendance")
    averages = {"Science": [70.0, None], "Mathematics": [55.0, 48.0]}
    for pass_mark in (60, None):
        assert json.loads(json.dumps(grades_figure(["Q1", "Q2"], averages, title="Grades",
                                                   pass_mark=pass_mark))) == _plotly(
            [go.Scatter(x=["Q1", "Q2"], y=values, mode="lines+markers", name=course,
                        hovertemplate=course + " %{x}: %{y:.0f}%")
             for course, values in sorted(averages.items())], "Grades", pass_mark)
