"""Plotly figures, built in Python from the dashboard queries' numbers.

Every clickable bar or point carries, in its customdata, the address of the list of
students behind it; static/js/dashboards.js follows it on click.
"""

import json
from collections.abc import Callable
from datetime import date

import plotly.graph_objects as go
from flask_babel import format_date
from flask_babel import gettext as _

from portal.dashboards.queries import GRADE_BANDS

LEVEL_COLOURS = {"none": "#4ac26b", "watch": "#d4a72c", "high": "#cf222e"}
Link = Callable[..., str]


def _layout(title_y: str, **extra) -> dict:
    return {"template": "none", "margin": {"l": 50, "r": 10, "t": 10, "b": 40},
            "yaxis": {"title": {"text": title_y}, "rangemode": "tozero"},
            "legend": {"orientation": "h", "y": -0.2}, "hovermode": "closest",
            "autosize": True, **extra}


def _empty(figure: go.Figure) -> go.Figure:
    figure.add_annotation(text=_("No data yet"), showarrow=False, x=0.5, y=0.5,
                          xref="paper", yref="paper")
    return figure


def to_json(figure: go.Figure) -> dict:
    """Return the figure as plain JSON data (for the page's |tojson)."""
    return json.loads(figure.to_json())


def attendance_figure(weeks: list[dict], link: Link | None = None) -> go.Figure:
    """Attendance rate by week; a point links to the students absent that week."""
    figure = go.Figure(go.Scatter(
        x=[w["week"].isoformat() for w in weeks], y=[w["rate"] for w in weeks],
        mode="lines+markers", name=_("attendance rate"),
        customdata=[link(chart="attendance", week=w["week"].isoformat()) if link else ""
                    for w in weeks],
        hovertemplate=_("week of %{x}: %{y}%") + "<extra></extra>"),
        layout=_layout(_("attendance (%)"), yaxis={"range": [0, 100],
                                                   "title": {"text": _("attendance (%)")}}))
    return figure if weeks else _empty(figure)


def behaviour_figure(weeks: list[dict], link: Link) -> go.Figure:
    """Negative behaviour incidents by week; a bar links to the students involved."""
    figure = go.Figure(go.Bar(
        x=[w["week"].isoformat() for w in weeks], y=[w["incidents"] for w in weeks],
        name=_("incidents"), marker_color="#8250df",
        customdata=[link(chart="behaviour", week=w["week"].isoformat()) for w in weeks],
        hovertemplate=_("week of %{x}: %{y} incidents") + "<extra></extra>"),
        layout=_layout(_("incidents")))
    return figure if weeks else _empty(figure)


def grades_figure(distribution: dict, link: Link) -> go.Figure:
    """Grade distribution by grading period: one group of bars per band, one colour per period."""
    bands = [label for _, _, label in GRADE_BANDS]
    figure = go.Figure(layout=_layout(_("grades"), barmode="group",
                                      xaxis={"title": {"text": _("grade band (%)")}}))
    for period, counts in distribution.items():
        figure.add_trace(go.Bar(
            x=bands, y=[counts.get(band, 0) for band in bands], name=period,
            customdata=[link(chart="grades", period=period, band=band) for band in bands],
            hovertemplate=f"{period}, " + "%{x}: %{y}<extra></extra>"))
    return figure if distribution else _empty(figure)


def shown_date(day: str | date) -> str:
    """Write a day as a date in the viewer's language ("1 Dec 2026"), never a time."""
    return format_date(date.fromisoformat(str(day)[:10]), "medium")


def risk_levels_figure(days: list[dict], link: Link) -> go.Figure:
    """Number of students per risk level over time, stacked; a bar links to those students.

    With a single recompute there is no "over time": the figure says so in words.
    """
    labels = [shown_date(d["day"]) for d in days]
    figure = go.Figure(layout=_layout(_("students"), barmode="stack",
                                      xaxis={"type": "category"}))
    for level in ("high", "watch", "none"):
        figure.add_trace(go.Bar(
            x=labels, y=[d[level] for d in days], name=_(level),
            marker_color=LEVEL_COLOURS[level],
            customdata=[link(chart="risk", day=d["day"], level=level) for d in days],
            hovertemplate="%{x}: %{y}<extra></extra>"))
    if len(days) == 1:
        only = days[0]
        figure.data = ()
        figure.add_annotation(
            text=_("One recompute so far (%(day)s): %(high)d high, %(watch)d watch, "
                   "%(none)d not flagged. The chart starts with the next one.",
                   day=labels[0], high=only["high"], watch=only["watch"], none=only["none"]),
            showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
        return figure
    return figure if days else _empty(figure)


def student_grades_figure(periods: list[tuple[str, float]]) -> go.Figure:
    """A student's grade average per grading period."""
    figure = go.Figure(go.Scatter(x=[name for name, _ in periods],
                                  y=[round(average, 1) for _, average in periods],
                                  mode="lines+markers", name=_("grade average")),
                       layout=_layout(_("grade average (%)")))
    return figure if periods else _empty(figure)


def student_risk_figure(history: list[tuple]) -> go.Figure:
    """A student's risk score over time, each point coloured by its level."""
    figure = go.Figure(go.Scatter(
        x=[shown_date(moment) for moment, _, _ in history], y=[score for _, score, _ in history],
        mode="lines+markers", name=_("risk score"),
        marker={"color": [LEVEL_COLOURS[level] for _, _, level in history], "size": 9},
        line={"color": "#57606a"}), layout=_layout(_("risk score"), xaxis={"type": "category"}))
    return figure if history else _empty(figure)


def event_study_figure(weeks: list[dict], outcome: str) -> go.Figure:
    """Both groups' mean per week relative to the start, with the start marked."""
    title = _("attendance (%)") if outcome == "attendance" else _("assessment average (%)")
    figure = go.Figure(layout=_layout(title, xaxis={"title": {"text": _(
        "weeks from the start (0 = the start week)")}, "dtick": 1}))
    for key, name, colour in (("participants", _("participants"), "#0969da"),
                              ("comparison", _("matched students"), "#57606a")):
        figure.add_trace(go.Scatter(
            x=[w["week"] for w in weeks], y=[round(w[key], 1) for w in weeks],
            mode="lines+markers", name=name, line={"color": colour},
            hovertemplate=_("week %{x}: %{y}") + "<extra></extra>"))
    figure.add_vline(x=-0.5, line_dash="dash", line_color="#cf222e")
    figure.update_yaxes(rangemode="normal")
    return figure if weeks else _empty(figure)
