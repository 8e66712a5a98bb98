"""Plotly figures, built in Python from the dashboard queries' numbers.

Every clickable bar or point carries, in its customdata, the address of the list of
students behind it; static/js/dashboards.js follows it on click.

The figures are written as Plotly's JSON directly, as the profile's are
(portal/students/charts.py): building them through plotly's validated graph objects cost
~35 ms of CPU on every dashboard (docs/performance.md). tests/dashboards/test_figures.py
checks the JSON equals what plotly's graph objects write.
"""

from collections.abc import Callable
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

from portal.core.codes import word_of
from portal.core.time import to_local
from portal.dashboards.queries import GRADE_BANDS

LEVEL_COLOURS = {"none": "#4ac26b", "watch": "#d4a72c", "high": "#cf222e"}
# What plotly writes for the "none" template (no theme: the page's own styles apply).
NO_TEMPLATE = {"data": {"scatter": [{"type": "scatter"}]}}
Link = Callable[..., str]


def _layout(title_y: str, **extra) -> dict:
    """The layout every figure starts from; the values axis groups thousands (4,428), on its
    ticks and in the hover, with the separator of the page's language (Plotly's locale)."""
    return {"template": NO_TEMPLATE, "margin": {"l": 50, "r": 10, "t": 10, "b": 40},
            "yaxis": {"title": {"text": title_y}, "rangemode": "tozero",
                      "separatethousands": True, "hoverformat": ","},
            "legend": {"orientation": "h", "y": -0.2}, "hovermode": "closest",
            "autosize": True, **extra}


def _note(text: str) -> dict:
    """An annotation in the middle of the plot (for a figure with nothing to draw)."""
    return {"showarrow": False, "text": text, "x": 0.5, "xref": "paper",
            "y": 0.5, "yref": "paper"}


def _figure(traces: list[dict], layout: dict, *, empty: bool = False) -> dict:
    """Return Plotly's figure JSON; with "No data yet" in the middle when `empty`."""
    if empty:
        layout = {**layout, "annotations": [_note(_("No data yet"))]}
    return {"data": traces, "layout": layout}


def shown_date(day: str | date) -> str:
    """Write a day as a date in the viewer's language ("1 Dec 2026"), never a time."""
    return format_date(date.fromisoformat(str(day)[:10]), "medium")


def date_axis(days: list[date], most: int = 8) -> dict:
    """A date axis ticked on days of the data (at most `most`, evenly spread), written in the
    viewer's language: Plotly's own ticks fall on Sundays, and on hours when days are few."""
    step = -(-len(days) // most) or 1
    ticked = days[::step]
    return {"type": "date", "tickmode": "array", "tickvals": [day.isoformat() for day in ticked],
            "ticktext": [shown_date(day) for day in ticked]}


def _count_step(largest: int, ticks: int = 8) -> int:
    """Return the smallest of 1, 2, 5, 10, 20, 50… that reaches the largest count in `ticks`."""
    power = 1
    while True:
        for multiple in (1, 2, 5):
            if largest <= multiple * power * ticks:
                return multiple * power
        power *= 10


def count_axis(largest: int, title: str) -> dict:
    """A values axis of whole counts, in round whole steps (Plotly's own fall on 0.5)."""
    return {"title": {"text": title}, "rangemode": "tozero", "tick0": 0,
            "dtick": _count_step(largest), "tickformat": ",d", "separatethousands": True,
            "hoverformat": ","}


def attendance_figure(weeks: list[dict], link: Link | None = None) -> dict:
    """Attendance rate by week; a point links to the students absent that week."""
    trace = {"type": "scatter", "mode": "lines+markers", "name": _("attendance rate"),
             "x": [w["week"].isoformat() for w in weeks], "y": [w["rate"] for w in weeks],
             "customdata": [link(chart="attendance", week=w["week"].isoformat()) if link
                            else "" for w in weeks],
             "hovertemplate": _("week of %{x}: %{y}%") + "<extra></extra>"}
    layout = _layout(_("attendance (%)"), xaxis=date_axis([w["week"] for w in weeks]),
                     yaxis={"range": [0, 100], "title": {"text": _("attendance (%)")}})
    return _figure([trace], layout, empty=not weeks)


def behaviour_figure(weeks: list[dict], link: Link) -> dict:
    """Negative behaviour incidents by week; a bar links to the students involved."""
    trace = {"type": "bar", "name": _("incidents"), "marker": {"color": "#8250df"},
             "x": [w["week"].isoformat() for w in weeks], "y": [w["incidents"] for w in weeks],
             "customdata": [link(chart="behaviour", week=w["week"].isoformat())
                            for w in weeks],
             "hovertemplate": _("week of %{x}: %{y} incidents") + "<extra></extra>"}
    layout = _layout(_("incidents"), xaxis=date_axis([w["week"] for w in weeks]),
                     yaxis=count_axis(max((w["incidents"] for w in weeks), default=0),
                                      _("incidents")))
    return _figure([trace], layout, empty=not weeks)


def grades_figure(distribution: dict, link: Link) -> dict:
    """Grade distribution by grading period: one group of bars per band, one colour per period."""
    bands = [label for _, _, label in GRADE_BANDS]
    traces = [{"type": "bar", "x": bands, "y": [counts.get(band, 0) for band in bands],
               "name": period,
               "customdata": [link(chart="grades", period=period, band=band) for band in bands],
               "hovertemplate": f"{period}, " + "%{x}: %{y}<extra></extra>"}
              for period, counts in distribution.items()]
    largest = max((count for counts in distribution.values() for count in counts.values()),
                  default=0)
    layout = _layout(_("grades"), barmode="group", yaxis=count_axis(largest, _("grades")),
                     xaxis={"title": {"text": _("grade band (%)")}})
    return _figure(traces, layout, empty=not distribution)


def risk_levels_figure(days: list[dict], link: Link) -> dict:
    """Number of students per risk level over time, stacked; a bar links to those students.

    With a single recompute there is no "over time": the figure says so in words.
    """
    labels = [shown_date(d["day"]) for d in days]
    largest = max((d["high"] + d["watch"] + d["none"] for d in days), default=0)  # stacked
    layout = _layout(_("students"), barmode="stack", xaxis={"type": "category"},
                     yaxis=count_axis(largest, _("students")))
    if len(days) == 1:
        only = days[0]
        return _figure([], {**layout, "annotations": [_note(_(
            "One recompute so far (%(day)s): %(high)d high, %(watch)d watch, "
            "%(none)d not flagged. The chart starts with the next one.",
            day=labels[0], high=only["high"], watch=only["watch"], none=only["none"]))]})
    traces = [{"type": "bar", "x": labels, "y": [d[level] for d in days],
               "name": str(word_of(level)), "marker": {"color": LEVEL_COLOURS[level]},
               "customdata": [link(chart="risk", day=d["day"], level=level) for d in days],
               "hovertemplate": "%{x}: %{y}<extra></extra>"}
              for level in ("high", "watch", "none")]
    return _figure(traces, layout, empty=not days)


def student_grades_figure(periods: list[tuple[str, float]]) -> dict:
    """A student's grade average per grading period."""
    trace = {"type": "scatter", "mode": "lines+markers", "name": _("grade average"),
             "x": [name for name, _ in periods],
             "y": [round(average, 1) for _, average in periods]}
    return _figure([trace], _layout(_("grade average (%)")), empty=not periods)


def newest_each_day(history: list[tuple], timezone: str) -> list[tuple[date, float, str]]:
    """Return (day, score, level) of the newest assessment of each day in the school's zone,
    from (computed_at, score, level) oldest first."""
    days = {to_local(moment, timezone).date(): (score, level) for moment, score, level in history}
    return [(day, score, level) for day, (score, level) in days.items()]


def student_risk_figure(history: list[tuple], timezone: str) -> dict:
    """A student's risk score over time, one point a day (its newest assessment), each
    coloured by its level, on a date axis."""
    points = newest_each_day(history, timezone)
    days = [day for day, _, _ in points]
    trace = {"type": "scatter", "mode": "lines+markers", "name": _("risk score"),
             "x": [day.isoformat() for day in days], "y": [score for _, score, _ in points],
             "text": [shown_date(day) for day in days],
             "hovertemplate": "%{text}: %{y}<extra></extra>",
             "marker": {"color": [LEVEL_COLOURS[level] for _, _, level in points], "size": 9},
             "line": {"color": "#57606a"}}
    layout = _layout(_("risk score"), xaxis=date_axis(days))
    return _figure([trace], layout, empty=not points)


def event_study_figure(weeks: list[dict], outcome: str) -> dict:
    """Both groups' mean per week relative to the start, with the start marked."""
    title = _("attendance (%)") if outcome == "attendance" else _("assessment average (%)")
    layout = _layout(title, xaxis={"title": {"text": _(
        "weeks from the start (0 = the start week)")}, "dtick": 1})
    layout["yaxis"] = {**layout["yaxis"], "rangemode": "normal"}
    layout["shapes"] = [{"type": "line", "line": {"color": "#cf222e", "dash": "dash"},
                         "x0": -0.5, "x1": -0.5, "xref": "x", "y0": 0, "y1": 1,
                         "yref": "y domain"}]
    traces = [{"type": "scatter", "mode": "lines+markers", "name": name,
               "x": [w["week"] for w in weeks], "y": [round(w[key], 1) + 0.0 for w in weeks],
               "line": {"color": colour},
               "hovertemplate": _("week %{x}: %{y}") + "<extra></extra>"}
              for key, name, colour in (("participants", _("participants"), "#0969da"),
                                        ("comparison", _("matched students"), "#57606a"))]
    return _figure(traces, layout, empty=not weeks)
