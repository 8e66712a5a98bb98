"""Small trend charts for the student profile (pure: numbers in, Plotly figure out)."""

import plotly.graph_objects as go

_LAYOUT = dict(height=240, margin=dict(l=40, r=10, t=30, b=40), showlegend=True,
               legend=dict(orientation="h", y=-0.25), paper_bgcolor="#fff", plot_bgcolor="#fff")


def attendance_figure(months: list[str], rates: list[float | None], *, title: str) -> go.Figure:
    """Return a line chart of the attendance rate (percent) per month."""
    figure = go.Figure(go.Scatter(x=months, y=rates, mode="lines+markers", name=title,
                                  connectgaps=False, hovertemplate="%{x}: %{y:.1f}%"))
    figure.update_layout(title=title, **_LAYOUT)
    figure.update_xaxes(type="category")
    figure.update_yaxes(range=[0, 100], ticksuffix="%")
    return figure


def grades_figure(periods: list[str], averages: dict[str, list[float | None]], *,
                  title: str, pass_mark: float | None = None) -> go.Figure:
    """Return one line per course of the average grade (percent) per grading period."""
    figure = go.Figure([
        go.Scatter(x=periods, y=values, mode="lines+markers", name=course,
                   hovertemplate=course + " %{x}: %{y:.0f}%")
        for course, values in sorted(averages.items())
    ])
    if pass_mark is not None:
        figure.add_hline(y=pass_mark, line_dash="dot", line_color="#b42318")
    figure.update_layout(title=title, **_LAYOUT)
    figure.update_xaxes(type="category")
    figure.update_yaxes(range=[0, 100], ticksuffix="%")
    return figure
