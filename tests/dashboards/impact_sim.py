"""Simulated schools for the impact estimates: weekly attendance rates with a planted effect.

Every student has their own level, weekly noise that lingers (AR(1): a dip fades away by
itself over a few weeks) and a section-wide shock each week. Who takes part, and when,
depends on the scenario; the planted effect is added to participants' weeks from their
start on.
"""

from dataclasses import dataclass

import numpy as np

from portal.dashboards.impact import Panel, Treated

WEEKS = 16
DAYS = 5.0
DIP_WEEKS = 4
DIP_BELOW = 82.0


@dataclass
class School:
    rng: np.random.Generator
    grade: np.ndarray
    section: np.ndarray
    values: np.ndarray
    level: np.ndarray  # each student's usual attendance, unknown to the school


def make_school(rng: np.random.Generator, *, students: int = 400, sections: int = 20,
                section_sd: float = 1.0, persistence: float = 0.7, level_sd: float = 3.0,
                noise_sd: float = 4.0) -> School:
    """Return a school's weekly attendance rates before any program."""
    section = np.arange(students) % sections
    noise = np.zeros((students, WEEKS))
    shocks = rng.normal(0, noise_sd, (students, WEEKS))
    for week in range(WEEKS):
        noise[:, week] = (persistence * noise[:, week - 1] if week else 0) + shocks[:, week]
    level = rng.normal(88, level_sd, students)
    values = level[:, None] + noise + rng.normal(0, section_sd, (sections, WEEKS))[section]
    return School(rng, section // 10 + 9, section, values, level)


def panel_of(school: School, starts: dict[int, int], effect: float) -> Panel:
    """Return the observed panel: participants gain `effect` points from their start."""
    values = school.values.copy()
    for row, start in starts.items():
        values[row, start:] += effect
    lagged = np.column_stack([np.full(len(values), values.mean()), values[:, :-1]])
    return Panel(values=values, weights=np.full(values.shape, DAYS),
                 risk=np.clip(95 - lagged, 0, None))


def treated_of(school: School, starts: dict[int, int]) -> list[Treated]:
    """Return participants with their section as cluster; candidates: same grade, not enrolled."""
    enrolled = np.zeros(len(school.grade), bool)
    enrolled[list(starts)] = True
    return [Treated(row=row, start=start, cluster=int(school.section[row]),
                    candidates=np.flatnonzero((school.grade == school.grade[row]) & ~enrolled))
            for row, start in starts.items()]


def after_a_dip(school: School, share: float = 0.5) -> dict[int, int]:
    """Enrol about `share` of the students whose attendance just spent four weeks low.

    Low: the four weeks' mean below DIP_BELOW, the first time from week 6 on. Some of them
    are always low, most dipped by chance; nothing is planted, and a dip fades by itself.
    """
    starts = {}
    for row, values in enumerate(school.values):
        for week in range(6, WEEKS - 2):
            if values[week - DIP_WEEKS:week].mean() < DIP_BELOW:
                if school.rng.random() < share:
                    starts[row] = week
                break
    return starts


def at_random(school: School, count: int) -> dict[int, int]:
    """Enrol `count` students drawn at random, each from a random week."""
    rows = school.rng.choice(len(school.grade), count, replace=False)
    return {int(row): int(school.rng.integers(6, WEEKS - 3)) for row in rows}


def whole_sections(school: School, sections: tuple[int, ...], start: int) -> dict[int, int]:
    """Enrol every student of the given sections from one week."""
    return {int(row): start for row in np.flatnonzero(np.isin(school.section, sections))}


def flagged(school: School, below: float = 80.0, weeks: int = 3) -> dict[int, int]:
    """Return {student: flag week}: the first week from 6 on whose last `weeks` weeks'
    mean was below `below` (a flag is computed from the weeks before it)."""
    flags = {}
    for row, values in enumerate(school.values):
        for week in range(6, WEEKS - 2):
            if values[week - weeks:week].mean() < below:
                flags[row] = week
                break
    return flags


def interventions_for(school: School, flags: dict[int, int], share: float = 0.5):
    """Give an intervention to about `share` of the flagged students (chance decides).

    Returns (treated, starts): comparison candidates are the other flagged students of the
    same flag week, as the intervention page does.
    """
    helped = {row: week for row, week in flags.items() if school.rng.random() < share}
    treated = [Treated(row=row, start=week, cluster=row, candidates=np.array(
        [other for other, when in flags.items() if when == week and other not in helped], int))
        for row, week in helped.items()]
    return treated, helped
