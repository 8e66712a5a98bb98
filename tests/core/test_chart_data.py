"""The numbers behind a chart, as the table that is its text alternative."""

import json

import numpy as np
import plotly.graph_objects as go

from portal.core.chart_data import chart_table
from portal.core.templating import chart_value


def test_table_has_a_row_per_x_value_and_a_column_per_trace():
    figure = go.Figure([go.Bar(x=["Q1", "Q2"], y=[3, 5], name="A–B"),
                        go.Bar(x=["Q2", "Q3"], y=[7, 1], name="C–D")])
    figure.update_layout(title="Grades", xaxis_title="Period")
    table = chart_table(figure)
    assert table.title == "Grades" and table.heading == "Period"
    assert table.columns == ["A–B", "C–D"]
    assert table.rows == [("Q1", [3, None]), ("Q2", [5, 7]), ("Q3", [None, 1])]


def test_table_reads_json_and_plotlys_packed_arrays_and_names_a_lone_line_by_its_axis():
    figure = go.Figure(go.Scatter(x=["2026-11-02", "2026-11-09"], y=np.array([91.5, 88.25])))
    figure.update_layout(yaxis_title="Attendance rate (%)")
    as_json = figure.to_json()
    assert "bdata" in as_json  # Plotly packs numpy arrays
    table = chart_table(as_json)
    assert table.columns == ["Attendance rate (%)"]
    assert table.rows == [("2026-11-02", [91.5]), ("2026-11-09", [88.25])]
    assert chart_table(json.loads(as_json)) == table


def test_a_chart_without_data_has_no_table():
    assert chart_table(go.Figure()) is None
    assert chart_table({"data": [{"type": "pie", "values": [1, 2]}], "layout": {}}) is None


def test_table_values_are_written_for_the_readers_language(app):
    with app.test_request_context():
        assert chart_value(1234.56) == "1,234.6"
        assert chart_value(None) == "–"
        assert chart_value("2026-11-02") == "Nov 2, 2026"
        assert chart_value("2026-11-02T08:00:00") == "Nov 2, 2026"
        assert chart_value("Quarter 1") == "Quarter 1"
