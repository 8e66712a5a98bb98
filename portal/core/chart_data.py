"""The numbers behind a Plotly chart, as a table: the chart's text alternative."""

import base64
import json
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ChartTable:
    """A chart's data: one row per x value (week, period, band), one column per line or bar."""

    title: str
    heading: str
    columns: list[str]
    rows: list[tuple[object, list[object]]]


def _values(values) -> list:
    """Return a trace's values as a list, decoding Plotly's packed arrays ({dtype, bdata})."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def _title(part: dict) -> str:
    title = (part or {}).get("title") or ""
    return title.get("text") or "" if isinstance(title, dict) else str(title)


def chart_table(figure) -> ChartTable | None:
    """Return the table of a figure (a dict, its JSON, or a go.Figure); None when it has no data."""
    if isinstance(figure, str):
        figure = json.loads(figure)
    elif hasattr(figure, "to_plotly_json"):
        figure = figure.to_plotly_json()
    traces = [trace for trace in figure.get("data") or ()
              if trace.get("x") is not None and trace.get("y") is not None]
    if not traces:
        return None
    series = [dict(zip(_values(trace["x"]), _values(trace["y"]), strict=False))
              for trace in traces]
    xs = list(dict.fromkeys(x for values in series for x in values))
    layout = figure.get("layout") or {}
    value_title = _title(layout.get("yaxis"))
    columns = [trace.get("name") or value_title for trace in traces]
    return ChartTable(title=_title(layout),
                      heading=_title(layout.get("xaxis")), columns=columns,
                      rows=[(x, [values.get(x) for values in series]) for x in xs])
