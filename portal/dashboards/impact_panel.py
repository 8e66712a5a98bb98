"""Turn dated observations into the impact estimate's weekly panel and participants.

Pure: no Flask, no database. Weeks are counted from the Monday of the first day.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np

from portal.core.time import monday_of
from portal.dashboards.impact import Panel, Treated


def week_index(day: date, first: date) -> int:
    """Return the number of the week a day falls in, counted from the week of `first`:
    whole weeks since that week's Monday (the days before it fall in negative weeks)."""
    return (day - monday_of(first)).days // 7


def build_panel(ids: list[int], first: date, today: date, weekly: np.ndarray,
                risk: Iterable[tuple[int, date, float]]) -> Panel:
    """Return weekly means (with their number of observations) and the latest risk score.

    `ids` are the students in order (rows of the panel); `weekly` has a row of (student,
    week number (week_index), sum, number of observations) per student and week.
    """
    rows = {student: row for row, student in enumerate(ids)}
    weeks = week_index(today, first) + 1
    sums, weights = np.zeros((len(ids), weeks)), np.zeros((len(ids), weeks))
    weekly = np.asarray(weekly, dtype=float).reshape(-1, 4)
    row, week = rows_of(ids, weekly[:, 0]), weekly[:, 1].astype(int)
    kept = (row >= 0) & (week >= 0) & (week < weeks)
    np.add.at(sums, (row[kept], week[kept]), weekly[kept, 2])
    np.add.at(weights, (row[kept], week[kept]), weekly[kept, 3])
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.where(weights > 0, sums / np.maximum(weights, 1), np.nan)
    scores = np.full((len(ids), weeks), np.nan)
    for student, day, score in sorted(risk, key=lambda found: found[1]):
        if student in rows:  # the latest score from its week on
            scores[rows[student], max(week_index(day, first), 0):] = score
    return Panel(values=values, weights=weights, risk=scores)


def rows_of(ids: list[int], students: np.ndarray) -> np.ndarray:
    """Return the panel row of each student (its place in `ids`), or -1 when not there."""
    if not len(ids):
        return np.full(len(students), -1)
    order = np.argsort(ids, kind="stable")
    known = np.asarray(ids, dtype=float)[order]
    place = np.minimum(np.searchsorted(known, students), len(ids) - 1)
    return np.where(known[place] == students, order[place], -1)


def program_participants(ids: list[int], grades: list[int | None], clusters: list,
                         starts: dict[int, date], first: date) -> list[Treated]:
    """Return each participant with the students of the same grade who never took part."""
    rows = {student: row for row, student in enumerate(ids)}
    grade = np.array([-1 if level is None else level for level in grades])
    never = np.ones(len(ids), bool)
    never[[rows[student] for student in starts if student in rows]] = False
    return [Treated(row=rows[student], start=week_index(start, first), cluster=clusters[
        rows[student]], candidates=np.flatnonzero((grade == grade[rows[student]]) & never))
        for student, start in sorted(starts.items()) if student in rows]


def _flag_of(intervention: dict, flags_of: dict[int, list[dict]]) -> dict | None:
    """Return the flag an intervention answered: its own, or the student's last before it."""
    flags = flags_of.get(intervention["student_id"], [])
    linked = [flag for flag in flags if flag["id"] == intervention["risk_assessment_id"]]
    earlier = [flag for flag in flags if flag["on"] <= intervention["opened_on"]]
    return (linked or earlier[-1:] or [None])[0]


@dataclass(frozen=True)
class Helped:
    """A student helped after a flag: the flag's week, and the students flagged alike that
    week and not helped by the end of the after window (their comparison pool, by id)."""

    student_id: int
    week: int
    alike: tuple[int, ...]


def helped_after_flags(interventions: list[dict], flags: list[dict], first: date,
                       post_weeks: int,
                       reasons_of: Callable[[list[int]], dict[int, frozenset]]
                       ) -> tuple[list[Helped], Counter]:
    """Return students helped after a flag, each with the students flagged the same week
    at the same level (and for the same reasons when any such student exists) who had no
    intervention yet by the end of the after window. Students helped only after that
    window are left out, and so are those helped with no flag this year ("no_flag").

    `reasons_of` gives the indicators behind flags (by id); it is asked once, for the
    flags of the weeks and levels someone was helped after, not for every flag of the year.
    """
    flags_of: dict[int, list[dict]] = {}
    for flag in sorted(flags, key=lambda found: found["on"]):
        flags_of.setdefault(flag["student_id"], []).append(flag)
    week_of = {flag["id"]: week_index(flag["on"], first) for flag in flags}
    helped_from = {item["student_id"]: week_index(item["opened_on"], first)
                   for item in interventions}
    answered, excluded = [], Counter()
    for item in interventions:
        flag = _flag_of(item, flags_of)
        if flag is None:
            excluded["no_flag"] += 1
        elif helped_from[item["student_id"]] >= week_of[flag["id"]] + post_weeks:
            excluded["late"] += 1  # helped after the after window: nothing to see
        else:
            answered.append((item["student_id"], flag, week_of[flag["id"]]))
    # The students flagged alike and not helped by the end of the window, by week and level.
    groups = {(week, flag["level"]): [] for _, flag, week in answered}
    for flag in flags:
        week = week_of[flag["id"]]
        if (week, flag["level"]) in groups \
                and helped_from.get(flag["student_id"], 10 ** 6) > week + post_weeks:
            groups[week, flag["level"]].append(flag)
    reasons = reasons_of(sorted({flag["id"] for _, flag, _ in answered}.union(
        *({flag["id"] for flag in group} for group in groups.values()))))
    pools: dict[tuple, tuple[int, ...]] = {}
    helped = []
    for student, flag, week in answered:
        key = (week, flag["level"], reasons[flag["id"]])
        if key not in pools:  # the helped of one week share their pools: worked out once
            group = groups[week, flag["level"]]
            alike = [other for other in group if reasons[other["id"]] == key[2]] or group
            pools[key] = tuple(sorted({other["student_id"] for other in alike}))
        helped.append(Helped(student, week, pools[key]))
    return helped, excluded


def panel_students(helped: list[Helped]) -> list[int]:
    """Return, in order, the students an intervention comparison reads: the helped and
    their pools (nobody else can be compared)."""
    return sorted({one.student_id for one in helped}.union(*(one.alike for one in helped)))


def intervention_participants(ids: list[int], clusters: list,
                              helped: list[Helped]) -> list[Treated]:
    """Return each helped student as a participant of the panel of `ids` (which holds them
    and their pools: panel_students)."""
    rows = {student: row for row, student in enumerate(ids)}
    return [Treated(row=rows[one.student_id], start=one.week,
                    cluster=clusters[rows[one.student_id]],
                    candidates=np.array(sorted(rows[student] for student in one.alike), int))
            for one in helped]
