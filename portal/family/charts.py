"""The family pages' trend charts: data shaping and Plotly figures (no Flask, no database)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from statistics import fmean

import plotly.graph_objects as go

from portal.core.time import monday_of

ACCENT = "#0b5cad"
PALETTE = ("#0b5cad", "#b42318", "#1a7f37", "#9a6700", "#6639ba", "#0a7f86", "#4a5560")


@dataclass(frozen=True)
class GradeRow:
    """One grade of a child, with its subject and grading period."""

    subject: str
    period: str
    period_starts_on: date
    kind: str  # "assessment" or "period"
    percent: float


def weekly_attendance_rates(days: list[tuple[date, bool]]) -> list[tuple[date, float]]:
    """Return (Monday of the week, percent of days present) for each week with records."""
    weeks: dict[date, list[bool]] = defaultdict(list)
    for on_date, absent in days:
        weeks[monday_of(on_date)].append(absent)
    return [
        (monday, round(100.0 * marks.count(False) / len(marks), 1))
        for monday, marks in sorted(weeks.items())
    ]


def subject_period_grades(rows: list[GradeRow]) -> list[dict]:
    """Return one grade per subject and period: the period grade, else the assessments' mean."""
    grouped: dict[tuple[str, date, str], list[GradeRow]] = defaultdict(list)
    for row in rows:
        grouped[(row.subject, row.period_starts_on, row.period)].append(row)
    result = []
    for (subject, starts_on, period), marks in sorted(grouped.items()):
        final = [mark.percent for mark in marks if mark.kind == "period"]
        result.append({
            "subject": subject,
            "period": period,
            "period_starts_on": starts_on,
            "percent": round(final[-1] if final else fmean(m.percent for m in marks), 1),
            "is_period_grade": bool(final),
            "assessments": sum(1 for mark in marks if mark.kind != "period"),
        })
    return result


def _layout(title: str, y_label: str) -> dict:
    return {
        "title": {"text": title, "font": {"size": 15}},
        "margin": {"l": 44, "r": 8, "t": 36, "b": 40},
        "height": 260,
        "yaxis": {"title": {"text": y_label}, "range": [0, 102], "fixedrange": True},
        "xaxis": {"fixedrange": True},
        "legend": {"orientation": "h", "y": -0.25},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
    }


def attendance_figure(weekly: list[tuple[date, float]], *, title: str, y_label: str) -> str:
    """Return the Plotly JSON of the weekly attendance rate line."""
    figure = go.Figure(
        go.Scatter(x=[monday.isoformat() for monday, _rate in weekly],
                   y=[rate for _monday, rate in weekly], mode="lines+markers",
                   line={"color": ACCENT, "width": 3}, hovertemplate="%{x}: %{y} %<extra></extra>"),
        layout=_layout(title, y_label),
    )
    return figure.to_json()


def grades_figure(grades: list[dict], *, title: str, y_label: str) -> str:
    """Return the Plotly JSON of one line per subject across the grading periods."""
    ordered = sorted(grades, key=lambda row: row["period_starts_on"])
    periods = list(dict.fromkeys(row["period"] for row in ordered))
    by_subject: dict[str, dict[str, float]] = defaultdict(dict)
    for row in grades:
        by_subject[row["subject"]][row["period"]] = row["percent"]
    figure = go.Figure(layout=_layout(title, y_label))
    for index, (subject, marks) in enumerate(sorted(by_subject.items())):
        figure.add_trace(go.Scatter(
            x=[period for period in periods if period in marks],
            y=[marks[period] for period in periods if period in marks],
            name=subject, mode="lines+markers",
            line={"color": PALETTE[index % len(PALETTE)], "width": 2},
            hovertemplate=f"{subject} · %{{x}}: %{{y}} %<extra></extra>",
        ))
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=periods)
    return figure.to_json()
