"""Small trend charts for the student profile (pure: numbers in, Plotly figure JSON out).

The figures are written as Plotly's JSON directly: building them through plotly's
validated graph objects cost ~30 ms of CPU per chart on every profile
(docs/performance.md); tests/students/test_charts.py checks the JSON equals Plotly's own.
"""

import json
from functools import lru_cache

_LAYOUT = dict(height=240, margin=dict(l=40, r=10, t=30, b=40), showlegend=True,
               legend=dict(orientation="h", y=-0.25), paper_bgcolor="#fff", plot_bgcolor="#fff")
_AXES = {"xaxis": {"type": "category"}, "yaxis": {"range": [0, 100], "ticksuffix": "%"}}


@lru_cache(maxsize=1)
def _template() -> dict:
    """Return Plotly's default template (what every figure of it carries); never changed."""
    import plotly.graph_objects as go

    return json.loads(go.Figure().to_json())["layout"]["template"]


def _figure(traces: list[dict], title: str, **layout) -> dict:
    return {"data": traces, "layout": {"template": _template(), **layout,
                                       "title": {"text": title}, **_LAYOUT, **_AXES}}


def attendance_figure(months: list[str], rates: list[float | None], *, title: str) -> dict:
    """Return a line chart of the attendance rate (percent) per month."""
    return _figure([{"connectgaps": False, "hovertemplate": "%{x}: %{y:.1f}%",
                     "mode": "lines+markers", "name": title, "x": months, "y": rates,
                     "type": "scatter"}], title)


def grades_figure(periods: list[str], averages: dict[str, list[float | None]], *,
                  title: str, pass_mark: float | None = None) -> dict:
    """Return one line per course of the average grade (percent) per grading period."""
    traces = [{"hovertemplate": course + " %{x}: %{y:.0f}%", "mode": "lines+markers",
               "name": course, "x": periods, "y": values, "type": "scatter"}
              for course, values in sorted(averages.items())]
    shapes = [{"line": {"color": "#b42318", "dash": "dot"}, "type": "line", "x0": 0, "x1": 1,
               "xref": "x domain", "y0": pass_mark, "y1": pass_mark, "yref": "y"}]
    return _figure(traces, title, **({"shapes": shapes} if pass_mark is not None else {}))
