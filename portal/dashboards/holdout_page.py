"""The measured messages' page: each program's lottery, weeks and (once over) its effect."""

from datetime import date, timedelta

import numpy as np

from portal.core.time import to_local
from portal.dashboards.holdout_estimate import MIN_FAMILIES, compare, shown
from portal.dashboards.holdout_queries import (
    attendance_rates,
    failing_students,
    lot_counts,
    measured_students,
    missing_work_counts,
)
from portal.messaging.holdout import measured_weeks, setting_of
from portal.messaging.models import HoldoutSetting, NudgeProgram
from portal.people.models import School

OUTCOMES = ("attendance", "missing_work", "failing")


class State:
    """Where a program's measurement is."""

    OFF = "off"  # never started
    STOPPED = "stopped"  # turned off before its weeks were over: no result
    RUNNING = "running"  # the result is shown when the weeks are over, not before
    DONE = "done"


def _state(setting: HoldoutSetting | None, school: School, today: date) -> str:
    period = measured_weeks(setting)
    if period is None:
        return State.OFF
    if not setting.measuring and to_local(setting.changed_at, school.timezone).date() < period[1]:
        return State.STOPPED
    return State.RUNNING if today < period[1] else State.DONE


def _outcome_values(outcome: str, ids: list[int], first: date, last: date,
                    school: School) -> dict[int, float]:
    if outcome == "attendance":
        return attendance_rates(ids, first, last)
    if outcome == "missing_work":
        return missing_work_counts(ids, first, last)
    return failing_students(ids, first, last, school.pass_mark_percent)


def _comparisons(setting: HoldoutSetting, school: School) -> dict:
    students, mixed = measured_students(setting)
    ids = sorted(students)
    families = np.array([students[i][0] for i in ids], int)
    held_out = np.array([students[i][1] for i in ids], bool)
    first, end = measured_weeks(setting)
    rows = []
    for outcome in OUTCOMES:
        found = _outcome_values(outcome, ids, first, end - timedelta(days=1), school)
        values = np.array([found.get(i, np.nan) for i in ids], float)
        comparison = compare(values, families, held_out, seed=setting.id)
        rows.append({"outcome": outcome, "comparison": comparison, "shown": shown(comparison)})
    return {"outcomes": rows, "mixed": mixed}


def program_effect(school: School, program: str, today: date) -> dict:
    """Return one program's measurement: its setting, weeks, state and, when over, results."""
    setting = setting_of(school.id, program)
    state = _state(setting, school, today)
    period = measured_weeks(setting)
    result = {"program": program, "setting": setting, "period": period, "state": state,
              "last_day": period[1] - timedelta(days=1) if period else None,
              "lots": lot_counts(setting) if setting else None, "min_families": MIN_FAMILIES}
    if state == State.DONE:
        result.update(_comparisons(setting, school))
    return result


def message_effects(school: School, today: date) -> list[dict]:
    """Return the measurement of every nudge program of the school."""
    return [program_effect(school, program, today) for program in NudgeProgram.ALL]
