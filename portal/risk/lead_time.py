"""How early and how steady the watch list is, from a week-by-week replay of a school year.

Pure: no Flask, no database. A history is the list of students flagged (watch or high) on
each replay day, and the failing grades of the year (student, day the grade was given).
"""

from dataclasses import dataclass, field
from datetime import date
from statistics import mean, median


@dataclass
class History:
    """The replayed watch lists of a school year and what happened after them."""

    flagged: dict[date, set[int]]  # replay day -> students flagged with what was known that day
    failing_grades: list[tuple[int, date]]  # (student, day a failing term grade was given)
    students: set[int]
    groups: dict[int, dict[str, str]] = field(default_factory=dict)  # never inputs

    @property
    def days(self) -> list[date]:
        return sorted(self.flagged)


def lead_times(history: History, students: set[int] | None = None) -> list[float | None]:
    """Return, per failing grade, the weeks from the first flag before it (None: never flagged)."""
    weeks = []
    for student, graded_on in history.failing_grades:
        if students is not None and student not in students:
            continue
        # A replay day on or after the grade already knows it: only earlier days count.
        first = next((day for day in history.days
                      if day < graded_on and student in history.flagged[day]), None)
        weeks.append(None if first is None else round((graded_on - first).days / 7, 1))
    return weeks


def summarise_lead_time(weeks: list[float | None]) -> dict:
    """Return how many failing grades were flagged ahead, the median lead and the shares."""
    ahead = [0.0 if lead is None else lead for lead in weeks]
    return {
        "failing_grades": len(weeks),
        "flagged_before": sum(lead is not None for lead in weeks),
        "never_flagged": sum(lead is None for lead in weeks),
        "median_weeks": round(median(ahead), 1) if ahead else None,
        "share_4_weeks": _share(sum(lead >= 4 for lead in ahead), len(ahead)),
        "share_8_weeks": _share(sum(lead >= 8 for lead in ahead), len(ahead)),
    }


def churn(history: History) -> dict:
    """Return week-to-week movement on the list: entered, left, stayed, and the averages."""
    days, steps = history.days, []
    for before, after in zip(days, days[1:], strict=False):
        was, now = history.flagged[before], history.flagged[after]
        steps.append({"from": before.isoformat(), "to": after.isoformat(), "on_list": len(now),
                      "entered": len(now - was), "left": len(was - now),
                      "stayed": len(now & was)})
    ever = set().union(*history.flagged.values()) if days else set()
    return {
        "weeks": steps,
        "mean_on_list": round(mean(len(history.flagged[day]) for day in days), 1) if days else None,
        "mean_entered": round(mean(step["entered"] for step in steps), 1) if steps else None,
        "mean_left": round(mean(step["left"] for step in steps), 1) if steps else None,
        # Of the students on the list one week, how many are not on it the next.
        "weekly_turnover": _share(sum(step["left"] for step in steps),
                                  sum(len(history.flagged[day]) for day in days[:-1])),
        "students_ever_flagged": len(ever),
        "flagged_more_than_once": sum(_streaks(history, student) > 1 for student in ever),
    }


def list_accuracy(history: History, students: set[int] | None = None) -> dict:
    """Return the list's precision, recall and false-alarm rate against the next term grades.

    On each replay day the outcome is a failing grade given at the next grading day after
    it; the figures are averaged over the replay days that have a next grading day.
    """
    chosen = history.students if students is None else history.students & students
    grading_days = sorted({graded_on for _, graded_on in history.failing_grades})
    figures = {"precision": [], "recall": [], "false_positive_rate": []}
    for day in history.days:
        upcoming = next((graded for graded in grading_days if graded > day), None)
        if upcoming is None:
            continue
        failing = {s for s, graded in history.failing_grades if graded == upcoming} & chosen
        flagged = history.flagged[day] & chosen
        figures["precision"].append(_ratio(len(flagged & failing), len(flagged)))
        figures["recall"].append(_ratio(len(flagged & failing), len(failing)))
        figures["false_positive_rate"].append(
            _ratio(len(flagged - failing), len(chosen - failing)))
    return {name: _mean(values) for name, values in figures.items()}


def lead_time_report(history: History) -> dict:
    """Return lead time, churn, the list's accuracy, and the same per group of students."""
    return {
        "replay_days": [day.isoformat() for day in history.days],
        "students": len(history.students),
        "lead_time": summarise_lead_time(lead_times(history)),
        "churn": churn(history),
        "accuracy": list_accuracy(history),
        "groups": _per_group(history),
    }


def _per_group(history: History) -> dict:
    report = {}
    attributes = sorted({name for groups in history.groups.values() for name in groups})
    for attribute in attributes:
        values = sorted({g[attribute] for g in history.groups.values() if attribute in g})
        report[attribute] = {}
        for value in values:
            members = {s for s, g in history.groups.items() if g.get(attribute) == value}
            report[attribute][value] = {
                "students": len(members & history.students),
                "lead_time": summarise_lead_time(lead_times(history, members)),
                **list_accuracy(history, members),
            }
    return report


def _streaks(history: History, student: int) -> int:
    on = [student in history.flagged[day] for day in history.days]
    return sum(1 for index, now in enumerate(on) if now and (index == 0 or not on[index - 1]))


def _ratio(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def _share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _mean(values: list[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return round(mean(known), 1) if known else None


def format_lead_time(school_name: str, report: dict) -> str:
    """Render a lead-time report as the text `flask risk lead-time` prints."""
    lead, turnover, accuracy = report["lead_time"], report["churn"], report["accuracy"]
    days = report["replay_days"]
    lines = [
        f"== {school_name}: {report['students']} students, {len(days)} replay days "
        f"({days[0] if days else '–'} to {days[-1] if days else '–'})",
        f"failing term grades: {lead['failing_grades']}; flagged before the grade: "
        f"{lead['flagged_before']}; never flagged before it: {lead['never_flagged']}",
        f"lead time: median {lead['median_weeks']} weeks; at least 4 weeks ahead "
        f"{_text(lead['share_4_weeks'])}; at least 8 weeks ahead {_text(lead['share_8_weeks'])}",
        f"watch list against the next term grades (mean over replay days): precision "
        f"{_text(accuracy['precision'])}, recall {_text(accuracy['recall'])}, false alarms "
        f"{_text(accuracy['false_positive_rate'])}",
        f"churn: {turnover['mean_on_list']} on the list on average; each week "
        f"{turnover['mean_entered']} enter and {turnover['mean_left']} leave (turnover "
        f"{_text(turnover['weekly_turnover'])}); {turnover['students_ever_flagged']} ever "
        f"flagged, {turnover['flagged_more_than_once']} of them more than once",
        "", f"  {'group':34} {'n':>4} {'failing':>8} {'median lead':>12} {'precision':>10} "
            f"{'recall':>7} {'false alarms':>13}",
    ]
    for attribute, values in report["groups"].items():
        for value, cell in values.items():
            lines.append(
                f"  {attribute + ' ' + value:34} {cell['students']:>4} "
                f"{cell['lead_time']['failing_grades']:>8} "
                f"{_weeks(cell['lead_time']['median_weeks']):>12} {_text(cell['precision']):>10} "
                f"{_text(cell['recall']):>7} {_text(cell['false_positive_rate']):>13}")
    return "\n".join(lines)


def _text(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %"


def _weeks(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} wk"
